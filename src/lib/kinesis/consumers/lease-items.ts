/**
 * KCL lease items as DynamoDB stores them (KCL 1.x, 2.x, 3.x and multi-stream), read from DynamoDB
 * JSON: the output of `aws dynamodb scan` (one page, several pages concatenated, or a list of them)
 * or the items of a live Scan.
 *
 * Attribute names (KCL's DynamoDBLeaseSerializer / DynamoDBMultiStreamLeaseSerializer): leaseKey,
 * leaseOwner, leaseCounter, ownerSwitchesSinceCheckpoint, checkpoint, checkpointSubSequenceNumber,
 * pendingCheckpoint, parentShardId (a string set), childShardIds (2.x ≥ 2.3: childShardId),
 * checkpointOwner (3.x graceful hand-off), throughputKBps (3.x), and for multi-stream leases
 * streamName (the stream identifier, `account:name:creationEpoch`) and shardId.
 * The attribute reader is written here rather than taken from @aws-sdk/util-dynamodb: numbers stay
 * exact (lease counters pass 2^53 in no table, but sequence numbers are strings anyway) and a bad
 * attribute is named in the error.
 */
import {InputError} from '../../core/errors.js'

export const SENTINELS = ['TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP', 'SHARD_END'] as const
export type Sentinel = (typeof SENTINELS)[number]

export interface Lease {
  checkpoint: null | string
  /** KCL 3.x: the worker that still holds the checkpoint during a graceful hand-off. */
  checkpointOwner: null | string
  childShardIds: string[]
  leaseCounter: null | number
  leaseKey: string
  owner: null | string
  ownerSwitchesSinceCheckpoint: null | number
  parentShardIds: string[]
  pendingCheckpoint: null | string
  shardId: string
  /** Multi-stream leases: the stream's name (from `account:name:epoch` or `name:shardId`); null for single-stream tables. */
  streamName: null | string
  /** KCL 3.x leases carry their throughput (leases are balanced by load, not count). */
  throughputKBps: null | number
}

export type AttributeMap = Record<string, Record<string, unknown> | undefined>

function str(item: AttributeMap, name: string): null | string {
  const v = item[name]
  if (v === undefined || v === null) return null
  if (typeof v.S === 'string') return v.S
  if (typeof v.N === 'string') return v.N
  return null
}

function num(item: AttributeMap, name: string): null | number {
  const v = item[name]
  if (v === undefined || v === null) return null
  const text = typeof v.N === 'string' ? v.N : typeof v.S === 'string' ? v.S : undefined
  if (text === undefined) return null
  const n = Number(text)
  return Number.isFinite(n) ? n : null
}

function set(item: AttributeMap, name: string): string[] {
  const v = item[name]
  if (v === undefined || v === null) return []
  if (Array.isArray(v.SS)) return v.SS.filter((s): s is string => typeof s === 'string')
  if (typeof v.S === 'string') return [v.S]
  if (Array.isArray(v.L))
    return v.L.flatMap((e) => (typeof (e as {S?: unknown}).S === 'string' ? [(e as {S: string}).S] : []))
  return []
}

// Kinesis shard ids are shardId-<12 digits>; the DynamoDB Streams adapter's carry a suffix.
const SHARD_ID = /^shardId-[\w-]+$/

/** The stream name in a multi-stream identifier: `account:name:epoch` → name; a bare name stays. */
function streamNameOf(identifier: string): string {
  const parts = identifier.split(':')
  return parts.length === 3 ? parts[1]! : identifier
}

/** One lease item, or an error message naming what is missing. */
export function leaseFromItem(item: AttributeMap): Lease | string {
  const leaseKey = str(item, 'leaseKey')
  if (leaseKey === null) return 'no leaseKey attribute (S)'
  const multiStreamId = str(item, 'streamName')
  let shardId = str(item, 'shardId')
  let streamName = multiStreamId === null ? null : streamNameOf(multiStreamId)
  if (shardId === null) {
    // Single-stream leases are keyed by the shard id; multi-stream keys end with ":shardId-…".
    const at = leaseKey.lastIndexOf(':')
    shardId = at === -1 ? leaseKey : leaseKey.slice(at + 1)
    if (at !== -1 && streamName === null) streamName = streamNameOf(leaseKey.slice(0, at))
  }

  return {
    checkpoint: str(item, 'checkpoint'),
    checkpointOwner: str(item, 'checkpointOwner'),
    childShardIds: [...new Set([...set(item, 'childShardId'), ...set(item, 'childShardIds')])],
    leaseCounter: num(item, 'leaseCounter'),
    leaseKey,
    owner: str(item, 'leaseOwner'),
    ownerSwitchesSinceCheckpoint: num(item, 'ownerSwitchesSinceCheckpoint'),
    parentShardIds: set(item, 'parentShardId'),
    pendingCheckpoint: str(item, 'pendingCheckpoint'),
    shardId,
    streamName,
    throughputKBps: num(item, 'throughputKBps'),
  }
}

/** Is this a shard-lease key at all (KCL 3.x tables hold only leases; other tools' tables do not)? */
export function looksLikeShardLease(lease: Lease): boolean {
  return SHARD_ID.test(lease.shardId)
}

export function isSentinel(checkpoint: null | string): checkpoint is Sentinel {
  return checkpoint !== null && (SENTINELS as readonly string[]).includes(checkpoint)
}

/**
 * The JSON documents in a text: one document, or several written one after another (pages of
 * `aws dynamodb scan` appended to one file). Strings are skipped so braces inside them do not count.
 */
export function splitJsonDocuments(text: string, source: string): unknown[] {
  const docs: unknown[] = []
  let depth = 0
  let start = -1
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (inString) {
      if (c === '\\') i++
      else if (c === '"') inString = false
      continue
    }

    switch (c) {
      case '"': {
        inString = true
        break
      }

      case '[':
      case '{': {
        if (depth === 0) start = i
        depth++

        break
      }

      case ']':
      case '}': {
        depth--
        if (depth === 0) docs.push(parseOne(text.slice(start, i + 1), source, docs.length))
        if (depth < 0) throw notJson(source, `an unmatched "${c}" at character ${i + 1}`)

        break
      }

      default: {
        if (depth === 0 && !/\s/.test(c!)) {
          throw notJson(source, `"${c}" outside a JSON document at character ${i + 1}`)
        }
      }
    }
  }

  if (depth !== 0) throw notJson(source, 'the text ends inside a JSON document (cut short?)')
  return docs
}

function parseOne(text: string, source: string, index: number): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw notJson(source, `document ${index + 1}: ${(error as Error).message}`)
  }
}

function notJson(source: string, why: string): InputError {
  return new InputError(`${source} is not DynamoDB JSON: ${why}`, {
    suggestions: [
      'Save the lease table with: aws dynamodb scan --table-name APP --output json > leases.json (pages may be appended to one file).',
    ],
  })
}

/** The items of a scan output (or several), in DynamoDB JSON. */
export function itemsOfScanOutput(docs: unknown[], source: string): AttributeMap[] {
  const items: AttributeMap[] = []
  const visit = (doc: unknown): void => {
    if (Array.isArray(doc)) {
      for (const d of doc) visit(d)
      return
    }

    if (doc && typeof doc === 'object') {
      const o = doc as {Items?: unknown; leaseKey?: unknown}
      if (Array.isArray(o.Items)) {
        for (const it of o.Items) if (it && typeof it === 'object') items.push(it as AttributeMap)
        return
      }

      // A bare item (one element of Items), e.g. from `aws dynamodb get-item --query Item`.
      if (o.leaseKey && typeof o.leaseKey === 'object') {
        items.push(o as AttributeMap)
        return
      }

      const wrapped = (doc as {Item?: unknown}).Item
      if (wrapped && typeof wrapped === 'object') {
        items.push(wrapped as AttributeMap)
        return
      }
    }

    throw new InputError(`${source}: a document has no "Items" list (is it the output of aws dynamodb scan?)`, {
      suggestions: ['Save the lease table with: aws dynamodb scan --table-name APP --output json > leases.json'],
    })
  }

  for (const d of docs) visit(d)
  return items
}

export interface ParsedLeases {
  leases: Lease[]
  /** KCL 3.5 single-table items beside the leases (worker metrics, leader lock, migration state), by their entityType. */
  metadata: AttributeMap[]
  /** Items that are not shard leases, with why (skipped, reported as a warning). */
  skipped: string[]
}

export function parseLeaseItems(items: AttributeMap[]): ParsedLeases {
  const leases: Lease[] = []
  const metadata: AttributeMap[] = []
  const skipped: string[] = []
  for (const [i, item] of items.entries()) {
    const entity = item.entityType?.S
    if (typeof entity === 'string' && entity !== 'LEASE') {
      metadata.push(item)
      continue
    }

    const lease = leaseFromItem(item)
    if (typeof lease === 'string') skipped.push(`item ${i + 1}: ${lease}`)
    else if (looksLikeShardLease(lease)) leases.push(lease)
    else skipped.push(`item ${i + 1} (leaseKey ${lease.leaseKey}): not a shard lease`)
  }

  return {leases, metadata, skipped}
}

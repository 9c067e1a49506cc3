/**
 * `kinesis consumers`: every consumer of one stream (KCL applications through their lease tables,
 * Lambda event source mappings, enhanced fan-out consumers), the lag of each shard they read and
 * what is wrong. Live (`kinesisConsumers`) or from saved files (`reviewSavedLeases`).
 */
import {readFile} from 'node:fs/promises'

import type {ClientOf} from '../../aws/clients.js'
import type {RunContext} from '../../core/run-context.js'
import type {Consumer, ConsumersResult} from './types.js'

import {InputError} from '../../core/errors.js'
import {describeStream, listShards, type StreamRef} from '../stream.js'
import {analyseEfoConsumer, listEfoConsumers} from './efo.js'
import {analyseKcl} from './kcl-findings.js'
import {analyseMapping, listStreamMappings} from './lambda.js'
import {itemsOfScanOutput, type Lease, parseLeaseItems, splitJsonDocuments} from './lease-items.js'
import {scanLeaseTable} from './lease-table.js'
import {readShardLags} from './shard-lag.js'
import {parseShardList} from './shard-map.js'

export interface ConsumerClients {
  dynamodb: () => Promise<Pick<ClientOf<'dynamodb'>, 'send'>>
  kinesis: Pick<ClientOf<'kinesis'>, 'send'>
  /** Absent: Lambda mappings are not looked for (e.g. against an emulator without Lambda). */
  lambda?: (() => Promise<Pick<ClientOf<'lambda'>, 'send'>>) | undefined
}

export interface LiveRequest {
  concurrency?: number
  consistentRead?: boolean
  /** Look for enhanced fan-out consumers (ListStreamConsumers). */
  efo: boolean
  /** KCL lease tables to read: the application name is the table name by default. */
  leaseTables: string[]
  /** Read the lease tables again after this long: dead workers and stuck checkpoints. */
  sampleMs?: number | undefined
  stream: StreamRef
}

/** Leases of this stream only: a multi-stream table holds leases of several streams. */
function ofStream(leases: Lease[], stream: null | string): Lease[] {
  if (stream === null) return leases
  return leases.filter((l) => l.streamName === null || l.streamName === stream)
}

export async function kinesisConsumers(
  clients: ConsumerClients,
  request: LiveRequest,
  ctx: RunContext,
): Promise<ConsumersResult> {
  const summary = await describeStream(clients.kinesis, request.stream, ctx.signal)
  const ref = {streamArn: request.stream.streamArn, streamName: summary.streamName}
  const shards = await listShards(clients.kinesis, ref, {openOnly: false, signal: ctx.signal})
  const retentionHours = summary.retentionHours ?? null
  const consumers: Consumer[] = []

  for (const table of request.leaseTables) {
    const dynamodb = await clients.dynamodb()
    ctx.progress({detail: table, label: 'Scanning lease table'})
    const first = readLeases(await scanLeaseTable(dynamodb, table, ctx, request), summary.streamName, table, ctx)
    const now = ctx.now().getTime()
    const listed = new Set(shards.map((s) => s.shardId))
    const lags = await readShardLags(
      clients.kinesis,
      {
        concurrency: request.concurrency,
        ref,
        shards: first.filter((l) => listed.has(l.shardId)).map((l) => ({checkpoint: l.checkpoint, shardId: l.shardId})),
      },
      ctx,
    )
    let after: Lease[] | undefined
    if (request.sampleMs !== undefined) {
      ctx.progress({detail: `${Math.round(request.sampleMs / 1000)} s`, label: 'Waiting for the second read'})
      await ctx.sleep(request.sampleMs)
      after = readLeases(await scanLeaseTable(dynamodb, table, ctx, request), summary.streamName, table, ctx)
    }

    consumers.push(
      analyseKcl({
        after,
        lags,
        lagUnknownReason: 'not read',
        leases: first,
        name: table,
        now,
        retentionHours,
        sampleMs: request.sampleMs,
        shards,
        source: `lease table ${table}`,
      }),
    )
  }

  const notChecked: ConsumersResult['notChecked'] = []
  // Lambda mappings and enhanced fan-out consumers are looked for on the side: a denied or
  // unavailable call leaves them unknown (said so), it does not hide the lease tables' findings.
  const aside = async (what: string, look: () => Promise<Consumer[]>): Promise<void> => {
    try {
      consumers.push(...(await look()))
    } catch (error) {
      if (ctx.signal.aborted) throw error
      const e = error as {message?: string; name?: string}
      const reason = `${e.name ?? 'Error'}: ${e.message ?? ''}`.trim()
      notChecked.push({reason, what})
      ctx.warn(`${what} not checked (${reason})`)
    }
  }

  if (summary.streamArn) {
    const arn = summary.streamArn
    const {lambda} = clients
    if (lambda)
      await aside('Lambda event source mappings', async () =>
        (await listStreamMappings(await lambda(), arn, ctx)).map((m) => analyseMapping(m)),
      )
    else notChecked.push({reason: '--no-lambda', what: 'Lambda event source mappings'})
    if (request.efo)
      await aside('enhanced fan-out consumers', async () =>
        (await listEfoConsumers(clients.kinesis, arn, ctx)).map((c) => analyseEfoConsumer(c)),
      )
  } else {
    notChecked.push({reason: 'the stream ARN is unknown', what: 'Lambda mappings and enhanced fan-out consumers'})
  }

  return result(summary.streamName, retentionHours, consumers, notChecked)
}

function readLeases(
  items: Parameters<typeof parseLeaseItems>[0],
  stream: string,
  source: string,
  ctx: RunContext,
): Lease[] {
  const parsed = parseLeaseItems(items)
  if (parsed.skipped.length > 0)
    ctx.warn(
      `${source}: ${parsed.skipped.length} item(s) skipped, not shard leases (${parsed.skipped.slice(0, 3).join('; ')})`,
    )
  return ofStream(parsed.leases, stream)
}

export interface SavedRequest {
  leaseTableFile: string
  /** Retention in hours when the shard file does not say (list-shards output does not). */
  retentionHours?: number | undefined
  shardMapFile: string
  /** The stream to pick in a multi-stream lease table; default: the shard file's, else every lease. */
  stream?: string | undefined
}

async function readText(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    throw new InputError(`cannot read ${flag} ${path}: ${(error as Error).message}`, {suggestions: ['Check the path.']})
  }
}

/** The same review from saved files: `aws dynamodb scan` output and `aws kinesis list-shards` output. */
export async function reviewSavedLeases(request: SavedRequest, ctx: RunContext): Promise<ConsumersResult> {
  const leaseSource = `--lease-table-json ${request.leaseTableFile}`
  const items = itemsOfScanOutput(
    splitJsonDocuments(await readText(request.leaseTableFile, '--lease-table-json'), leaseSource),
    leaseSource,
  )
  const list = parseShardList(
    await readText(request.shardMapFile, '--shard-map'),
    `--shard-map ${request.shardMapFile}`,
  )
  const stream = request.stream ?? list.streamName
  const parsed = parseLeaseItems(items)
  if (parsed.skipped.length > 0)
    ctx.warn(
      `${leaseSource}: ${parsed.skipped.length} item(s) skipped, not shard leases (${parsed.skipped.slice(0, 3).join('; ')})`,
    )
  const streams = new Set(parsed.leases.map((l) => l.streamName).filter((s) => s !== null))
  if (stream === null && streams.size > 1) {
    throw new InputError(`${leaseSource} holds leases of ${streams.size} streams (${[...streams].join(', ')})`, {
      suggestions: ['Name the stream to review with --stream NAME.'],
    })
  }

  const retentionHours = list.retentionHours ?? request.retentionHours ?? null
  const name = request.leaseTableFile
    .split(/[/\\]/)
    .pop()!
    .replace(/\.json$/, '')
  const consumer = analyseKcl({
    lags: new Map(),
    lagUnknownReason: 'offline: lag needs the stream (run with --stream to read it)',
    leases: ofStream(parsed.leases, stream),
    name,
    now: ctx.now().getTime(),
    retentionHours,
    shards: list.shards,
    source: leaseSource,
  })
  return result(
    stream,
    retentionHours,
    [consumer],
    [
      {
        reason: 'offline review of a lease table',
        what: 'lag, Lambda event source mappings and enhanced fan-out consumers',
      },
    ],
  )
}

function result(
  stream: null | string,
  retentionHours: null | number,
  consumers: Consumer[],
  notChecked: ConsumersResult['notChecked'],
): ConsumersResult {
  const summary = {critical: 0, info: 0, warning: 0}
  for (const c of consumers) for (const f of c.findings) summary[f.severity]++
  return {consumers, notChecked, retentionHours, stream, summary}
}

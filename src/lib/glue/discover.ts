/**
 * Discover the partitions that exist in S3 under a table's root.
 *
 * Default: walk one level per path segment of the layout with ListObjectsV2 + Delimiter "/", full
 * ContinuationToken pagination, bounded concurrency, pruning whole prefixes by the scope. It costs
 * ⌈children / 1000⌉ requests per prefix walked and never lists the objects inside a partition.
 * `fullListing`: one recursive listing of the root (⌈objects / 1000⌉ requests), for flat or shallow
 * tables; it sees every object, so it also knows which partitions hold only marker objects.
 */
import {ListObjectsV2Command, type ListObjectsV2CommandOutput, type S3Client} from '@aws-sdk/client-s3'
import pLimit from 'p-limit'

import type {DateComponents} from './date-format.js'

import {abortOpts} from './catalog.js'
import {keysCompleteAfter, type Layout, matchLevel} from './layout.js'
import {prefixInScope, type Scope, valuesInScope} from './scope.js'

export interface IgnoredCounts {
  /** Zero-byte "folder" objects whose key ends in "/". */
  folderKeys: number
  /** Hadoop s3n `…_$folder$` marker objects. */
  folderMarkers: number
  /** Names starting with "." or "_" (without "="): hidden to Hive, Spark and Athena. */
  hidden: number
  /** `_SUCCESS` files of Hadoop/Spark committers. */
  successFiles: number
  /** Objects and prefixes under `_temporary/` (jobs still writing, or failed ones). */
  temporary: number
}

export type AnomalyKind =
  | 'duplicate-values'
  | 'empty-value'
  | 'invalid-value'
  | 'nested-table'
  | 'no-template-match'
  | 'objects-outside-partitions'
  | 'outside-root'
  | 'wrong-key-order'

export interface Anomaly {
  detail: string
  kind: AnomalyKind
  location: string
}

export interface DiscoveredPartition {
  /** True: holds data; false: holds only marker objects; undefined: not looked inside (walk). */
  hasData?: boolean | undefined
  /** s3://bucket/prefix/ of the partition, exactly as in S3. */
  location: string
  values: string[]
}

export interface Discovery {
  anomalies: Anomaly[]
  /** Key-case mismatches seen (Hive layout): "Year" where the key is "year". */
  caseMismatches: Array<{expected: string; found: string}>
  /** Prefixes listed (walk): a child not among their sub-prefixes holds no object at all. */
  listed: Set<string>
  partitions: DiscoveredPartition[]
  scanned: {
    /** Partition prefixes holding only marker objects (not added; reported apart). */
    empty: number
    ignored: IgnoredCounts
    mode: 'full-listing' | 'walk'
    /** Partitions found with data (or not looked inside). */
    partitions: number
    /** Prefixes listed (walk) or directories seen (full listing). */
    prefixes: number
    /** Prefixes skipped by --since / --where. */
    pruned: number
    requests: number
  }
  /** Child prefixes seen under listed prefixes (keys, not URIs). */
  seen: Set<string>
}

export interface DiscoverOptions {
  /** Look inside each partition found by the walk (one more request each) to tell empty from data. */
  checkEmpty?: boolean
  concurrency: number
  /** Prefixes (keys in the root's bucket, ending in "/") of other tables: never walked into. */
  exclude?: string[]
  fullListing?: boolean
  layout: Layout
  /** With fullListing: the objects from elsewhere (an S3 Inventory report, ./inventory.ts) instead of listing the root. */
  objects?: AsyncIterable<Array<{Key?: string | undefined; Size?: number | undefined}>> | undefined
  onProgress?: (p: {partitions: number; prefixes: number; requests: number}) => void
  scope: Scope
  signal?: AbortSignal | undefined
}

export type ObjectClass = 'data' | keyof IgnoredCounts

/** Classify an object by its path relative to a prefix (`_SUCCESS`, `x/_temporary/0/part`, `a_$folder$`, …). */
export function classifyObject(relative: string, size: number | undefined): ObjectClass {
  if (relative === '' || (relative.endsWith('/') && (size ?? 0) === 0)) return 'folderKeys'
  const segments = relative.split('/').filter((s) => s !== '')
  const name = segments.at(-1) ?? ''
  if (name.endsWith('_$folder$')) return 'folderMarkers'
  if (segments.slice(0, -1).includes('_temporary') || name === '_temporary') return 'temporary'
  if (name === '_SUCCESS') return 'successFiles'
  if (segments.some((s) => isHiddenName(s))) return 'hidden'
  return 'data'
}

/** Hidden like Spark's rule: starts with "." , or with "_" and has no "=". */
export function isHiddenName(name: string): boolean {
  return name.startsWith('.') || (name.startsWith('_') && !name.includes('='))
}

function uri(bucket: string, key: string): string {
  return `s3://${bucket}/${key}`
}

function emptyIgnored(): IgnoredCounts {
  return {folderKeys: 0, folderMarkers: 0, hidden: 0, successFiles: 0, temporary: 0}
}

interface Partial {
  components: DateComponents
  /** Text per key so far (multi-segment keys grow level by level). */
  texts: string[]
}

export async function discoverPartitions(s3: S3Client, options: DiscoverOptions): Promise<Discovery> {
  const {layout} = options
  const discovery: Discovery = {
    anomalies: [],
    caseMismatches: [],
    listed: new Set(),
    partitions: [],
    scanned: {
      empty: 0,
      ignored: emptyIgnored(),
      mode: options.fullListing ? 'full-listing' : 'walk',
      partitions: 0,
      prefixes: 0,
      pruned: 0,
      requests: 0,
    },
    seen: new Set(),
  }
  const limit = pLimit(Math.max(1, options.concurrency))
  const {bucket} = layout.root
  const exclude = (options.exclude ?? []).filter((e) => e.startsWith(layout.root.key) && e !== layout.root.key)
  const byValues = new Map<string, DiscoveredPartition>()
  const caseSeen = new Set<string>()
  const progress = () =>
    options.onProgress?.({
      partitions: discovery.partitions.length,
      prefixes: discovery.scanned.prefixes,
      requests: discovery.scanned.requests,
    })

  const listPage = async (input: {
    ContinuationToken?: string | undefined
    Delimiter?: string
    MaxKeys?: number
    Prefix: string
  }): Promise<ListObjectsV2CommandOutput> =>
    limit(async () => {
      options.signal?.throwIfAborted()
      discovery.scanned.requests++
      const page = await s3.send(new ListObjectsV2Command({Bucket: bucket, ...input}), abortOpts(options.signal))
      progress()
      return page
    })

  const addPartition = (values: string[], prefix: string, hasData: boolean | undefined): void => {
    const key = JSON.stringify(values)
    const existing = byValues.get(key)
    if (existing) {
      discovery.anomalies.push({
        detail: `same partition values ${JSON.stringify(values)} as ${existing.location}; only the first is used`,
        kind: 'duplicate-values',
        location: uri(bucket, prefix),
      })
      return
    }

    const p: DiscoveredPartition = {hasData, location: uri(bucket, prefix), values}
    byValues.set(key, p)
    discovery.partitions.push(p)
  }

  const step = (partial: Partial, levelIndex: number, segment: string, at: string): Partial | undefined => {
    const m = matchLevel(layout, levelIndex, segment, datesNeeded)
    if (!m.ok) {
      discovery.anomalies.push({detail: m.detail, kind: m.kind, location: uri(bucket, at)})
      return undefined
    }

    if (m.caseMismatch && !caseSeen.has(m.caseMismatch.found)) {
      caseSeen.add(m.caseMismatch.found)
      discovery.caseMismatches.push(m.caseMismatch)
    }

    const texts = [...partial.texts]
    for (const p of m.parts) texts[p.key] = texts[p.key] ? `${texts[p.key]}/${p.text}` : p.text
    return {components: {...partial.components, ...m.components}, texts}
  }

  const unscoped = options.scope.sinceMs === undefined && options.scope.where.size === 0
  const inScope = (partial: Partial, levelIndex: number): boolean => {
    if (unscoped) return true
    const complete = new Map<number, string>()
    for (const k of completeAfter[levelIndex]!) complete.set(k, partial.texts[k]!)
    return prefixInScope(options.scope, complete, partial.components)
  }

  const completeAfter = layout.levels.map((_, i) => [...keysCompleteAfter(layout, i)])
  const datesNeeded = options.scope.sinceMs !== undefined
  const isExcluded = (prefix: string): string | undefined => exclude.find((e) => prefix.startsWith(e))

  await (options.fullListing
    ? fullListing()
    : walk(layout.root.key, 0, {components: {}, texts: layout.keys.map(() => '')}))

  discovery.partitions.sort((a, b) => compareValues(a.values, b.values))
  const anomalyKeys = new Set<string>()
  discovery.anomalies = discovery.anomalies.filter((a) => {
    const k = `${a.kind} ${a.location}`
    if (anomalyKeys.has(k)) return false
    anomalyKeys.add(k)
    return true
  })
  discovery.scanned.partitions = discovery.partitions.filter((p) => p.hasData !== false).length
  discovery.scanned.empty = discovery.partitions.length - discovery.scanned.partitions
  return discovery

  async function listAll(prefix: string): Promise<{objects: Array<{key: string; size: number}>; prefixes: string[]}> {
    const objects: Array<{key: string; size: number}> = []
    const prefixes: string[] = []
    let token: string | undefined
    discovery.scanned.prefixes++
    do {
      const page = await listPage({ContinuationToken: token, Delimiter: '/', Prefix: prefix})
      for (const o of page.Contents ?? []) if (o.Key !== undefined) objects.push({key: o.Key, size: o.Size ?? 0})
      for (const p of page.CommonPrefixes ?? [])
        if (p.Prefix !== undefined && !discovery.seen.has(p.Prefix)) {
          discovery.seen.add(p.Prefix)
          prefixes.push(p.Prefix)
        }

      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)

    discovery.listed.add(prefix)
    return {objects, prefixes}
  }

  async function walk(prefix: string, levelIndex: number, partial: Partial): Promise<void> {
    if (levelIndex === layout.levels.length) {
      const values = [...partial.texts]
      if (!valuesInScope(options.scope, layout.keys, values)) {
        discovery.scanned.pruned++
        return
      }

      addPartition(values, prefix, options.checkEmpty ? await leafHasData(prefix) : undefined)
      return
    }

    const {objects, prefixes} = await listAll(prefix)
    let data = 0
    for (const o of objects) {
      const cls = classifyObject(o.key.slice(prefix.length), o.size)
      if (cls === 'data') data++
      else discovery.scanned.ignored[cls]++
    }

    if (data > 0) {
      discovery.anomalies.push({
        detail: `${data} object(s) directly under this prefix, above the partition level (${layout.levels.length - levelIndex} more level(s) expected); they belong to no partition`,
        kind: 'objects-outside-partitions',
        location: uri(bucket, prefix),
      })
    }

    const children: Array<Promise<void>> = []
    for (const child of prefixes) {
      const name = child.slice(prefix.length, -1)
      if (name === '_temporary') {
        discovery.scanned.ignored.temporary++
        continue
      }

      if (isHiddenName(name)) {
        discovery.scanned.ignored.hidden++
        continue
      }

      const nested = isExcluded(child)
      if (nested) {
        discovery.anomalies.push({
          detail: `another catalog table's location (${uri(bucket, nested)}) is nested under this table; not walked`,
          kind: 'nested-table',
          location: uri(bucket, child),
        })
        continue
      }

      const next = step(partial, levelIndex, name, child)
      if (!next) continue
      if (!inScope(next, levelIndex)) {
        discovery.scanned.pruned++
        continue
      }

      children.push(walk(child, levelIndex + 1, next))
    }

    await Promise.all(children)
  }

  async function leafHasData(prefix: string): Promise<boolean> {
    let token: string | undefined
    do {
      const page = await listPage({ContinuationToken: token, Prefix: prefix})
      for (const o of page.Contents ?? []) {
        const cls = classifyObject((o.Key ?? '').slice(prefix.length), o.Size)
        if (cls === 'data') return true
        discovery.scanned.ignored[cls]++
      }

      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)

    return false
  }

  async function fullListing(): Promise<void> {
    const root = layout.root.key
    const levels = layout.levels.length
    const leaves = new Map<string, Partial | undefined>()
    const leafData = new Map<string, boolean>()
    const directories = new Set<string>()
    const outside = new Map<string, number>()
    const nestedSeen = new Set<string>()
    async function* listed(): AsyncGenerator<Array<{Key?: string | undefined; Size?: number | undefined}>> {
      let token: string | undefined
      do {
        const page = await listPage({ContinuationToken: token, Prefix: root})
        yield page.Contents ?? []
        token = page.IsTruncated ? page.NextContinuationToken : undefined
      } while (token)
    }

    for await (const contents of options.objects ?? listed()) {
      for (const o of contents) {
        const key = o.Key ?? ''
        if (isExcluded(key)) {
          nestedSeen.add(isExcluded(key)!)
          continue
        }

        const rel = key.slice(root.length)
        const segments = rel.split('/')
        const dirs = segments.slice(0, -1)
        for (let i = 1; i <= dirs.length; i++) directories.add(dirs.slice(0, i).join('/'))
        if (dirs.length < levels) {
          const cls = classifyObject(rel, o.Size)
          if (cls === 'data') {
            const at = root + (dirs.length > 0 ? `${dirs.join('/')}/` : '')
            outside.set(at, (outside.get(at) ?? 0) + 1)
          } else {
            discovery.scanned.ignored[cls]++
          }

          continue
        }

        const leafPrefix = `${root}${dirs.slice(0, levels).join('/')}/`
        const hiddenDir = dirs.slice(0, levels).find((d) => d === '_temporary' || isHiddenName(d))
        if (hiddenDir !== undefined) {
          discovery.scanned.ignored[hiddenDir === '_temporary' ? 'temporary' : 'hidden']++
          continue
        }

        if (!leaves.has(leafPrefix)) leaves.set(leafPrefix, matchPath(dirs.slice(0, levels)))
        const cls = classifyObject(key.slice(leafPrefix.length), o.Size)
        if (cls === 'data') leafData.set(leafPrefix, true)
        else {
          discovery.scanned.ignored[cls]++
          if (!leafData.has(leafPrefix)) leafData.set(leafPrefix, false)
        }
      }
    }

    discovery.scanned.prefixes = directories.size
    for (const [at, n] of outside) {
      discovery.anomalies.push({
        detail: `${n} object(s) above the partition level; they belong to no partition`,
        kind: 'objects-outside-partitions',
        location: uri(bucket, at),
      })
    }

    for (const e of nestedSeen) {
      discovery.anomalies.push({
        detail: `another catalog table's location (${uri(bucket, e)}) is nested under this table; not read as partitions`,
        kind: 'nested-table',
        location: uri(bucket, e),
      })
    }

    for (const [leafPrefix, partial] of [...leaves.entries()].sort(([a], [b]) => a.localeCompare(b))) {
      if (!partial) continue
      const values = [...partial.texts]
      if (
        !prefixInScope(options.scope, new Map(values.map((v, i) => [i, v])), partial.components) ||
        !valuesInScope(options.scope, layout.keys, values)
      ) {
        discovery.scanned.pruned++
        continue
      }

      addPartition(values, leafPrefix, leafData.get(leafPrefix) ?? false)
    }
  }

  function matchPath(dirs: string[]): Partial | undefined {
    let partial: Partial | undefined = {components: {}, texts: layout.keys.map(() => '')}
    let at = root()
    for (const [i, d] of dirs.entries()) {
      at += `${d}/`
      partial = step(partial, i, d, at)
      if (!partial) return undefined
    }

    return partial
  }

  function root(): string {
    return layout.root.key
  }
}

export function compareValues(a: string[], b: string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? ''
    const y = b[i] ?? ''
    if (x !== y) return x < y ? -1 : 1
  }

  return 0
}

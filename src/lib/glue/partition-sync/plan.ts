/**
 * Making the plan: read the table, walk S3 (or read an inventory), read the catalog, diff them,
 * check the guard rails and build the steps. Changes nothing.
 */
import type {GlueClient} from '@aws-sdk/client-glue'

import {ListObjectsV2Command, type S3Client} from '@aws-sdk/client-s3'
import pLimit from 'p-limit'

import type {RunContext} from '../../core/run-context.js'

import {InputError, UsageError} from '../../core/errors.js'
import {parseS3Uri} from '../../core/parse/s3-uri.js'
import {PLAN_FORMAT_VERSION} from '../../core/plan.js'
import {
  abortOpts,
  loadPartitionsJson,
  loadTableJson,
  loadTablesJson,
  type OtherTable,
  readOtherTables,
  readPartitions,
  readTable,
  type TableInfo,
} from '../catalog.js'
import {classifyObject, discoverPartitions, type Discovery} from '../discover.js'
import {discoverFromInventory} from '../inventory-discovery.js'
import {type Layout, layoutLocation, type PartitionKey} from '../layout.js'
import {suggestProjection} from '../projection.js'
import {isDateKey, makeScope, type Scope, scopeExpression, valuesInScope} from '../scope.js'
import {preflight} from '../validate.js'
import {chooseLayout, diffPartitions, projectionEnabled, resolveKeys, sameLocation, sdHash} from './diff.js'
import {buildSteps, dropRefusals, summaryOf} from './steps.js'
import {
  type DropEntry,
  type PartitionSyncOptions,
  type PartitionSyncResult,
  PLAN_KIND,
  type PreparedSync,
  type SyncDeps,
  type SyncLists,
  type SyncPlan,
} from './types.js'

/** Was some ancestor of this prefix listed without the next segment among its children? Then nothing is under it. */
function provedAbsent(discovery: Discovery, prefix: string): boolean {
  for (let end = prefix.indexOf('/'); end !== -1 && end < prefix.length - 1; end = prefix.indexOf('/', end + 1)) {
    const ancestor = prefix.slice(0, end + 1)
    const child = prefix.slice(0, prefix.indexOf('/', end + 1) + 1)
    if (discovery.listed.has(ancestor) && !discovery.seen.has(child)) return true
  }

  return false
}

/**
 * Which of these locations hold data objects (not just markers)? A location the walk proved absent
 * (its parent was listed and it was not among the children) costs nothing; the others are listed
 * until the first data object. Markers seen are counted in `discovery.scanned.ignored`.
 */
async function hasDataUnder(
  s3: S3Client,
  locations: string[],
  context: {
    bucket: string
    concurrency: number
    discovery: Discovery
    signal?: AbortSignal | undefined
    /** False: list every location, even where the walk's listings say nothing is there. */
    trustListing?: boolean
  },
): Promise<{data: Map<string, boolean>; requests: number}> {
  const limit = pLimit(Math.max(1, context.concurrency))
  const data = new Map<string, boolean>()
  const {discovery, signal} = context
  let requests = 0
  await Promise.all(
    locations.map((location) =>
      limit(async () => {
        let loc
        try {
          loc = parseS3Uri(location.replace(/^s3[an]:/i, 's3:'), 'partition location')
        } catch {
          data.set(location, false)
          return
        }

        const prefix = loc.key.endsWith('/') ? loc.key : `${loc.key}/`
        if (context.trustListing !== false && loc.bucket === context.bucket && provedAbsent(discovery, prefix)) {
          data.set(location, false)
          return
        }

        let token: string | undefined
        data.set(location, false)
        do {
          requests++
          signal?.throwIfAborted()
          const page = await s3.send(
            new ListObjectsV2Command({Bucket: loc.bucket, ContinuationToken: token, Prefix: prefix}),
            abortOpts(signal),
          )
          for (const o of page.Contents ?? []) {
            const cls = classifyObject((o.Key ?? '').slice(prefix.length), o.Size)
            if (cls === 'data') {
              data.set(location, true)
              return
            }

            discovery.scanned.ignored[cls]++
          }

          token = page.IsTruncated ? page.NextContinuationToken : undefined
        } while (token)
      }),
    ),
  )
  return {data, requests}
}

/**
 * Partitions about to be dropped (the S3 listing did not show them): where their values would live
 * under the table's layout is looked into, one listing each, without trusting the walk (a listing
 * can miss a prefix: an emulator, a listing cut short). Data there makes the partition live: a
 * relocation when the catalog points elsewhere (wherever that is: outside the root, empty, or
 * holding other data), kept as it is when it already points there. So live data is never dropped,
 * and one --apply converges: the next run finds the partition where the catalog now says it is.
 */
async function findAtLayout(
  s3: S3Client,
  input: {keys: PartitionKey[]; layout: Layout; lists: SyncLists; look: Parameters<typeof hasDataUnder>[2]},
): Promise<{keptLive: number; requests: number}> {
  const {layout, lists} = input
  const expected = new Map<DropEntry, string>()
  for (const c of lists.drop) {
    const location = layoutLocation(layout, c.values)
    if (location !== undefined && preflight(input.keys, c.values, location).length === 0) expected.set(c, location)
  }

  if (expected.size === 0) return {keptLive: 0, requests: 0}
  const inside = await hasDataUnder(s3, [...new Set(expected.values())], {...input.look, trustListing: false})
  const live = (c: DropEntry): string | undefined => {
    const location = expected.get(c)
    return location !== undefined && inside.data.get(location) ? location : undefined
  }

  let keptLive = 0
  const moved = new Set<string>()
  for (const c of lists.drop) {
    const location = live(c)
    if (location === undefined) continue
    if (sameLocation(c.location, location)) keptLive++
    else {
      lists.relocate.push({from: c.location, to: location, values: c.values})
      if (c.location) moved.add(c.location)
    }
  }

  lists.drop = lists.drop.filter((c) => live(c) === undefined)
  lists.anomalies = lists.anomalies.filter((a) => !(a.kind === 'outside-root' && moved.has(a.location)))
  return {keptLive, requests: inside.requests}
}

/** GetTable and GetTables together (or their offline files), checked for what a sync needs. */
async function loadTable(
  deps: SyncDeps,
  options: PartitionSyncOptions,
  signal: AbortSignal,
): Promise<{othersRead: OtherTable[]; table: TableInfo}> {
  const [table, othersRead] = options.offline
    ? await Promise.all([
        loadTableJson(options.offline.tableJson),
        options.offline.tablesJson ? loadTablesJson(options.offline.tablesJson, options.table ?? '') : [],
      ])
    : await Promise.all([
        readTable(requireGlue(deps), options.database ?? '', options.table ?? '', signal),
        readOtherTables(requireGlue(deps), options.database ?? '', options.table ?? '', signal),
      ])
  if (options.offline) {
    for (const [flag, want, got] of [
      ['--database', options.database, table.database],
      ['--table', options.table, table.name],
    ] as const) {
      if (want && got && want.toLowerCase() !== got.toLowerCase()) {
        throw new UsageError(`${flag} ${want} does not match the table in --table-json (${got})`, {
          suggestions: [`Drop ${flag}, or export the right table.`],
        })
      }
    }
  }

  if (table.keys.length === 0) {
    throw new InputError(`${table.database}.${table.name} has no partition keys: there is nothing to sync`, {
      suggestions: ['partition-sync works on partitioned tables (PARTITIONED BY in the DDL).'],
    })
  }

  return {othersRead, table}
}

function projectionRefusal(table: TableInfo, projection: PartitionSyncResult['projection']): UsageError {
  const properties = projection ? Object.entries(projection.properties).map(([k, v]) => `'${k}'='${v}'`) : []
  return new UsageError(
    `${table.database}.${table.name} has partition projection enabled (projection.enabled=true): Athena ignores the partitions registered in the catalog for it, so syncing them changes nothing for Athena queries`,
    {
      code: 'ProjectionEnabled',
      details: {projection},
      suggestions: [
        projection?.regular
          ? `The layout is regular (${projection.reason}); these table properties describe it: ${properties.join(', ')}`
          : "Check the table's projection.* properties and storage.location.template instead of syncing partitions.",
        'Other engines (Redshift Spectrum, EMR, Glue ETL) still read catalog partitions: re-run with --force to sync them anyway.',
      ],
    },
  )
}

/** Read everything, diff, check guard rails, and make the plan. Changes nothing. */
export async function planPartitionSync(
  deps: SyncDeps,
  options: PartitionSyncOptions,
  ctx: Pick<RunContext, 'progress' | 'signal'>,
): Promise<PreparedSync> {
  const warnings: string[] = []
  const {progress} = ctx
  progress({label: 'Reading the table'})
  const {othersRead, table} = await loadTable(deps, options, ctx.signal)
  const keys = resolveKeys(table, options.keyFormats)
  const layout = chooseLayout(table, keys, options.template)
  const scope: Scope = makeScope(keys, options.where, options.sinceMs)
  const expression = scopeExpression(scope, layout)

  // Other tables whose location is under this one would be walked as if they were partitions (MSCK's
  // bug); the table itself (its location is the root, not under it) drops out here.
  const others: OtherTable[] = othersRead
  const nested = others.filter((o) => isUnder(o.location, layout.root.bucket, layout.root.key))
  const exclude = nested.map((o) => {
    const loc = parseS3Uri(o.location.replace(/^s3[an]:/i, 's3:'), 'table location')
    return loc.key.endsWith('/') ? loc.key : `${loc.key}/`
  })

  progress({label: 'Listing S3 and reading the catalog'})
  const discoverOptions = {
    concurrency: options.concurrency,
    exclude,
    fullListing: options.fullListing,
    layout,
    onProgress: (p: {partitions: number; requests: number}) =>
      progress({detail: `${p.requests} list request(s), ${p.partitions} partition(s)`, label: 'Listing S3'}),
    scope,
    signal: ctx.signal,
  }
  const [found, catalogRead] = await Promise.all([
    options.inventory
      ? discoverFromInventory(deps.s3, discoverOptions, {
          hasDateKey: keys.some((k) => isDateKey(k)),
          scopeSince: (sinceMs) => makeScope(keys, options.where, sinceMs),
          uri: options.inventory,
        })
      : discoverPartitions(deps.s3, discoverOptions).then((discovery) => ({discovery, info: undefined, warnings: []})),
    options.offline
      ? loadPartitionsJson(options.offline.partitionsJson).then((partitions) => ({partitions, requests: 0}))
      : readPartitions(requireGlue(deps), {
          database: table.database,
          excludeColumnSchema: !options.checkColumns && !options.repairSchema,
          expression,
          segments: options.segments,
          signal: ctx.signal,
          table: table.name,
        }),
  ])
  const {discovery} = found
  warnings.push(...found.warnings)
  for (const n of nested)
    warnings.push(`table ${n.name} (${n.location}) lies inside this table's location; its prefix was not walked`)
  for (const m of discovery.caseMismatches) {
    warnings.push(
      `S3 uses "${m.found}=" for partition key ${m.expected}; matched case-insensitively, but MSCK REPAIR TABLE and some engines would skip these prefixes`,
    )
  }

  const catalog = catalogRead.partitions.filter((p) => valuesInScope(scope, keys, p.values))
  for (const p of catalog) {
    if (p.values.length !== keys.length) {
      warnings.push(
        `catalog partition ${JSON.stringify(p.values)} has ${p.values.length} value(s) for ${keys.length} key(s)`,
      )
    }
  }

  const diff = diffPartitions({
    catalog,
    discovery,
    keys,
    prune: options.prune,
    repairSchema: options.repairSchema,
    root: layout.kind === 'hive' ? table.location : `s3://${layout.root.bucket}/${layout.root.key}`,
    tableSd: table.sd,
  })
  const {lists, stale} = diff
  const look = {bucket: layout.root.bucket, concurrency: options.concurrency, discovery, signal: ctx.signal}
  let extraRequests = 0
  if (lists.drop.length > 0) {
    const atLayout = await findAtLayout(deps.s3, {keys, layout, lists, look})
    extraRequests += atLayout.requests
    if (atLayout.keptLive > 0)
      warnings.push(
        `${atLayout.keptLive} partition(s) were not in the S3 listing but hold data where the catalog says; not dropped (the listing was incomplete)`,
      )
  }

  if (stale.length > 0)
    warnings.push(`${stale.length} partition(s) are in the catalog but not in S3; re-run with --prune to drop them`)
  if (options.checkEmpty && !options.fullListing && lists.add.length > 0) {
    // Only new partitions are looked into: those already in the catalog cost nothing.
    const inside = await hasDataUnder(
      deps.s3,
      lists.add.map((a) => a.location),
      look,
    )
    extraRequests += inside.requests
    const empty = lists.add.filter((a) => !inside.data.get(a.location))
    lists.add = lists.add.filter((a) => inside.data.get(a.location))
    discovery.scanned.empty += empty.length
    discovery.scanned.partitions -= empty.length
  }

  if (lists.drop.length > 0) {
    const inside = await hasDataUnder(
      deps.s3,
      lists.drop.map((d) => d.location ?? ''),
      look,
    )
    extraRequests += inside.requests
    for (const d of lists.drop) d.hasData = d.location ? inside.data.get(d.location) : false
  }

  if (lists.drift.length > 0 && !options.repairSchema) {
    warnings.push(
      `${lists.drift.length} partition(s) have a storage descriptor unlike the table's (HIVE_PARTITION_SCHEMA_MISMATCH risk); --repair-schema rewrites them from the table`,
    )
  }

  const irregular = lists.anomalies.filter(
    (a) => a.kind === 'no-template-match' || a.kind === 'wrong-key-order' || a.kind === 'empty-value',
  ).length
  const regular = discovery.partitions.filter(
    (p) => p.hasData !== false && preflight(keys, p.values, p.location).length === 0,
  )
  const suggestion = suggestProjection(layout, regular, irregular)

  const refusals = dropRefusals(lists.drop, catalog.length, options.maxDropPct)
  const result: PartitionSyncResult = {
    catalog: {partitions: catalog.length, requests: catalogRead.requests, stale: stale.length},
    database: table.database,
    inventory: found.info,
    keys: keys.map((k) => k.name),
    keyTypes: keys.map((k) => ({format: k.format?.text, name: k.name, type: k.type})),
    location: table.location,
    plan: lists,
    projection: suggestion ? {...suggestion, enabledOnTable: projectionEnabled(table)} : undefined,
    refusals,
    scanned: {...discovery.scanned, requests: discovery.scanned.requests + extraRequests},
    scope: {
      expression,
      since: options.sinceMs === undefined ? undefined : new Date(options.sinceMs).toISOString(),
      where: options.where,
    },
    table: table.name,
    template: layout.template,
  }

  if (projectionEnabled(table) && !options.force) throw projectionRefusal(table, result.projection)

  if (options.applyRequested && refusals.length > 0 && !options.force) {
    throw new UsageError(`refusing to apply: ${refusals.join('; ')}`, {
      code: 'DropGuard',
      details: {refusals},
      suggestions: [
        'Review the plan without --apply (add --json for the full lists).',
        'Raise --max-drop-pct, or pass --force if these drops are intended.',
      ],
    })
  }

  const plan: SyncPlan = {
    baseline: {
      database: table.database,
      keys: table.keys.map((k) => k.name),
      location: table.location,
      sdHash: sdHash(table),
      table: table.name,
    },
    createdAt: new Date().toISOString(),
    formatVersion: PLAN_FORMAT_VERSION,
    kind: PLAN_KIND,
    steps: buildSteps(lists, {concurrency: options.concurrency, repairSchema: options.repairSchema}),
    summary: summaryOf(result),
    target: {database: table.database, table: table.name},
  }
  return {plan, result, warnings}
}

function isUnder(location: string, bucket: string, prefix: string): boolean {
  try {
    const loc = parseS3Uri(location.replace(/^s3[an]:/i, 's3:'), 'table location')
    const key = loc.key.endsWith('/') ? loc.key : `${loc.key}/`
    return loc.bucket === bucket && key.startsWith(prefix) && key !== prefix
  } catch {
    return false
  }
}

export function requireGlue(deps: SyncDeps): GlueClient {
  if (!deps.glue)
    throw new UsageError('this run needs the Glue API', {
      suggestions: ['Pass --database and --table (and AWS credentials), or --table-json and --partitions-json.'],
    })
  return deps.glue
}

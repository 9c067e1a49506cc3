import {
  BatchCreatePartitionCommand,
  BatchDeletePartitionCommand,
  BatchUpdatePartitionCommand,
  type GlueClient,
  type Partition,
  type PartitionInput,
} from '@aws-sdk/client-glue'
import {ListObjectsV2Command, type S3Client} from '@aws-sdk/client-s3'
import {createHash} from 'node:crypto'
import pLimit from 'p-limit'

import {InputError, UsageError} from '../core/errors.js'
import {parseS3Uri} from '../core/parse/s3-uri.js'
import {
  type ApplyReport,
  type EntryFailure,
  type Plan,
  PLAN_FORMAT_VERSION,
  type PlanExecutor,
  type PlanStep,
  type StartCheck,
  type StepOutcome,
  StepStoppedError,
} from '../core/plan.js'
import {AMBIGUOUS_ENTRY_CODES, type BatchOp, RETRYABLE_ENTRY_CODES, runBatches, valuesKey} from './batch.js'
import {
  abortOpts,
  BATCH_GET_MAX,
  batchGetPartitions,
  type CatalogPartition,
  loadPartitionsJson,
  loadTableJson,
  loadTablesJson,
  type OtherTable,
  readOtherTables,
  readPartitions,
  readTable,
  type TableInfo,
} from './catalog.js'
import {parseDateFormat} from './date-format.js'
import {type Anomaly, classifyObject, discoverPartitions, type Discovery} from './discover.js'
import {sdDifferences} from './drift.js'
/**
 * `glue partition-sync`: discover partitions in S3, read the catalog, diff them, and turn the diff
 * into a plan for the shared plan/apply engine (src/lib/core/plan.ts) with an executor that
 * applies it through Glue's batch APIs, resumably.
 */
import {discoverFromInventory, type InventoryInfo} from './inventory-discovery.js'
import {hiveLayout, type Layout, layoutLocation, type PartitionKey, templateLayout} from './layout.js'
import {type ProjectionSuggestion, suggestProjection} from './projection.js'
import {isDateKey, makeScope, type Scope, scopeExpression, valuesInScope} from './scope.js'
import {preflight} from './validate.js'

export const PLAN_KIND = 'glue partition-sync'
export const BATCH_CREATE_MAX = 100
export const BATCH_DELETE_MAX = 25
export const BATCH_UPDATE_MAX = 100

export interface PartitionSyncOptions {
  applyRequested: boolean
  /** Read partition columns too (GetPartitions without ExcludeColumnSchema) to find column drift. */
  checkColumns: boolean
  /** Look inside each new partition found by the walk to tell "empty" (markers only) from data. */
  checkEmpty: boolean
  concurrency: number
  database?: string | undefined
  force: boolean
  fullListing: boolean
  /** s3://…/manifest.json of an S3 Inventory report: read it instead of listing (./inventory-discovery.ts). */
  inventory?: string | undefined
  /** key → date format (Athena projection syntax), overriding projection.<key>.format. */
  keyFormats: Record<string, string>
  maxDropPct: number
  offline?: undefined | {partitionsJson: string; tableJson: string; tablesJson?: string | undefined}
  onProgress?: (p: {detail?: string; done?: number; label: string}) => void
  prune: boolean
  repairSchema: boolean
  /** GetPartitions segments (1–10). */
  segments: number
  signal?: AbortSignal | undefined
  sinceMs?: number | undefined
  table?: string | undefined
  template?: string | undefined
  where: Record<string, string>
}

export interface SyncDeps {
  glue?: GlueClient | undefined
  s3: S3Client
}

export interface AddEntry {
  location: string
  values: string[]
}

export interface DropEntry {
  /** Does the location still hold data objects? (checked before any drop) */
  hasData?: boolean | undefined
  location?: string | undefined
  values: string[]
}

export interface RelocateEntry {
  from?: string | undefined
  to: string
  values: string[]
}

export interface DriftEntry {
  differences: string[]
  location?: string | undefined
  values: string[]
}

export interface SyncLists {
  add: AddEntry[]
  anomalies: Anomaly[]
  drift: DriftEntry[]
  drop: DropEntry[]
  relocate: RelocateEntry[]
}

export interface PartitionSyncResult {
  applied?: {created: number; deleted: number; failed: EntryFailure[]; updated: number}
  catalog: {
    /** Catalog partitions read (inside --where/--since). */
    partitions: number
    requests: number
    /** Partitions only in the catalog, not dropped because --prune was not given. */
    stale: number
  }
  database: string
  /** With --inventory: the report read and the live walk for objects newer than it. */
  inventory?: InventoryInfo | undefined
  /** Partition key names, in order. */
  keys: string[]
  /** Each key's Glue type and, for date keys, the path format used. */
  keyTypes: Array<{format?: string | undefined; name: string; type: string}>
  location: string
  plan: SyncLists
  projection?: (ProjectionSuggestion & {enabledOnTable: boolean}) | undefined
  /** Guard rails that an --apply would refuse on (without --force). */
  refusals: string[]
  scanned: Discovery['scanned']
  scope: {expression?: string | undefined; since?: string | undefined; where: Record<string, string>}
  table: string
  template: string
}

export type SyncOperation = 'BatchCreatePartition' | 'BatchDeletePartition' | 'BatchUpdatePartition'

export interface SyncStepParams {
  entries: Array<AddEntry | DropEntry | UpdateEntry>
}

/** One BatchUpdatePartition entry: a relocation, a schema repair, or both. */
export interface UpdateEntry {
  from?: string | undefined
  repair: boolean
  to?: string | undefined
  values: string[]
}

export interface SyncBaseline {
  database: string
  keys: string[]
  location: string
  /** Hash of the table's storage descriptor: new partitions copy it, so it must not change under a saved plan. */
  sdHash: string
  table: string
}

export type SyncPlan = Plan<SyncBaseline, SyncStepParams>

export function sameLocation(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '')
}

export function sdHash(table: TableInfo): string {
  return createHash('sha256')
    .update(stableJson({...table.sd, Location: undefined}))
    .digest('hex')
    .slice(0, 16)
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => stableJson(v)).join(',')}]`
  if (value && typeof value === 'object') {
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`)
      .join(',')}}`
  }

  return JSON.stringify(value)
}

/** Partition keys with their date formats: --key-format first, then projection.<key>.format. */
export function resolveKeys(table: TableInfo, keyFormats: Record<string, string>): PartitionKey[] {
  for (const name of Object.keys(keyFormats)) {
    if (!table.keys.some((k) => k.name.toLowerCase() === name.toLowerCase())) {
      throw new UsageError(`--key-format: "${name}" is not a partition key of ${table.database}.${table.name}`, {
        suggestions: [`Partition keys: ${table.keys.map((k) => k.name).join(', ')}.`],
      })
    }
  }

  return table.keys.map((k) => {
    const flag = Object.entries(keyFormats).find(([n]) => n.toLowerCase() === k.name.toLowerCase())?.[1]
    const fromTable =
      table.parameters[`projection.${k.name}.type`]?.toLowerCase() === 'date'
        ? table.parameters[`projection.${k.name}.format`]
        : undefined
    const text = flag ?? fromTable
    return {
      format: text
        ? {text, tokens: parseDateFormat(text, flag ? `--key-format ${k.name}` : `projection.${k.name}.format`)}
        : undefined,
      name: k.name,
      type: k.type,
    }
  })
}

export function chooseLayout(table: TableInfo, keys: PartitionKey[], template: string | undefined): Layout {
  if (template) return templateLayout(template, keys, '--template')
  const fromTable = table.parameters['storage.location.template']
  if (fromTable) return templateLayout(fromTable, keys, 'the table property storage.location.template')
  return hiveLayout(table.location, keys)
}

function projectionEnabled(table: TableInfo): boolean {
  return table.parameters['projection.enabled']?.trim().toLowerCase() === 'true'
}

/**
 * The full diff of S3 against the catalog (pure). Catalog partitions must already be limited to the
 * run's scope.
 */
export function diffPartitions(input: {
  catalog: CatalogPartition[]
  discovery: Pick<Discovery, 'anomalies' | 'partitions'>
  keys: PartitionKey[]
  prune: boolean
  repairSchema: boolean
  root: string
  tableSd: TableInfo['sd']
}): {lists: SyncLists; stale: DropEntry[]} {
  const lists: SyncLists = {add: [], anomalies: [...input.discovery.anomalies], drift: [], drop: [], relocate: []}
  const stale: DropEntry[] = []
  const inS3 = new Map<string, {hasData?: boolean | undefined; location: string; values: string[]}>()
  for (const p of input.discovery.partitions) inS3.set(valuesKey(p.values), p)
  const inCatalog = new Map<string, CatalogPartition>()
  for (const p of input.catalog) inCatalog.set(valuesKey(p.values), p)
  const root = input.root.replace(/\/*$/, '/')

  for (const [key, s3] of inS3) {
    if (s3.hasData === false) continue
    const cat = inCatalog.get(key)
    if (!cat) {
      const problems = preflight(input.keys, s3.values, s3.location)
      if (problems.length > 0)
        lists.anomalies.push({
          detail: `not added: ${problems.join('; ')}`,
          kind: 'invalid-value',
          location: s3.location,
        })
      else lists.add.push({location: s3.location, values: s3.values})
    } else if (!sameLocation(cat.location, s3.location)) {
      const problems = preflight(input.keys, s3.values, s3.location)
      if (problems.length > 0)
        lists.anomalies.push({
          detail: `not relocated: ${problems.join('; ')}`,
          kind: 'invalid-value',
          location: s3.location,
        })
      else lists.relocate.push({from: cat.location, to: s3.location, values: s3.values})
    }
  }

  for (const [key, cat] of inCatalog) {
    const differences = sdDifferences(input.tableSd, cat.sd)
    if (differences.length > 0) lists.drift.push({differences, location: cat.location, values: cat.values})
    // A partition relocated into the root is synced, not an anomaly.
    if (!inS3.has(key) && cat.location && !cat.location.replace(/^s3[an]:/i, 's3:').startsWith(root)) {
      lists.anomalies.push({
        detail: `catalog partition ${JSON.stringify(cat.values)} points outside the table location ${root}`,
        kind: 'outside-root',
        location: cat.location,
      })
    }

    if (inS3.has(key)) continue
    const entry: DropEntry = {location: cat.location, values: cat.values}
    if (input.prune) lists.drop.push(entry)
    else stale.push(entry)
  }

  return {lists, stale}
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

function describeValues(entries: Array<{values: string[]}>): string {
  if (entries.length === 0) return ''
  const first = entries[0]!.values.join('/')
  const last = entries.at(-1)!.values.join('/')
  return entries.length === 1 ? first : `${first} … ${last}`
}

/**
 * Batches per plan step. Within a step, `--concurrency` calls stay in flight; steps run one after
 * the other (the engine's rule), so bigger steps mean fewer pauses, smaller ones finer progress.
 */
export const BATCHES_PER_STEP = 50

/** Steps of the plan: creates, then updates, then drops. */
export function buildSteps(
  lists: SyncLists,
  options: {concurrency: number; repairSchema: boolean},
): Array<PlanStep<SyncStepParams>> {
  const steps: Array<PlanStep<SyncStepParams>> = []
  // A whole number of rounds of --concurrency calls per step, so no round runs half-empty.
  const c = Math.max(1, options.concurrency)
  const per = c * Math.ceil(BATCHES_PER_STEP / c)
  for (const [i, group] of chunk(lists.add, BATCH_CREATE_MAX * per).entries()) {
    steps.push({
      effect: `adds ${group.length} partition(s): ${describeValues(group)}`,
      id: `create-${i + 1}`,
      operation: 'BatchCreatePartition',
      params: {entries: group},
      reason: 'in S3, not in the catalog',
    })
  }

  const updates = new Map<string, UpdateEntry>()
  for (const r of lists.relocate)
    updates.set(valuesKey(r.values), {from: r.from, repair: false, to: r.to, values: r.values})
  if (options.repairSchema) {
    for (const d of lists.drift) {
      const existing = updates.get(valuesKey(d.values))
      if (existing) existing.repair = true
      else updates.set(valuesKey(d.values), {from: d.location, repair: true, values: d.values})
    }
  }

  for (const [i, group] of chunk([...updates.values()], BATCH_UPDATE_MAX * per).entries()) {
    const moves = group.filter((u) => u.to).length
    const repairs = group.filter((u) => u.repair).length
    steps.push({
      effect: `updates ${group.length} partition(s): ${describeValues(group)}`,
      id: `update-${i + 1}`,
      operation: 'BatchUpdatePartition',
      params: {entries: group},
      reason: [
        moves ? `${moves} at another location in S3` : '',
        repairs ? `${repairs} with a storage descriptor unlike the table's (--repair-schema)` : '',
      ]
        .filter(Boolean)
        .join('; '),
    })
  }

  for (const [i, group] of chunk(lists.drop, BATCH_DELETE_MAX * per).entries()) {
    steps.push({
      effect: `drops ${group.length} partition(s): ${describeValues(group)}`,
      id: `drop-${i + 1}`,
      operation: 'BatchDeletePartition',
      params: {entries: group.map((d) => ({location: d.location, values: d.values}))},
      reason: 'in the catalog, no longer in S3 (--prune)',
    })
  }

  return steps
}

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

export interface PreparedSync {
  plan: SyncPlan
  result: PartitionSyncResult
  /** For people (stderr) and the envelope's warnings. */
  warnings: string[]
}

/** GetTable and GetTables together (or their offline files), checked for what a sync needs. */
async function loadTable(
  deps: SyncDeps,
  options: PartitionSyncOptions,
): Promise<{othersRead: OtherTable[]; table: TableInfo}> {
  const [table, othersRead] = options.offline
    ? await Promise.all([
        loadTableJson(options.offline.tableJson),
        options.offline.tablesJson ? loadTablesJson(options.offline.tablesJson, options.table ?? '') : [],
      ])
    : await Promise.all([
        readTable(requireGlue(deps), options.database ?? '', options.table ?? '', options.signal),
        readOtherTables(requireGlue(deps), options.database ?? '', options.table ?? '', options.signal),
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

/** Guard rails, evaluated at plan time so that a dry run shows what an --apply would refuse. */
export function dropRefusals(drops: DropEntry[], catalogCount: number, maxDropPct: number): string[] {
  const refusals: string[] = []
  if (drops.length === 0) return refusals
  const pct = catalogCount === 0 ? 100 : (drops.length / catalogCount) * 100
  if (pct > maxDropPct)
    refusals.push(
      `would drop ${drops.length} of ${catalogCount} catalog partition(s) (${pct.toFixed(1)} % > --max-drop-pct ${maxDropPct})`,
    )
  const withData = drops.filter((d) => d.hasData)
  if (withData.length > 0)
    refusals.push(
      `${withData.length} partition(s) to drop still hold data under their location, e.g. ${withData[0]!.location}`,
    )
  return refusals
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
export async function planPartitionSync(deps: SyncDeps, options: PartitionSyncOptions): Promise<PreparedSync> {
  const warnings: string[] = []
  const progress = options.onProgress ?? (() => {})
  progress({label: 'Reading the table'})
  const {othersRead, table} = await loadTable(deps, options)
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
    signal: options.signal,
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
          signal: options.signal,
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
  const look = {bucket: layout.root.bucket, concurrency: options.concurrency, discovery, signal: options.signal}
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

function requireGlue(deps: SyncDeps): GlueClient {
  if (!deps.glue)
    throw new UsageError('this run needs the Glue API', {
      suggestions: ['Pass --database and --table (and AWS credentials), or --table-json and --partitions-json.'],
    })
  return deps.glue
}

/** The result minus the big lists (they are in the steps): what a saved plan carries for the reader. */
function summaryOf(result: PartitionSyncResult): Record<string, unknown> {
  return {
    ...result,
    counts: {
      add: result.plan.add.length,
      anomalies: result.plan.anomalies.length,
      drift: result.plan.drift.length,
      drop: result.plan.drop.length,
      relocate: result.plan.relocate.length,
    },
    plan: {
      add: [],
      anomalies: result.plan.anomalies,
      drift: result.plan.drift,
      drop: result.plan.drop,
      relocate: result.plan.relocate,
    },
  }
}

/** Rebuild the result of a saved plan (for --plan FILE). */
export function resultFromPlan(plan: SyncPlan): PartitionSyncResult {
  const summary = {...(plan.summary as unknown as PartitionSyncResult & {counts?: unknown})}
  delete summary.counts
  const add = plan.steps
    .filter((s) => s.operation === 'BatchCreatePartition')
    .flatMap((s) => s.params.entries as AddEntry[])
  return {...summary, plan: {...summary.plan, add}}
}

/** What an apply did, for the result: counts from the executor, failures from the engine's report. */
export function appliedOf(tally: ApplyTally, report: ApplyReport): NonNullable<PartitionSyncResult['applied']> {
  const failed = [...(report.entryFailures ?? [])]
  if (report.failed) {
    const {message, stepId} = report.failed
    failed.push({
      code: report.failed.code,
      message: `apply stopped at step ${stepId}: ${message}`,
      operation: 'step',
      values: [],
    })
  }

  return {created: tally.created, deleted: tally.deleted, failed, updated: tally.updated}
}

// ---- apply ---------------------------------------------------------------------------------

export interface LiveState {
  live: Map<string, Partition>
  table: TableInfo
}

export interface ExecutorOptions {
  baseDelayMs?: number
  concurrency: number
  sleep?: (ms: number) => Promise<void>
}

/** Partitions this run changed, by kind (failures are in the engine's report). */
export interface ApplyTally {
  created: number
  deleted: number
  updated: number
}

function isDone(step: PlanStep<SyncStepParams>, entry: AddEntry | DropEntry | UpdateEntry, state: LiveState): boolean {
  const live = state.live.get(valuesKey(entry.values))
  switch (step.operation) {
    case 'BatchCreatePartition': {
      return live !== undefined && sameLocation(live.StorageDescriptor?.Location, (entry as AddEntry).location)
    }

    case 'BatchDeletePartition': {
      return live === undefined
    }

    default: {
      const u = entry as UpdateEntry
      if (!live) return false
      if (u.to && !sameLocation(live.StorageDescriptor?.Location, u.to)) return false
      return !u.repair || sdDifferences(state.table.sd, live.StorageDescriptor).length === 0
    }
  }
}

/** Why live state is neither the plan's start nor a state that applying part of it leads to. */
function entryConflict(
  step: PlanStep<SyncStepParams>,
  entry: AddEntry | DropEntry | UpdateEntry,
  state: LiveState,
): string | undefined {
  const live = state.live.get(valuesKey(entry.values))
  const where = live?.StorageDescriptor?.Location
  const name = JSON.stringify(entry.values)
  switch (step.operation) {
    case 'BatchCreatePartition': {
      return live && !sameLocation(where, (entry as AddEntry).location)
        ? `partition ${name} now exists at ${where ?? '(no location)'}`
        : undefined
    }

    case 'BatchDeletePartition': {
      const d = entry as DropEntry
      return live && !sameLocation(where, d.location)
        ? `partition ${name} now points at ${where ?? '(no location)'}, not ${d.location ?? '(none)'}`
        : undefined
    }

    default: {
      const u = entry as UpdateEntry
      if (!live) return `partition ${name} no longer exists`
      return u.to && !sameLocation(where, u.from) && !sameLocation(where, u.to)
        ? `partition ${name} now points at ${where ?? '(no location)'}`
        : undefined
    }
  }
}

type EntryErrorLike = {
  ErrorDetail?: undefined | {ErrorCode?: string | undefined; ErrorMessage?: string | undefined}
  PartitionValueList?: string[] | undefined
  PartitionValues?: string[] | undefined
}

function entryErrors(errors: EntryErrorLike[] | undefined): Array<{code: string; message: string; values: string[]}> {
  return (errors ?? []).map((e) => ({
    code: e.ErrorDetail?.ErrorCode ?? 'Unknown',
    message: e.ErrorDetail?.ErrorMessage ?? '',
    values: e.PartitionValues ?? e.PartitionValueList ?? [],
  }))
}

/** The executor for the shared plan engine: observe = GetTable + BatchGetPartition of every planned partition. */
export class PartitionSyncExecutor implements PlanExecutor<LiveState, SyncBaseline, SyncStepParams> {
  readonly tally: ApplyTally = {created: 0, deleted: 0, updated: 0}
  private state: LiveState | undefined

  constructor(
    private readonly glue: GlueClient,
    private readonly options: ExecutorOptions,
  ) {}

  async applyStep(
    step: PlanStep<SyncStepParams>,
    plan: SyncPlan,
    signal: AbortSignal,
  ): Promise<StepOutcome<LiveState>> {
    const state = this.state ?? (await this.observe(plan, signal))
    const pending = step.params.entries.filter((e) => !isDone(step, e, state))
    const target = {database: plan.baseline.database, table: plan.baseline.table}
    const runner = {
      concurrency: this.options.concurrency,
      signal,
      target,
      ...(this.options.baseDelayMs === undefined ? {} : {baseDelayMs: this.options.baseDelayMs}),
      ...(this.options.sleep ? {sleep: this.options.sleep} : {}),
    }
    const outcome = {done: [] as Array<AddEntry | DropEntry | UpdateEntry>, failed: [] as EntryFailure[], requests: 0}
    try {
      await runBatches(this.glue, this.opFor(step, plan, state), pending, runner, outcome)
    } catch (error) {
      // A step that stopped half-way has still changed the catalog: the engine reports it as partial.
      throw new StepStoppedError(error, outcome.failed, outcome.done.length > 0)
    } finally {
      this.record(step, state, outcome.done)
    }

    return {entryFailures: outcome.failed, state}
  }

  checkStart(plan: SyncPlan, state: LiveState): StartCheck {
    const b = plan.baseline
    if (!sameLocation(state.table.location, b.location))
      return {ok: false, reason: `the table location is now ${state.table.location}, not ${b.location}`}
    const keys = state.table.keys.map((k) => k.name)
    if (keys.join(',') !== b.keys.join(','))
      return {ok: false, reason: `the partition keys are now ${keys.join(', ')}, not ${b.keys.join(', ')}`}
    if (sdHash(state.table) !== b.sdHash)
      return {
        ok: false,
        reason: "the table's storage descriptor (columns, formats or SerDe) changed since the plan was made",
      }
    const conflicts: string[] = []
    for (const step of plan.steps) {
      for (const e of step.params.entries) {
        const c = entryConflict(step, e, state)
        if (c) conflicts.push(c)
      }
    }

    if (conflicts.length > 0)
      return {
        ok: false,
        reason: `${conflicts.length} planned partition(s) changed meanwhile: ${conflicts.slice(0, 3).join('; ')}${conflicts.length > 3 ? '; …' : ''}`,
      }
    return {ok: true}
  }

  isStepDone(step: PlanStep<SyncStepParams>, state: LiveState): boolean {
    return step.params.entries.every((e) => isDone(step, e, state))
  }

  async observe(plan: SyncPlan, signal: AbortSignal): Promise<LiveState> {
    const {database, table} = plan.baseline
    const info = await readTable(this.glue, database, table, signal)
    const values = plan.steps.flatMap((s) => s.params.entries.map((e) => e.values))
    const live = new Map<string, Partition>()
    const summary = plan.summary as {catalog?: {partitions?: number}; scope?: {expression?: string}}
    const known = summary.catalog?.partitions
    if (known !== undefined && values.length > Math.max(BATCH_GET_MAX, 2 * known)) {
      // Many planned partitions, few in the catalog (a backfill): scanning the catalog in 10 segments
      // is cheaper than BatchGetPartition for every planned value.
      const wanted = new Set(values.map((v) => valuesKey(v)))
      const read = await readPartitions(this.glue, {
        database,
        excludeColumnSchema: false,
        expression: summary.scope?.expression,
        segments: 10,
        signal,
        table,
      })
      for (const p of read.partitions) {
        const k = valuesKey(p.values)
        if (wanted.has(k)) live.set(k, {Parameters: p.parameters, StorageDescriptor: p.sd, Values: p.values})
      }

      this.state = {live, table: info}
      return this.state
    }

    const limit = pLimit(Math.max(1, this.options.concurrency))
    await Promise.all(
      chunk(values, BATCH_GET_MAX).map((group) =>
        limit(async () => {
          for (const p of await batchGetPartitions(this.glue, {database, table}, group, {
            signal,
            ...(this.options.sleep ? {sleep: this.options.sleep} : {}),
          }))
            live.set(valuesKey(p.Values ?? []), p)
        }),
      ),
    )
    this.state = {live, table: info}
    return this.state
  }

  private opFor(
    step: PlanStep<SyncStepParams>,
    plan: SyncPlan,
    state: LiveState,
  ): BatchOp<AddEntry | DropEntry | UpdateEntry> {
    const {database, table} = plan.baseline
    const {glue} = this
    const common = {
      valuesOf: (e: {values: string[]}) => e.values,
    }
    switch (step.operation) {
      case 'BatchCreatePartition': {
        return {
          ...common,
          check(entry, live) {
            if (!live) return {verdict: 'retry'}
            const e = entry as AddEntry
            return sameLocation(live.StorageDescriptor?.Location, e.location)
              ? {verdict: 'done'}
              : {
                  conflict: `already exists at ${live.StorageDescriptor?.Location ?? '(no location)'}, not ${e.location}; re-run to plan a relocation`,
                  verdict: 'fail',
                }
          },
          maxBatch: BATCH_CREATE_MAX,
          name: 'BatchCreatePartition',
          onEntryError: (code) =>
            code === 'AlreadyExistsException' || AMBIGUOUS_ENTRY_CODES.has(code)
              ? 'recheck'
              : RETRYABLE_ENTRY_CODES.has(code)
                ? 'retry'
                : 'fail',
          async send(batch, signal) {
            const input: PartitionInput[] = (batch as AddEntry[]).map((e) => ({
              Parameters: {},
              StorageDescriptor: {...state.table.sd, Location: e.location},
              Values: e.values,
            }))
            const out = await glue.send(
              new BatchCreatePartitionCommand({DatabaseName: database, PartitionInputList: input, TableName: table}),
              abortOpts(signal),
            )
            return entryErrors(out.Errors)
          },
        }
      }

      case 'BatchDeletePartition': {
        return {
          ...common,
          check: (_entry, live) => (live ? {verdict: 'retry'} : {verdict: 'done'}),
          maxBatch: BATCH_DELETE_MAX,
          name: 'BatchDeletePartition',
          onEntryError: (code) =>
            code === 'EntityNotFoundException'
              ? 'done'
              : AMBIGUOUS_ENTRY_CODES.has(code)
                ? 'recheck'
                : RETRYABLE_ENTRY_CODES.has(code)
                  ? 'retry'
                  : 'fail',
          async send(batch, signal) {
            const out = await glue.send(
              new BatchDeletePartitionCommand({
                DatabaseName: database,
                PartitionsToDelete: batch.map((e) => ({Values: e.values})),
                TableName: table,
              }),
              abortOpts(signal),
            )
            return entryErrors(out.Errors)
          },
        }
      }

      default: {
        return {
          ...common,
          check(entry, live) {
            if (!live) return {conflict: 'the partition no longer exists', verdict: 'fail'}
            const probe: LiveState = {live: new Map([[valuesKey(entry.values), live]]), table: state.table}
            return isDone(step, entry, probe) ? {verdict: 'done'} : {verdict: 'retry'}
          },
          maxBatch: BATCH_UPDATE_MAX,
          name: 'BatchUpdatePartition',
          onEntryError: (code) =>
            AMBIGUOUS_ENTRY_CODES.has(code) ? 'recheck' : RETRYABLE_ENTRY_CODES.has(code) ? 'retry' : 'fail',
          async send(batch, signal) {
            const entries = (batch as UpdateEntry[]).map((u) => {
              const live = state.live.get(valuesKey(u.values))
              const location = u.to ?? live?.StorageDescriptor?.Location
              const sd = u.repair
                ? {...state.table.sd, Location: location}
                : {...live?.StorageDescriptor, Location: location}
              const input: PartitionInput = {
                Parameters: live?.Parameters ?? {},
                StorageDescriptor: sd,
                Values: u.values,
                ...(live?.LastAccessTime ? {LastAccessTime: live.LastAccessTime} : {}),
                ...(live?.LastAnalyzedTime ? {LastAnalyzedTime: live.LastAnalyzedTime} : {}),
              }
              return {PartitionInput: input, PartitionValueList: u.values}
            })
            const out = await glue.send(
              new BatchUpdatePartitionCommand({DatabaseName: database, Entries: entries, TableName: table}),
              abortOpts(signal),
            )
            return entryErrors(out.Errors)
          },
        }
      }
    }
  }

  private record(
    step: PlanStep<SyncStepParams>,
    state: LiveState,
    done: Array<AddEntry | DropEntry | UpdateEntry>,
  ): void {
    for (const e of done) {
      const key = valuesKey(e.values)
      switch (step.operation) {
        case 'BatchCreatePartition': {
          this.tally.created++
          state.live.set(key, {
            Parameters: {},
            StorageDescriptor: {...state.table.sd, Location: (e as AddEntry).location},
            Values: e.values,
          })
          break
        }

        case 'BatchDeletePartition': {
          this.tally.deleted++
          state.live.delete(key)
          break
        }

        default: {
          this.tally.updated++
          const u = e as UpdateEntry
          const live = state.live.get(key)
          const location = u.to ?? live?.StorageDescriptor?.Location
          state.live.set(key, {
            ...live,
            StorageDescriptor: u.repair
              ? {...state.table.sd, Location: location}
              : {...live?.StorageDescriptor, Location: location},
            Values: e.values,
          })
        }
      }
    }
  }
}

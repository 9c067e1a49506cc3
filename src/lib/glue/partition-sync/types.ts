/** What `glue partition-sync` works with: its request, the diff's entries, the result, the plan and the live state an apply observes. */
import type {GlueClient, Partition} from '@aws-sdk/client-glue'
import type {S3Client} from '@aws-sdk/client-s3'

import type {EntryFailure, Plan} from '../../core/plan.js'
import type {TableInfo} from '../catalog.js'
import type {Anomaly, Discovery} from '../discover.js'
import type {InventoryInfo} from '../inventory-discovery.js'
import type {ProjectionSuggestion} from '../projection.js'

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
  prune: boolean
  repairSchema: boolean
  /** GetPartitions segments (1–10). */
  segments: number
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

export interface PreparedSync {
  plan: SyncPlan
  result: PartitionSyncResult
  /** For people (stderr) and the envelope's warnings. */
  warnings: string[]
}

export interface LiveState {
  live: Map<string, Partition>
  table: TableInfo
}

export interface ExecutorOptions {
  baseDelayMs?: number
  concurrency: number
}

/** Partitions this run changed, by kind (failures are in the engine's report). */
export interface ApplyTally {
  created: number
  deleted: number
  updated: number
}

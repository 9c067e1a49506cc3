/**
 * The `--max-scan-gb` guard shared by every query over a table: size the objects under the
 * partitions the query selects (./table-scan.ts `estimateScan`, an upper bound for columnar
 * formats) and refuse, before anything runs, a scan above the limit or one whose size cannot be
 * known. What a run read and cost is then reported as `AthenaRunInfo`.
 */
import type {S3Client} from '@aws-sdk/client-s3'

import type {RunContext} from '../core/run-context.js'
import type {AthenaQueryStats} from './query-runner.js'
import type {TimePartitionPlan} from './time-partitions.js'

import {UsageError} from '../core/errors.js'
import {estimateScan, type ScanEstimate, type TableDescription} from './table-scan.js'

/** What an Athena run read and cost, or (with --print-sql) the query it would run. */
export interface AthenaRunInfo {
  estimate?: ScanEstimate | undefined
  /** Which partitions the query reads (or why all of them). */
  partitions: string
  sql: string
  stats?: AthenaQueryStats | undefined
}

const GB = 1_073_741_824

/** The estimate when `maxScanGb` is set and within it; throws (exit 2) above it or when unknown. */
export async function guardScan(
  s3: S3Client | undefined,
  table: TableDescription,
  scan: {maxScanGb: number | undefined; partitions: string; plan: TimePartitionPlan | undefined},
  ctx: RunContext,
): Promise<ScanEstimate | undefined> {
  if (scan.maxScanGb === undefined) return undefined
  if (!s3) throw new UsageError('--max-scan-gb needs S3 access to size the partitions')
  ctx.progress({label: 'Sizing the partitions to scan'})
  const estimate = await estimateScan(s3, table, scan.plan, ctx.signal)
  if (estimate.bytes === null)
    throw new UsageError(
      `--max-scan-gb ${scan.maxScanGb}: the scan size cannot be estimated (${estimate.note}), so the guard cannot be checked`,
      {
        suggestions: [
          "Narrow the window, or drop --max-scan-gb and rely on the workgroup's BytesScannedCutoffPerQuery.",
        ],
      },
    )
  if (estimate.bytes > scan.maxScanGb * GB)
    throw new UsageError(
      `the query would read up to ${(estimate.bytes / GB).toFixed(2)} GB (${estimate.objects} objects; ${scan.partitions}), above --max-scan-gb ${scan.maxScanGb}`,
      {
        suggestions: [
          'Narrow the window (it is pushed down to time partitions), or raise --max-scan-gb.',
          "Columnar tables (Parquet/ORC) read less than their objects' size: the estimate is an upper bound.",
        ],
      },
    )
  return estimate
}

/**
 * Flags of the analyses that can run in Athena over a table of archived records
 * (`kinesis hot-shards --athena-table`, `kinesis reshard --split-hot --athena-table`), and their
 * conversion to the library's request (src/flags/: shared flag sets, outside src/commands so oclif does not load them as commands).
 */
import {Flags} from '@oclif/core'

import type {TimeFormat} from '../lib/athena/sql-model.js'
import type {AthenaTableRequest} from '../lib/kinesis/athena/hot-shards-athena.js'

import {parseTableRef} from '../lib/athena/table-scan.js'
import {UsageError} from '../lib/core/errors.js'

const helpGroup = 'ATHENA'

export const athenaTableFlags = {
  'athena-table': Flags.string({
    helpGroup,
    summary: 'Analyse archived records in Athena: the Glue/Athena table DATABASE.TABLE (e.g. Firehose output in S3).',
  }),
  'bytes-column': Flags.string({
    dependsOn: ['athena-table'],
    helpGroup,
    summary: "Column with each record's data size in bytes (the key's bytes are added, as Kinesis counts them).",
  }),
  catalog: Flags.string({dependsOn: ['athena-table'], helpGroup, summary: 'Data catalog (default AwsDataCatalog).'}),
  'key-column': Flags.string({dependsOn: ['athena-table'], helpGroup, summary: 'Column with the partition key.'}),
  'max-scan-gb': Flags.string({
    dependsOn: ['athena-table'],
    helpGroup,
    summary: 'Refuse to run when the objects under the selected partitions exceed this many GB (S3 listing).',
  }),
  'output-location': Flags.string({
    dependsOn: ['athena-table'],
    helpGroup,
    summary: 's3://… for the query result when the workgroup has none (ignored when the workgroup enforces its own).',
  }),
  'print-sql': Flags.boolean({
    dependsOn: ['athena-table'],
    helpGroup,
    summary: 'Print the Athena SQL (runnable by hand) and the partitions it reads; run nothing.',
  }),
  'time-column': Flags.string({
    dependsOn: ['athena-table'],
    helpGroup,
    summary: "Column with each record's arrival time (per-second rates; the window filters on it).",
  }),
  'time-format': Flags.string({
    dependsOn: ['athena-table'],
    helpGroup,
    options: ['timestamp', 'epoch-ms', 'epoch-s'],
    summary: 'Type of --time-column: a TIMESTAMP (default), or epoch milliseconds / seconds.',
  }),
  workgroup: Flags.string({
    dependsOn: ['athena-table'],
    helpGroup,
    summary: 'Athena workgroup (default primary); its result location and encryption apply.',
  }),
}

/** The same for `reshard --split-hot` (no --print-sql: a plan is printed instead). */
export const reshardAthenaFlags = Object.fromEntries(
  Object.entries(athenaTableFlags).filter(([name]) => name !== 'print-sql'),
) as Omit<typeof athenaTableFlags, 'print-sql'>

/** IAM actions of an --athena-table run (Athena, the Glue catalog it reads, the data and result buckets). */
export const ATHENA_TABLE_IAM = [
  {action: 'athena:GetTableMetadata', when: 'with --athena-table'},
  {action: 'athena:GetWorkGroup', when: 'with --athena-table'},
  {action: 'athena:StartQueryExecution', when: 'with --athena-table'},
  {action: 'athena:GetQueryExecution', when: 'with --athena-table'},
  {action: 'athena:GetQueryResults', when: 'with --athena-table'},
  {action: 'athena:StopQueryExecution', when: 'with --athena-table, on Ctrl-C'},
  {action: 'glue:GetTable', when: 'with --athena-table (Athena reads the Glue Data Catalog)'},
  {action: 'glue:GetDatabase', when: 'with --athena-table'},
  {action: 'glue:GetPartitions', when: 'with --athena-table on a table with catalog partitions'},
  {action: 's3:GetBucketLocation', when: 'with --athena-table (the query result bucket)'},
  {action: 's3:GetObject', when: 'with --athena-table (the table data and the query result)'},
  {action: 's3:ListBucket', when: 'with --athena-table (the table data; --max-scan-gb sizes it)'},
  {action: 's3:PutObject', when: 'with --athena-table (the query result location)'},
]

export interface AthenaTableFlagValues {
  'athena-table'?: string | undefined
  'bytes-column'?: string | undefined
  catalog?: string | undefined
  'key-column'?: string | undefined
  'max-scan-gb'?: string | undefined
  'output-location'?: string | undefined
  'print-sql'?: boolean | undefined
  'time-column'?: string | undefined
  'time-format'?: string | undefined
  workgroup?: string | undefined
}

/** The flags as the library's request (everything but the ranges and the analysis options). */
export function athenaTableRequest(
  flags: AthenaTableFlagValues,
  window: undefined | {endMs: number; startMs: number},
): Omit<AthenaTableRequest, 'options' | 'ranges' | 'rangesSource'> {
  const table = flags['athena-table']!
  // The name's shape is checked here, before any AWS set-up, so a typo is named before a missing region.
  parseTableRef(table)
  if (!flags['key-column'])
    throw new UsageError('--athena-table needs --key-column (the column holding the partition key)', {
      suggestions: [
        `e.g. --athena-table ${table} --key-column partition_key --bytes-column size --time-column arrival`,
      ],
    })
  return {
    ...athenaRunSettings(flags),
    bytesColumn: flags['bytes-column'],
    keyColumn: flags['key-column'],
    printSqlOnly: flags['print-sql'],
    table,
    timeColumn: flags['time-column'],
    timeFormat: (flags['time-format'] ?? 'timestamp') as TimeFormat,
    window,
  }
}

/** Where a query runs and what it may read: --catalog, --workgroup, --output-location, --max-scan-gb. */
export function athenaRunSettings(flags: {
  catalog?: string | undefined
  'max-scan-gb'?: string | undefined
  'output-location'?: string | undefined
  workgroup?: string | undefined
}): {catalog?: string; maxScanGb?: number; outputLocation?: string; workGroup?: string} {
  let maxScanGb: number | undefined
  if (flags['max-scan-gb'] !== undefined) {
    maxScanGb = Number(flags['max-scan-gb'])
    if (!Number.isFinite(maxScanGb) || maxScanGb <= 0)
      throw new UsageError(`--max-scan-gb must be a positive number of GB, not "${flags['max-scan-gb']}"`)
  }

  if (flags['output-location'] !== undefined && !/^s3:\/\/[^/]+/.test(flags['output-location']))
    throw new UsageError(`--output-location must be an s3://BUCKET/PREFIX/ URI, not "${flags['output-location']}"`)
  return {
    ...(flags.catalog === undefined ? {} : {catalog: flags.catalog}),
    ...(maxScanGb === undefined ? {} : {maxScanGb}),
    ...(flags['output-location'] === undefined ? {} : {outputLocation: flags['output-location']}),
    ...(flags.workgroup === undefined ? {} : {workGroup: flags.workgroup}),
  }
}

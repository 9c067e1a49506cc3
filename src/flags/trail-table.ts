/**
 * `--trail-table DB.TABLE` of the flows that search CloudTrail (`pipeline trace`, `mwaa triage`,
 * `kinesis reshard`'s quota check): search the trail's log files in Athena instead of event
 * history, so data events and events older than 90 days are found. Lives outside src/commands so
 * oclif does not load it as a command.
 */
import {Flags} from '@oclif/core'

import type {TrailTableSettings} from '../lib/cloudtrail/athena-lookup.js'

import {parseTableRef} from '../lib/athena/table-scan.js'
import {athenaRunSettings} from './athena-table.js'
import {onlyWith} from './relations.js'

const helpGroup = 'ATHENA'

/** --catalog, --max-scan-gb, --output-location, --workgroup, meaningful beside any of `tables`. */
export function athenaRunFlags(...tables: string[]) {
  const relation = onlyWith(...tables)
  return {
    catalog: Flags.string({...relation, helpGroup, summary: 'Data catalog (default AwsDataCatalog).'}),
    'max-scan-gb': Flags.string({
      ...relation,
      helpGroup,
      summary: 'Refuse a query whose objects under the selected partitions exceed this many GB (S3 listing).',
    }),
    'output-location': Flags.string({
      ...relation,
      helpGroup,
      summary: 's3://… for query results when the workgroup has none (ignored when it enforces its own).',
    }),
    workgroup: Flags.string({
      ...relation,
      helpGroup,
      summary: 'Athena workgroup (default primary); its result location and encryption apply.',
    }),
  }
}

export const trailTableFlags = {
  ...athenaRunFlags('trail-table'),
  'trail-table': Flags.string({
    helpGroup,
    summary:
      "Search CloudTrail in Athena: the table over the trail's logs, DATABASE.TABLE (finds data events and events older than 90 days; `trail lookup --create-table-ddl` creates one).",
  }),
}

/** IAM of a --trail-table run: Athena, the catalog, the trail bucket and the result location. */
export const TRAIL_TABLE_IAM = [
  'athena:GetTableMetadata',
  'athena:GetWorkGroup',
  'athena:StartQueryExecution',
  'athena:GetQueryExecution',
  'athena:GetQueryResults',
  'athena:StopQueryExecution',
  'glue:GetTable',
  'glue:GetDatabase',
  'glue:GetPartitions',
  's3:GetBucketLocation',
  's3:GetObject',
  's3:ListBucket',
  's3:PutObject',
].map((action) => ({action, when: 'with --trail-table'}))

export function trailTableSettings(flags: {
  catalog?: string | undefined
  'max-scan-gb'?: string | undefined
  'output-location'?: string | undefined
  'trail-table'?: string | undefined
  workgroup?: string | undefined
}): TrailTableSettings | undefined {
  const table = flags['trail-table']
  if (table === undefined) return undefined
  parseTableRef(table, '--trail-table', 'security.cloudtrail_logs')
  return {...athenaRunSettings(flags), table}
}

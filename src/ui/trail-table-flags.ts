/**
 * `--trail-table DB.TABLE` of the flows that search CloudTrail (`pipeline trace`, `mwaa triage`,
 * `kinesis reshard`'s quota check): search the trail's log files in Athena instead of event
 * history, so data events and events older than 90 days are found. Lives outside src/commands so
 * oclif does not load it as a command.
 */
import {Flags} from '@oclif/core'

import type {TrailTableSettings} from '../lib/cloudtrail/athena-lookup.js'

import {onlyWith} from '../flags/relations.js'
import {parseTableRef} from '../lib/athena/table-scan.js'
import {athenaRunSettings} from './athena-table-flags.js'

const helpGroup = 'CLOUDTRAIL IN ATHENA'

export const trailTableFlags = {
  catalog: Flags.string({...onlyWith('trail-table'), helpGroup, summary: 'Data catalog (default AwsDataCatalog).'}),
  'max-scan-gb': Flags.string({
    ...onlyWith('trail-table'),
    helpGroup,
    summary: 'Refuse a trail query whose log files under the selected partitions exceed this many GB.',
  }),
  'output-location': Flags.string({
    ...onlyWith('trail-table'),
    helpGroup,
    summary: 's3://… for query results when the workgroup has none (ignored when it enforces its own).',
  }),
  'trail-table': Flags.string({
    helpGroup,
    summary:
      "Search CloudTrail in Athena: the table over the trail's logs, DATABASE.TABLE (finds data events and events older than 90 days; `trail lookup --create-table-ddl` creates one).",
  }),
  workgroup: Flags.string({
    ...onlyWith('trail-table'),
    helpGroup,
    summary: 'Athena workgroup for the trail queries (default primary).',
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

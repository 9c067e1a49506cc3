/* eslint-disable no-template-curly-in-string -- Athena location templates are literal ${key} placeholders */
import {Flags, type Interfaces} from '@oclif/core'

import {BaseCommand, planFlags} from '../../base-command.js'
import {UsageError} from '../../lib/core/errors.js'
import {durationToMs, parseDuration} from '../../lib/core/parse/duration.js'
import {parseKeyValueList} from '../../lib/core/parse/lists.js'
import {
  appliedOf,
  PartitionSyncExecutor,
  type PartitionSyncOptions,
  type PartitionSyncResult,
  PLAN_KIND,
  planPartitionSync,
  type PreparedSync,
  resultFromPlan,
} from '../../lib/glue/partition-sync.js'
import {renderApplied, renderPartitionSync} from '../../ui/glue-partition-sync.js'

export default class GluePartitionSync extends BaseCommand {
  static override description = `Discovers the partitions that exist in S3 under the table's location (one ListObjectsV2 level per partition key, with Delimiter "/", full pagination and bounded concurrency), reads the catalog's partitions (GetPartitions in parallel segments), and prints the full difference: partitions to add, to drop (with --prune), to relocate (same values, another location), partitions whose storage descriptor drifted from the table's, and anomalies (prefixes that match no layout, empty values, wrong key order, values that fail the key's type, other tables nested under this one).

Hive-style key=value paths are the default, with Hive's exact path encoding. Other layouts use --template in Athena's partition projection syntax; a key may span several path segments with a date format (--key-format dt=yyyy/MM/dd/HH, the Firehose layout). The table's storage.location.template and projection.KEY.format are used when present.

Nothing changes without --apply: then partitions are created (BatchCreatePartition, 100 per call, storage descriptor copied from the table), relocated or repaired (BatchUpdatePartition, 100 per call) and dropped (BatchDeletePartition, 25 per call), with per-entry errors reported, retries with back-off, and re-checks after ambiguous failures. Re-running resumes. Offline: --table-json and --partitions-json take the output of aws glue get-table / get-partitions instead of the Glue API.

Exit codes: 0 in sync or applied, 1 differences found (dry run), 7 applied partially (re-run to resume).`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --database sales --table orders',
    '<%= config.bin %> <%= command.id %> --database sales --table orders --since 7d --apply --yes',
    "<%= config.bin %> <%= command.id %> --database logs --table firehose_events --template 's3://logs/events/${dt}/' --key-format dt=yyyy/MM/dd/HH --since 2d",
    '<%= config.bin %> <%= command.id %> --database sales --table orders --where region=eu --prune --plan-out plan.json',
    '<%= config.bin %> <%= command.id %> --table-json table.json --partitions-json partitions.json --json',
  ]
  static override flags = {
    ...planFlags,
    'check-columns': Flags.boolean({
      default: false,
      summary: "Also compare partition columns with the table's (reads partitions without ExcludeColumnSchema).",
    }),
    'check-empty': Flags.boolean({
      default: false,
      summary: 'Look inside each new partition (one request each) and skip those holding only marker objects.',
    }),
    concurrency: Flags.integer({
      default: 16,
      max: 64,
      min: 1,
      summary: 'Parallel S3 list requests and Glue batch calls.',
    }),
    database: Flags.string({char: 'd', summary: 'Glue database of the table.'}),
    force: Flags.boolean({
      default: false,
      summary:
        'Apply despite the guard rails (drops over --max-drop-pct, drops of prefixes that still hold data, projection-enabled tables).',
    }),
    'full-listing': Flags.boolean({
      default: false,
      summary: 'List every object under the table once instead of walking level by level (flat or shallow tables).',
    }),
    inventory: Flags.string({
      exclusive: ['full-listing'],
      summary:
        "s3://…/manifest.json of an S3 Inventory report (CSV or Parquet) of the table's bucket: read it instead of listing; partitions dated from a day before the report on are listed live.",
    }),
    'key-format': Flags.string({
      multiple: true,
      summary: 'Date format of a key in its path, KEY=FORMAT (Athena projection syntax), e.g. dt=yyyy/MM/dd/HH.',
    }),
    'max-drop-pct': Flags.integer({
      default: 10,
      max: 100,
      min: 0,
      summary: 'Refuse to drop more than this percentage of the catalog partitions read (without --force).',
    }),
    'partitions-json': Flags.string({
      summary: 'Offline: output of aws glue get-partitions, instead of reading the catalog.',
    }),
    prune: Flags.boolean({default: false, summary: 'Drop catalog partitions whose prefix no longer exists in S3.'}),
    'repair-schema': Flags.boolean({
      default: false,
      summary:
        "Rewrite partitions whose storage descriptor differs from the table's (columns, formats, SerDe) from the table.",
    }),
    segments: Flags.integer({
      default: 10,
      max: 10,
      min: 1,
      summary: 'Parallel GetPartitions segments (Glue allows up to 10).',
    }),
    since: Flags.string({
      summary: 'Only partitions whose date is within this duration (7d, 36h, 2 weeks); needs a date key or template.',
    }),
    table: Flags.string({char: 't', summary: 'Glue table name.'}),
    'table-json': Flags.string({summary: 'Offline: output of aws glue get-table, instead of calling GetTable.'}),
    'tables-json': Flags.string({summary: 'Offline: output of aws glue get-tables, for the nested-table check.'}),
    template: Flags.string({
      summary:
        "Path layout in Athena projection syntax, e.g. s3://bucket/prefix/${year}/${month}/${day}/ (default: the table's storage.location.template, else Hive key=value).",
    }),
    where: Flags.string({multiple: true, summary: 'Only partitions with these key values: KEY=VALUE[,KEY=VALUE…].'}),
  }
  static override iam = [
    'glue:GetTable',
    'glue:GetTables',
    'glue:GetPartitions',
    's3:ListBucket',
    {action: 's3:GetObject', when: 'with --inventory (the manifest and its data files)'},
    {action: 'glue:BatchGetPartition', when: 'with --apply'},
    {action: 'glue:BatchCreatePartition', when: 'with --apply'},
    {action: 'glue:BatchDeletePartition', when: 'with --apply and --prune'},
    {action: 'glue:BatchUpdatePartition', when: 'with --apply (relocations, --repair-schema)'},
  ]
  static override summary =
    'Sync Glue catalog partitions with what exists in S3 (add, drop, relocate, repair), any path layout.'

  public async run(): Promise<PartitionSyncResult> {
    const {flags} = await this.parse(GluePartitionSync)
    const offline = checkModes(flags)
    const sinceMs =
      flags.since === undefined ? undefined : Date.now() - durationToMs(parseDuration(flags.since, '--since'))
    const aws = await this.awsClients(flags)
    const s3 = await aws.create('s3')
    const glue = offline ? undefined : await aws.create('glue')

    let prepared: PreparedSync | undefined
    const ctx = this.runContext()
    const executor = new PartitionSyncExecutor({glue: glue!}, {concurrency: flags.concurrency}, ctx)
    const run = await this.runPlan({
      executor,
      flags,
      kind: PLAN_KIND,
      makePlan: async () => {
        prepared = await planPartitionSync({glue, s3}, syncOptions(flags, offline, sinceMs), ctx)
        for (const w of prepared.warnings) this.warnUser(w)
        return prepared.plan
      },
      onSavedPlan(saved) {
        const refusals = (saved.summary as {refusals?: string[]}).refusals ?? []
        if (refusals.length > 0 && !flags.force) {
          throw new UsageError(`refusing to apply ${flags.plan}: ${refusals.join('; ')}`, {
            code: 'DropGuard',
            suggestions: ['Pass --force if these drops are intended.'],
          })
        }
      },
      partialInResult: {noun: 'partition'},
      render: (plan) => renderPartitionSync(prepared?.result ?? resultFromPlan(plan)),
    })
    const result = prepared?.result ?? resultFromPlan(run.plan)
    if (run.report) {
      result.applied = appliedOf(executor.tally, run.report)
      if (!this.jsonEnabled()) this.log(renderApplied(result))
    } else if (run.mode === 'dry-run' || !flags.apply) {
      const p = result.plan
      this.reportFindings(
        p.add.length + p.drop.length + p.relocate.length + p.drift.length + p.anomalies.length + result.catalog.stale >
          0,
      )
    }

    return result
  }
}

type Parsed = Interfaces.InferredFlags<(typeof GluePartitionSync)['flags']>

/** Check the combinations of flags; returns whether the run is offline. */
function checkModes(flags: Parsed): boolean {
  const offline = Boolean(flags['table-json'] || flags['partitions-json'])
  if (offline && !(flags['table-json'] && flags['partitions-json'])) {
    throw new UsageError('offline mode needs both --table-json and --partitions-json', {
      suggestions: [
        'Export them with: aws glue get-table --database-name D --name T > table.json; aws glue get-partitions --database-name D --table-name T > partitions.json',
      ],
    })
  }

  if (!offline && !flags.plan && (!flags.database || !flags.table)) {
    throw new UsageError(
      `missing ${[flags.database ? '' : '--database', flags.table ? '' : '--table'].filter(Boolean).join(' and ')}`,
      {
        suggestions: [
          'Name the table: --database DB --table TABLE (or work offline with --table-json and --partitions-json).',
        ],
      },
    )
  }

  if (offline && (flags.apply || flags.plan)) {
    throw new UsageError(
      '--apply needs the live catalog; offline files (--table-json/--partitions-json) can only be planned',
      {
        suggestions: ['Drop --apply to see the plan, or run with --database and --table against AWS.'],
      },
    )
  }

  return offline
}

function syncOptions(flags: Parsed, offline: boolean, sinceMs: number | undefined): PartitionSyncOptions {
  return {
    applyRequested: flags.apply,
    checkColumns: flags['check-columns'],
    checkEmpty: flags['check-empty'],
    concurrency: flags.concurrency,
    database: flags.database,
    force: flags.force,
    fullListing: flags['full-listing'],
    inventory: flags.inventory,
    keyFormats: parseKeyValueList(flags['key-format'], '--key-format'),
    maxDropPct: flags['max-drop-pct'],
    offline: offline
      ? {partitionsJson: flags['partitions-json']!, tableJson: flags['table-json']!, tablesJson: flags['tables-json']}
      : undefined,
    prune: flags.prune,
    repairSchema: flags['repair-schema'],
    segments: flags.segments,
    sinceMs,
    table: flags.table,
    template: flags.template,
    where: parseKeyValueList(flags.where, '--where'),
  }
}

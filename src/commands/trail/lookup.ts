import {Flags} from '@oclif/core'

import type {AthenaRunInfo} from '../../lib/athena/scan-guard.js'

import {BaseCommand} from '../../base-command.js'
import {ATHENA_TABLE_IAM, athenaRunSettings, athenaTableFlags} from '../../flags/athena-table.js'
import {onlyWith} from '../../flags/relations.js'
import {parseTableRef} from '../../lib/athena/table-scan.js'
import {cloudTrailTableDdl} from '../../lib/cloudtrail/athena-ddl.js'
import {athenaTrailSearch} from '../../lib/cloudtrail/athena-lookup.js'
import {
  checkEventHistoryWindow,
  lookupEvents,
  type TrailEvent,
  type TrailLookupResult,
  type TrailQuery,
} from '../../lib/cloudtrail/lookup.js'
import {UsageError} from '../../lib/core/errors.js'
import {parsePositiveInt} from '../../lib/core/parse/lists.js'
import {parseTimeWindow} from '../../lib/core/parse/time-window.js'
import {renderAthenaRun} from '../../ui/athena-run.js'
import {renderTrailEvents} from '../../ui/trail.js'

export interface TrailLookupOutput {
  /** With --athena-table: the query, the partitions it read, bytes scanned and cost. */
  athena?: AthenaRunInfo | undefined
  events: TrailEvent[]
  pages: number
  query: {
    errorsOnly: boolean
    eventName: null | string
    eventSource: null | string
    resourceName: null | string
    user: null | string
  }
  truncated: boolean
  window: {end: string; start: string}
}

export default class TrailLookup extends BaseCommand {
  static override description =
    "Searches CloudTrail event history (management events of the last 90 days, this region) with LookupEvents. The API filters on one attribute per call; pipeops sends the most selective one and applies the others itself, and paces calls to the 2-requests-per-second account limit.\n\nWith --athena-table DB.TABLE the same filters run as one Athena query over the trail's log files in S3 (the table --create-table-ddl prints, or AWS's standard one): data events (S3 PutObject, Lambda Invoke) when the trail records them, events older than 90 days, every Region the trail covers. The window is pushed down to the table's region/year/month/day or projected timestamp partitions; --print-sql shows the query; bytes scanned and cost are reported."
  static override examples = [
    '<%= config.bin %> <%= command.id %> --athena-table security.cloudtrail_logs --event-name PutObject --resource-name arn:aws:s3:::raw-landing/orders/batch-7.csv --start 2026-08-01T00:00:00Z --end 2026-08-02T00:00:00Z',
    '<%= config.bin %> <%= command.id %> --event-name UpdateShardCount --resource-name orders --since 24h',
    '<%= config.bin %> <%= command.id %> --user my-airflow-role --errors-only --since 2h',
    '<%= config.bin %> <%= command.id %> --event-source glue.amazonaws.com --start 2026-11-22T08:00:00Z --end 2026-11-22T09:00:00Z --json',
  ]
  static override flags = {
    'account-id': Flags.string({
      ...onlyWith('create-table-ddl'),
      helpGroup: 'ATHENA TABLE',
      summary: 'With --create-table-ddl: the account whose logs the table reads.',
    }),
    'athena-table': Flags.string({
      helpGroup: 'ATHENA QUERY',
      summary:
        "Search the trail's logs in Athena instead of event history: the CloudTrail table DATABASE.TABLE (data events, events older than 90 days).",
    }),
    catalog: {...athenaTableFlags.catalog, helpGroup: 'ATHENA QUERY'},
    'create-table-ddl': Flags.boolean({
      default: false,
      helpGroup: 'ATHENA TABLE',
      summary:
        "Print the CREATE TABLE for the trail's logs in S3 (Athena), for events older than 90 days or data events; calls nothing.",
    }),
    end: Flags.string({summary: 'End of the window (ISO-8601, epoch, or a duration ago such as 1h); needs --start.'}),
    'errors-only': Flags.boolean({
      default: false,
      summary: 'Only events that failed (errorCode set), e.g. AccessDenied.',
    }),
    'event-name': Flags.string({summary: 'API operation, e.g. UpdateShardCount, PutObject.'}),
    'event-source': Flags.string({summary: 'Service, e.g. kinesis.amazonaws.com.'}),
    limit: Flags.string({default: '1000', summary: 'Stop after this many matching events.'}),
    'max-scan-gb': {...athenaTableFlags['max-scan-gb'], helpGroup: 'ATHENA QUERY'},
    'organization-id': Flags.string({
      ...onlyWith('create-table-ddl'),
      helpGroup: 'ATHENA TABLE',
      summary: 'With --create-table-ddl: the organization id of an organization trail (o-…).',
    }),
    'output-location': {...athenaTableFlags['output-location'], helpGroup: 'ATHENA QUERY'},
    'print-sql': {...athenaTableFlags['print-sql'], helpGroup: 'ATHENA QUERY'},
    projection: Flags.boolean({
      ...onlyWith('create-table-ddl'),
      helpGroup: 'ATHENA TABLE',
      summary:
        'With --create-table-ddl: partition projection on the day (one Region per table) instead of region/year/month/day partitions.',
    }),
    'projection-start': Flags.string({
      ...onlyWith('projection'),
      helpGroup: 'ATHENA TABLE',
      summary: 'First day of the projection range, yyyy/MM/dd (default 2020/01/01).',
    }),
    'resource-name': Flags.string({summary: 'Resource name or ARN, e.g. a stream or role name.'}),
    since: Flags.string({summary: 'Window ending now, e.g. 30m, 2h, 7d (default 1h).'}),
    start: Flags.string({summary: 'Start of the window (ISO-8601, epoch, or a duration ago such as 3h).'}),
    table: Flags.string({
      ...onlyWith('create-table-ddl'),
      helpGroup: 'ATHENA TABLE',
      summary: 'With --create-table-ddl: the table to create (DB.TABLE or TABLE; default cloudtrail_logs).',
    }),
    'trail-bucket': Flags.string({
      ...onlyWith('create-table-ddl'),
      helpGroup: 'ATHENA TABLE',
      summary: "With --create-table-ddl: the trail's S3 bucket (and prefix), s3://BUCKET[/PREFIX].",
    }),
    'trail-region': Flags.string({
      ...onlyWith('projection'),
      helpGroup: 'ATHENA TABLE',
      summary: 'With --projection: the Region whose logs the table reads.',
    }),
    user: Flags.string({summary: 'IAM user name or role session name (CloudTrail Username).'}),
    workgroup: {...athenaTableFlags.workgroup, helpGroup: 'ATHENA QUERY'},
  }
  static override iam = [{action: 'cloudtrail:LookupEvents', when: 'without --athena-table'}, ...ATHENA_TABLE_IAM]
  static override summary = 'Look up CloudTrail events by name, source, resource, user and time.'

  public async run(): Promise<TrailLookupOutput | {athena: AthenaRunInfo; sql: string} | {ddl: string}> {
    const {flags} = await this.parse(TrailLookup)
    if (flags['create-table-ddl']) return this.printDdl(flags)
    const now = new Date()
    const window = parseTimeWindow({
      end: flags.end,
      fallbackSince: '1h',
      now,
      since: flags.since,
      start: flags.start,
    })
    const limit = parsePositiveInt(flags.limit, '--limit', {max: 100_000})
    const query: TrailQuery = {
      end: window.end,
      errorsOnly: flags['errors-only'],
      limit,
      start: window.start,
      ...(flags['event-name'] ? {eventName: flags['event-name']} : {}),
      ...(flags['event-source'] ? {eventSource: flags['event-source']} : {}),
      ...(flags['resource-name'] ? {resourceName: flags['resource-name']} : {}),
      ...(flags.user ? {user: flags.user} : {}),
    }
    // Argument shapes first: a bad value is named before AWS set-up can fail on a missing region.
    checkShapes(flags, window.start, now)
    const aws = await this.awsClients(flags)
    let found: TrailLookupResult & {athena?: AthenaRunInfo | undefined}
    if (flags['athena-table']) {
      const settings = {...athenaRunSettings(flags), table: flags['athena-table'], tableFlag: '--athena-table'}
      const athena = await aws.create('athena')
      const s3 = settings.maxScanGb === undefined ? undefined : await aws.create('s3')
      found = await athenaTrailSearch({athena, s3}, settings, this.runContext()).lookup(query, {
        printSqlOnly: flags['print-sql'] ?? false,
      })
      if (flags['print-sql']) {
        if (!this.jsonEnabled()) this.log(renderAthenaRun(found.athena!))
        return {athena: found.athena!, sql: found.athena!.sql}
      }
    } else {
      found = await lookupEvents({cloudtrail: await aws.create('cloudtrail')}, query, this.runContext())
    }

    if (found.truncated)
      this.warnUser(
        `stopped at --limit ${limit} events; more exist in the window (raise --limit or narrow the window).`,
      )
    const output: TrailLookupOutput = {
      ...(found.athena ? {athena: found.athena} : {}),
      events: found.events,
      pages: found.pages,
      query: {
        errorsOnly: flags['errors-only'],
        eventName: flags['event-name'] ?? null,
        eventSource: flags['event-source'] ?? null,
        resourceName: flags['resource-name'] ?? null,
        user: flags.user ?? null,
      },
      truncated: found.truncated,
      window: {end: window.end.toISOString(), start: window.start.toISOString()},
    }
    if (!this.jsonEnabled()) {
      this.log(renderTrailEvents(output.events, output.window))
      if (output.athena) this.log(renderAthenaRun(output.athena))
    }

    return output
  }

  private printDdl(flags: {
    'account-id'?: string | undefined
    'organization-id'?: string | undefined
    projection?: boolean | undefined
    'projection-start'?: string | undefined
    table?: string | undefined
    'trail-bucket'?: string | undefined
    'trail-region'?: string | undefined
  }): {ddl: string} {
    if (!flags['trail-bucket'] || !flags['account-id'])
      throw new UsageError('--create-table-ddl needs --trail-bucket s3://BUCKET[/PREFIX] and --account-id')
    const ddl = cloudTrailTableDdl({
      accountId: flags['account-id'],
      bucket: flags['trail-bucket'],
      organizationId: flags['organization-id'],
      projection: flags.projection ?? false,
      projectionStart: flags['projection-start'],
      region: flags['trail-region'],
      table: flags.table ?? 'cloudtrail_logs',
    })
    if (!this.jsonEnabled()) this.log(ddl)
    return {ddl}
  }
}

/** The --athena-table name, or event history's 90-day reach: checked before any AWS set-up. */
function checkShapes(
  flags: {'athena-table'?: string | undefined; since?: string | undefined; start?: string | undefined},
  start: Date,
  now: Date,
): void {
  if (flags['athena-table']) parseTableRef(flags['athena-table'], '--athena-table', 'security.cloudtrail_logs')
  else checkEventHistoryWindow(start, now, flags.start ? `--start ${flags.start}` : `--since ${flags.since}`)
}

import type {CloudTrailClient} from '@aws-sdk/client-cloudtrail'

import {Flags} from '@oclif/core'

import type {TrailTableSettings} from '../../lib/cloudtrail/athena-lookup.js'
import type {RunContext} from '../../lib/core/run-context.js'
import type {TriageResult} from '../../lib/mwaa/types.js'

import {BaseCommand, type BaseFlags} from '../../base-command.js'
import {TRAIL_TABLE_IAM, trailTableFlags, trailTableSettings} from '../../flags/trail-table.js'
import {requireRegion} from '../../lib/aws/settings.js'
import {athenaTrailSearch} from '../../lib/cloudtrail/athena-lookup.js'
import {UsageError} from '../../lib/core/errors.js'
import {parseTimeWindow} from '../../lib/core/parse/time-window.js'
import {runTriage, type TriageClients} from '../../lib/mwaa/triage.js'
import {renderTriage, renderTriageMarkdown} from '../../ui/mwaa-triage.js'

export default class MwaaTriage extends BaseCommand {
  static override description = `Reads an MWAA environment's log groups (found with GetEnvironment) over a time window, or exported log files, recognises known failure signatures, links causes across log groups, ranks them, and prints each cause with its fix and evidence. AccessDenied errors are matched to their CloudTrail event (in Event history, or with --trail-table DB.TABLE in the trail's log files through Athena: data events and denials older than 90 days too). Read-only.

Exit codes: 0 nothing found, 1 findings, 2 bad flags, 3 credentials/access, 4 environment not found, 5 throttled, 6 unreadable log file.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --env prod-airflow --since 2h',
    '<%= config.bin %> <%= command.id %> --env prod-airflow --dag daily_sales --run scheduled__2026-11-22T06:00:00+00:00 --task load --try 2',
    '<%= config.bin %> <%= command.id %> --logs ./exported-logs --format markdown > ticket.md',
    'pbpaste | <%= config.bin %> <%= command.id %> --logs -',
    '<%= config.bin %> <%= command.id %> --env prod-airflow --start 2026-11-22T06:00:00Z --end 2026-11-22T07:00:00Z --no-cloudtrail --json',
  ]
  static override flags = {
    cloudtrail: Flags.boolean({
      allowNo: true,
      summary: 'Match AccessDenied errors to CloudTrail events (default: on with --env, off with --logs).',
    }),
    dag: Flags.string({helpGroup: 'TASK', summary: "DAG id: read this DAG's task log streams directly."}),
    end: Flags.string({summary: 'Window end (ISO-8601, epoch, or a duration ago); needs --start.'}),
    env: Flags.string({exclusive: ['logs'], summary: 'MWAA environment name: read its CloudWatch log groups.'}),
    format: Flags.string({
      default: 'text',
      options: ['text', 'markdown'],
      summary: 'Output for people: text, or markdown for a ticket (redacted by default).',
    }),
    logs: Flags.string({
      exclusive: ['env'],
      multiple: true,
      summary: 'Local log files or folders (CloudWatch JSON, console copies, plain text, .gz); - reads stdin.',
    }),
    'map-index': Flags.integer({
      dependsOn: ['dag'],
      helpGroup: 'TASK',
      min: -1,
      summary: 'map_index of a mapped task instance.',
    }),
    'max-events': Flags.integer({
      default: 200_000,
      min: 1,
      summary: 'Stop reading CloudWatch Logs after this many events.',
    }),
    redact: Flags.boolean({
      allowNo: true,
      summary:
        'Remove account ids, ARNs, passwords in connection strings, access keys and tokens from the output (default: on for markdown).',
    }),
    run: Flags.string({
      dependsOn: ['dag'],
      helpGroup: 'TASK',
      summary: 'DAG run id (e.g. scheduled__2026-11-22T06:00:00+00:00).',
    }),
    since: Flags.string({summary: 'Window: this long before now (30m, 2h, 1d). Default 2h with --env.'}),
    start: Flags.string({summary: 'Window start (ISO-8601, epoch, or a duration ago).'}),
    task: Flags.string({dependsOn: ['dag'], helpGroup: 'TASK', summary: 'Task id.'}),
    try: Flags.integer({dependsOn: ['dag'], helpGroup: 'TASK', min: 1, summary: 'Try number (attempt) of the task.'}),
    ...trailTableFlags,
  }
  static override formatIsOutput = true
  static override iam = [
    {action: 'airflow:GetEnvironment', when: 'with --env'},
    {action: 'logs:FilterLogEvents', when: 'with --env'},
    {action: 'logs:GetLogEvents', when: 'with --env and --dag'},
    {action: 'logs:DescribeLogStreams', when: 'with --env and --dag'},
    {action: 'cloudtrail:LookupEvents', when: 'when AccessDenied is found (unless --no-cloudtrail or --trail-table)'},
    ...TRAIL_TABLE_IAM,
  ]
  static override summary = 'Triage an MWAA (Airflow) environment from its logs: causes, fixes, evidence.'

  public async run(): Promise<TriageResult> {
    const {flags} = await this.parse(MwaaTriage)
    if (!flags.env && !flags.logs?.length) {
      throw new UsageError('nothing to triage: pass --env NAME or --logs PATH', {
        suggestions: [
          'pipeops mwaa triage --env my-environment --since 2h',
          'pipeops mwaa triage --logs ./exported-logs (or --logs - to paste a snippet)',
        ],
      })
    }

    if (flags.logs && flags.dag) {
      throw new UsageError('--dag/--run/--task/--try pick CloudWatch task log streams and need --env', {
        suggestions: ["With --logs, pass the task's own log file or folder instead."],
      })
    }

    const now = new Date()
    const windowGiven = Boolean(flags.since || flags.start || flags.end)
    const window =
      flags.env || windowGiven
        ? parseTimeWindow({end: flags.end, fallbackSince: '2h', now, since: flags.since, start: flags.start})
        : undefined
    const trailTable = trailTableOf(flags)
    const cloudtrail = flags.cloudtrail ?? Boolean(flags.env || trailTable)
    const redact = flags.redact ?? (flags.format === 'markdown' && !this.jsonEnabled())
    const ctx = this.runContext()
    const clients = await this.triageClients(flags, cloudtrail, trailTable && {ctx, settings: trailTable})

    const result = await runTriage(
      clients,
      {
        cloudtrail,
        env: flags.env,
        logs: flags.logs,
        maxEvents: flags['max-events'],
        redact,
        ref: flags.dag
          ? {dag: flags.dag, mapIndex: flags['map-index'], run: flags.run, task: flags.task, tryNumber: flags.try}
          : undefined,
        stdin: process.stdin,
        window,
      },
      {...ctx, now: () => now},
    )
    if (result.findings.length > 0) this.reportFindings()
    if (!this.jsonEnabled()) this.log(flags.format === 'markdown' ? renderTriageMarkdown(result) : renderTriage(result))
    return result
  }

  /** Clients for the AWS side, loaded only when used: offline triage starts without the SDK clients. */
  private async triageClients(
    flags: BaseFlags & {env?: string | undefined},
    cloudtrail: boolean,
    trailTable?: {ctx: RunContext; settings: TrailTableSettings},
  ): Promise<TriageClients> {
    const clients: TriageClients = {region: ''}
    if (!flags.env && !cloudtrail) {
      this.rejectAwsFlags(flags, 'a triage of local logs (no --env, no --cloudtrail)')
      return clients
    }

    const aws = await this.awsClients(flags)
    clients.region = requireRegion(aws.settings)
    if (flags.env) {
      clients.mwaa = await aws.create('mwaa')
      clients.logs = await aws.create('logs')
    }

    if (trailTable) {
      // --trail-table: the trail's table in Athena replaces Event history (no LookupEvents client).
      clients.trailTable = athenaTrailSearch(
        {
          athena: await aws.create('athena'),
          s3: trailTable.settings.maxScanGb === undefined ? undefined : await aws.create('s3'),
        },
        {...trailTable.settings, tableFlag: '--trail-table'},
        trailTable.ctx,
      )
    } else if (cloudtrail) {
      const trails = new Map<string, Promise<CloudTrailClient>>()
      clients.trail = (region) => {
        let client = trails.get(region)
        if (!client) {
          // IAM and STS events are recorded in us-east-1: a second factory for that Region.
          client =
            region === clients.region
              ? aws.create('cloudtrail')
              : this.clientFactory({...aws.settings, region}).create('cloudtrail')
          trails.set(region, client)
        }

        // The factory loads the SDK on first use; the analysis sends through this client as soon as it has it.
        const ready = client
        return {send: async (...args: Parameters<CloudTrailClient['send']>) => (await ready).send(...args)} as Pick<
          CloudTrailClient,
          'send'
        >
      }
    }

    return clients
  }
}

/** --trail-table and its Athena settings; refused beside --no-cloudtrail. */
function trailTableOf(flags: Parameters<typeof trailTableSettings>[0] & {cloudtrail?: boolean | undefined}) {
  const settings = trailTableSettings(flags)
  if (settings && flags.cloudtrail === false)
    throw new UsageError('--trail-table searches CloudTrail: it cannot be combined with --no-cloudtrail')
  return settings
}

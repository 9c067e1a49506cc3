import {Args, Flags} from '@oclif/core'

import type {NotificationDocument} from '../../lib/pipeline/trace/notifications.js'
import type {TraceResult} from '../../lib/pipeline/trace/types.js'

import {BaseCommand} from '../../base-command.js'
import {TRAIL_TABLE_IAM, trailTableFlags, trailTableSettings} from '../../flags/trail-table.js'
import {athenaTrailSearch} from '../../lib/cloudtrail/athena-lookup.js'
import {InputError, UsageError} from '../../lib/core/errors.js'
import {parseS3Uri} from '../../lib/core/parse/s3-uri.js'
import {parseInstant} from '../../lib/core/parse/time-window.js'
import {parseJsonInput, readJsonArgument} from '../../lib/events/test-pattern.js'
import {readSavedRules, readSavedRulesFolder} from '../../lib/pipeline/trace/saved-rules.js'
import {type TraceClients, tracePipeline} from '../../lib/pipeline/trace/trace.js'
import {renderTrace} from '../../ui/pipeline-trace.js'

export default class PipelineTrace extends BaseCommand {
  static override args = {
    object: Args.string({description: 'The object: s3://bucket/key.', required: true}),
  }
  static override description = `"The file landed and nothing happened": walks one object through S3 → EventBridge → target → execution and prints each hop as ✔ (holds), ✘ (broken, with the exact fix) or ? (could not be checked, with what would tell): 1 the object (HeadObject); 2 the bucket's notification configuration (EventBridge delivery, direct configurations for this key, overlaps); 3 the "Object Created" event S3 sends for it; 4 every rule of the bus against that event with the local matcher of \`events test-pattern\` (near misses named by field); 5 the targets of the matching rules (Lambda resource policy, target roles, dead-letter queue and retries); 6 the rule's CloudWatch metrics around the object's time; 7 the Step Functions executions that hold the key (or the Lambda function's log lines).

With --trail-table DB.TABLE (a CloudTrail table in Athena over a trail that records S3 data events), hop 1 also says who wrote, failed to write or deleted the object (PutObject, CompleteMultipartUpload, CopyObject, DeleteObject), which event history never holds.

Offline (no AWS call): --notification-json, --rules-json and --event.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> s3://raw-landing/orders/2026/12/07/batch-7.csv',
    '<%= config.bin %> <%= command.id %> s3://raw-landing/orders/batch-7.csv --bus default --max-executions 20 --json',
    '<%= config.bin %> <%= command.id %> s3://raw-landing/orders/batch-7.csv --notification-json notification.json --rules-json rules.json --event-time 2026-12-07T09:15:42Z --size 2048',
  ]
  static override flags = {
    ...trailTableFlags,
    account: Flags.string({summary: 'Account id for the built event (live: from the rules’ ARNs).'}),
    bus: Flags.string({default: 'default', summary: 'Event bus whose rules are evaluated.'}),
    event: Flags.string({summary: 'Offline: the event (file or inline JSON) instead of building it from HeadObject.'}),
    'event-time': Flags.string({summary: 'When the object was written (ISO 8601), when HeadObject cannot tell.'}),
    'max-executions': Flags.integer({
      default: 10,
      min: 1,
      summary: 'Step Functions executions to describe per target.',
    }),
    'notification-json': Flags.string({
      summary: 'Offline: saved output of `aws s3api get-bucket-notification-configuration`.',
    }),
    'rules-json': Flags.string({
      summary:
        'Offline: saved `aws events list-rules` output, each rule with its "Targets", or a folder of list-rules, list-targets-by-rule and get-policy outputs (docs/pipeline-trace.md).',
    }),
    since: Flags.string({
      summary:
        "Hops 6–7 (metrics, executions, log lines) look from this time until now (a duration such as 2h, or an ISO time) instead of around the object's time.",
    }),
    size: Flags.integer({min: 0, summary: 'Object size in bytes, when HeadObject cannot tell.'}),
  }
  static override iam = [
    {action: 's3:GetObject', when: 'HeadObject, without --event'},
    {action: 's3:GetBucketNotification', when: 'without --notification-json'},
    {action: 'events:ListRules', when: 'without --rules-json'},
    {action: 'events:ListTargetsByRule', when: 'without --rules-json'},
    {action: 'lambda:GetPolicy', when: 'a matching rule targets a Lambda function'},
    {
      action: 'iam:SimulatePrincipalPolicy',
      when: 'a matching rule targets Step Functions, Kinesis or Firehose with a role',
    },
    {action: 'sqs:GetQueueUrl', when: 'a matching rule targets an SQS queue or has a dead-letter queue'},
    {action: 'sqs:GetQueueAttributes', when: 'a matching rule targets an SQS queue or has a dead-letter queue'},
    {action: 'sns:GetTopicAttributes', when: 'a matching rule targets an SNS topic'},
    {
      action: 'kms:DescribeKey',
      when: "a target queue or topic (or a dead-letter queue) is encrypted with KMS: the key's manager and state",
    },
    {
      action: 'kms:GetKeyPolicy',
      when: 'a target queue or topic (or a dead-letter queue) is encrypted with a customer managed key',
    },
    {action: 'pipes:ListPipes', when: 'a matching rule targets an SQS queue: the EventBridge pipes reading it'},
    {action: 'pipes:DescribePipe', when: 'an EventBridge pipe reads a target queue'},
    {action: 'cloudwatch:GetMetricStatistics', when: 'live'},
    {action: 'states:ListExecutions', when: 'a matching rule targets a state machine'},
    {action: 'states:DescribeExecution', when: 'a matching rule targets a state machine'},
    {action: 'logs:FilterLogEvents', when: 'a matching rule targets a Lambda function'},
    ...TRAIL_TABLE_IAM,
  ]
  static override summary =
    'Trace an S3 object through EventBridge to what it started: each hop ✔ / ✘ / ? with evidence and fix.'

  public async run(): Promise<TraceResult> {
    const {args, flags} = await this.parse(PipelineTrace)
    const location = parseS3Uri(args.object, 'the object')
    if (!location.key || location.key.endsWith('/'))
      throw new UsageError(`${args.object}: give one object, s3://bucket/key`)
    const eventTime = flags['event-time'] === undefined ? undefined : new Date(flags['event-time'])
    if (eventTime && Number.isNaN(eventTime.getTime()))
      throw new UsageError(`--event-time ${flags['event-time']}: not a date (ISO 8601, e.g. 2026-12-07T09:15:42Z)`)
    const read = async (value: string | undefined, flag: string): Promise<unknown> =>
      value === undefined ? undefined : parseJsonInput(await readJsonArgument(value, flag))
    const event = (await read(flags.event, '--event')) as Record<string, unknown> | undefined
    if (event !== undefined && (typeof event !== 'object' || event === null || Array.isArray(event)))
      throw new InputError('--event: an event is a JSON object')
    const rulesPath = flags['rules-json']
    const rules =
      rulesPath === undefined
        ? undefined
        : (await isFolder(rulesPath))
          ? await readSavedRulesFolder(rulesPath, flags.bus)
          : readSavedRules(await read(rulesPath, '--rules-json'), rulesPath, flags.bus)
    const offline = Boolean(flags['notification-json'] && flags['rules-json'])
    let clients: TraceClients = {}
    let region: string | undefined
    const trail = trailTableSettings(flags)
    if (offline) {
      if (trail) throw new UsageError('--trail-table queries Athena: it cannot be combined with an offline trace')
      this.rejectAwsFlags(this.argv, 'a trace with --notification-json and --rules-json')
    } else {
      const factory = await this.awsClients(flags)
      region = factory.settings.region
      clients = {
        cloudwatch: await factory.create('cloudwatch'),
        eventbridge: await factory.create('eventbridge'),
        iam: await factory.create('iam'),
        kms: await factory.create('kms'),
        lambda: await factory.create('lambda'),
        logs: await factory.create('logs'),
        pipes: await factory.create('pipes'),
        s3: await factory.create('s3'),
        sfn: await factory.create('sfn'),
        sns: await factory.create('sns'),
        sqs: await factory.create('sqs'),
        ...(trail
          ? {
              trail: athenaTrailSearch(
                {athena: await factory.create('athena'), s3: await factory.create('s3')},
                {...trail, tableFlag: '--trail-table'},
                this.runContext(),
              ),
            }
          : {}),
      }
    }

    const result = await tracePipeline(
      clients,
      {
        account: flags.account,
        bucket: location.bucket,
        bus: flags.bus,
        event,
        eventTime,
        key: location.key,
        maxExecutions: flags['max-executions'],
        notification: (await read(flags['notification-json'], '--notification-json')) as
          NotificationDocument | undefined,
        region,
        rules,
        since: flags.since === undefined ? undefined : parseInstant(flags.since, '--since', new Date()),
        size: flags.size,
      },
      this.runContext(),
    )
    if (result.hops.some((h) => h.status === 'broken')) this.reportFindings()
    else if (result.hops.some((h) => h.status === 'unknown'))
      this.warnUser(
        `no hop is broken, but hop(s) ${result.hops
          .filter((h) => h.status === 'unknown')
          .map((h) => h.hop)
          .join(', ')} could not be checked: the chain is not proven whole`,
      )
    if (!this.jsonEnabled()) this.log(renderTrace(result))
    return result
  }
}

async function isFolder(file: string): Promise<boolean> {
  const {stat} = await import('node:fs/promises')
  return stat(file).then(
    (s) => s.isDirectory(),
    () => false,
  )
}

import {Flags} from '@oclif/core'

import type {ConsumersResult} from '../../lib/kinesis/consumers/types.js'

import {BaseCommand} from '../../base-command.js'
import {hasCloudWatchBesideKinesis, resolveEndpoint} from '../../lib/aws/clients.js'
import {UsageError} from '../../lib/core/errors.js'
import {durationToMs, parseDuration} from '../../lib/core/parse/duration.js'
import {
  type ConsumerClients,
  kinesisConsumers,
  type LiveRequest,
  reviewSavedConsumers,
} from '../../lib/kinesis/consumers/consumers.js'
import {parseStreamRef} from '../../lib/kinesis/stream.js'
import {renderConsumers} from '../../ui/kinesis-consumers.js'

/** Offline inputs: any of them makes the run an offline review. */
const OFFLINE_FLAGS = [
  'lease-table-json',
  'shard-map',
  'firehose-json',
  'event-source-mappings-json',
  'kcl-metadata-json',
] as const

function boundedDuration(text: string, flag: string, minMs: number, maxMs: number, hint: string): number {
  const ms = durationToMs(parseDuration(text, flag))
  if (ms < minMs || ms > maxMs) throw new UsageError(`${flag} must be between ${hint}, not "${text}"`)
  return ms
}

export default class KinesisConsumers extends BaseCommand {
  static override description =
    "Reads each KCL application's lease table (DynamoDB Scan; KCL 3.x worker metrics and coordinator state too), the stream's shards with their lineage, and the first record after each checkpoint (one GetShardIterator + GetRecords per shard) to tell how far behind each shard is; lists Lambda event source mappings, enhanced fan-out consumers and Firehose delivery streams of the stream, with their CloudWatch metrics over --window (IteratorAge, errors, throttles, MillisBehindLatest, DataFreshness, delivery success) and the stream's iterator age per shard when shard-level metrics are on. Findings: open shards without a lease (naming the parent not at SHARD_END), leases without owner, closed shards still leased, unbalanced workers, lag near the retention period; with --sample, dead workers (lease counter not moving) and checkpoints that do not advance while records wait. Offline: --lease-table-json (aws dynamodb scan output) with --shard-map (aws kinesis list-shards output), --firehose-json, --event-source-mappings-json. --watch redraws the report every --interval."
  static override examples = [
    '<%= config.bin %> <%= command.id %> --stream orders --app orders-indexer',
    '<%= config.bin %> <%= command.id %> --stream orders --lease-table orders-indexer-leases --sample 30s',
    '<%= config.bin %> <%= command.id %> --stream orders --app orders-indexer --window 3h',
    '<%= config.bin %> <%= command.id %> --stream orders --app orders-indexer --watch --interval 60s',
    '<%= config.bin %> <%= command.id %> --lease-table-json leases.json --shard-map shards.json',
    '<%= config.bin %> <%= command.id %> --firehose-json firehose.json --event-source-mappings-json esm.json --stream orders',
  ]
  static override flags = {
    app: Flags.string({
      multiple: true,
      summary: 'KCL application name (its lease table has the same name); may be repeated.',
    }),
    'consistent-read': Flags.boolean({
      summary: 'Scan lease tables with strongly consistent reads (twice the read capacity).',
    }),
    'event-source-mappings-json': Flags.string({
      summary: 'Offline: saved aws lambda list-event-source-mappings output (mappings of other sources are left out).',
    }),
    'firehose-json': Flags.string({
      summary:
        'Offline: saved aws firehose describe-delivery-stream output, several appended (other sources are left out).',
    }),
    interval: Flags.string({summary: 'Refresh interval of --watch (at least 10s; default 60s).'}),
    'kcl-metadata-json': Flags.string({
      summary: 'Offline: saved scans of the KCL 3.x <app>-WorkerMetricStats and/or <app>-CoordinatorState tables.',
    }),
    'lease-table': Flags.string({
      multiple: true,
      summary: 'KCL lease table name, when it is not the application name; may be repeated.',
    }),
    'lease-table-json': Flags.string({
      summary: 'Offline: a saved lease table (aws dynamodb scan output, pages appended).',
    }),
    'no-firehose': Flags.boolean({
      summary: 'Do not look for Firehose delivery streams (no firehose:ListDeliveryStreams / DescribeDeliveryStream).',
    }),
    'no-lambda': Flags.boolean({
      summary: 'Do not look for Lambda event source mappings (no lambda:ListEventSourceMappings).',
    }),
    'retention-hours': Flags.integer({
      max: 8760,
      min: 24,
      summary: 'Offline: the stream retention when the shard map does not say (list-shards output does not).',
    }),
    sample: Flags.string({
      summary: 'Read the lease tables again after this long (e.g. 30s): dead workers and stuck checkpoints.',
    }),
    'shard-map': Flags.string({
      summary: 'Offline: saved aws kinesis list-shards (or describe-stream) output, closed shards included.',
    }),
    stream: Flags.string({summary: 'Stream name or ARN.'}),
    watch: Flags.boolean({summary: 'Refresh the report in place every --interval until Ctrl-C (not with --json).'}),
    window: Flags.string({
      summary: 'CloudWatch metrics window, up to now (e.g. 15m, 1h, 6h; default 1h, at most 24h).',
    }),
  }
  static override iam = [
    'kinesis:DescribeStreamSummary',
    'kinesis:ListShards',
    {action: 'kinesis:GetShardIterator', when: 'with --app or --lease-table'},
    {action: 'kinesis:GetRecords', when: 'with --app or --lease-table'},
    // The lease table, and KCL 3.x's <app>-WorkerMetricStats / <app>-CoordinatorState when present.
    {action: 'dynamodb:Scan', when: 'with --app or --lease-table'},
    'kinesis:ListStreamConsumers',
    {action: 'lambda:ListEventSourceMappings', when: 'without --no-lambda'},
    {action: 'firehose:ListDeliveryStreams', when: 'without --no-firehose'},
    {action: 'firehose:DescribeDeliveryStream', when: 'without --no-firehose'},
    // Iterator age, Lambda, enhanced fan-out and Firehose metrics; denied: "not checked".
    'cloudwatch:GetMetricData',
  ]
  static override summary =
    'Who reads a stream, how far behind each shard is, and why (KCL, Lambda, enhanced fan-out, Firehose).'

  public async run(): Promise<ConsumersResult | undefined> {
    const {flags} = await this.parse(KinesisConsumers)
    const tables = [...(flags.app ?? []), ...(flags['lease-table'] ?? [])]
    let result: ConsumersResult | undefined
    if (OFFLINE_FLAGS.some((f) => flags[f] !== undefined)) {
      if (Boolean(flags['lease-table-json']) !== Boolean(flags['shard-map']))
        throw new UsageError('an offline lease review needs both --lease-table-json and --shard-map', {
          suggestions: [
            'aws dynamodb scan --table-name APP > leases.json; aws kinesis list-shards --stream-name NAME > shards.json',
          ],
        })
      if (flags['kcl-metadata-json'] && !flags['lease-table-json'])
        throw new UsageError('--kcl-metadata-json goes with --lease-table-json and --shard-map')
      if (tables.length > 0 || flags.sample || flags.watch || flags.window || flags.interval)
        throw new UsageError(
          '--app, --lease-table, --sample, --watch, --window and --interval read AWS: not with saved files',
          {
            suggestions: ['Drop them for an offline review, or drop the *-json/--shard-map files to read live.'],
          },
        )
      if (flags.stream?.startsWith('arn:')) parseStreamRef(flags.stream)
      this.rejectAwsFlags(flags, 'an offline review (saved files)')
      result = await reviewSavedConsumers(
        {
          eventSourceMappingsFile: flags['event-source-mappings-json'],
          firehoseFile: flags['firehose-json'],
          kclMetadataFile: flags['kcl-metadata-json'],
          leaseTableFile: flags['lease-table-json'],
          retentionHours: flags['retention-hours'],
          shardMapFile: flags['shard-map'],
          stream: flags.stream ? parseStreamRef(flags.stream).streamName : undefined,
        },
        this.runContext(),
      )
    } else {
      if (!flags.stream)
        throw new UsageError(
          'give --stream (live), or saved files (--lease-table-json with --shard-map, --firehose-json, --event-source-mappings-json)',
          {
            suggestions: ['pipeops kinesis consumers --stream orders --app orders-indexer'],
          },
        )
      if (flags['retention-hours'] !== undefined)
        throw new UsageError('--retention-hours is for offline reviews: a live run reads the stream retention')
      const sampleMs =
        flags.sample === undefined
          ? undefined
          : boundedDuration(
              flags.sample,
              '--sample',
              1000,
              600_000,
              '1s and 10m (30s is enough: KCL renews leases every few seconds)',
            )
      if (sampleMs !== undefined && tables.length === 0)
        throw new UsageError('--sample reads lease tables again: give --app or --lease-table')
      const windowMs = boundedDuration(flags.window ?? '1h', '--window', 60_000, 86_400_000, '1m and 24h')
      if (flags.interval && !flags.watch) throw new UsageError('--interval is the refresh of --watch: add --watch')
      const intervalMs = boundedDuration(flags.interval ?? '60s', '--interval', 10_000, 86_400_000, '10s and 24h')
      if (flags.watch && this.jsonEnabled())
        throw new UsageError('--watch draws a live view: not with --json (run without --watch, on a schedule)')
      const aws = await this.awsClients(flags)
      // A local Kinesis (the sandbox) has no CloudWatch or Firehose beside it unless their own endpoints are set.
      const cloud = hasCloudWatchBesideKinesis(aws.settings)
      const firehoseHere =
        resolveEndpoint(aws.settings, 'kinesis') === undefined ||
        Boolean(aws.settings.env.AWS_ENDPOINT_URL_FIREHOSE?.trim())
      const clients: ConsumerClients = {
        cloudwatch: cloud ? await aws.create('cloudwatch') : undefined,
        dynamodb: () => aws.create('dynamodb'),
        firehose: flags['no-firehose'] || !firehoseHere ? undefined : () => aws.create('firehose'),
        kinesis: await aws.create('kinesis'),
        lambda: flags['no-lambda'] ? undefined : () => aws.create('lambda'),
      }
      const request: LiveRequest = {
        consistentRead: flags['consistent-read'],
        efo: true,
        leaseTables: tables,
        noCloudWatchReason: cloud
          ? undefined
          : 'no CloudWatch beside this Kinesis endpoint (set AWS_ENDPOINT_URL_CLOUDWATCH)',
        noFirehoseReason: flags['no-firehose']
          ? '--no-firehose'
          : firehoseHere
            ? undefined
            : 'no Firehose beside this Kinesis endpoint (set AWS_ENDPOINT_URL_FIREHOSE)',
        sampleMs,
        stream: parseStreamRef(flags.stream),
        windowMs,
      }
      if (flags.watch && !this.jsonEnabled()) {
        // Ctrl-C is the normal way out of the live view (exit 0).
        this.exitOnInterrupt = false
        const base = this.runContext()
        // ink and React load only for the live view: every other run starts without them.
        const {watchConsumers} = await import('../../ui/kinesis-consumers-watch.js')
        result = await watchConsumers({
          async analyse(signal) {
            const warnings: string[] = []
            const r = await kinesisConsumers(clients, request, {
              ...base,
              progress() {},
              signal,
              warn: (w) => warnings.push(w),
            })
            return {result: r, warnings}
          },
          intervalMs,
          signal: this.abortController.signal,
        })
        if (result === undefined) this.warnUser('stopped before the first read finished: no result')
        return result
      }

      result = await kinesisConsumers(clients, request, this.runContext())
    }

    if (result.summary.critical + result.summary.warning > 0) this.reportFindings()
    if (!this.jsonEnabled()) this.log(renderConsumers(result))
    return result
  }
}

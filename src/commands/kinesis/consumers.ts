import {Flags} from '@oclif/core'

import type {ConsumersResult} from '../../lib/kinesis/consumers/types.js'

import {BaseCommand} from '../../base-command.js'
import {UsageError} from '../../lib/core/errors.js'
import {durationToMs, parseDuration} from '../../lib/core/parse/duration.js'
import {kinesisConsumers, reviewSavedLeases} from '../../lib/kinesis/consumers/consumers.js'
import {parseStreamRef} from '../../lib/kinesis/stream.js'
import {renderConsumers} from '../../ui/kinesis-consumers.js'

export default class KinesisConsumers extends BaseCommand {
  static override description =
    "Reads each KCL application's lease table (DynamoDB Scan), the stream's shards with their lineage, and the first record after each checkpoint (one GetShardIterator + GetRecords per shard) to tell how far behind each shard is; lists Lambda event source mappings and enhanced fan-out consumers of the stream. Findings: open shards without a lease (naming the parent not at SHARD_END), leases without owner, closed shards still leased, unbalanced workers, lag near the retention period; with --sample, dead workers (lease counter not moving) and checkpoints that do not advance while records wait. Offline: --lease-table-json (aws dynamodb scan output) with --shard-map (aws kinesis list-shards output)."
  static override examples = [
    '<%= config.bin %> <%= command.id %> --stream orders --app orders-indexer',
    '<%= config.bin %> <%= command.id %> --stream orders --lease-table orders-indexer-leases --sample 30s',
    '<%= config.bin %> <%= command.id %> --lease-table-json leases.json --shard-map shards.json',
  ]
  static override flags = {
    app: Flags.string({
      multiple: true,
      summary: 'KCL application name (its lease table has the same name); may be repeated.',
    }),
    'consistent-read': Flags.boolean({
      summary: 'Scan lease tables with strongly consistent reads (twice the read capacity).',
    }),
    'lease-table': Flags.string({
      multiple: true,
      summary: 'KCL lease table name, when it is not the application name; may be repeated.',
    }),
    'lease-table-json': Flags.string({
      summary: 'Offline: a saved lease table (aws dynamodb scan output, pages appended).',
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
  }
  static override iam = [
    'kinesis:DescribeStreamSummary',
    'kinesis:ListShards',
    {action: 'kinesis:GetShardIterator', when: 'with --app or --lease-table'},
    {action: 'kinesis:GetRecords', when: 'with --app or --lease-table'},
    {action: 'dynamodb:Scan', when: 'with --app or --lease-table'},
    'kinesis:ListStreamConsumers',
    {action: 'lambda:ListEventSourceMappings', when: 'without --no-lambda'},
  ]
  static override summary = 'Who reads a stream, how far behind each shard is, and why (KCL, Lambda, enhanced fan-out).'

  public async run(): Promise<ConsumersResult> {
    const {flags} = await this.parse(KinesisConsumers)
    const tables = [...(flags.app ?? []), ...(flags['lease-table'] ?? [])]
    let result: ConsumersResult
    if (flags['lease-table-json'] || flags['shard-map']) {
      if (!flags['lease-table-json'] || !flags['shard-map'])
        throw new UsageError('an offline review needs both --lease-table-json and --shard-map', {
          suggestions: [
            'aws dynamodb scan --table-name APP > leases.json; aws kinesis list-shards --stream-name NAME > shards.json',
          ],
        })
      if (tables.length > 0 || flags.sample)
        throw new UsageError('--app, --lease-table and --sample read AWS: not with --lease-table-json', {
          suggestions: ['Drop them for an offline review, or drop --lease-table-json/--shard-map to read live.'],
        })
      this.rejectAwsFlags(flags, 'an offline review (--lease-table-json)')
      result = await reviewSavedLeases(
        {
          leaseTableFile: flags['lease-table-json'],
          retentionHours: flags['retention-hours'],
          shardMapFile: flags['shard-map'],
          stream: flags.stream,
        },
        this.runContext(),
      )
    } else {
      if (!flags.stream)
        throw new UsageError('give --stream (live), or --lease-table-json with --shard-map (offline)', {
          suggestions: ['pipeops kinesis consumers --stream orders --app orders-indexer'],
        })
      if (flags['retention-hours'] !== undefined)
        throw new UsageError('--retention-hours is for offline reviews: a live run reads the stream retention')
      const sampleMs = flags.sample === undefined ? undefined : durationToMs(parseDuration(flags.sample, '--sample'))
      if (sampleMs !== undefined && (sampleMs < 1000 || sampleMs > 600_000))
        throw new UsageError(`--sample must be between 1s and 10m, not "${flags.sample}"`, {
          suggestions: ['30s is enough: KCL renews leases every few seconds.'],
        })
      if (sampleMs !== undefined && tables.length === 0)
        throw new UsageError('--sample reads lease tables again: give --app or --lease-table')
      const aws = await this.awsClients(flags)
      result = await kinesisConsumers(
        {
          dynamodb: () => aws.create('dynamodb'),
          kinesis: await aws.create('kinesis'),
          lambda: flags['no-lambda'] ? undefined : () => aws.create('lambda'),
        },
        {
          consistentRead: flags['consistent-read'],
          efo: true,
          leaseTables: tables,
          sampleMs,
          stream: parseStreamRef(flags.stream),
        },
        this.runContext(),
      )
    }

    if (result.consumers.some((c) => c.findings.some((f) => f.severity !== 'info'))) this.reportFindings()
    if (!this.jsonEnabled()) this.log(renderConsumers(result))
    return result
  }
}

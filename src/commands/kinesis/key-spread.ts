import {Flags} from '@oclif/core'

import {BaseCommand, hideAwsFlags} from '../../base-command.js'
import {parseUtilisation} from '../../flags/utilisation.js'
import {UsageError} from '../../lib/core/errors.js'
import {durationToSeconds, parseDuration} from '../../lib/core/parse/duration.js'
import {parseCommaList, parsePositiveInt} from '../../lib/core/parse/lists.js'
import {analyseKeySpread, type KeySpreadResult} from '../../lib/kinesis/key-spread.js'
import {openRecords} from '../../lib/kinesis/offline-input.js'
import {renderKeySpread} from '../../ui/kinesis-key-spread.js'

export default class KinesisKeySpread extends BaseCommand {
  // No AWS call: --region, --profile, --endpoint-url, --max-attempts are not offered, and refused if given.
  static override baseFlags = hideAwsFlags(BaseCommand.baseFlags)
  static override callsAws = false
  static override description =
    "For each shard count, hashes every record's partition key as Kinesis does and shows each shard's share of bytes (data + key) and records under AWS's initial even ranges, the max/mean imbalance, the hottest shard and its top keys, and the smallest shard count (if any) that keeps every shard under --threshold at the records' average rates. Needs no AWS access."
  static override examples = [
    '<%= config.bin %> <%= command.id %> --records records.jsonl --shards 4,8,16',
    '<%= config.bin %> <%= command.id %> --records keys.csv --shards 2,4 --window 1h --json',
    'cat records.jsonl | <%= config.bin %> <%= command.id %> --records - --shards 8',
  ]
  static override flags = {
    records: Flags.string({
      required: true,
      summary:
        'Record file: JSON Lines or CSV with partitionKey and optional bytes, timestamp, explicitHashKey ("-" reads stdin).',
    }),
    shards: Flags.string({required: true, summary: 'Shard count(s) to try, comma-separated, e.g. 4,8,16.'}),
    threshold: Flags.string({
      default: '0.8',
      summary: "Utilisation (fraction of a shard's write limit) each shard must stay under.",
    }),
    'top-keys': Flags.integer({default: 5, max: 100, min: 1, summary: 'Top keys shown for the hottest shard.'}),
    window: Flags.string({
      summary: 'The span the file covers, when records have no timestamps (e.g. 1h): needed for rates.',
    }),
  }
  static override iam = []
  static override summary = 'What-if: how a record sample spreads over N shards, and the smallest N that fits.'

  public async run(): Promise<KeySpreadResult> {
    const {flags} = await this.parse(KinesisKeySpread)
    const shardCounts = parseCommaList(flags.shards).map((s) => parsePositiveInt(s, '--shards', {max: 10_000}))
    if (shardCounts.length === 0) throw new UsageError('--shards needs at least one count, e.g. --shards 4,8')
    const threshold = parseUtilisation(flags.threshold, '--threshold')
    const windowSeconds = flags.window ? durationToSeconds(parseDuration(flags.window, '--window')) : undefined
    if (windowSeconds !== undefined && windowSeconds < 1)
      throw new UsageError(`--window must be at least 1s, not "${flags.window}"`)
    const input = await openRecords(flags.records, process.stdin)
    this.onCleanup(() => input.close())
    const result = await analyseKeySpread(
      {
        chunks: input.chunks,
        shardCounts,
        sourceName: flags.records === '-' ? 'stdin' : flags.records,
        threshold,
        topKeys: flags['top-keys'],
        windowSeconds,
      },
      this.runContext(),
    )
    if (!this.jsonEnabled()) this.log(renderKeySpread(result))
    return result
  }
}

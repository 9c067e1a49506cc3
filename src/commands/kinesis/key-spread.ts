import {Flags} from '@oclif/core'

import type {AthenaRunInfo} from '../../lib/athena/scan-guard.js'

import {BaseCommand} from '../../base-command.js'
import {ATHENA_TABLE_IAM, athenaTableFlags, athenaTableRequest} from '../../flags/athena-table.js'
import {onlyWith} from '../../flags/relations.js'
import {parseUtilisation} from '../../flags/utilisation.js'
import {UsageError} from '../../lib/core/errors.js'
import {durationToSeconds, parseDuration} from '../../lib/core/parse/duration.js'
import {parseCommaList, parsePositiveInt} from '../../lib/core/parse/lists.js'
import {parseTimeWindow} from '../../lib/core/parse/time-window.js'
import {analyseKeySpreadInAthena} from '../../lib/kinesis/athena/key-spread-athena.js'
import {analyseKeySpread, type KeySpreadResult} from '../../lib/kinesis/key-spread.js'
import {openRecords} from '../../lib/kinesis/offline-input.js'
import {renderAthenaRun} from '../../ui/athena-run.js'
import {renderKeySpread} from '../../ui/kinesis-key-spread.js'

/** Distinct keys an Athena run returns one by one for the smallest-shard-count search, unless told. */
const DEFAULT_SEARCH_KEYS = 100_000

export default class KinesisKeySpread extends BaseCommand {
  static override description =
    "For each shard count, hashes every record's partition key as Kinesis does and shows each shard's share of bytes (data + key) and records under AWS's initial even ranges, the max/mean imbalance, the hottest shard and its top keys, and the smallest shard count (if any) that keeps every shard under --threshold at the records' average rates. A record file needs no AWS access. With --athena-table DB.TABLE (archived records, e.g. Firehose output) the same analysis runs in Athena: one query hashes every key and returns only per-shard sums, the heaviest keys and (up to --max-distinct-keys) each key's totals; --start/--end are pushed down to time partitions; --print-sql shows the query."
  static override examples = [
    '<%= config.bin %> <%= command.id %> --records records.jsonl --shards 4,8,16',
    '<%= config.bin %> <%= command.id %> --records keys.csv --shards 2,4 --window 1h --json',
    'cat records.jsonl | <%= config.bin %> <%= command.id %> --records - --shards 8',
    '<%= config.bin %> <%= command.id %> --athena-table streams.orders_archive --key-column partition_key --bytes-column size --time-column arrival --start 2026-12-01T00:00:00Z --end 2026-12-08T00:00:00Z --shards 8,16,32 --max-scan-gb 200',
  ]
  static override flags = {
    ...athenaTableFlags,
    end: Flags.string({
      ...onlyWith('start'),
      summary: 'With --athena-table: end of the records read (ISO-8601, epoch, or a duration ago; default now).',
    }),
    'max-distinct-keys': Flags.integer({
      ...onlyWith('athena-table'),
      max: 2_000_000,
      min: 1,
      summary: `With --athena-table: distinct keys returned one by one for the smallest-shard-count search (each is a result row; default ${DEFAULT_SEARCH_KEYS}).`,
    }),
    records: Flags.string({
      exactlyOne: ['records', 'athena-table'],
      summary:
        'Record file: JSON Lines or CSV with partitionKey and optional bytes, timestamp, explicitHashKey ("-" reads stdin).',
    }),
    shards: Flags.string({required: true, summary: 'Shard count(s) to try, comma-separated, e.g. 4,8,16.'}),
    start: Flags.string({
      ...onlyWith('athena-table'),
      summary:
        'With --athena-table: start of the records read (pushed down to time partitions; needs --time-column or a time-partitioned table).',
    }),
    threshold: Flags.string({
      default: '0.8',
      summary: "Utilisation (fraction of a shard's write limit) each shard must stay under.",
    }),
    'top-keys': Flags.integer({default: 5, max: 100, min: 1, summary: 'Top keys shown for the hottest shard.'}),
    window: Flags.string({
      summary: 'The span the file covers, when records have no timestamps (e.g. 1h): needed for rates.',
    }),
  }
  static override iam = ATHENA_TABLE_IAM
  static override summary = 'What-if: how a record sample spreads over N shards, and the smallest N that fits.'

  public async run(): Promise<
    KeySpreadResult | (KeySpreadResult & {athena: AthenaRunInfo}) | {athena: AthenaRunInfo; sql: string}
  > {
    const {flags} = await this.parse(KinesisKeySpread)
    const shardCounts = parseCommaList(flags.shards).map((s) => parsePositiveInt(s, '--shards', {max: 10_000}))
    if (shardCounts.length === 0) throw new UsageError('--shards needs at least one count, e.g. --shards 4,8')
    const threshold = parseUtilisation(flags.threshold, '--threshold')
    const windowSeconds = flags.window ? durationToSeconds(parseDuration(flags.window, '--window')) : undefined
    if (windowSeconds !== undefined && windowSeconds < 1)
      throw new UsageError(`--window must be at least 1s, not "${flags.window}"`)
    const options = {threshold, topKeys: flags['top-keys'], windowSeconds}
    if (flags['athena-table']) {
      const window = flags.start
        ? parseTimeWindow({end: flags.end, fallbackSince: '1h', now: new Date(), start: flags.start})
        : undefined
      const request = athenaTableRequest(
        flags,
        window ? {endMs: window.end.getTime(), startMs: window.start.getTime()} : undefined,
      )
      const aws = await this.awsClients(flags)
      const out = await analyseKeySpreadInAthena(
        {athena: await aws.create('athena'), s3: request.maxScanGb === undefined ? undefined : await aws.create('s3')},
        {...request, options, searchKeyLimit: flags['max-distinct-keys'] ?? DEFAULT_SEARCH_KEYS, shardCounts},
        this.runContext(),
      )
      if (!this.jsonEnabled()) this.log(renderAthenaRun(out.athena))
      if (!out.result) return {athena: out.athena, sql: out.athena.sql}
      if (!this.jsonEnabled()) this.log(`\n${renderKeySpread(out.result)}`)
      return {...out.result, athena: out.athena}
    }

    this.rejectAwsFlags(flags, 'a spread of a record file (--records)')
    const input = await openRecords(flags.records!, process.stdin)
    this.onCleanup(() => input.close())
    const result = await analyseKeySpread(
      {...options, chunks: input.chunks, shardCounts, sourceName: flags.records === '-' ? 'stdin' : flags.records!},
      this.runContext(),
    )
    if (!this.jsonEnabled()) this.log(renderKeySpread(result))
    return result
  }
}

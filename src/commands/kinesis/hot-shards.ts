import {Flags, type Interfaces} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {ATHENA_TABLE_IAM, athenaTableFlags, athenaTableRequest} from '../../flags/athena-table.js'
import {parseUtilisation} from '../../flags/utilisation.js'
import {hasCloudWatchBesideKinesis} from '../../lib/aws/clients.js'
import {UsageError} from '../../lib/core/errors.js'
import {durationToMs, parseDuration} from '../../lib/core/parse/duration.js'
import {parseSize} from '../../lib/core/parse/size.js'
import {parseTimeWindow} from '../../lib/core/parse/time-window.js'
import {withSignal} from '../../lib/core/run-context.js'
import {analyseHotShardsInAthena, type AthenaRunInfo} from '../../lib/kinesis/athena/hot-shards-athena.js'
import {analyseHotShards, type HotShardsOptions, type HotShardsResult} from '../../lib/kinesis/hot-shards.js'
import {offlineShardRanges, openRecords} from '../../lib/kinesis/offline-input.js'
import {parseStreamRef, readStreamState} from '../../lib/kinesis/stream.js'
import {renderAthenaRun} from '../../ui/athena-run.js'
import {renderHotShards} from '../../ui/kinesis-hot-shards.js'

/** Flags of a live run: a --records file is analysed offline, so they are refused beside it (exit 2). */
const LIVE_ONLY = ['records']

export default class KinesisHotShards extends BaseCommand {
  static override description = [
    "Stage 1 reads shard-level CloudWatch metrics (Sum per minute ÷ 60: IncomingBytes, IncomingRecords, WriteProvisionedThroughputExceeded, and the read side) for every open shard and computes each shard's write utilisation, max(bytes/1 MiB, records/1000) per second, with avg, p99 and max over the window.",
    'A shard is hot when its utilisation stays at or above --threshold for --min-minutes, or when records were throttled.',
    'Stage 2 (--source records, or auto when shards are hot or shard metrics are off) samples records of the hottest shards (at most 10) with GetRecords, at most one call per second per shard, unpacks KPL aggregation and finds the heavy keys.',
    "The verdict says whether one key is at a shard's limit (then only re-keying helps) or a range is overloaded (then a split at the load-weighted median helps, with the reshard command to run).",
    'With --records FILE and --shards N or --shard-map FILE the same analysis runs offline on a record file. Exit 1 when the verdict is not healthy.',
    'With --athena-table DB.TABLE (archived records, e.g. Firehose output) the same analysis runs in Athena: one query hashes every key as Kinesis does and returns only per-shard aggregates; the window is pushed down to time partitions; --print-sql shows the query; the data scanned and its cost are reported. Ranges from --shards N, --shard-map FILE or --stream S.',
  ].join('\n\n')
  static override examples = [
    '<%= config.bin %> <%= command.id %> --stream orders',
    '<%= config.bin %> <%= command.id %> --stream orders --window 30m --threshold 0.7 --json',
    '<%= config.bin %> <%= command.id %> --stream orders --source records --window 5m',
    '<%= config.bin %> <%= command.id %> --stream orders --source records --live --sample-seconds 20',
    '<%= config.bin %> <%= command.id %> --records records.jsonl --shards 8',
    'cat records.csv | <%= config.bin %> <%= command.id %> --records - --shard-map shards.json',
    '<%= config.bin %> <%= command.id %> --stream orders --watch --interval 60s',
    '<%= config.bin %> <%= command.id %> --athena-table streams.orders_archive --key-column partition_key --bytes-column size --time-column arrival --window 6h --shards 8 --max-scan-gb 50',
  ]
  static override flags = {
    ...athenaTableFlags,
    'enable-shard-metrics': Flags.boolean({
      default: false,
      exclusive: LIVE_ONLY,
      summary: 'Turn on shard-level metrics (EnableEnhancedMonitoring, billed per shard and metric) when they are off.',
    }),
    end: Flags.string({summary: 'End of the window (ISO-8601, epoch, or a duration ago); needs --start.'}),
    interval: Flags.string({
      default: '60s',
      exclusive: LIVE_ONLY,
      summary: 'Refresh interval of --watch (at least 10s).',
    }),
    live: Flags.boolean({
      default: false,
      exclusive: LIVE_ONLY,
      summary: 'Sample new records from LATEST instead of reading the window from its start (AT_TIMESTAMP).',
    }),
    'min-minutes': Flags.integer({
      default: 3,
      max: 1440,
      min: 1,
      summary: 'Minutes at or above --threshold that make a shard hot.',
    }),
    records: Flags.string({
      summary:
        'Analyse a local record file instead of a stream: JSON Lines or CSV with partitionKey and optional bytes, timestamp, explicitHashKey ("-" reads stdin).',
    }),
    'records-per-call': Flags.integer({
      default: 1000,
      exclusive: LIVE_ONLY,
      max: 10_000,
      min: 1,
      summary: "GetRecords Limit per call while sampling (small keeps the shard's reads free for consumers).",
    }),
    'sample-bytes': Flags.string({
      default: '100MiB',
      exclusive: LIVE_ONLY,
      summary: 'Stop sampling after reading this much data over all shards.',
    }),
    'sample-seconds': Flags.integer({
      default: 30,
      exclusive: LIVE_ONLY,
      max: 3600,
      min: 1,
      summary: 'Wall-clock budget of the record sample.',
    }),
    'shard-map': Flags.string({
      summary: 'With --records: saved ListShards output (open shards) for the real hash ranges.',
    }),
    shards: Flags.integer({
      max: 100_000,
      min: 1,
      summary: "With --records: assume AWS's initial even ranges for this many shards.",
    }),
    'shards-to-sample': Flags.integer({
      exclusive: LIVE_ONLY,
      max: 10,
      min: 1,
      summary: 'Sample this many of the hottest shards (default: the hot ones; at most 10).',
    }),
    source: Flags.string({
      default: 'auto',
      exclusive: LIVE_ONLY,
      options: ['auto', 'metrics', 'records'],
      summary:
        'metrics only; records sample only; or auto (metrics, then a sample of hot shards or when shard metrics are off).',
    }),
    start: Flags.string({summary: 'Start of the window (ISO-8601, epoch, or a duration ago such as 1h).'}),
    stream: Flags.string({summary: 'Stream name or ARN.'}),
    threshold: Flags.string({
      default: '0.8',
      summary: "Utilisation (fraction of a shard's write limit) that counts as hot, e.g. 0.8 or 80%.",
    }),
    'top-keys': Flags.integer({default: 5, max: 100, min: 1, summary: 'Top keys listed per sampled shard.'}),
    watch: Flags.boolean({
      default: false,
      exclusive: LIVE_ONLY,
      summary: 'Live view: one bar per shard, refreshed every --interval; Ctrl-C exits.',
    }),
    window: Flags.string({summary: 'Window ending now, e.g. 15m, 1h (default 15m).'}),
  }
  static override iam = [
    'kinesis:DescribeStreamSummary',
    'kinesis:ListShards',
    {action: 'cloudwatch:GetMetricData', when: 'with --source metrics or auto'},
    {action: 'kinesis:GetShardIterator', when: 'when records are sampled'},
    {action: 'kinesis:GetRecords', when: 'when records are sampled'},
    {action: 'kinesis:EnableEnhancedMonitoring', when: 'with --enable-shard-metrics'},
    ...ATHENA_TABLE_IAM,
  ]
  static override summary = 'Find hot shards and hot keys of a stream (or a record file), and what to do about them.'

  public async run(): Promise<HotShardsResult | undefined | {athena: AthenaRunInfo; sql: string}> {
    const {flags} = await this.parse(KinesisHotShards)
    const threshold = parseUtilisation(flags.threshold, '--threshold')
    if (flags['athena-table']) return this.runInAthena(flags, threshold)
    const offline = flags.records !== undefined
    if (offline && flags.stream)
      throw new UsageError('--records and --stream cannot be combined', {
        suggestions: [
          'Use --stream to analyse a live stream, or --records FILE with --shards N / --shard-map FILE offline.',
        ],
      })
    if (!offline && !flags.stream)
      throw new UsageError('give --stream NAME or --records FILE', {
        suggestions: ['e.g. --stream orders, or --records records.jsonl --shards 4'],
      })
    if (!offline && (flags.shards !== undefined || flags['shard-map']))
      throw new UsageError('--shards and --shard-map only apply with --records')
    if (offline && flags.watch) throw new UsageError('--watch needs --stream (a record file does not change)')
    if (flags.window && (flags.start || flags.end))
      throw new UsageError('--window cannot be combined with --start/--end')
    if (flags.window) parseDuration(flags.window, '--window')
    const now = new Date()
    const window = parseTimeWindow({end: flags.end, fallbackSince: '15m', now, since: flags.window, start: flags.start})
    if (window.end.getTime() <= window.start.getTime())
      throw new UsageError('the window is empty: --end must be after --start')
    const base: HotShardsOptions = {
      enableShardMetrics: flags['enable-shard-metrics'],
      endMs: window.end.getTime(),
      live: flags.live,
      minMinutes: flags['min-minutes'],
      recordsPerCall: flags['records-per-call'],
      sampleBytes: parseSize(flags['sample-bytes'], '--sample-bytes'),
      sampleSeconds: flags['sample-seconds'],
      shardsToSample: flags['shards-to-sample'],
      source: flags.source as HotShardsOptions['source'],
      startMs: window.start.getTime(),
      threshold,
      topKeys: flags['top-keys'],
      windowGiven: Boolean(flags.window || flags.start),
    }
    const ctx = this.runContext()

    if (offline) {
      this.rejectAwsFlags(flags, 'an offline run (--records)')
      const {ranges, source} = await offlineShardRanges({shardMap: flags['shard-map'], shards: flags.shards})
      const input = await openRecords(flags.records!, process.stdin)
      this.onCleanup(() => input.close())
      const analysis = await analyseHotShards(
        {},
        {
          ...base,
          offline: {
            chunks: input.chunks,
            ranges,
            rangesSource: source,
            sourceName: flags.records === '-' ? 'stdin' : flags.records!,
          },
        },
        ctx,
      )
      return this.finishRun(analysis.result, analysis.warnings)
    }

    // The stream is named once, here; every analysis reads its state from this reference.
    const ref = parseStreamRef(flags.stream!)
    const aws = await this.awsClients(flags)
    const clients = {
      // A local Kinesis (the sandbox) has no CloudWatch: the load then comes from a record sample.
      cloudwatch: hasCloudWatchBesideKinesis(aws.settings) ? await aws.create('cloudwatch') : undefined,
      kinesis: await aws.create('kinesis'),
    }
    if (flags.watch && !this.jsonEnabled()) {
      // Ctrl-C is the normal way out of the live view (exit 0).
      this.exitOnInterrupt = false
      const windowMs = window.end.getTime() - window.start.getTime()
      const intervalMs = durationToMs(parseDuration(flags.interval, '--interval'))
      if (intervalMs < 10_000) throw new UsageError(`--interval must be at least 10s, not "${flags.interval}"`)
      // ink and React load only for --watch: every other run starts without them.
      const {runWatch} = await import('../../ui/kinesis-watch.js')
      const last = await runWatch({
        async analyse(signal) {
          const end = Date.now()
          return analyseHotShards(
            clients,
            {
              ...base,
              endMs: end,
              live: base.source === 'metrics' ? base.live : true,
              sampleSeconds: Math.min(base.sampleSeconds ?? 30, Math.max(5, Math.floor(intervalMs / 2000))),
              startMs: end - windowMs,
              stream: await readStreamState(clients.kinesis, ref, {signal}),
            },
            // The live view draws its own progress; each round stops with the view.
            {...withSignal(ctx, signal), progress() {}},
          )
        },
        intervalMs,
        signal: this.abortController.signal,
        threshold,
      })
      // Stopped before the first analysis finished: nothing was measured, so there is no verdict
      // (an unknown is never "healthy").
      if (last === undefined) this.warnUser('stopped before the first analysis finished: no result')
      return last
    }

    ctx.progress({label: 'Describing the stream'})
    const stream = await readStreamState(clients.kinesis, ref, {signal: ctx.signal})
    const analysis = await analyseHotShards(clients, {...base, stream}, ctx)
    return this.finishRun(analysis.result, analysis.warnings)
  }

  private finishRun(result: HotShardsResult, warnings: string[]): HotShardsResult {
    for (const w of warnings) this.warnUser(w)
    if (!this.jsonEnabled()) this.log(renderHotShards(result))
    if (result.verdict !== 'healthy') this.reportFindings()
    return result
  }

  /** --athena-table: the same analysis in Athena, ranges from --shards / --shard-map / --stream. */
  private async runInAthena(
    flags: Interfaces.InferredFlags<typeof BaseCommand.baseFlags & typeof KinesisHotShards.flags>,
    threshold: number,
  ): Promise<(HotShardsResult & {athena: AthenaRunInfo}) | {athena: AthenaRunInfo; sql: string}> {
    if (flags.records !== undefined) throw new UsageError('--athena-table and --records cannot be combined')
    if (flags.watch) throw new UsageError('--watch needs --stream (an archived table is read once)')
    const windowGiven = Boolean(flags.window || flags.start)
    const window = windowGiven
      ? parseTimeWindow({
          end: flags.end,
          fallbackSince: '15m',
          now: new Date(),
          since: flags.window,
          start: flags.start,
        })
      : undefined
    const request = athenaTableRequest(
      flags,
      window ? {endMs: window.end.getTime(), startMs: window.start.getTime()} : undefined,
    )
    const aws = await this.awsClients(flags)
    const ctx = this.runContext()
    let ranges
    let rangesSource
    if (flags.stream) {
      if (flags.shards !== undefined || flags['shard-map'])
        throw new UsageError('give the ranges once: --stream, --shards or --shard-map')
      const stream = await readStreamState(await aws.create('kinesis'), parseStreamRef(flags.stream), {
        signal: ctx.signal,
      })
      ranges = stream.open
      rangesSource = `stream ${stream.streamName}`
    } else {
      if (flags.shards === undefined && !flags['shard-map'])
        throw new UsageError('--athena-table needs the shard ranges: --shards N, --shard-map FILE or --stream NAME')
      ;({ranges, source: rangesSource} = await offlineShardRanges({shardMap: flags['shard-map'], shards: flags.shards}))
    }

    const out = await analyseHotShardsInAthena(
      {athena: await aws.create('athena'), s3: request.maxScanGb === undefined ? undefined : await aws.create('s3')},
      {
        ...request,
        options: {
          endMs: window?.end.getTime() ?? 0,
          minMinutes: flags['min-minutes'],
          source: 'auto',
          startMs: window?.start.getTime() ?? 0,
          threshold,
          topKeys: flags['top-keys'],
          windowGiven,
        },
        ranges,
        rangesSource,
      },
      ctx,
    )
    if (!this.jsonEnabled()) this.log(renderAthenaRun(out.athena))
    if (!out.analysis) return {athena: out.athena, sql: out.athena.sql}
    return {...this.finishRun(out.analysis.result, out.analysis.warnings), athena: out.athena}
  }
}

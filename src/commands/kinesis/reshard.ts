import {Flags} from '@oclif/core'

import type {QuotaView, ReshardResult} from '../../lib/kinesis/reshard/types.js'

import {BaseCommand} from '../../base-command.js'
import {ATHENA_TABLE_IAM, athenaTableRequest, reshardAthenaFlags} from '../../flags/athena-table.js'
import {strategyFromFlags} from '../../flags/kinesis-reshard.js'
import {planFlags} from '../../flags/plan.js'
import {onlyWith} from '../../flags/relations.js'
import {athenaRunFlags, TRAIL_TABLE_IAM, trailTableFlags, trailTableSettings} from '../../flags/trail-table.js'
import {parseUtilisation} from '../../flags/utilisation.js'
import {hasCloudWatchBesideKinesis, resolveEndpoint} from '../../lib/aws/clients.js'
import {athenaTrailSearch} from '../../lib/cloudtrail/athena-lookup.js'
import {checkWritableFile, writeFileAtomic} from '../../lib/core/atomic-write.js'
import {durationToMs, parseDuration} from '../../lib/core/parse/duration.js'
import {tableLoadSource} from '../../lib/kinesis/athena/hot-shards-athena.js'
import {createReshardExecutor} from '../../lib/kinesis/reshard/executor.js'
import {hotShardsLoadSource} from '../../lib/kinesis/reshard/load-source.js'
import {makeReshardPlan, PLAN_KIND, type ReshardPlan} from '../../lib/kinesis/reshard/plan.js'
import {recheckSavedPlan} from '../../lib/kinesis/reshard/recheck.js'
import {buildReshardResult, shardMapDocument} from '../../lib/kinesis/reshard/result.js'
import {parseStreamRef} from '../../lib/kinesis/stream.js'
import {renderReshardPlan, renderReshardResult} from '../../ui/kinesis-reshard.js'

export default class KinesisReshard extends BaseCommand {
  static override description = `Plans a reshard of a provisioned stream as ordered UpdateShardCount, SplitShard or MergeShards steps with exact decimal hash keys and a reason for each, the open ranges before and after, the API calls and an estimated wall time. It checks the stream (provisioned, ACTIVE), the UpdateShardCount quota (10 per rolling 24 h, counted from CloudTrail), the account shard limit (DescribeLimits, short-lived shards included) and the 5/s split/merge rate before anything runs.

Nothing changes without --apply. Applying waits for ACTIVE between steps, retries LimitExceeded and ResourceInUse with jitter, and is resumable: a re-run re-reads ListShards (with lineage) and skips steps already done. Ctrl-C finishes the current AWS call and exits 8 with the resume command.

Choose one strategy:
  --target-shards N   uniform scaling in legal steps (×2 / ÷2 per call, ≤ 10,000; 25 %-multiples preferred)
  --split-hot         split each hot shard at its load-weighted median hash key until every child is under --threshold
  --isolate-key KEY   two splits that give one partition key a shard of its own
  --merge-cold        merge adjacent shards whose combined utilisation stays below --below
  --even-out          restore equal ranges for the current shard count`
  static override examples = [
    {
      command: '<%= config.bin %> <%= command.id %> --stream orders --target-shards 16',
      description: 'Plan 4 → 16 shards (two UpdateShardCount calls).',
    },
    {
      command: '<%= config.bin %> <%= command.id %> --stream orders --split-hot --threshold 80%',
      description: 'Split hot shards where their load divides, from shard metrics and a record sample.',
    },
    {
      command: '<%= config.bin %> <%= command.id %> --stream orders --split-hot --records sample.jsonl',
      description: 'Plan from a local record sample instead of metrics.',
    },
    {
      command: '<%= config.bin %> <%= command.id %> --stream orders --isolate-key tenant-42 --plan-out isolate.json',
      description: 'Save a plan for review.',
    },
    {
      command: '<%= config.bin %> <%= command.id %> --stream orders --plan isolate.json --yes',
      description: 'Apply (or resume) the reviewed plan.',
    },
    {
      command: '<%= config.bin %> <%= command.id %> --stream orders --merge-cold --below 25% --apply --yes',
      description: 'Merge cold neighbours without a prompt (runbooks).',
    },
    {
      command: '<%= config.bin %> <%= command.id %> --stream orders --even-out',
      description: 'Plan equal ranges again after manual splits.',
    },
  ]
  static override flags = {
    ...planFlags,
    ...reshardAthenaFlags,
    // --workgroup, --output-location, --catalog and --max-scan-gb serve the load table and the trail table alike.
    ...athenaRunFlags('athena-table', 'trail-table'),
    below: Flags.string({
      ...onlyWith('merge-cold'),
      helpGroup: 'STRATEGY',
      summary: 'With --merge-cold: merge while the combined utilisation stays below this (0.25 or 25%).',
    }),
    'even-out': Flags.boolean({
      default: false,
      exclusive: ['target-shards', 'split-hot', 'isolate-key', 'merge-cold', 'plan'],
      helpGroup: 'STRATEGY',
      summary: 'Restore equal ranges for the current shard count (splits and merges).',
    }),
    'isolate-key': Flags.string({
      exclusive: ['target-shards', 'split-hot', 'merge-cold', 'even-out', 'plan'],
      helpGroup: 'STRATEGY',
      summary: 'Give this partition key a shard of its own (two splits around its hash key).',
    }),
    'merge-cold': Flags.boolean({
      default: false,
      exclusive: ['target-shards', 'split-hot', 'isolate-key', 'even-out', 'plan'],
      helpGroup: 'STRATEGY',
      summary: 'Merge adjacent open shards whose combined utilisation stays below --below.',
    }),
    records: Flags.string({
      helpGroup: 'LOAD',
      summary:
        'Take shard load from this local record file (JSON Lines or CSV with partitionKey, bytes, timestamp; "-" reads stdin) instead of metrics and a sample.',
    }),
    'shard-map-out': Flags.string({
      helpGroup: 'PLAN',
      summary:
        'Save the open shards after the run (live after --apply, predicted otherwise) as ListShards JSON, for kinesis hot-shards --shard-map.',
    }),
    'split-hot': Flags.boolean({
      default: false,
      exclusive: ['target-shards', 'isolate-key', 'merge-cold', 'even-out', 'plan'],
      helpGroup: 'STRATEGY',
      summary: 'Split each hot shard at its load-weighted median hash key, recursively.',
    }),
    stream: Flags.string({required: true, summary: 'Stream name or ARN.'}),
    'target-shards': Flags.integer({
      exclusive: ['split-hot', 'isolate-key', 'merge-cold', 'even-out', 'plan'],
      helpGroup: 'STRATEGY',
      max: 10_000,
      min: 1,
      summary: 'Uniform scaling to this many open shards (UpdateShardCount in legal steps).',
    }),
    threshold: Flags.string({
      default: '0.8',
      helpGroup: 'STRATEGY',
      summary: 'With --split-hot: split until every predicted child is under this utilisation (0.8 or 80%).',
    }),
    'trail-table': trailTableFlags['trail-table'],
    window: Flags.string({
      helpGroup: 'LOAD',
      summary:
        'Window of the load analysis, ending now (default 15m); for a --records file without timestamps, the span it covers.',
    }),
  }
  static override iam = [
    ...ATHENA_TABLE_IAM,
    'kinesis:DescribeStreamSummary',
    'kinesis:ListShards',
    'kinesis:DescribeLimits',
    {action: 'cloudtrail:LookupEvents', when: 'without --trail-table'},
    ...TRAIL_TABLE_IAM,
    {action: 'cloudwatch:GetMetricData', when: 'with --split-hot or --merge-cold, without --records'},
    {action: 'kinesis:GetShardIterator', when: 'with --split-hot or --merge-cold, without --records'},
    {action: 'kinesis:GetRecords', when: 'with --split-hot or --merge-cold, without --records'},
    {action: 'kinesis:UpdateShardCount', when: 'with --target-shards and --apply'},
    {action: 'kinesis:SplitShard', when: 'with --split-hot, --isolate-key or --even-out and --apply'},
    {action: 'kinesis:MergeShards', when: 'with --merge-cold or --even-out and --apply'},
  ]
  static override summary =
    'Plan and apply resharding: uniform scaling, hot-shard splits, key isolation, cold merges, even ranges.'

  public async run(): Promise<ReshardResult> {
    const {flags} = await this.parse(KinesisReshard)
    const request = strategyFromFlags(flags)
    // Output paths are checked before any AWS call: a bad path must not cost a plan (or print "Dry run").
    if (flags['shard-map-out']) await checkWritableFile(flags['shard-map-out'], '--shard-map-out')
    if (flags['plan-out']) await checkWritableFile(flags['plan-out'], '--plan-out')
    const ref = parseStreamRef(flags.stream)
    const aws = await this.awsClients(flags)
    const kinesis = await aws.create('kinesis')
    // CloudTrail of the real account means nothing for an emulator stream: only ask it when it is local too, or neither is.
    const local = resolveEndpoint(aws.settings, 'kinesis') !== undefined
    const cloudtrail =
      !local || resolveEndpoint(aws.settings, 'cloudtrail') ? await aws.create('cloudtrail') : undefined
    // No CloudWatch emulator exists: against a local Kinesis the load comes from a record sample only.
    const cloudwatch = hasCloudWatchBesideKinesis(aws.settings) ? await aws.create('cloudwatch') : undefined
    const windowEnd = Date.now()
    const windowMs = durationToMs(parseDuration(flags.window ?? '15m', '--window'))
    const ctx = this.runContext()
    const loadProfiles = hotShardsLoadSource(
      {cloudwatch, kinesis},
      {
        records: flags.records,
        stdin: process.stdin,
        tableAnalysis: flags['athena-table']
          ? tableLoadSource(
              {athena: await aws.create('athena'), s3: flags['max-scan-gb'] ? await aws.create('s3') : undefined},
              athenaTableRequest(flags, {endMs: windowEnd, startMs: windowEnd - windowMs}),
              ctx,
            )
          : undefined,
        threshold: request?.kind === 'split-hot' ? request.threshold : parseUtilisation(flags.threshold, '--threshold'),
        window: {endMs: windowEnd, given: flags.window !== undefined, startMs: windowEnd - windowMs},
      },
      ctx,
    )
    const executor = createReshardExecutor({kinesis}, {stream: ref}, ctx)
    const wait = {
      onWaiting: (status: string) => {
        if (!this.jsonEnabled())
          this.logToStderr(`Stream ${flags.stream} is ${status}: waiting for ACTIVE (one reshard at a time)…`)
      },
    }
    const trailTable = trailTableSettings(flags)
    const clients = {
      cloudtrail,
      kinesis,
      ...(trailTable
        ? {
            trail: athenaTrailSearch(
              {athena: await aws.create('athena'), s3: flags['max-scan-gb'] ? await aws.create('s3') : undefined},
              {...trailTable, tableFlag: '--trail-table'},
              ctx,
            ),
          }
        : {}),
    }
    let quota: QuotaView | undefined
    const run = await this.runPlan({
      executor,
      flags,
      kind: PLAN_KIND,
      makePlan: async () => {
        if (!request) throw new Error('a strategy is required without --plan')
        const plan = await makeReshardPlan(
          clients,
          {
            // Live analysis (metrics + a record sample) only where the strategy needs load; a --records file is cheap, so it is used by every strategy.
            loadProfiles:
              flags.records !== undefined ||
              flags['athena-table'] !== undefined ||
              request.kind === 'split-hot' ||
              request.kind === 'merge-cold'
                ? loadProfiles
                : undefined,
            strategy: request,
            stream: ref,
            wait,
          },
          ctx,
        )
        // People see the checks in the plan; scripts get the warnings in the envelope.
        if (this.jsonEnabled())
          for (const check of plan.summary.checks)
            if (check.status === 'warn') this.warnUser(`${check.check}: ${check.detail}`)
        return plan
      },
      // A saved plan: the quota and the shard limit are checked again for the steps still to do.
      onSavedPlan: async (saved) => {
        const recheck = await recheckSavedPlan(clients, {plan: saved, stream: ref, wait}, ctx)
        quota = recheck.quota
        for (const check of recheck.checks)
          if (check.status === 'warn') this.warnUser(`${check.check}: ${check.detail}`)
      },
      render: (plan) => renderReshardPlan(plan as ReshardPlan),
    })
    const result = buildReshardResult({...run, plan: run.plan as ReshardPlan}, executor.lastState(), quota)
    if (!this.jsonEnabled() && result.applied) this.log(renderReshardResult(result))
    if (flags['shard-map-out']) {
      await writeFileAtomic(
        flags['shard-map-out'],
        `${JSON.stringify(shardMapDocument(result), null, 2)}\n`,
        '--shard-map-out',
      )
      this.logToStderr(
        `Open shards ${result.applied || result.steps.length === 0 ? 'now' : 'after the plan (predicted)'} saved to ${flags['shard-map-out']}.`,
      )
    }

    return result
  }
}

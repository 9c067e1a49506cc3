import type {AwsStub} from 'aws-sdk-client-mock'

import {
  DescribeLimitsCommand,
  DescribeStreamSummaryCommand,
  ListShardsCommand,
  MergeShardsCommand,
  type Shard,
  SplitShardCommand,
  UpdateShardCountCommand,
} from '@aws-sdk/client-kinesis'

import {evenRanges} from '../../../../src/lib/kinesis/hash-key.js'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the stub's input/output unions
type KinesisMock = AwsStub<any, any, any>

function awsError(name: string, message: string): Error {
  return Object.assign(new Error(message), {
    $fault: 'client',
    $metadata: {httpStatusCode: 400, requestId: `req-${name}`},
    name,
  })
}

/**
 * A small in-memory Kinesis stream behind aws-sdk-client-mock: ListShards with lineage,
 * SplitShard / MergeShards / UpdateShardCount that change it, ACTIVE / UPDATING status.
 */
export class FakeStream {
  /** Shard-level metrics turned on (EnhancedMonitoring). */
  enhancedMetrics: string[] = []
  mode: 'ON_DEMAND' | 'PROVISIONED' = 'PROVISIONED'
  /** Failures to throw from the next mutating calls, in order (e.g. LimitExceededException). */
  pendingFailures: string[] = []
  shards: Shard[]
  status = 'ACTIVE'
  /** DescribeStreamSummary calls that still report UPDATING after a change. */
  updatingPolls = 0
  private next: number

  constructor(
    readonly name: string,
    count: number,
  ) {
    this.shards = evenRanges(count).map((r, i) => ({
      HashKeyRange: {EndingHashKey: r.endingHashKey.toString(), StartingHashKey: r.startingHashKey.toString()},
      SequenceNumberRange: {StartingSequenceNumber: '1'},
      ShardId: `shardId-${String(i).padStart(12, '0')}`,
    }))
    this.next = count
  }

  get open(): Shard[] {
    return this.shards
      .filter((s) => !s.SequenceNumberRange?.EndingSequenceNumber)
      .sort((a, b) => (BigInt(a.HashKeyRange!.StartingHashKey!) < BigInt(b.HashKeyRange!.StartingHashKey!) ? -1 : 1))
  }

  install(mock: KinesisMock, limits?: {OpenShardCount: number; ShardLimit: number}): void {
    mock.on(DescribeStreamSummaryCommand).callsFake(() => {
      let {status} = this
      if (this.updatingPolls > 0) {
        this.updatingPolls--
        status = 'UPDATING'
      }

      return {
        StreamDescriptionSummary: {
          EnhancedMonitoring: [{ShardLevelMetrics: this.enhancedMetrics as never}],
          OpenShardCount: this.open.length,
          RetentionPeriodHours: 24,
          StreamARN: `arn:aws:kinesis:us-east-1:123456789012:stream/${this.name}`,
          StreamCreationTimestamp: new Date(0),
          StreamModeDetails: {StreamMode: this.mode},
          StreamName: this.name,
          StreamStatus: status,
        },
      }
    })
    mock.on(ListShardsCommand).callsFake(() => ({Shards: structuredClone(this.shards)}))
    mock.on(DescribeLimitsCommand).resolves({
      ...(limits ?? {OpenShardCount: 10, ShardLimit: 500}),
      OnDemandStreamCount: 0,
      OnDemandStreamCountLimit: 10,
    })
    mock.on(SplitShardCommand).callsFake((input: {NewStartingHashKey: string; ShardToSplit: string}) => {
      this.failIfPending()
      const parent = this.shards.find((s) => s.ShardId === input.ShardToSplit)
      if (!parent || parent.SequenceNumberRange?.EndingSequenceNumber)
        throw awsError('InvalidArgumentException', `shard ${input.ShardToSplit} is not open`)
      const start = BigInt(parent.HashKeyRange!.StartingHashKey!)
      const end = BigInt(parent.HashKeyRange!.EndingHashKey!)
      const at = BigInt(input.NewStartingHashKey)
      if (at <= start || at > end) throw awsError('InvalidArgumentException', 'NewStartingHashKey out of range')
      parent.SequenceNumberRange = {EndingSequenceNumber: '9', StartingSequenceNumber: '1'}
      this.add({EndingHashKey: (at - 1n).toString(), StartingHashKey: start.toString()}, parent.ShardId!)
      this.add({EndingHashKey: end.toString(), StartingHashKey: at.toString()}, parent.ShardId!)
      this.updatingPolls = 1
      return {}
    })
    mock.on(MergeShardsCommand).callsFake((input: {AdjacentShardToMerge: string; ShardToMerge: string}) => {
      this.failIfPending()
      const lower = this.shards.find((s) => s.ShardId === input.ShardToMerge)
      const upper = this.shards.find((s) => s.ShardId === input.AdjacentShardToMerge)
      if (
        !lower ||
        !upper ||
        BigInt(lower.HashKeyRange!.EndingHashKey!) + 1n !== BigInt(upper.HashKeyRange!.StartingHashKey!)
      ) {
        throw awsError('InvalidArgumentException', 'shards are not adjacent with ShardToMerge the lower one')
      }

      lower.SequenceNumberRange = {EndingSequenceNumber: '9', StartingSequenceNumber: '1'}
      upper.SequenceNumberRange = {EndingSequenceNumber: '9', StartingSequenceNumber: '1'}
      this.add(
        {EndingHashKey: upper.HashKeyRange!.EndingHashKey!, StartingHashKey: lower.HashKeyRange!.StartingHashKey!},
        lower.ShardId!,
        upper.ShardId!,
      )
      this.updatingPolls = 1
      return {}
    })
    mock.on(UpdateShardCountCommand).callsFake((input: {TargetShardCount: number}) => {
      this.failIfPending()
      const {open} = this
      if (input.TargetShardCount > 2 * open.length || input.TargetShardCount < Math.ceil(open.length / 2))
        throw awsError('InvalidArgumentException', 'beyond 2x')
      for (const s of open) s.SequenceNumberRange = {EndingSequenceNumber: '9', StartingSequenceNumber: '1'}
      for (const r of evenRanges(input.TargetShardCount))
        this.add(
          {EndingHashKey: r.endingHashKey.toString(), StartingHashKey: r.startingHashKey.toString()},
          open[0]!.ShardId!,
        )
      this.updatingPolls = 1
      return {CurrentShardCount: open.length, StreamName: this.name, TargetShardCount: input.TargetShardCount}
    })
  }

  split(shardId: string, at: bigint): void {
    const parent = this.shards.find((s) => s.ShardId === shardId)!
    parent.SequenceNumberRange = {EndingSequenceNumber: '9', StartingSequenceNumber: '1'}
    this.add({EndingHashKey: (at - 1n).toString(), StartingHashKey: parent.HashKeyRange!.StartingHashKey!}, shardId)
    this.add({EndingHashKey: parent.HashKeyRange!.EndingHashKey!, StartingHashKey: at.toString()}, shardId)
  }

  private add(range: {EndingHashKey: string; StartingHashKey: string}, parent: string, adjacent?: string): void {
    this.shards.push({
      ...(adjacent ? {AdjacentParentShardId: adjacent} : {}),
      HashKeyRange: range,
      ParentShardId: parent,
      SequenceNumberRange: {StartingSequenceNumber: '2'},
      ShardId: `shardId-${String(this.next++).padStart(12, '0')}`,
    })
  }

  private failIfPending(): void {
    const name = this.pendingFailures.shift()
    if (name) throw awsError(name, `${name} (test)`)
  }
}

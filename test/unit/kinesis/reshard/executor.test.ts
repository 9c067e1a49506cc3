import {KinesisClient, SplitShardCommand, UpdateShardCountCommand} from '@aws-sdk/client-kinesis'
import {mockClient} from 'aws-sdk-client-mock'
import {beforeEach, describe, expect, it} from 'vitest'

import type {OpenRange, PlannedOp} from '../../../../src/lib/kinesis/reshard/types.js'

import {PLAN_FORMAT_VERSION} from '../../../../src/lib/core/plan.js'
import {testRunContext} from '../../../../src/lib/core/run-context.js'
import {evenRanges} from '../../../../src/lib/kinesis/hash-key.js'
import {createReshardExecutor, doneByLineage, stepsDoneByLayout} from '../../../../src/lib/kinesis/reshard/executor.js'
import {type ReshardPlan, toPlannedOp, toPlanStep} from '../../../../src/lib/kinesis/reshard/plan.js'
import {planIsolateKey, planUniformScaling} from '../../../../src/lib/kinesis/reshard/planners.js'
import {readStreamState, waitForActive} from '../../../../src/lib/kinesis/stream.js'
import {FakeStream} from './fake-kinesis.js'

const kinesis = mockClient(KinesisClient)
const client = new KinesisClient({credentials: {accessKeyId: 'a', secretAccessKey: 'b'}, region: 'us-east-1'})

function planFor(fake: FakeStream, ops: PlannedOp[]): ReshardPlan {
  const open = fake.open.map((s) => ({
    endingHashKey: s.HashKeyRange!.EndingHashKey!,
    shardId: s.ShardId!,
    startingHashKey: s.HashKeyRange!.StartingHashKey!,
  }))
  return {
    baseline: {openRanges: open, streamArn: '', streamName: fake.name},
    createdAt: new Date(0).toISOString(),
    formatVersion: PLAN_FORMAT_VERSION,
    kind: 'kinesis reshard',
    steps: ops.map((op, i) => toPlanStep(op, i, fake.name)),
    summary: {
      after: [],
      apiCalls: ops.length,
      before: [],
      checks: [],
      estimatedSeconds: 0,
      notes: [],
      quota: {limit: 10, updateShardCountUsed24h: 0},
      strategy: 'isolate-key',
    },
    target: {stream: fake.name},
  }
}

const instant = async (): Promise<void> => {}

describe('reshard executor', () => {
  beforeEach(() => kinesis.reset())

  it('plan steps survive a round trip through JSON with exact keys', () => {
    const layout: OpenRange[] = evenRanges(3).map((r) => ({...r}))
    const {ops} = planIsolateKey(layout, {hashKey: 2n ** 127n + 12_345n, label: 'k'})
    // A saved plan is JSON text: keys travel as decimal strings.
    // eslint-disable-next-line unicorn/prefer-structured-clone
    const steps = JSON.parse(JSON.stringify(ops.map((op, i) => toPlanStep(op, i, 's')))) as ReturnType<
      typeof toPlanStep
    >[]
    const back = steps.map((s) => toPlannedOp(s))
    for (const [i, op] of ops.entries()) {
      const again = back[i]!
      expect(again.kind).toBe('split')
      if (op.kind !== 'split' || again.kind !== 'split') continue
      expect(again.newStartingHashKey).toBe(op.newStartingHashKey)
      expect([again.parent.startingHashKey, again.parent.endingHashKey, again.parent.shardId]).toEqual([
        op.parent.startingHashKey,
        op.parent.endingHashKey,
        op.parent.shardId,
      ])
    }

    expect(() => toPlannedOp({...steps[0]!, params: {...steps[0]!.params, NewStartingHashKey: 'x'} as never})).toThrow(
      /step 1 \(SplitShard\) has malformed parameters/,
    )
  })

  it('recognises progress by layout and by lineage', async () => {
    const fake = new FakeStream('s', 2)
    fake.install(kinesis)
    const base = (await readStreamState(client, {streamName: 's'}, {wait: {}})).open
    const {ops} = planIsolateKey(base, {hashKey: 2n ** 127n + 99n, label: 'k'})
    const plan = planFor(fake, ops)
    expect(stepsDoneByLayout(plan, await readStreamState(client, {streamName: 's'}, {wait: {}}))).toBe(0)
    const first = ops[0] as Extract<PlannedOp, {kind: 'split'}>
    fake.split(first.parent.shardId!, first.newStartingHashKey)
    const state = await readStreamState(client, {streamName: 's'}, {wait: {}})
    expect(stepsDoneByLayout(plan, state)).toBe(1)
    expect(doneByLineage(ops[0]!, state.shards)).toBe(true)
    expect(doneByLineage(ops[1]!, state.shards)).toBe(false)
    // A layout off the plan's path.
    fake.split('shardId-000000000000', 5n)
    expect(stepsDoneByLayout(plan, await readStreamState(client, {streamName: 's'}, {wait: {}}))).toBeUndefined()
  })

  it('UpdateShardCount progress is judged by the open count (AWS picks the boundaries)', async () => {
    const fake = new FakeStream('s', 4)
    fake.install(kinesis)
    const plan = planFor(fake, planUniformScaling(4, 16).ops)
    const executor = createReshardExecutor(
      {kinesis: client},
      {stream: {streamName: 's'}},
      testRunContext({sleep: instant}),
    )
    const {signal} = new AbortController()
    expect(executor.checkStart(plan, await executor.observe(plan, signal))).toEqual({ok: true})
    await executor.applyStep(plan.steps[0]!, plan, signal)
    const state = await executor.observe(plan, signal)
    expect(state.open).toHaveLength(8)
    expect(executor.isStepDone(plan.steps[0]!, state, plan)).toBe(true)
    expect(executor.isStepDone(plan.steps[1]!, state, plan)).toBe(false)
    // Applying a step that is already done sends nothing.
    await executor.applyStep(plan.steps[0]!, plan, signal)
    expect(kinesis.commandCalls(UpdateShardCountCommand)).toHaveLength(1)
  })

  it('retries LimitExceeded with full jitter capped per attempt, and gives up after maxAttempts', async () => {
    const fake = new FakeStream('s', 2)
    fake.install(kinesis)
    const base = fake.open.map((s) => ({
      endingHashKey: BigInt(s.HashKeyRange!.EndingHashKey!),
      shardId: s.ShardId!,
      startingHashKey: BigInt(s.HashKeyRange!.StartingHashKey!),
    }))
    const plan = planFor(fake, planIsolateKey(base, {hashKey: 77n, label: 'k'}).ops)
    const pauses: number[] = []
    const executor = createReshardExecutor(
      {kinesis: client},
      {maxAttempts: 3, random: () => 0.5, stream: {streamName: 's'}},
      testRunContext({
        async sleep(ms) {
          pauses.push(ms)
        },
      }),
    )
    const {signal} = new AbortController()
    executor.checkStart(plan, await executor.observe(plan, signal))
    fake.pendingFailures = ['LimitExceededException', 'LimitExceededException']
    await executor.applyStep(plan.steps[0]!, plan, signal)
    expect(pauses.filter((p) => p >= 500)).toEqual([500, 1000])
    fake.pendingFailures = ['LimitExceededException', 'LimitExceededException', 'LimitExceededException']
    await expect(executor.applyStep(plan.steps[1]!, plan, signal)).rejects.toMatchObject({
      name: 'LimitExceededException',
    })
    expect(kinesis.commandCalls(SplitShardCommand)).toHaveLength(6)
  })

  it('waits for ACTIVE with a growing pause, and gives up with exit 5 after the timeout', async () => {
    const fake = new FakeStream('s', 1)
    fake.install(kinesis)
    fake.updatingPolls = 4
    const pauses: number[] = []
    await waitForActive(
      client,
      {streamName: 's'},
      {
        pollMs: 100,
        async sleep(ms) {
          pauses.push(ms)
        },
      },
    )
    expect(pauses).toEqual([100, 150, 225, 337.5])
    fake.updatingPolls = 100
    let t = 0
    await expect(
      waitForActive(
        client,
        {streamName: 's'},
        {
          now: () => t,
          async sleep(ms) {
            t += ms
          },
          timeoutMs: 1000,
        },
      ),
    ).rejects.toMatchObject({code: 'StreamNotActive', exitCode: 5})
  })
})

import {AthenaClient, StartQueryExecutionCommand} from '@aws-sdk/client-athena'
import {CloudTrailClient, LookupEventsCommand} from '@aws-sdk/client-cloudtrail'
import {mockClient} from 'aws-sdk-client-mock'
import {beforeEach, describe, expect, it} from 'vitest'

import {athenaTrailSearch} from '../../../../src/lib/cloudtrail/athena-lookup.js'
import {testRunContext} from '../../../../src/lib/core/run-context.js'
import {planUniformScaling} from '../../../../src/lib/kinesis/reshard/planners.js'
import {
  countUpdateShardCount24h,
  peakDuringPlan,
  shortLivedEstimate,
  validatePlan,
} from '../../../../src/lib/kinesis/reshard/validate.js'
import {parseStreamRef} from '../../../../src/lib/kinesis/stream.js'
import {mockTrailQuery} from '../../../helpers/athena-trail.js'

const trail = mockClient(CloudTrailClient)
const noLimiter = {async wait() {}}
const at = (iso: string) => testRunContext({now: () => new Date(iso)})
/** An UpdateShardCount row of the trail query (hour `id` of the 22nd). */
const trailRow = (id: string, params: object, errorCode?: string) => ({
  event_id: id,
  event_name: 'UpdateShardCount',
  event_source: 'kinesis.amazonaws.com',
  event_time: `2026-11-22T0${id}:00:00Z`,
  request_parameters: JSON.stringify(params),
  ...(errorCode ? {error_code: errorCode} : {}),
})

const ev = (params: object, errorCode?: string) => ({
  CloudTrailEvent: JSON.stringify({requestParameters: params, ...(errorCode ? {errorCode} : {})}),
  EventName: 'UpdateShardCount',
  EventSource: 'kinesis.amazonaws.com',
  EventTime: new Date('2026-11-22T10:00:00Z'),
})

describe('reshard validation', () => {
  beforeEach(() => trail.reset())

  it('counts successful UpdateShardCount calls on this stream only, by name or ARN', async () => {
    trail.on(LookupEventsCommand).resolves({
      Events: [
        ev({streamName: 'orders'}),
        ev({streamARN: 'arn:aws:kinesis:us-east-1:1:stream/orders'}),
        ev({streamName: 'orders'}, 'LimitExceededException'),
        ev({streamName: 'orders-2'}),
      ],
    })
    const count = await countUpdateShardCount24h(
      {cloudtrail: new CloudTrailClient({region: 'us-east-1'}), trailLimiter: noLimiter},
      {arn: '', name: 'orders'},
      at('2026-11-22T12:00:00Z'),
    )
    expect(count).toEqual({oldest: '2026-11-22T10:00:00.000Z', used: 2})
    expect(await countUpdateShardCount24h({}, {arn: '', name: 'orders'}, testRunContext())).toMatchObject({
      used: 'unknown',
    })
  })

  it('counts them from a trail table in Athena with --trail-table (no LookupEvents call)', async () => {
    const athena = mockClient(AthenaClient)
    mockTrailQuery(athena, [
      trailRow('9', {streamName: 'orders', targetShardCount: 8}),
      trailRow('8', {streamARN: 'arn:aws:kinesis:us-east-1:1:stream/orders'}),
      trailRow('7', {streamName: 'orders'}, 'LimitExceededException'),
      trailRow('6', {streamName: 'orders-2'}),
    ])
    const searcher = athenaTrailSearch(
      {athena: new AthenaClient({region: 'us-east-1'})},
      {table: 'security.cloudtrail_logs'},
      testRunContext(),
    )
    const count = await countUpdateShardCount24h(
      {cloudtrail: new CloudTrailClient({region: 'us-east-1'}), trail: searcher},
      {arn: '', name: 'orders'},
      at('2026-11-22T12:00:00Z'),
    )
    expect(count).toEqual({oldest: '2026-11-22T08:00:00.000Z', used: 2})
    const sql = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input.QueryString!
    expect(sql).toContain(`"eventname" = 'UpdateShardCount'`)
    // The 24 hours before noon on the 22nd: the partitions of the 21st and the 22nd.
    expect(sql).toContain(`"day" = '21'`)
    expect(sql).toContain(`"day" = '22'`)
    expect(trail.commandCalls(LookupEventsCommand)).toHaveLength(0)
    athena.on(StartQueryExecutionCommand).rejects(Object.assign(new Error('denied'), {name: 'AccessDeniedException'}))
    expect(
      await countUpdateShardCount24h({trail: searcher}, {arn: '', name: 'orders'}, at('2026-11-22T12:00:00Z')),
    ).toMatchObject({
      reason: expect.stringContaining('security.cloudtrail_logs could not be searched'),
      used: 'unknown',
    })
    athena.restore()
  })

  it('estimates short-lived shards and the peak open count of a plan', () => {
    expect(shortLivedEstimate(4, 8)).toBe(0)
    expect(shortLivedEstimate(8, 4)).toBe(0)
    expect(shortLivedEstimate(4, 6)).toBe(2)
    expect(peakDuringPlan(4, planUniformScaling(4, 6).ops)).toBe(8)
    expect(peakDuringPlan(4, planUniformScaling(4, 16).ops)).toBe(16)
    expect(
      peakDuringPlan(3, [
        {
          kind: 'split',
          newStartingHashKey: 5n,
          parent: {endingHashKey: 9n, shardId: 'a', startingHashKey: 0n},
          reason: '',
        },
      ]),
    ).toBe(4)
  })

  it('passes, warns, or fails each check', () => {
    const {ops} = planUniformScaling(4, 16)
    const ok = validatePlan({limits: {openShardCount: 4, shardLimit: 100}, ops, quota: {used: 3}, streamOpen: 4})
    expect(ok.map((c) => c.status)).toEqual(['ok', 'ok', 'ok', 'ok', 'ok'])
    const unknown = validatePlan({
      limits: {reason: 'DescribeLimits failed', unknown: true},
      ops,
      quota: {reason: 'no CloudTrail', used: 'unknown'},
      streamOpen: 4,
    })
    expect(unknown.find((c) => c.check === 'UpdateShardCount quota')).toMatchObject({status: 'warn'})
    expect(unknown.find((c) => c.check === 'account shard limit')).toMatchObject({status: 'unknown'})
    expect(() =>
      validatePlan({limits: {openShardCount: 90, shardLimit: 100}, ops, quota: {used: 0}, streamOpen: 4}),
    ).toThrow(/about 102 open shards/)
  })
})

describe('reshard stream flag', () => {
  it('takes a stream name or ARN', () => {
    expect(parseStreamRef('orders')).toEqual({streamName: 'orders'})
    expect(parseStreamRef('arn:aws:kinesis:eu-west-1:123456789012:stream/orders')).toEqual({
      streamArn: 'arn:aws:kinesis:eu-west-1:123456789012:stream/orders',
      streamName: 'orders',
    })
    expect(() => parseStreamRef('orders stream')).toThrow(/neither a stream name nor a Kinesis stream ARN/)
  })
})

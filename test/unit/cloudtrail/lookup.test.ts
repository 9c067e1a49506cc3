import {CloudTrailClient, LookupEventsCommand} from '@aws-sdk/client-cloudtrail'
import {mockClient} from 'aws-sdk-client-mock'
import {describe, expect, it} from 'vitest'

import {
  chooseLookupAttribute,
  createIntervalLimiter,
  lookupEvents,
  normaliseEvent,
} from '../../../src/lib/cloudtrail/lookup.js'
import {testRunContext} from '../../../src/lib/core/run-context.js'

const noWait = {async wait() {}}

function event(
  id: string,
  name: string,
  doc: Record<string, unknown> = {},
  resources: Array<{ResourceName: string; ResourceType: string}> = [],
) {
  return {
    CloudTrailEvent: JSON.stringify(doc),
    EventId: id,
    EventName: name,
    EventSource: 'kinesis.amazonaws.com',
    EventTime: new Date('2026-11-22T10:00:00Z'),
    ReadOnly: 'false',
    Resources: resources,
    Username: 'ops',
  }
}

describe('lookupEvents', () => {
  const window = {end: new Date('2026-11-22T11:00:00Z'), start: new Date('2026-11-22T09:00:00Z')}

  it('follows every page and sends one lookup attribute, filtering the rest client-side', async () => {
    const client = new CloudTrailClient({region: 'us-east-1'})
    const mock = mockClient(client)
    mock
      .on(LookupEventsCommand, {NextToken: undefined})
      .resolves({
        Events: [
          event('1', 'UpdateShardCount', {}, [
            {ResourceName: 'arn:aws:kinesis:us-east-1:1:stream/orders', ResourceType: 'AWS::Kinesis::Stream'},
          ]),
        ],
        NextToken: 't2',
      })
      .on(LookupEventsCommand, {NextToken: 't2'})
      .resolves({
        Events: [
          event('2', 'UpdateShardCount', {}, [{ResourceName: 'other', ResourceType: 'AWS::Kinesis::Stream'}]),
          event('3', 'UpdateShardCount', {}, [{ResourceName: 'orders', ResourceType: 'AWS::Kinesis::Stream'}]),
        ],
      })
    const progress: unknown[] = []
    const found = await lookupEvents(
      {cloudtrail: client, limiter: noWait},
      {...window, eventName: 'UpdateShardCount', resourceName: 'orders'},
      testRunContext({progress: (update) => progress.push(update)}),
    )
    expect(progress).toEqual([
      {detail: '1 matching', done: 1, label: 'Reading CloudTrail pages'},
      {detail: '2 matching', done: 2, label: 'Reading CloudTrail pages'},
    ])
    expect(found.events.map((e) => e.eventId)).toEqual(['1', '3'])
    expect(found.pages).toBe(2)
    expect(found.truncated).toBe(false)
    const {input} = mock.commandCalls(LookupEventsCommand)[0]!.args[0]
    expect(input.LookupAttributes).toEqual([{AttributeKey: 'ResourceName', AttributeValue: 'orders'}])
    expect(input.MaxResults).toBe(50)
    expect(input.StartTime).toEqual(window.start)
  })

  it('keeps only failed calls with errorsOnly, and stops at the limit', async () => {
    const client = new CloudTrailClient({region: 'us-east-1'})
    const mock = mockClient(client)
    mock.on(LookupEventsCommand).resolves({
      Events: [
        event('1', 'GetObject', {errorCode: 'AccessDenied', errorMessage: 'no'}),
        event('2', 'GetObject'),
        event('3', 'GetObject', {errorCode: 'AccessDenied'}),
      ],
      NextToken: 'more',
    })
    const found = await lookupEvents(
      {cloudtrail: client, limiter: noWait},
      {...window, errorsOnly: true, limit: 2},
      testRunContext(),
    )
    expect(found.events.map((e) => [e.eventId, e.errorCode])).toEqual([
      ['1', 'AccessDenied'],
      ['3', 'AccessDenied'],
    ])
    expect(found.truncated).toBe(true)
    expect(mock.commandCalls(LookupEventsCommand)).toHaveLength(1)
  })
})

describe('normaliseEvent', () => {
  it('reads principal, session issuer, error and request parameters from the CloudTrail document', () => {
    const e = normaliseEvent(
      event('9', 'SplitShard', {
        awsRegion: 'eu-west-1',
        errorCode: 'LimitExceededException',
        requestParameters: {streamName: 'orders'},
        sourceIPAddress: '203.0.113.5',
        userIdentity: {
          arn: 'arn:aws:sts::1:assumed-role/Ops/alice',
          sessionContext: {sessionIssuer: {arn: 'arn:aws:iam::1:role/Ops'}},
        },
      }),
    )
    expect(e).toMatchObject({
      errorCode: 'LimitExceededException',
      eventTime: '2026-11-22T10:00:00.000Z',
      principalArn: 'arn:aws:sts::1:assumed-role/Ops/alice',
      readOnly: false,
      region: 'eu-west-1',
      requestParameters: {streamName: 'orders'},
      sessionIssuerArn: 'arn:aws:iam::1:role/Ops',
      sourceIp: '203.0.113.5',
    })
    expect(normaliseEvent({CloudTrailEvent: '{broken', EventId: 'x'}).eventId).toBe('x')
  })

  it('chooses the most selective attribute', () => {
    const w = {end: new Date(), start: new Date()}
    expect(chooseLookupAttribute({...w, eventName: 'A', resourceName: 'r'})).toEqual({
      AttributeKey: 'ResourceName',
      AttributeValue: 'r',
    })
    expect(chooseLookupAttribute({...w, eventSource: 's', user: 'u'})).toEqual({
      AttributeKey: 'Username',
      AttributeValue: 'u',
    })
    expect(chooseLookupAttribute(w)).toBeUndefined()
  })
})

describe('createIntervalLimiter', () => {
  it("spaces calls 500 ms apart (2 per second), waiting with the run's sleep", async () => {
    let clock = 0
    const waits: number[] = []
    const limiter = createIntervalLimiter(500, () => clock)
    const ctx = testRunContext({
      async sleep(ms) {
        waits.push(ms)
      },
    })
    await limiter.wait(ctx)
    clock = 100
    await limiter.wait(ctx)
    clock = 2000
    await limiter.wait(ctx)
    expect(waits).toEqual([400])
  })

  it('ends a wait on Ctrl-C with the abortable sleep of the run context', async () => {
    const controller = new AbortController()
    const limiter = createIntervalLimiter(60_000, () => 0)
    const ctx = testRunContext({signal: controller.signal})
    await limiter.wait(ctx)
    const waiting = limiter.wait(ctx)
    controller.abort()
    await expect(waiting).rejects.toMatchObject({name: 'AbortedError'})
  })
})

import {KinesisClient, ListStreamConsumersCommand} from '@aws-sdk/client-kinesis'
import {mockClient} from 'aws-sdk-client-mock'
import {beforeEach, describe, expect, it} from 'vitest'

import {testRunContext} from '../../../../src/lib/core/run-context.js'
import {analyseEfoConsumer, listEfoConsumers} from '../../../../src/lib/kinesis/consumers/efo.js'

const kinesis = mockClient(KinesisClient)
const STREAM = 'arn:aws:kinesis:eu-west-1:123456789012:stream/orders'
const consumer = {
  ConsumerARN: `${STREAM}/consumer/analytics:1700000000`,
  ConsumerCreationTimestamp: new Date('2026-11-01T00:00:00Z'),
  ConsumerName: 'analytics',
  ConsumerStatus: 'ACTIVE' as const,
}

describe('enhanced fan-out consumers', () => {
  beforeEach(() => kinesis.reset())

  it('reads every page (NextToken with the stream ARN)', async () => {
    kinesis
      .on(ListStreamConsumersCommand)
      .resolvesOnce({Consumers: [consumer], NextToken: 't2'})
      .resolvesOnce({Consumers: [{...consumer, ConsumerName: 'audit', ConsumerStatus: 'CREATING'}]})
    const all = await listEfoConsumers(kinesis, STREAM, testRunContext())
    expect(all.map((c) => c.ConsumerName)).toEqual(['analytics', 'audit'])
    expect(kinesis.commandCalls(ListStreamConsumersCommand)[1]!.args[0].input).toEqual({
      NextToken: 't2',
      StreamARN: STREAM,
    })
    expect(analyseEfoConsumer(all[0]!).findings).toEqual([])
    expect(analyseEfoConsumer(all[1]!).findings[0]).toMatchObject({
      kind: 'efo-consumer-not-active',
      severity: 'warning',
    })
  })
})

/**
 * EventBridge pipes reading a rule's target queue: filters over the message as a pipe reads it,
 * state, and the input template; live through aws-sdk-client-mock (ListPipes + DescribePipe).
 */
import {EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand} from '@aws-sdk/client-eventbridge'
import {DescribePipeCommand, ListPipesCommand, PipesClient} from '@aws-sdk/client-pipes'
import {GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient} from '@aws-sdk/client-sqs'
import {mockClient} from 'aws-sdk-client-mock'
import {beforeEach, describe, expect, it} from 'vitest'

import {testRunContext} from '../../../src/lib/core/run-context.js'
import {pipesInput} from '../../../src/lib/events/input-transformer.js'
import {type PipeFacts, pipesCheck} from '../../../src/lib/pipeline/trace/pipes.js'
import {tracePipeline} from '../../../src/lib/pipeline/trace/trace.js'

const QUEUE = 'arn:aws:sqs:eu-west-1:111122223333:landing-events'
const event = {
  detail: {bucket: {name: 'landing'}, object: {key: 'in/a "quoted" name.csv', size: 12}},
  'detail-type': 'Object Created',
  source: 'aws.s3',
}
const delivered = JSON.stringify(event)
const pipe = (over: Partial<PipeFacts>): PipeFacts => ({
  currentState: 'RUNNING',
  filters: [],
  name: 'landing-to-loader',
  source: QUEUE,
  target: 'arn:aws:states:eu-west-1:111122223333:stateMachine:loader',
  ...over,
})

describe('pipesCheck', () => {
  it('a running pipe whose filter on the JSON body matches: ok, with what its template gives', () => {
    const r = pipesCheck(QUEUE, delivered, [
      pipe({
        filters: ['{"body":{"detail":{"object":{"key":[{"prefix":"out/"}]}}}}', '{"body":{"source":["aws.s3"]}}'],
        inputTemplate:
          '{"key": <$.body.detail.object.key>, "size": "<$.body.detail.object.size>", "pipe": "<aws.pipes.pipe-name>"}',
      }),
    ])
    expect(r.status).toBe('ok')
    expect(r.evidence[0]).toContain('passes this message (filter 2 matches)')
    expect(r.evidence[1]).toBe(
      String.raw`pipe landing-to-loader gives its target {"key": "in/a \"quoted\" name.csv", "size": "12", "pipe": "landing-to-loader"}`,
    )
  })

  it('broken when every pipe drops the message, naming the field; a stopped pipe gets start-pipe', () => {
    const dropped = pipesCheck(QUEUE, delivered, [pipe({filters: ['{"body":{"detail":{"bucket":{"name":["raw"]}}}}']})])
    expect(dropped.status).toBe('broken')
    expect(dropped.evidence[0]).toContain('drops this message (filter 1 fails on body.detail.bucket.name)')
    const stopped = pipesCheck(QUEUE, delivered, [pipe({currentState: 'STOPPED', desiredState: 'STOPPED'})])
    expect(stopped.status).toBe('broken')
    expect(stopped.fix).toEqual(['aws pipes start-pipe --name landing-to-loader'])
  })

  it('unknown, not a drop, when a filter fails on a field only SQS knows', () => {
    const r = pipesCheck(QUEUE, delivered, [pipe({filters: ['{"attributes":{"ApproximateReceiveCount":["1"]}}']})])
    expect(r.status).toBe('unknown')
    expect(r.evidence[0]).toContain('attributes.ApproximateReceiveCount is known only to SQS')
  })
})

describe('pipesInput', () => {
  it('a body that is not JSON is text; a missing path is named and left out', () => {
    const given = pipesInput({body: 'plain text'}, '{"b": <$.body>, "m": <$.messageId>}', {})
    expect(given.text).toBe('{"b": "plain text", "m": }')
    expect(given.warnings).toEqual(['<$.messageId> is not in this record', 'the transformed input is not valid JSON'])
  })
})

describe('pipeline trace, live: a pipe reads the target queue', () => {
  const eventbridge = mockClient(EventBridgeClient)
  const sqs = mockClient(SQSClient)
  const pipes = mockClient(PipesClient)

  beforeEach(() => {
    for (const m of [eventbridge, sqs, pipes]) m.reset()
  })

  it('lists the pipes by source, describes the one reading this queue, and evaluates its filter', async () => {
    const ruleArn = 'arn:aws:events:eu-west-1:111122223333:rule/landing'
    eventbridge.on(ListRulesCommand).resolves({
      Rules: [
        {
          Arn: ruleArn,
          EventBusName: 'default',
          EventPattern: '{"source":["aws.s3"]}',
          Name: 'landing',
          State: 'ENABLED',
        },
      ],
    })
    eventbridge.on(ListTargetsByRuleCommand).resolves({Targets: [{Arn: QUEUE, Id: 'q'}]})
    sqs.on(GetQueueUrlCommand).resolves({QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/landing-events'})
    sqs.on(GetQueueAttributesCommand).resolves({
      Attributes: {
        Policy: JSON.stringify({
          Statement: [{Action: 'sqs:SendMessage', Effect: 'Allow', Principal: {Service: 'events.amazonaws.com'}}],
        }),
      },
    })
    pipes.on(ListPipesCommand, {SourcePrefix: QUEUE}).resolves({
      Pipes: [
        {CurrentState: 'RUNNING', Name: 'landing-to-loader', Source: QUEUE},
        {CurrentState: 'RUNNING', Name: 'other', Source: `${QUEUE}-archive`},
      ],
    })
    pipes.on(DescribePipeCommand, {Name: 'landing-to-loader'}).resolves({
      CurrentState: 'RUNNING',
      Name: 'landing-to-loader',
      Source: QUEUE,
      SourceParameters: {FilterCriteria: {Filters: [{Pattern: '{"body":{"detail-type":["Object Deleted"]}}'}]}},
      Target: 'arn:aws:states:eu-west-1:111122223333:stateMachine:loader',
    })
    const r = await tracePipeline(
      {
        eventbridge: new EventBridgeClient({region: 'eu-west-1'}),
        pipes: new PipesClient({region: 'eu-west-1'}),
        sqs: new SQSClient({region: 'eu-west-1'}),
      },
      {bucket: 'landing', bus: 'default', event, key: 'in/a "quoted" name.csv', maxExecutions: 1, region: 'eu-west-1'},
      testRunContext(),
    )
    const hop = r.hops[4]!
    expect(hop.status).toBe('broken')
    expect(hop.evidence.join('\n')).toContain('drops this message (filter 1 fails on body.detail-type)')
    expect(pipes.commandCalls(DescribePipeCommand)).toHaveLength(1)
  })
})

import {LambdaClient, ListEventSourceMappingsCommand} from '@aws-sdk/client-lambda'
import {mockClient} from 'aws-sdk-client-mock'
import {beforeEach, describe, expect, it} from 'vitest'

import {testRunContext} from '../../../../src/lib/core/run-context.js'
import {analyseMapping, listStreamMappings} from '../../../../src/lib/kinesis/consumers/lambda.js'

const lambda = mockClient(LambdaClient)
const STREAM = 'arn:aws:kinesis:eu-west-1:123456789012:stream/orders'

// The shape ListEventSourceMappings returns for a Kinesis source (defaults as AWS fills them in).
const mapping = {
  BatchSize: 100,
  BisectBatchOnFunctionError: false,
  DestinationConfig: {OnFailure: {}},
  EventSourceArn: STREAM,
  FunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:orders-indexer',
  FunctionResponseTypes: [],
  LastModified: new Date('2026-12-01T10:00:00Z'),
  LastProcessingResult: 'PROBLEM: Function call failed',
  MaximumBatchingWindowInSeconds: 0,
  MaximumRecordAgeInSeconds: -1,
  MaximumRetryAttempts: -1,
  ParallelizationFactor: 1,
  StartingPosition: 'LATEST' as const,
  State: 'Enabled',
  StateTransitionReason: 'User action',
  TumblingWindowInSeconds: 0,
  UUID: 'a1b2c3d4-5678-90ab-cdef-11111EXAMPLE',
}

describe('Lambda event source mappings', () => {
  beforeEach(() => lambda.reset())

  it('reads every page for the stream ARN', async () => {
    lambda
      .on(ListEventSourceMappingsCommand, {EventSourceArn: STREAM})
      .resolvesOnce({EventSourceMappings: [mapping], NextMarker: 'm2'})
      .resolvesOnce({EventSourceMappings: [{...mapping, UUID: 'second'}]})
    const all = await listStreamMappings(lambda, STREAM, testRunContext())
    expect(all.map((m) => m.UUID)).toEqual([mapping.UUID, 'second'])
    expect(lambda.commandCalls(ListEventSourceMappingsCommand)[1]!.args[0].input).toEqual({
      EventSourceArn: STREAM,
      Marker: 'm2',
    })
  })

  it('flags retries until expiry, bisect off, no failure destination and a failing last result', () => {
    const c = analyseMapping(mapping)
    expect(c).toMatchObject({kind: 'lambda', name: 'orders-indexer'})
    expect(c.findings.map((f) => `${f.kind} ${f.severity}`)).toEqual([
      'esm-retries-forever warning',
      'esm-bisect-off info',
      'esm-no-failure-destination info',
      'esm-last-processing-failed warning',
    ])
  })

  it('is quiet for a well-configured mapping, and critical when disabled', () => {
    const good = {
      ...mapping,
      BisectBatchOnFunctionError: true,
      DestinationConfig: {OnFailure: {Destination: 'arn:aws:sqs:eu-west-1:123456789012:orders-dlq'}},
      LastProcessingResult: 'OK',
      MaximumRetryAttempts: 5,
    }
    expect(analyseMapping(good).findings).toEqual([])
    expect(analyseMapping({...good, State: 'Disabled'}).findings.map((f) => `${f.kind} ${f.severity}`)).toEqual([
      'esm-not-enabled critical',
    ])
  })
})

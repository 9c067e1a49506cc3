import {CloudWatchClient, GetMetricStatisticsCommand} from '@aws-sdk/client-cloudwatch'
import {EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand} from '@aws-sdk/client-eventbridge'
import {GetPolicyCommand, LambdaClient} from '@aws-sdk/client-lambda'
import {GetBucketNotificationConfigurationCommand, HeadObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {mockClient} from 'aws-sdk-client-mock'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

import type {TraceResult} from '../../../src/lib/pipeline/trace/types.js'

import PipelineTrace from '../../../src/commands/pipeline/trace.js'
import {useTestAwsEnv} from '../../helpers/aws-env.js'
import {expectCallsDeclared} from '../../helpers/iam.js'
import {resultOf, runJson, runText} from '../../helpers/run.js'

useTestAwsEnv()
const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../fixtures/pipeline-trace/${name}`, import.meta.url))
const OBJECT = 's3://raw-landing/orders/2026/12/07/batch-7.csv'

describe('pipeline trace', () => {
  it('offline: exit 1 at the first broken hop, with the fix', async () => {
    const run = await runJson<TraceResult>([
      'pipeline',
      'trace',
      OBJECT,
      '--notification-json',
      fixture('notification-off.json'),
      '--rules-json',
      fixture('rules.json'),
      '--event-time',
      '2026-12-07T09:15:42Z',
      '--size',
      '2048',
    ])
    expect(run.exitCode).toBe(1)
    const r = resultOf(run)
    expect(r.hops.map((h) => [h.hop, h.status])).toEqual([
      [1, 'ok'],
      [2, 'broken'],
      [3, 'ok'],
      [4, 'ok'],
      [5, 'broken'],
      [6, 'unknown'],
      [7, 'unknown'],
    ])
  })

  it('offline text: marks, evidence and fixes', async () => {
    const run = await runText([
      'pipeline',
      'trace',
      OBJECT,
      '--notification-json',
      fixture('notification-on.json'),
      '--rules-json',
      fixture('rules.json'),
    ])
    expect(run.stdout).toContain('✘ 5. Targets')
    expect(run.stdout).toContain('aws lambda add-permission')
    expect(run.stdout).toContain('First broken hop: 5. Targets')
  })

  it('live: every SDK call is declared in static iam', async () => {
    const s3 = mockClient(S3Client)
    const eventbridge = mockClient(EventBridgeClient)
    const lambda = mockClient(LambdaClient)
    const cloudwatch = mockClient(CloudWatchClient)
    s3.on(HeadObjectCommand).resolves({ContentLength: 5, ETag: '"abc"', LastModified: new Date('2026-12-07T09:15:42Z')})
    s3.on(GetBucketNotificationConfigurationCommand).resolves({EventBridgeConfiguration: {}})
    eventbridge.on(ListRulesCommand).resolves({
      Rules: [
        {
          Arn: 'arn:aws:events:eu-west-1:210987654321:rule/r',
          EventPattern: '{"source":["aws.s3"]}',
          Name: 'r',
          State: 'ENABLED',
        },
      ],
    })
    eventbridge
      .on(ListTargetsByRuleCommand)
      .resolves({Targets: [{Arn: 'arn:aws:lambda:eu-west-1:210987654321:function:f', Id: '1'}]})
    lambda.on(GetPolicyCommand).rejects(Object.assign(new Error('no policy'), {name: 'ResourceNotFoundException'}))
    cloudwatch.on(GetMetricStatisticsCommand).resolves({Datapoints: []})
    const run = await runJson<TraceResult>(['pipeline', 'trace', OBJECT, '--region', 'eu-west-1'])
    expect(resultOf(run).hops[4]!.status).toBe('broken')
    expectCallsDeclared(PipelineTrace.iam, {cloudwatch, eventbridge, lambda, s3})
    for (const m of [s3, eventbridge, lambda, cloudwatch]) m.restore()
  })

  it('usage: a prefix instead of an object', async () => {
    const run = await runJson(['pipeline', 'trace', 's3://raw-landing/orders/', '--rules-json', fixture('rules.json')])
    expect(run.exitCode).toBe(2)
  })
})

/**
 * `pipeline trace` with a real object: HeadObject through s3rver (an S3 emulator), the bucket's
 * notification configuration from --notification-json (s3rver 3.7 answers NotImplemented to
 * GetBucketNotificationConfiguration — the last test shows the trace says so, as "?"), and
 * EventBridge, Lambda, CloudWatch and CloudWatch Logs through aws-sdk-client-mock.
 */
import {CloudWatchClient, GetMetricStatisticsCommand} from '@aws-sdk/client-cloudwatch'
import {CloudWatchLogsClient, FilterLogEventsCommand} from '@aws-sdk/client-cloudwatch-logs'
import {EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand} from '@aws-sdk/client-eventbridge'
import {GetPolicyCommand, LambdaClient} from '@aws-sdk/client-lambda'
import {CreateBucketCommand, PutObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {mockClient} from 'aws-sdk-client-mock'
import {fileURLToPath} from 'node:url'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import type {TraceResult} from '../../src/lib/pipeline/trace/types.js'

import {useTestAwsEnv} from '../helpers/aws-env.js'
import {s3rverClient, useEmulators} from '../helpers/emulators.js'
import {type JsonRun, resultOf, runJson} from '../helpers/run.js'

const emu = useEmulators({s3: true})
const BUCKET = 'raw-landing'
const KEY = 'orders/2026/12/07/batch-7.csv'
const RULE_ARN = 'arn:aws:events:us-east-1:210987654321:rule/orders-landed'
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:210987654321:function:orders-loader'
const notificationOn = fileURLToPath(new URL('../fixtures/pipeline-trace/notification-on.json', import.meta.url))

const s3 = (): S3Client => s3rverClient(emu.s3!.url)

/** The trace of `key` with the notification configuration given offline (s3rver has none). */
async function trace(key: string): Promise<JsonRun<TraceResult>> {
  return runJson<TraceResult>(['pipeline', 'trace', `s3://${BUCKET}/${key}`, '--notification-json', notificationOn])
}

function lambdaPolicy(ruleArn: string): string {
  return JSON.stringify({
    Statement: [
      {
        Action: 'lambda:InvokeFunction',
        Condition: {ArnLike: {'AWS:SourceArn': ruleArn}},
        Effect: 'Allow',
        Principal: {Service: 'events.amazonaws.com'},
        Resource: FUNCTION_ARN,
        Sid: 'eventbridge',
      },
    ],
    Version: '2012-10-17',
  })
}

describe('pipeline trace with the object in s3rver', () => {
  useTestAwsEnv()
  const eventbridge = mockClient(EventBridgeClient)
  const lambda = mockClient(LambdaClient)
  const cloudwatch = mockClient(CloudWatchClient)
  const logs = mockClient(CloudWatchLogsClient)
  let written: Date

  beforeEach(async () => {
    process.env.AWS_ENDPOINT_URL_S3 = emu.s3!.url
    process.env.AWS_ACCESS_KEY_ID = 'S3RVER'
    process.env.AWS_SECRET_ACCESS_KEY = 'S3RVER'
    await s3()
      .send(new CreateBucketCommand({Bucket: BUCKET}))
      .catch(() => {})
    written = new Date()
    await s3().send(new PutObjectCommand({Body: Buffer.alloc(2048, 'x'), Bucket: BUCKET, Key: KEY}))
    eventbridge.on(ListRulesCommand).resolves({
      Rules: [
        {
          Arn: RULE_ARN,
          EventBusName: 'default',
          EventPattern: JSON.stringify({
            detail: {bucket: {name: [BUCKET]}, object: {key: [{prefix: 'orders/'}]}},
            'detail-type': ['Object Created'],
            source: ['aws.s3'],
          }),
          Name: 'orders-landed',
          State: 'ENABLED',
        },
        {
          Arn: 'arn:aws:events:us-east-1:210987654321:rule/orders-no-slash',
          EventBusName: 'default',
          EventPattern: JSON.stringify({
            detail: {bucket: {name: [BUCKET]}, object: {key: [{prefix: 'order/'}]}},
            source: ['aws.s3'],
          }),
          Name: 'orders-no-slash',
          State: 'ENABLED',
        },
      ],
    })
    eventbridge.on(ListTargetsByRuleCommand).resolves({Targets: [{Arn: FUNCTION_ARN, Id: 'loader'}]})
    cloudwatch.on(GetMetricStatisticsCommand).resolves({Datapoints: []})
    logs.on(FilterLogEventsCommand).resolves({events: []})
  })

  afterEach(() => {
    for (const m of [eventbridge, lambda, cloudwatch, logs]) m.reset()
  })

  it('reads the object with HeadObject (size, time, ETag from S3) and builds its event from it', async () => {
    lambda.on(GetPolicyCommand).resolves({Policy: lambdaPolicy(RULE_ARN)})
    const run = await trace(KEY)
    const r = resultOf(run)
    const hop = (n: number): TraceResult['hops'][number] => r.hops.find((h) => h.hop === n)!
    expect(hop(1).status).toBe('ok')
    expect(hop(1).evidence.join('\n')).toMatch(new RegExp(`s3://${BUCKET}/${KEY}: 2048 bytes, last modified `))
    const modified = /last modified (\S+),/.exec(hop(1).evidence.join('\n'))![1]!
    expect(Math.abs(Date.parse(modified) - written.getTime())).toBeLessThan(60_000)
    expect(hop(2).status).toBe('ok')
    expect(hop(3).status).toBe('ok')
    // The event S3 would send, with the object's facts as s3rver returned them.
    const detail = r.event.detail as {bucket: {name: string}; object: {etag: string; key: string; size: number}}
    expect(detail).toMatchObject({bucket: {name: BUCKET}, object: {key: KEY, size: 2048}})
    expect(detail.object.etag).toMatch(/^[0-9a-f]{32}$/)
    expect(r.object.etag).toBe(detail.object.etag)
    expect(hop(4).status).toBe('ok')
    expect(hop(4).evidence.join('\n')).toContain('orders-landed')
    expect(hop(4).evidence.join('\n')).toMatch(/orders-no-slash[^\n]*detail\.object\.key/)
    expect(hop(5).status).toBe('ok')
    expect(eventbridge.commandCalls(ListRulesCommand)).toHaveLength(1)
    expect(lambda.commandCalls(GetPolicyCommand)[0]!.args[0].input).toEqual({FunctionName: FUNCTION_ARN})
  })

  it('a Lambda policy that names another rule: hop 5 broken, exit 1, the add-permission fix', async () => {
    lambda.on(GetPolicyCommand).resolves({Policy: lambdaPolicy('arn:aws:events:us-east-1:210987654321:rule/old')})
    const run = await trace(KEY)
    expect(run.exitCode).toBe(1)
    const r = resultOf(run)
    expect(r.hops.find((h) => h.hop === 1)!.status).toBe('ok')
    const targets = r.hops.find((h) => h.hop === 5)!
    expect(targets.status).toBe('broken')
    expect(targets.fix.join('\n')).toContain(`aws lambda add-permission --function-name ${FUNCTION_ARN}`)
  })

  it('an object s3rver does not hold: hop 1 broken (HeadObject NotFound), with the listing to check', async () => {
    lambda.on(GetPolicyCommand).resolves({Policy: lambdaPolicy(RULE_ARN)})
    const run = await trace('orders/2026/12/07/batch-8.csv')
    expect(run.exitCode).toBe(1)
    const first = resultOf(run).hops.find((h) => h.hop === 1)!
    expect(first.status).toBe('broken')
    expect(first.evidence.join('\n')).toContain('does not exist (HeadObject: NotFound)')
    expect(first.fix.join('\n')).toContain(`aws s3 ls s3://${BUCKET}/orders/2026/12/07/`)
  })

  it('without --notification-json: s3rver cannot answer GetBucketNotificationConfiguration, so hop 2 is "?", not broken', async () => {
    lambda.on(GetPolicyCommand).resolves({Policy: lambdaPolicy(RULE_ARN)})
    const run = await runJson<TraceResult>(['pipeline', 'trace', `s3://${BUCKET}/${KEY}`])
    const r = resultOf(run)
    const notifications = r.hops.find((h) => h.hop === 2)!
    expect(notifications.status).toBe('unknown')
    expect(notifications.evidence.join('\n')).toContain('GetBucketNotificationConfiguration failed')
    expect(r.hops.find((h) => h.hop === 1)!.status).toBe('ok')
  })
})

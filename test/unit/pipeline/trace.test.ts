/**
 * pipeline trace: each broken hop with recorded response shapes through aws-sdk-client-mock, the
 * offline inputs, and "unknown stays unknown" when a call is denied.
 */
import {CloudWatchClient, GetMetricStatisticsCommand} from '@aws-sdk/client-cloudwatch'
import {CloudWatchLogsClient} from '@aws-sdk/client-cloudwatch-logs'
import {EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand} from '@aws-sdk/client-eventbridge'
import {IAMClient} from '@aws-sdk/client-iam'
import {DescribeKeyCommand, GetKeyPolicyCommand, KMSClient} from '@aws-sdk/client-kms'
import {GetPolicyCommand, LambdaClient} from '@aws-sdk/client-lambda'
import {GetBucketNotificationConfigurationCommand, HeadObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {DescribeExecutionCommand, ListExecutionsCommand, SFNClient} from '@aws-sdk/client-sfn'
import {GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient} from '@aws-sdk/client-sqs'
import {mockClient} from 'aws-sdk-client-mock'
import {readFileSync} from 'node:fs'
import {beforeEach, describe, expect, it} from 'vitest'

import {testRunContext} from '../../../src/lib/core/run-context.js'
import {readSavedRules} from '../../../src/lib/pipeline/trace/saved-rules.js'
import {type TraceClients, tracePipeline, type TraceRequest} from '../../../src/lib/pipeline/trace/trace.js'

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../../fixtures/pipeline-trace/${name}`, import.meta.url), 'utf8'))

const s3 = mockClient(S3Client)
const eventbridge = mockClient(EventBridgeClient)
const lambda = mockClient(LambdaClient)
const cloudwatch = mockClient(CloudWatchClient)
const sfn = mockClient(SFNClient)
const sqs = mockClient(SQSClient)
const kms = mockClient(KMSClient)

const KEY = 'orders/2026/12/07/batch-7.csv'
const RULE_ARN = 'arn:aws:events:eu-central-1:210987654321:rule/orders-to-loader'
const MACHINE = 'arn:aws:states:eu-central-1:210987654321:stateMachine:orders'
const FUNCTION = 'arn:aws:lambda:eu-central-1:210987654321:function:orders-loader'
const WRITTEN = new Date('2026-12-07T09:15:42Z')
const PATTERN = JSON.stringify({
  detail: {bucket: {name: ['raw-landing']}, object: {key: [{prefix: 'orders/'}]}},
  'detail-type': ['Object Created'],
  source: ['aws.s3'],
})

function liveClients(): TraceClients {
  return {
    cloudwatch: new CloudWatchClient({region: 'eu-central-1'}),
    eventbridge: new EventBridgeClient({region: 'eu-central-1'}),
    iam: new IAMClient({region: 'eu-central-1'}),
    lambda: new LambdaClient({region: 'eu-central-1'}),
    logs: new CloudWatchLogsClient({region: 'eu-central-1'}),
    s3: new S3Client({region: 'eu-central-1'}),
    sfn: new SFNClient({region: 'eu-central-1'}),
  }
}

const request: TraceRequest = {
  bucket: 'raw-landing',
  bus: 'default',
  key: KEY,
  maxExecutions: 5,
  region: 'eu-central-1',
}
const ctx = testRunContext({now: () => new Date('2026-12-07T10:00:00Z')})

function healthyChain(target = MACHINE): void {
  s3.on(HeadObjectCommand).resolves({
    ContentLength: 2048,
    ETag: '"0cc175b9c0f1b6a831c399e269772661"',
    LastModified: WRITTEN,
  })
  s3.on(GetBucketNotificationConfigurationCommand).resolves({EventBridgeConfiguration: {}})
  eventbridge.on(ListRulesCommand).resolves({
    Rules: [
      {Arn: RULE_ARN, EventBusName: 'default', EventPattern: PATTERN, Name: 'orders-to-loader', State: 'ENABLED'},
    ],
  })
  eventbridge
    .on(ListTargetsByRuleCommand)
    .resolves({Targets: [{Arn: target, Id: 'sm', RoleArn: 'arn:aws:iam::210987654321:role/eb-start'}]})
  cloudwatch.on(GetMetricStatisticsCommand).resolves({Datapoints: []})
  cloudwatch.on(GetMetricStatisticsCommand, {MetricName: 'TriggeredRules'}).resolves({Datapoints: [{Sum: 1}]})
  cloudwatch.on(GetMetricStatisticsCommand, {MetricName: 'Invocations'}).resolves({Datapoints: [{Sum: 1}]})
  sfn.on(ListExecutionsCommand).resolves({
    executions: [
      {
        executionArn: `${MACHINE.replace('stateMachine', 'execution')}:run-1`,
        name: 'run-1',
        startDate: new Date('2026-12-07T09:15:45Z'),
        stateMachineArn: MACHINE,
        status: 'SUCCEEDED',
      },
    ],
  })
  sfn.on(DescribeExecutionCommand).resolves({
    executionArn: `${MACHINE.replace('stateMachine', 'execution')}:run-1`,
    input: JSON.stringify({detail: {object: {key: KEY}}}),
    startDate: new Date('2026-12-07T09:15:45Z'),
    stateMachineArn: MACHINE,
    status: 'SUCCEEDED',
    stopDate: new Date('2026-12-07T09:16:10Z'),
  })
}

const statuses = (r: {hops: Array<{status: string}>}): string[] => r.hops.map((h) => h.status)

beforeEach(() => {
  for (const m of [s3, eventbridge, lambda, cloudwatch, sfn, sqs, kms]) m.reset()
})

describe('pipeline trace, live', () => {
  it('a whole chain: hops 1-6 ok, the execution that holds the key succeeded', async () => {
    healthyChain()
    const r = await tracePipeline({...liveClients(), iam: undefined}, request, ctx)
    // The role is not simulated without an IAM client: hop 5 stays unknown.
    expect(statuses(r)).toEqual(['ok', 'ok', 'ok', 'ok', 'unknown', 'ok', 'ok'])
    expect(r.executions).toEqual([expect.objectContaining({holdsKey: true, status: 'SUCCEEDED'})])
    expect(r.event).toMatchObject({
      detail: {bucket: {name: 'raw-landing'}, object: {etag: '0cc175b9c0f1b6a831c399e269772661', key: KEY, size: 2048}},
      'detail-type': 'Object Created',
      resources: ['arn:aws:s3:::raw-landing'],
      source: 'aws.s3',
      time: WRITTEN.toISOString(),
    })
  })

  it('hop 1 broken: the object does not exist', async () => {
    healthyChain()
    s3.on(HeadObjectCommand).rejects(Object.assign(new Error('Not Found'), {name: 'NotFound'}))
    const r = await tracePipeline(liveClients(), request, ctx)
    expect(r.hops[0]).toMatchObject({status: 'broken'})
    expect(r.hops[0]!.evidence[0]).toContain('does not exist')
  })

  it('hop 1 unknown, never ok, when HeadObject is denied', async () => {
    healthyChain()
    s3.on(HeadObjectCommand).rejects(Object.assign(new Error('Forbidden'), {name: 'AccessDenied'}))
    const r = await tracePipeline(liveClients(), request, ctx)
    expect(r.hops[0]!.status).toBe('unknown')
    expect(r.hops[2]!.status).toBe('unknown')
  })

  it("--since: hops 6 and 7 look from that time until now, even when the object's time is unknown", async () => {
    healthyChain()
    s3.on(HeadObjectCommand).rejects(Object.assign(new Error('Forbidden'), {name: 'AccessDenied'}))
    const since = new Date('2026-12-07T08:00:00Z')
    const r = await tracePipeline(liveClients(), {...request, since}, ctx)
    const metricCall = cloudwatch.commandCalls(GetMetricStatisticsCommand)[0]!.args[0].input
    expect(metricCall.StartTime).toEqual(since)
    expect(metricCall.EndTime).toEqual(new Date('2026-12-07T10:00:00Z'))
    expect(r.hops[5]!.status).toBe('ok')
    expect(r.executions.map((e) => e.status)).toEqual(['SUCCEEDED'])
    expect(r.hops[6]!.status).toBe('ok')
  })

  it('hop 2 broken: EventBridge delivery off, the fix keeps the existing configurations', async () => {
    healthyChain()
    s3.on(GetBucketNotificationConfigurationCommand).resolves({
      LambdaFunctionConfigurations: [{Events: ['s3:ObjectCreated:*'], Id: 'thumbs', LambdaFunctionArn: FUNCTION}],
    })
    const r = await tracePipeline(liveClients(), request, ctx)
    expect(r.hops[1]!.status).toBe('broken')
    expect(r.hops[1]!.fix[0]).toContain('"EventBridgeConfiguration":{}')
    expect(r.hops[1]!.fix[0]).toContain('"LambdaFunctionArn"')
    expect(r.hops[1]!.fix[0]).not.toContain('$metadata')
  })

  it('hop 4 unknown, never ok, when ListRules is denied', async () => {
    healthyChain()
    eventbridge
      .on(ListRulesCommand)
      .rejects(Object.assign(new Error('not authorized'), {name: 'AccessDeniedException'}))
    const r = await tracePipeline(liveClients(), request, ctx)
    expect(r.hops[3]).toMatchObject({status: 'unknown'})
    expect(r.hops[3]!.evidence[0]).toContain('AccessDeniedException')
  })

  it('hop 4 broken: a disabled rule matches, the fix enables it', async () => {
    healthyChain()
    eventbridge.on(ListRulesCommand).resolves({
      Rules: [
        {Arn: RULE_ARN, EventBusName: 'default', EventPattern: PATTERN, Name: 'orders-to-loader', State: 'DISABLED'},
      ],
    })
    const r = await tracePipeline(liveClients(), request, ctx)
    expect(r.hops[3]).toMatchObject({
      fix: ['aws events enable-rule --name orders-to-loader --event-bus-name default'],
      status: 'broken',
    })
  })

  it('hop 4 broken: a near miss on the bucket name is named with its field', async () => {
    healthyChain()
    eventbridge.on(ListRulesCommand).resolves({
      Rules: [
        {
          Arn: RULE_ARN,
          EventBusName: 'default',
          EventPattern: PATTERN.replace('raw-landing', 'raw-landng'),
          Name: 'orders-to-loader',
        },
      ],
    })
    const r = await tracePipeline(liveClients(), request, ctx)
    expect(r.hops[3]!.status).toBe('broken')
    expect(r.rules[0]).toMatchObject({
      failedFields: [{field: 'detail.bucket.name', value: 'raw-landing'}],
      nearMiss: true,
    })
  })

  it('hop 5 broken: the Lambda policy names another rule', async () => {
    healthyChain(FUNCTION)
    eventbridge.on(ListTargetsByRuleCommand).resolves({Targets: [{Arn: FUNCTION, Id: 'fn'}]})
    lambda.on(GetPolicyCommand).resolves({
      Policy: JSON.stringify({
        Statement: [
          {
            Action: 'lambda:InvokeFunction',
            Condition: {ArnLike: {'AWS:SourceArn': `${RULE_ARN}-old`}},
            Effect: 'Allow',
            Principal: {Service: 'events.amazonaws.com'},
          },
        ],
      }),
    })
    const r = await tracePipeline(liveClients(), request, ctx)
    expect(r.hops[4]!.status).toBe('broken')
    expect(r.hops[4]!.fix[0]).toBe(
      `aws lambda add-permission --function-name ${FUNCTION} --statement-id eventbridge-orders-to-loader --action lambda:InvokeFunction --principal events.amazonaws.com --source-arn ${RULE_ARN}`,
    )
  })

  it('hop 5 shows what an input transformer gives the target, and is broken when a key with a quote breaks its JSON', async () => {
    const transformer = {
      InputPathsMap: {bucket: '$.detail.bucket.name', key: '$.detail.object.key'},
      InputTemplate: '{"source": "s3://<bucket>/<key>", "bucket": <bucket>}',
    }
    healthyChain()
    eventbridge.on(ListTargetsByRuleCommand).resolves({
      Targets: [
        {Arn: MACHINE, Id: 'sm', InputTransformer: transformer, RoleArn: 'arn:aws:iam::210987654321:role/eb-start'},
      ],
    })
    const ok = await tracePipeline(liveClients(), request, ctx)
    expect(ok.hops[4]!.evidence).toContain(
      `orders-to-loader → ${MACHINE}: the target receives (transformer) {"source": "s3://raw-landing/${KEY}", "bucket": "raw-landing"}`,
    )
    // S3 keys may hold a double quote; EventBridge does not escape values inside quotes.
    const quoted = await tracePipeline(liveClients(), {...request, key: 'orders/say "hi".csv'}, ctx)
    expect(quoted.hops[4]!.status).toBe('broken')
    expect(quoted.hops[4]!.fix.at(-1)).toContain('StartExecution takes JSON input only')
  })

  it('hop 5 reads an SQS target: its policy names another rule (broken), its KMS key, and the dead-letter queue depth', async () => {
    const QUEUE = 'arn:aws:sqs:eu-central-1:210987654321:orders-queue'
    const DLQ = 'arn:aws:sqs:eu-central-1:210987654321:orders-dlq'
    healthyChain()
    eventbridge.on(ListTargetsByRuleCommand).resolves({Targets: [{Arn: QUEUE, DeadLetterConfig: {Arn: DLQ}, Id: 'q'}]})
    sqs.on(GetQueueUrlCommand).callsFake((input: {QueueName: string}) => ({
      QueueUrl: `https://sqs.eu-central-1.amazonaws.com/210987654321/${input.QueueName}`,
    }))
    sqs
      .on(GetQueueAttributesCommand, {QueueUrl: 'https://sqs.eu-central-1.amazonaws.com/210987654321/orders-dlq'})
      .resolves({Attributes: {ApproximateNumberOfMessages: '3'}})
    sqs
      .on(GetQueueAttributesCommand, {QueueUrl: 'https://sqs.eu-central-1.amazonaws.com/210987654321/orders-queue'})
      .resolves({
        Attributes: {
          KmsMasterKeyId: 'alias/aws/sqs',
          Policy: JSON.stringify({
            Statement: [
              {
                Action: 'SQS:SendMessage',
                Condition: {ArnEquals: {'aws:SourceArn': `${RULE_ARN}-old`}},
                Effect: 'Allow',
                Principal: {Service: 'events.amazonaws.com'},
                Resource: QUEUE,
              },
            ],
          }),
        },
      })
    const r = await tracePipeline({...liveClients(), sqs: new SQSClient({region: 'eu-central-1'})}, request, ctx)
    const hop = r.hops[4]!
    expect(hop.status).toBe('broken')
    expect(hop.evidence.join('\n')).toContain('the dead-letter queue holds about 3 message(s)')
    expect(hop.evidence.join('\n')).toContain(
      `the queue policy does not let this rule sqs:SendMessage (it names ${RULE_ARN}-old)`,
    )
    expect(hop.evidence.join('\n')).toContain('AWS managed key alias/aws/sqs')
    expect(hop.fix[0]).toContain(`"Condition":{"ArnEquals":{"aws:SourceArn":"${RULE_ARN}"}}`)

    // The same queue with a policy for this rule and SSE-SQS: the hop holds.
    sqs
      .on(GetQueueAttributesCommand, {QueueUrl: 'https://sqs.eu-central-1.amazonaws.com/210987654321/orders-queue'})
      .resolves({
        Attributes: {
          Policy: JSON.stringify({
            Statement: [
              {
                Action: 'sqs:*',
                Condition: {ArnEquals: {'aws:SourceArn': RULE_ARN}},
                Effect: 'Allow',
                Principal: {Service: 'events.amazonaws.com'},
              },
            ],
          }),
        },
      })
    expect(
      (await tracePipeline({...liveClients(), sqs: new SQSClient({region: 'eu-central-1'})}, request, ctx)).hops[4]!
        .status,
    ).toBe('ok')
  })

  describe('hop 5: a queue encrypted with a customer managed key (DescribeKey + GetKeyPolicy)', () => {
    const QUEUE = 'arn:aws:sqs:eu-central-1:210987654321:orders-queue'
    const KEY_ARN = 'arn:aws:kms:eu-central-1:210987654321:key/0b7c1f9e-2a41-4d6b-9e3c-5d8f0a1b2c3d'
    const queuePolicy = JSON.stringify({
      Statement: [
        {
          Action: 'sqs:SendMessage',
          Condition: {ArnEquals: {'aws:SourceArn': RULE_ARN}},
          Effect: 'Allow',
          Principal: {Service: 'events.amazonaws.com'},
        },
      ],
    })
    const accountRoot = {
      Action: 'kms:*',
      Effect: 'Allow',
      Principal: {AWS: 'arn:aws:iam::210987654321:root'},
      Resource: '*',
    }
    const trace = async (
      keyPolicy: unknown,
      keyState: 'Disabled' | 'Enabled' = 'Enabled',
    ): Promise<{evidence: string; fix: string[]; status: string}> => {
      healthyChain()
      eventbridge.on(ListTargetsByRuleCommand).resolves({Targets: [{Arn: QUEUE, Id: 'q'}]})
      sqs
        .on(GetQueueUrlCommand)
        .resolves({QueueUrl: 'https://sqs.eu-central-1.amazonaws.com/210987654321/orders-queue'})
      sqs.on(GetQueueAttributesCommand).resolves({Attributes: {KmsMasterKeyId: 'alias/orders', Policy: queuePolicy}})
      kms
        .on(DescribeKeyCommand, {KeyId: 'arn:aws:kms:eu-central-1:210987654321:alias/orders'})
        .resolves({KeyMetadata: {Arn: KEY_ARN, KeyId: 'k', KeyManager: 'CUSTOMER', KeyState: keyState}})
      if (keyPolicy instanceof Error) kms.on(GetKeyPolicyCommand).rejects(keyPolicy)
      else
        kms
          .on(GetKeyPolicyCommand, {KeyId: KEY_ARN, PolicyName: 'default'})
          .resolves({Policy: JSON.stringify(keyPolicy)})
      const clients = {
        ...liveClients(),
        kms: new KMSClient({region: 'eu-central-1'}),
        sqs: new SQSClient({region: 'eu-central-1'}),
      }
      const hop = (await tracePipeline(clients, request, ctx)).hops[4]!
      return {evidence: hop.evidence.join('\n'), fix: hop.fix, status: hop.status}
    }

    it('ok when the key policy lets events.amazonaws.com GenerateDataKey* and Decrypt', async () => {
      const allow = {
        Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        Effect: 'Allow',
        Principal: {Service: 'events.amazonaws.com'},
        Resource: '*',
      }
      const r = await trace({Statement: [accountRoot, allow]})
      expect(r.status).toBe('ok')
      expect(r.evidence).toContain(`the key policy of ${KEY_ARN} allows kms:GenerateDataKey and kms:Decrypt`)
    })

    it('broken, with the statement to add, when only the account may use the key', async () => {
      const r = await trace({Statement: [accountRoot]})
      expect(r.status).toBe('broken')
      expect(r.evidence).toContain('does not allow kms:GenerateDataKey and kms:Decrypt for events.amazonaws.com')
      expect(r.fix.join('\n')).toContain(
        '"Principal":{"Service":"events.amazonaws.com"},"Action":["kms:GenerateDataKey","kms:Decrypt"]',
      )
    })

    it('broken when the key is disabled, whatever its policy', async () => {
      const r = await trace({Statement: [accountRoot]}, 'Disabled')
      expect(r.status).toBe('broken')
      expect(r.fix).toContain(`aws kms enable-key --key-id ${KEY_ARN}`)
    })

    it('unknown, never ok, when GetKeyPolicy is denied or a condition cannot be evaluated', async () => {
      const denied = Object.assign(new Error('not authorized to perform kms:GetKeyPolicy'), {
        name: 'AccessDeniedException',
      })
      const r = await trace(denied)
      expect(r.status).toBe('unknown')
      expect(r.evidence).toMatch(/its key policy is not checked \(GetKeyPolicy failed .*AccessDenied/)
      const viaService = {
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Condition: {StringEquals: {'kms:ViaService': 'sqs.eu-central-1.amazonaws.com'}},
        Effect: 'Allow',
        Principal: {Service: 'events.amazonaws.com'},
        Sid: 'ViaSqs',
      }
      const conditioned = await trace({Statement: [accountRoot, viaService]})
      expect(conditioned.status).toBe('unknown')
      expect(conditioned.evidence).toContain('ViaSqs has conditions this trace does not evaluate')
    })
  })

  it('hop 6 broken: invocations failed', async () => {
    healthyChain()
    cloudwatch.on(GetMetricStatisticsCommand, {MetricName: 'FailedInvocations'}).resolves({Datapoints: [{Sum: 2}]})
    const r = await tracePipeline(liveClients(), request, ctx)
    expect(r.hops[5]!.status).toBe('broken')
  })

  it('hop 7 broken: the execution that holds the key failed, with the sfn explain command', async () => {
    healthyChain()
    sfn.on(DescribeExecutionCommand).resolves({
      cause: 'Lambda.Unknown',
      error: 'States.TaskFailed',
      executionArn: `${MACHINE.replace('stateMachine', 'execution')}:run-1`,
      input: JSON.stringify({key: KEY}),
      startDate: new Date('2026-12-07T09:15:45Z'),
      stateMachineArn: MACHINE,
      status: 'FAILED',
    })
    const r = await tracePipeline(liveClients(), request, ctx)
    expect(r.hops[6]).toMatchObject({
      fix: [`pipeops sfn explain ${MACHINE.replace('stateMachine', 'execution')}:run-1`],
      status: 'broken',
    })
  })
})

describe('pipeline trace, offline', () => {
  it('reads the saved notification and rules; the Lambda policy names another rule', async () => {
    const r = await tracePipeline(
      {},
      {
        ...request,
        eventTime: WRITTEN,
        notification: fixture('notification-on.json') as never,
        rules: readSavedRules(fixture('rules.json'), 'rules.json', 'default'),
        size: 2048,
      },
      ctx,
    )
    expect(statuses(r)).toEqual(['ok', 'ok', 'ok', 'ok', 'broken', 'unknown', 'unknown'])
    expect(r.rules.map((v) => [v.rule.name, v.verdict, v.nearMiss])).toEqual([
      ['orders-to-loader', 'match', false],
      ['returns-to-loader', 'no-match', true],
      ['nightly', 'no-pattern', false],
    ])
    expect(r.hops[4]!.evidence.join('\n')).toContain('rule/orders-loader-old')
  })

  it('a rule that tests a field only S3 knows is unknown, not a mismatch', async () => {
    const rules = readSavedRules(
      {
        Rules: [
          {
            Arn: RULE_ARN,
            EventPattern: JSON.stringify({detail: {reason: ['PutObject']}, source: ['aws.s3']}),
            Name: 'puts-only',
            State: 'ENABLED',
          },
        ],
      },
      'rules.json',
      'default',
    )
    const r = await tracePipeline({}, {...request, notification: {EventBridgeConfiguration: {}}, rules, size: 1}, ctx)
    expect(r.rules[0]!.verdict).toBe('unknown')
    expect(r.hops[3]!.status).toBe('unknown')
  })
})

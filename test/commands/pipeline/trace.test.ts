import {CloudWatchClient, GetMetricStatisticsCommand} from '@aws-sdk/client-cloudwatch'
import {EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand} from '@aws-sdk/client-eventbridge'
import {GetPolicyCommand, LambdaClient} from '@aws-sdk/client-lambda'
import {GetBucketNotificationConfigurationCommand, HeadObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {mockClient} from 'aws-sdk-client-mock'
import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

import type {TraceResult} from '../../../src/lib/pipeline/trace/types.js'

import PipelineTrace from '../../../src/commands/pipeline/trace.js'
import {useTestAwsEnv} from '../../helpers/aws-env.js'
import {expectCallsDeclared} from '../../helpers/iam.js'
import {errorOf, resultOf, runJson, runText} from '../../helpers/run.js'

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

  it('offline: a folder of list-rules, list-targets-by-rule and get-policy outputs reads as the single file does', async () => {
    const saved = JSON.parse(readFileSync(fixture('rules.json'), 'utf8')) as {
      LambdaPolicies: Record<string, string>
      Rules: Array<{Name: string; Targets?: unknown[]}>
    }
    const dir = mkdtempSync(path.join(tmpdir(), 'trace-rules-'))
    mkdirSync(path.join(dir, 'targets'))
    writeFileSync(path.join(dir, 'rules.json'), JSON.stringify({Rules: saved.Rules.map(({Targets: _t, ...r}) => r)}))
    for (const r of saved.Rules)
      if (r.Targets)
        writeFileSync(path.join(dir, 'targets', `${r.Name}.targets.json`), JSON.stringify({Targets: r.Targets}))
    for (const policy of Object.values(saved.LambdaPolicies))
      writeFileSync(path.join(dir, 'orders-loader.policy.json'), JSON.stringify({Policy: policy, RevisionId: '1'}))
    const argv = [
      'pipeline',
      'trace',
      OBJECT,
      '--notification-json',
      fixture('notification-off.json'),
      '--event-time',
      '2026-12-07T09:15:42Z',
      '--size',
      '2048',
      '--rules-json',
    ]
    const fromFile = resultOf(await runJson<TraceResult>([...argv, fixture('rules.json')]))
    const fromFolder = resultOf(await runJson<TraceResult>([...argv, dir]))
    expect(fromFolder.hops).toEqual(fromFile.hops)
    writeFileSync(path.join(dir, 'notes.json'), '{"hello": 1}')
    const bad = await runJson([...argv, dir])
    expect(bad.exitCode).toBe(6)
    expect(errorOf(bad).message).toContain('notes.json is not a saved list-rules')
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

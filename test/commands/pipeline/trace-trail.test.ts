import {AthenaClient, StartQueryExecutionCommand} from '@aws-sdk/client-athena'
import {CloudWatchClient} from '@aws-sdk/client-cloudwatch'
import {EventBridgeClient, ListRulesCommand} from '@aws-sdk/client-eventbridge'
import {GetBucketNotificationConfigurationCommand, HeadObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {mockClient} from 'aws-sdk-client-mock'
import {fileURLToPath} from 'node:url'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import type {TraceResult} from '../../../src/lib/pipeline/trace/types.js'

import PipelineTrace from '../../../src/commands/pipeline/trace.js'
import {mockTrailQuery} from '../../helpers/athena-trail.js'
import {useTestAwsEnv} from '../../helpers/aws-env.js'
import {expectCallsDeclared} from '../../helpers/iam.js'
import {errorOf, resultOf, runJson} from '../../helpers/run.js'

useTestAwsEnv()
const fixture = (name: string): string =>
  fileURLToPath(new URL(`../../fixtures/pipeline-trace/${name}`, import.meta.url))
const OBJECT = 's3://raw-landing/orders/2026/12/07/batch-7.csv'
const SEP = '\u001F'
const ARN = 'arn:aws:s3:::raw-landing/orders/2026/12/07/batch-7.csv'

const s3 = mockClient(S3Client)
const eventbridge = mockClient(EventBridgeClient)
const athena = mockClient(AthenaClient)
const cloudwatch = mockClient(CloudWatchClient)

beforeEach(() => {
  for (const m of [s3, eventbridge, athena, cloudwatch]) m.reset()
  s3.on(GetBucketNotificationConfigurationCommand).resolves({EventBridgeConfiguration: {}})
  eventbridge.on(ListRulesCommand).resolves({Rules: []})
})

afterEach(() => {
  for (const m of [s3, eventbridge, athena, cloudwatch]) m.restore()
})

describe('pipeline trace --trail-table', () => {
  it('a missing object: the trail shows the writer was denied, and the fix names its role', async () => {
    s3.on(HeadObjectCommand).rejects(Object.assign(new Error('Not Found'), {name: 'NotFound'}))
    mockTrailQuery(athena, [
      {
        error_code: 'AccessDenied',
        event_id: 'ev-1',
        event_name: 'PutObject',
        event_source: 's3.amazonaws.com',
        event_time: '2026-12-07T09:15:40Z',
        identity_type: 'AssumedRole',
        principal_arn: 'arn:aws:sts::111122223333:assumed-role/landing-writer/batch-7',
        resource_arns: `${ARN}${SEP}arn:aws:s3:::raw-landing`,
        resource_types: `AWS::S3::Object${SEP}AWS::S3::Bucket`,
        session_issuer_arn: 'arn:aws:iam::111122223333:role/landing-writer',
        source_ip: '198.51.100.7',
      },
    ])
    const run = await runJson<TraceResult>([
      'pipeline',
      'trace',
      OBJECT,
      '--region',
      'eu-west-1',
      '--trail-table',
      'security.cloudtrail_logs',
      '--since',
      '2026-12-07T06:00:00Z',
    ])
    const result = resultOf(run)
    const hop1 = result.hops[0]!
    expect(hop1.status).toBe('broken')
    expect(hop1.evidence).toContain(
      'CloudTrail: PutObject at 2026-12-07T09:15:40.000Z by arn:aws:iam::111122223333:role/landing-writer (session batch-7) from 198.51.100.7, failed: AccessDenied',
    )
    expect(hop1.fix.at(-1)).toContain(
      'aws iam simulate-principal-policy --policy-source-arn arn:aws:iam::111122223333:role/landing-writer --action-names s3:PutObject',
    )
    expect(result.objectCalls).toEqual([
      expect.objectContaining({errorCode: 'AccessDenied', eventId: 'ev-1', eventName: 'PutObject'}),
    ])
    const sql = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input.QueryString!
    expect(sql).toContain(`"eventsource" = 's3.amazonaws.com'`)
    expect(sql).toContain(`r."arn" = '${ARN}'`)
    expect(sql).toContain(`"eventtime" >= '2026-12-07T06:00:00Z'`)
    expectCallsDeclared(PipelineTrace.iam, {athena, cloudwatch, eventbridge, s3})
  })

  it('an object whose write is not in the trail: said, not concluded', async () => {
    s3.on(HeadObjectCommand).resolves({ContentLength: 5, ETag: '"abc"', LastModified: new Date('2026-12-07T09:15:42Z')})
    mockTrailQuery(athena, [])
    const run = await runJson<TraceResult>([
      'pipeline',
      'trace',
      OBJECT,
      '--region',
      'eu-west-1',
      '--trail-table',
      'security.cloudtrail_logs',
    ])
    const hop1 = resultOf(run).hops[0]!
    expect(hop1.status).toBe('ok')
    expect(hop1.evidence.at(-1)).toMatch(
      /no write or delete of arn:aws:s3:::raw-landing\/orders\/2026\/12\/07\/batch-7.csv in 2026-12-07T08:15:42.000Z … 2026-12-07T09:20:42.000Z .*not a finding/,
    )
    expect(resultOf(run).objectCalls).toEqual([])
  })

  it('refuses --trail-table on an offline trace', async () => {
    const run = await runJson([
      'pipeline',
      'trace',
      OBJECT,
      '--notification-json',
      fixture('notification-on.json'),
      '--rules-json',
      fixture('rules.json'),
      '--trail-table',
      'security.cloudtrail_logs',
    ])
    expect(run.exitCode).toBe(2)
    expect(errorOf(run).message).toMatch(/--trail-table/)
  })
})

import {AthenaClient, GetTableMetadataCommand, StartQueryExecutionCommand} from '@aws-sdk/client-athena'
import {CloudTrailClient, LookupEventsCommand} from '@aws-sdk/client-cloudtrail'
import {mockClient} from 'aws-sdk-client-mock'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {beforeEach, describe, expect, it} from 'vitest'

import type {TriageResult} from '../../../src/lib/mwaa/types.js'

import MwaaTriage from '../../../src/commands/mwaa/triage.js'
import {mockTrailQuery} from '../../helpers/athena-trail.js'
import {useTestAwsEnv} from '../../helpers/aws-env.js'
import {expectCallsDeclared} from '../../helpers/iam.js'
import {errorOf, resultOf, runJson} from '../../helpers/run.js'

const athena = mockClient(AthenaClient)
const cloudtrail = mockClient(CloudTrailClient)

useTestAwsEnv()

const ACCOUNT = '111122223333'
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/AmazonMWAA-etl-x1/AmazonMWAA-airflow`

/** A task log (exported) with an S3 GetObject denial in August: a data event, and older than 90 days. */
function taskLog(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'mwaa-trail-'))
  const file = path.join(dir, 'attempt=1.log')
  writeFileSync(
    file,
    [
      '[2026-08-01T09:10:00.000+0000] {taskinstance.py:1225} INFO - Starting attempt 1 of 1',
      '[2026-08-01T09:10:03.000+0000] {taskinstance.py:2905} ERROR - Task failed with exception',
      'botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the GetObject operation: Access Denied',
      '',
    ].join('\n'),
  )
  return file
}

const DENIED_ROW = {
  access_key_id: 'ASIAEXAMPLEKEY',
  aws_region: 'eu-west-1',
  error_code: 'AccessDenied',
  error_message: 'Access Denied',
  event_id: 'a1b2c3d4-0000-4000-8000-00000000d001',
  event_name: 'GetObject',
  event_source: 's3.amazonaws.com',
  event_time: '2026-08-01T09:10:02Z',
  identity_type: 'AssumedRole',
  principal_arn: SESSION,
  read_only: 'true',
  request_parameters: '{"bucketName":"etl-input","key":"daily/2026-08-01.csv"}',
  resource_arns: 'arn:aws:s3:::etl-input/daily/2026-08-01.csv',
  resource_types: 'AWS::S3::Object',
  session_issuer_arn: `arn:aws:iam::${ACCOUNT}:role/service-role/AmazonMWAA-etl-x1`,
  source_ip: '10.0.1.17',
  user_name: undefined,
}

beforeEach(() => {
  athena.reset()
  cloudtrail.reset()
})

const args = (file: string) => [
  'mwaa',
  'triage',
  '--logs',
  file,
  '--trail-table',
  'security.cloudtrail_logs',
  '--region',
  'eu-west-1',
]

describe('mwaa triage --trail-table', () => {
  it('finds a data-event denial older than 90 days in the trail table, which Event history cannot hold', async () => {
    mockTrailQuery(athena, [DENIED_ROW])
    const run = await runJson<TriageResult>(args(taskLog()))
    expect(run.exitCode).toBe(1)
    const denied = resultOf(run).findings.find((f) => f.category === 'access-denied')!
    expect(denied.cloudtrail).toHaveLength(1)
    expect(denied.cloudtrail![0]).toMatchObject({
      eventCategory: 'data',
      eventName: 'GetObject',
      status: 'matched',
    })
    expect(denied.cloudtrail![0]!.events[0]).toMatchObject({
      consoleUrl:
        'https://eu-west-1.console.aws.amazon.com/cloudtrailv2/home?region=eu-west-1#/events/a1b2c3d4-0000-4000-8000-00000000d001',
      offsetSeconds: -1,
      principalArn: SESSION,
    })
    expect(denied.cloudtrail![0]!.note).toMatch(/table security\.cloudtrail_logs\) records this denial/)
    const sql = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input.QueryString!
    expect(sql).toContain(`"eventname" = 'GetObject'`)
    expect(sql).toContain(`"eventtime" >= '2026-08-01T09:00:03Z'`)
    expect(cloudtrail.commandCalls(LookupEventsCommand)).toHaveLength(0)
    expectCallsDeclared(MwaaTriage.iam, {athena, cloudtrail})
  })

  it('says unknown, with the reason, when the table cannot be searched (never "no match")', async () => {
    mockTrailQuery(athena, [])
    athena.on(GetTableMetadataCommand).rejects(
      Object.assign(
        new Error('User: arn:aws:iam::111122223333:user/oncall is not authorized to perform: athena:GetTableMetadata'),
        {
          name: 'AccessDeniedException',
        },
      ),
    )
    const run = await runJson<TriageResult>(args(taskLog()))
    const a = resultOf(run).findings.find((f) => f.category === 'access-denied')!.cloudtrail![0]!
    expect(a.status).toBe('unknown')
    expect(a.note).toMatch(
      /^Whether CloudTrail recorded this denial is unknown: the table security\.cloudtrail_logs could not be searched \(AccessDeniedException: User: .* athena:GetTableMetadata\)/,
    )
  })

  it('a search with no matching event is a miss, and names data-event selectors as a reason', async () => {
    mockTrailQuery(athena, [])
    const run = await runJson<TriageResult>(args(taskLog()))
    const a = resultOf(run).findings.find((f) => f.category === 'access-denied')!.cloudtrail![0]!
    expect(a.status).toBe('no-match')
    expect(a.note).toMatch(/GetObject is a data event: the trail must record s3's data events/)
  })

  it('refuses --trail-table with --no-cloudtrail', async () => {
    const run = await runJson([...args(taskLog()), '--no-cloudtrail'])
    expect(run.exitCode).toBe(2)
    expect(errorOf(run).message).toBe('--trail-table searches CloudTrail: it cannot be combined with --no-cloudtrail')
  })
})

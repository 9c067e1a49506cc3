/* eslint-disable no-template-curly-in-string -- Athena location templates are literal ${key} placeholders */
import {AthenaClient, GetTableMetadataCommand, StartQueryExecutionCommand} from '@aws-sdk/client-athena'
import {CloudTrailClient, LookupEventsCommand} from '@aws-sdk/client-cloudtrail'
import {ListObjectsV2Command, S3Client} from '@aws-sdk/client-s3'
import {mockClient} from 'aws-sdk-client-mock'
import {beforeEach, describe, expect, it} from 'vitest'

import type {TrailLookupOutput} from '../../../src/commands/trail/lookup.js'

import TrailLookup from '../../../src/commands/trail/lookup.js'
import {
  cloudTrailTableMetadata,
  TRAIL_QUERY_ID as ID,
  mockTrailQuery,
  type TrailRow,
} from '../../helpers/athena-trail.js'
import {useTestAwsEnv} from '../../helpers/aws-env.js'
import {expectCallsDeclared} from '../../helpers/iam.js'
import {errorOf, resultOf, runJson, runText} from '../../helpers/run.js'

const athena = mockClient(AthenaClient)
const cloudtrail = mockClient(CloudTrailClient)
const s3 = mockClient(S3Client)
const SEP = '\u001F'

useTestAwsEnv()

/** A PutObject data event and a failed one, as the query's columns (strings; NULL absent). */
const ROWS: TrailRow[] = [
  {
    access_key_id: 'ASIAEXAMPLEKEY',
    aws_region: 'eu-west-1',
    error_code: undefined,
    error_message: undefined,
    event_id: 'e2f0a7c4-0000-4000-8000-000000000001',
    event_name: 'PutObject',
    event_source: 's3.amazonaws.com',
    event_time: '2026-08-01T09:15:42Z',
    identity_type: 'AssumedRole',
    principal_arn: 'arn:aws:sts::111122223333:assumed-role/landing-writer/batch-7',
    read_only: 'false',
    request_parameters:
      '{"bucketName":"raw-landing","Host":"raw-landing.s3.eu-west-1.amazonaws.com","key":"orders/batch-7.csv"}',
    resource_arns: `arn:aws:s3:::raw-landing/orders/batch-7.csv${SEP}arn:aws:s3:::raw-landing`,
    resource_types: `AWS::S3::Object${SEP}AWS::S3::Bucket`,
    session_issuer_arn: 'arn:aws:iam::111122223333:role/landing-writer',
    source_ip: '198.51.100.7',
    user_name: undefined,
  },
  {
    access_key_id: 'AKIAEXAMPLEKEY',
    aws_region: 'eu-west-1',
    error_code: 'AccessDenied',
    error_message: 'Access Denied',
    event_id: 'e2f0a7c4-0000-4000-8000-000000000002',
    event_name: 'PutObject',
    event_source: 's3.amazonaws.com',
    event_time: '2026-08-01T09:10:03Z',
    identity_type: 'IAMUser',
    principal_arn: 'arn:aws:iam::111122223333:user/deploy-bot',
    read_only: 'false',
    request_parameters: '{"bucketName":"raw-landing","key":"orders/batch-7.csv"}',
    resource_arns: `arn:aws:s3:::raw-landing/orders/batch-7.csv${SEP}arn:aws:s3:::raw-landing`,
    resource_types: `AWS::S3::Object${SEP}AWS::S3::Bucket`,
    session_issuer_arn: undefined,
    source_ip: '198.51.100.8',
    user_name: 'deploy-bot',
  },
]

beforeEach(() => {
  athena.reset()
  cloudtrail.reset()
  s3.reset()
  mockTrailQuery(athena, ROWS)
})

const ARGS = [
  'trail',
  'lookup',
  '--athena-table',
  'security.cloudtrail_logs',
  '--event-name',
  'PutObject',
  '--resource-name',
  'arn:aws:s3:::raw-landing/orders/batch-7.csv',
  // Older than event history's 90 days: only a trail has it.
  '--start',
  '2026-08-01T09:00:00Z',
  '--end',
  '2026-08-01T10:00:00Z',
]

describe('trail lookup --athena-table', () => {
  it('finds data events older than 90 days in the trail, in the same shape as event history', async () => {
    const run = await runJson<TrailLookupOutput>(ARGS)
    expect(run.exitCode).toBe(0)
    const out = resultOf(run)
    expect(out.events).toHaveLength(2)
    expect(out.events[0]).toEqual({
      accessKeyId: 'ASIAEXAMPLEKEY',
      errorCode: null,
      errorMessage: null,
      eventId: 'e2f0a7c4-0000-4000-8000-000000000001',
      eventName: 'PutObject',
      eventSource: 's3.amazonaws.com',
      eventTime: '2026-08-01T09:15:42.000Z',
      principalArn: 'arn:aws:sts::111122223333:assumed-role/landing-writer/batch-7',
      readOnly: false,
      region: 'eu-west-1',
      requestParameters: {
        bucketName: 'raw-landing',
        Host: 'raw-landing.s3.eu-west-1.amazonaws.com',
        key: 'orders/batch-7.csv',
      },
      resources: [
        {name: 'arn:aws:s3:::raw-landing/orders/batch-7.csv', type: 'AWS::S3::Object'},
        {name: 'arn:aws:s3:::raw-landing', type: 'AWS::S3::Bucket'},
      ],
      sessionIssuerArn: 'arn:aws:iam::111122223333:role/landing-writer',
      sourceIp: '198.51.100.7',
      // Event history's user name of an assumed role: the session name.
      userName: 'batch-7',
    })
    expect(out.events[1]).toMatchObject({errorCode: 'AccessDenied', userName: 'deploy-bot'})
    expect(out.athena?.stats).toMatchObject({costUsd: 0.003_338, dataScannedBytes: 734_003_200, queryExecutionId: ID})
    expect(out.athena?.partitions).toContain('year/month/day = 2026/08/01 … 2026/08/01 (1 partition(s))')
    const sql = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input.QueryString!
    expect(sql).toContain(`(("year" = '2026' AND "month" = '08' AND "day" = '01'))`)
    expect(sql).toContain(`"eventtime" >= '2026-08-01T09:00:00Z'`)
    expect(sql).toContain(`any_match("resources", r -> ((r."arn" = 'arn:aws:s3:::raw-landing/orders/batch-7.csv')`)
    expect(sql).toContain('LIMIT 1001')
    expect(cloudtrail.commandCalls(LookupEventsCommand)).toHaveLength(0)
    expectCallsDeclared(TrailLookup.iam, {athena, cloudtrail, s3})
  })

  it('--print-sql prints the query and the partitions, and runs nothing', async () => {
    const run = await runText([...ARGS, '--print-sql'])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toContain('FROM "security"."cloudtrail_logs"')
    expect(run.stdout).toContain('-- partitions: year/month/day = 2026/08/01')
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0)
  })

  it('reads the projected timestamp partition of a one-Region table', async () => {
    const table = cloudTrailTableMetadata()
    table.TableMetadata.PartitionKeys = [{Name: 'timestamp', Type: 'string'}]
    Object.assign(table.TableMetadata.Parameters, {
      location: 's3://trail-bucket/AWSLogs/111122223333/CloudTrail/eu-west-1',
      'projection.enabled': 'true',
      'projection.timestamp.format': 'yyyy/MM/dd',
      'projection.timestamp.range': '2020/01/01,NOW',
      'projection.timestamp.type': 'date',
      'storage.location.template': 's3://trail-bucket/AWSLogs/111122223333/CloudTrail/eu-west-1/${timestamp}',
    })
    athena.on(GetTableMetadataCommand).resolves(table)
    s3.on(ListObjectsV2Command).resolves({Contents: [{Key: 'x.json.gz', Size: 40_000_000}]})
    const run = await runJson<TrailLookupOutput>([...ARGS, '--max-scan-gb', '1'])
    expect(run.exitCode).toBe(0)
    const sql = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input.QueryString!
    expect(sql).toContain(`"timestamp" BETWEEN '2026/08/01' AND '2026/08/01'`)
    expect(s3.commandCalls(ListObjectsV2Command)[0]!.args[0].input).toMatchObject({
      Bucket: 'trail-bucket',
      Prefix: 'AWSLogs/111122223333/CloudTrail/eu-west-1/2026/08/01',
    })
    expect(resultOf(run).athena?.estimate?.bytes).toBe(40_000_000)
    expectCallsDeclared(TrailLookup.iam, {athena, cloudtrail, s3})
  })

  it('refuses a table that is not a CloudTrail table, before a query is billed', async () => {
    athena.on(GetTableMetadataCommand).resolves({
      TableMetadata: {Columns: [{Name: 'partition_key', Type: 'string'}], Name: 'orders', PartitionKeys: []},
    })
    const run = await runJson(ARGS)
    expect(run.exitCode).toBe(2)
    expect(errorOf(run).message).toMatch(/does not look like a CloudTrail table: it has no column eventid/)
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0)
  })

  it('names a malformed --athena-table before AWS set-up (no region error first)', async () => {
    const region = process.env.AWS_REGION
    delete process.env.AWS_REGION
    try {
      const run = await runJson(['trail', 'lookup', '--athena-table', 'cloudtrail_logs', '--since', '1h'])
      expect(run.exitCode).toBe(2)
      expect(errorOf(run).message).toContain('--athena-table must be DATABASE.TABLE, not "cloudtrail_logs"')
    } finally {
      process.env.AWS_REGION = region
    }
  })

  it('without --athena-table, a window older than 90 days is still refused (event history)', async () => {
    const run = await runJson(ARGS.filter((_, i) => i !== 2 && i !== 3))
    expect(run.exitCode).toBe(2)
    expect(errorOf(run).message).toMatch(/keeps only the last 90 days/)
  })

  it('names the flag when the table is not DATABASE.TABLE', async () => {
    const run = await runJson(['trail', 'lookup', '--athena-table', 'cloudtrail_logs'])
    expect(errorOf(run).message).toBe('--athena-table must be DATABASE.TABLE, not "cloudtrail_logs"')
  })
})

import {DescribeDeliveryStreamCommand, FirehoseClient, ListDeliveryStreamsCommand} from '@aws-sdk/client-firehose'
import {mockClient} from 'aws-sdk-client-mock'
import {readFileSync} from 'node:fs'
import {beforeEach, describe, expect, it} from 'vitest'

import type {MetricSummary} from '../../../../src/lib/kinesis/metrics.js'

import {testRunContext} from '../../../../src/lib/core/run-context.js'
import {
  analyseDeliveryStream,
  destinationOf,
  firehoseMetricSpecs,
  listStreamDeliveryStreams,
} from '../../../../src/lib/kinesis/consumers/firehose.js'
import {splitJsonDocuments} from '../../../../src/lib/kinesis/consumers/lease-items.js'

const firehose = mockClient(FirehoseClient)
const STREAM = 'arn:aws:kinesis:eu-west-1:123456789012:stream/clicks'
// Recorded shape: describe-delivery-stream of a Kinesis-sourced stream (S3 and extended S3 views of one destination) and a DirectPut one.
const [archive] = splitJsonDocuments(
  readFileSync('test/fixtures/kinesis-consumers/firehose-to-s3.firehose.json', 'utf8'),
  'fixture',
) as Array<{DeliveryStreamDescription: Record<string, unknown>}>
const archiveDesc = archive!.DeliveryStreamDescription as never
const redshiftDesc = {
  DeliveryStreamARN: 'arn:aws:firehose:eu-west-1:123456789012:deliverystream/clicks-warehouse',
  DeliveryStreamName: 'clicks-warehouse',
  DeliveryStreamStatus: 'ACTIVE',
  Destinations: [
    {
      DestinationId: 'destinationId-000000000001',
      RedshiftDestinationDescription: {
        ClusterJDBCURL: 'jdbc:redshift://dw.example:5439/dev',
        CopyCommand: {DataTableName: 'clicks'},
        RetryOptions: {DurationInSeconds: 3600},
        RoleARN: 'arn:aws:iam::123456789012:role/dw',
        S3DestinationDescription: {BucketARN: 'arn:aws:s3:::dw-staging', ErrorOutputPrefix: 'copy-errors/'},
      },
    },
  ],
  Source: {KinesisStreamSourceDescription: {KinesisStreamARN: STREAM}},
}

function summary(values: number[]): MetricSummary {
  return {
    latest: values.at(-1) ?? null,
    latestAt: '2026-12-07T20:00:00.000Z',
    max: Math.max(...values),
    min: Math.min(...values),
    points: values.length,
    sum: values.reduce((a, b) => a + b, 0),
  }
}

describe('Firehose delivery streams', () => {
  beforeEach(() => firehose.reset())

  it('lists Kinesis-sourced delivery streams page by page and keeps those reading this stream', async () => {
    firehose
      .on(ListDeliveryStreamsCommand)
      .resolvesOnce({DeliveryStreamNames: ['clicks-archive', 'clicks-warehouse'], HasMoreDeliveryStreams: true})
      .resolvesOnce({DeliveryStreamNames: ['orders-archive'], HasMoreDeliveryStreams: false})
    firehose.on(DescribeDeliveryStreamCommand, {DeliveryStreamName: 'clicks-archive'}).resolves(archive as never)
    firehose
      .on(DescribeDeliveryStreamCommand, {DeliveryStreamName: 'clicks-warehouse'})
      .resolves({DeliveryStreamDescription: redshiftDesc as never})
    firehose.on(DescribeDeliveryStreamCommand, {DeliveryStreamName: 'orders-archive'}).resolves({
      DeliveryStreamDescription: {
        ...redshiftDesc,
        DeliveryStreamName: 'orders-archive',
        Source: {KinesisStreamSourceDescription: {KinesisStreamARN: `${STREAM}-other`}},
      } as never,
    })
    const found = await listStreamDeliveryStreams(firehose, STREAM, testRunContext())
    expect(found.map((d) => d.DeliveryStreamName)).toEqual(['clicks-archive', 'clicks-warehouse'])
    const calls = firehose.commandCalls(ListDeliveryStreamsCommand).map((c) => c.args[0].input)
    expect(calls[0]).toMatchObject({DeliveryStreamType: 'KinesisStreamAsSource'})
    expect(calls[1]).toMatchObject({ExclusiveStartDeliveryStreamName: 'clicks-warehouse'})
  })

  it('counts an extended S3 destination once, and reads Redshift staging and retry duration', () => {
    const s3 = destinationOf((archiveDesc as {Destinations: never[]}).Destinations[0]!)
    expect(s3).toEqual({
      errorOutput: 's3://clicks-lake/failed/!{firehose:error-output-type}/',
      label: 'S3',
      metricPrefixes: ['DeliveryToS3'],
      retrySeconds: null,
    })
    expect(destinationOf(redshiftDesc.Destinations[0] as never)).toMatchObject({
      errorOutput: 's3://dw-staging/copy-errors/',
      metricPrefixes: ['DeliveryToRedshift', 'DeliveryToS3'],
      retrySeconds: 3600,
    })
    expect([...firehoseMetricSpecs(redshiftDesc as never).keys()]).toEqual([
      'DeliveryToRedshift.Success',
      'DeliveryToS3.DataFreshness',
      'DeliveryToS3.Success',
      'DataReadFromKinesisStream.Records',
      'ThrottledGetRecords',
    ])
  })

  it('says how much of the 24-hour window is left when delivery fails', () => {
    const c = analyseDeliveryStream(archiveDesc, {
      summaries: new Map([
        ['DeliveryToS3.DataFreshness', summary([3600, 7200, 5 * 3600])],
        ['DeliveryToS3.Success', summary([1, 0.4, 0])],
      ]),
    })
    expect(c.kind).toBe('firehose')
    expect(c.findings).toHaveLength(1)
    expect(c.findings[0]).toMatchObject({kind: 'firehose-delivery-failing', severity: 'critical'})
    expect(c.findings[0]!.message).toContain('5.0 h old: 19.0 h left before Firehose drops it')
    expect(c.findings[0]!.fix).toContain('s3://clicks-lake/failed/')
    // DataReadFromKinesisStream had no data point: unknown, not 0.
    expect(c.metrics).toContainEqual({
      metric: 'DeliveryToS3.Success',
      stat: 'Minimum of the per-minute Average',
      unit: 'ratio',
      value: 0,
    })
  })

  it('flags late delivery without failures, is quiet when fresh, and says "not checked" without metrics', () => {
    const late = analyseDeliveryStream(archiveDesc, {
      summaries: new Map([
        ['DeliveryToS3.DataFreshness', summary([2400, 2700])],
        ['DeliveryToS3.Success', summary([1, 1])],
      ]),
    })
    expect(late.findings.map((f) => `${f.kind} ${f.severity}`)).toEqual(['firehose-data-stale warning'])
    const fresh = analyseDeliveryStream(archiveDesc, {
      summaries: new Map([['DeliveryToS3.DataFreshness', summary([300])]]),
    })
    expect(fresh.findings).toEqual([])
    const unknown = analyseDeliveryStream(archiveDesc, {notChecked: 'AccessDenied: no cloudwatch:GetMetricData'})
    expect(unknown).toMatchObject({findings: [], metricsNotChecked: 'AccessDenied: no cloudwatch:GetMetricData'})
    expect(unknown.metrics).toBeUndefined()
  })

  it('reports a delivery stream that is not active, with its failure', () => {
    const c = analyseDeliveryStream(
      {
        ...(archiveDesc as object),
        DeliveryStreamStatus: 'CREATING_FAILED',
        FailureDescription: {Details: 'role cannot be assumed', Type: 'RETIRE_KMS_GRANT_FAILED'},
      } as never,
      {notChecked: 'offline'},
    )
    expect(c.findings).toMatchObject([{kind: 'firehose-not-active', severity: 'critical'}])
  })
})

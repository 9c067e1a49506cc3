import {CloudTrailClient, LookupEventsCommand} from '@aws-sdk/client-cloudtrail'
import {mockClient} from 'aws-sdk-client-mock'
import {beforeEach, describe, expect, it} from 'vitest'

import TrailLookup, {type TrailLookupOutput} from '../../../src/commands/trail/lookup.js'
import {useTestAwsEnv} from '../../helpers/aws-env.js'
import {expectCallsDeclared} from '../../helpers/iam.js'
import {errorOf, resultOf, runJson, runText} from '../../helpers/run.js'

const cloudtrail = mockClient(CloudTrailClient)

describe('trail lookup', () => {
  useTestAwsEnv()

  beforeEach(() => cloudtrail.reset())

  it('looks up events in the window and returns them as data', async () => {
    cloudtrail.on(LookupEventsCommand).resolves({
      Events: [
        {
          CloudTrailEvent: JSON.stringify({
            errorCode: 'AccessDenied',
            userIdentity: {arn: 'arn:aws:sts::1:assumed-role/Airflow/x'},
          }),
          EventId: 'e-1',
          EventName: 'GetObject',
          EventSource: 's3.amazonaws.com',
          EventTime: new Date('2026-11-22T10:00:00Z'),
          Resources: [{ResourceName: 'my-bucket', ResourceType: 'AWS::S3::Bucket'}],
        },
      ],
    })
    const run = await runJson<TrailLookupOutput>([
      'trail',
      'lookup',
      '--event-name',
      'GetObject',
      '--errors-only',
      '--start',
      '2026-11-22T09:00:00Z',
      '--end',
      '2026-11-22T11:00:00Z',
    ])
    expect(run.exitCode).toBe(0)
    const result = resultOf(run)
    expect(result.window).toEqual({end: '2026-11-22T11:00:00.000Z', start: '2026-11-22T09:00:00.000Z'})
    expect(result.events).toHaveLength(1)
    expect(result.events[0]).toMatchObject({
      errorCode: 'AccessDenied',
      eventId: 'e-1',
      principalArn: 'arn:aws:sts::1:assumed-role/Airflow/x',
    })
    expect(cloudtrail.commandCalls(LookupEventsCommand)[0]!.args[0].input.LookupAttributes).toEqual([
      {AttributeKey: 'EventName', AttributeValue: 'GetObject'},
    ])
    expectCallsDeclared(TrailLookup.iam, {cloudtrail})
  })

  it('renders a table for people', async () => {
    cloudtrail.on(LookupEventsCommand).resolves({
      Events: [
        {
          EventId: 'e-2',
          EventName: 'SplitShard',
          EventSource: 'kinesis.amazonaws.com',
          EventTime: new Date('2026-11-22T10:00:00Z'),
        },
      ],
    })
    const run = await runText(['trail', 'lookup', '--since', '1h'])
    expect(run.stdout).toMatch(/1 CloudTrail event/)
    expect(run.stdout).toMatch(/SplitShard/)
  })

  it('warns when --limit cuts the results', async () => {
    cloudtrail.on(LookupEventsCommand).resolves({Events: [{EventId: 'a'}, {EventId: 'b'}], NextToken: 'more'})
    const run = await runJson<TrailLookupOutput>(['trail', 'lookup', '--limit', '1'])
    expect(resultOf(run).truncated).toBe(true)
    expect(run.envelope.warnings[0]).toMatch(/stopped at --limit 1/)
  })

  it('refuses a window older than the 90 days of event history, with where older events are', async () => {
    cloudtrail.on(LookupEventsCommand).resolves({Events: []})
    const old = await runJson(['trail', 'lookup', '--since', '100d'])
    expect(old.exitCode).toBe(2)
    expect(errorOf(old)).toMatchObject({code: 'OutsideEventHistory'})
    expect(errorOf(old).message).toMatch(/^--since 100d reaches back to .* keeps only the last 90 days/)
    expect(errorOf(old).suggestions.join(' ')).toMatch(/CloudTrail Lake/)
    expect(cloudtrail.calls()).toHaveLength(0)
    expect((await runJson(['trail', 'lookup', '--since', '89d'])).exitCode).toBe(0)
  })

  it('rejects a bad window with exit 2 and maps AccessDenied to exit 3', async () => {
    const bad = await runJson(['trail', 'lookup', '--since', '1h', '--start', '2h'])
    expect(bad.exitCode).toBe(2)
    expect(errorOf(bad).message).toMatch(/--since cannot be combined/)
    cloudtrail.on(LookupEventsCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: cloudtrail:LookupEvents'), {
        $metadata: {httpStatusCode: 400, requestId: 'r-7'},
        name: 'AccessDeniedException',
      }),
    )
    const denied = await runJson(['trail', 'lookup'])
    expect(denied.exitCode).toBe(3)
    expect(errorOf(denied)).toMatchObject({requestId: 'r-7'})
  })
})

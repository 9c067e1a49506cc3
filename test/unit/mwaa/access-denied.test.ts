import {CloudTrailClient, LookupEventsCommand} from '@aws-sdk/client-cloudtrail'
import {mockClient} from 'aws-sdk-client-mock'
import {beforeEach, describe, expect, it} from 'vitest'

import type {TrailSearcher} from '../../../src/lib/cloudtrail/athena-lookup.js'

import {testRunContext} from '../../../src/lib/core/run-context.js'
import {
  analyseDenial,
  isDataEvent,
  parseAccessDenied,
  type ParsedDenial,
  roleArnOfPrincipal,
} from '../../../src/lib/mwaa/access-denied.js'

const ROLE = 'arn:aws:iam::704533066374:role/service-role/AmazonMWAA-hybrid-demo-kwZCZS'
const SESSION = 'arn:aws:sts::704533066374:assumed-role/AmazonMWAA-hybrid-demo-kwZCZS/AmazonMWAA-airflow'
const RUN_TASK = `botocore.errorfactory.AccessDeniedException: An error occurred (AccessDeniedException) when calling the RunTask operation: User: ${SESSION} is not authorized to perform: ecs:RunTask on resource: arn:aws:ecs:eu-west-1:704533066374:task-definition/hybrid:3 because no identity-based policy allows the ecs:RunTask action`
const KMS =
  'An error occurred (AccessDeniedException) when calling the Decrypt operation: User: arn:aws:sts::704533066374:assumed-role/MWAA-Env-role/AmazonMWAA-airflow is not authorized to perform: kms:Decrypt on resource: arn:aws:kms:eu-west-1:704533066374:key/1234abcd-12ab-34cd-56ef-1234567890ab because no resource-based policy allows the kms:Decrypt action'
const noLimit = {async wait() {}}

const trail = mockClient(CloudTrailClient)

function event(id: string, time: string, overrides: Record<string, unknown> = {}) {
  return {
    CloudTrailEvent: JSON.stringify({
      errorCode: 'AccessDenied',
      userIdentity: {arn: SESSION, sessionContext: {sessionIssuer: {arn: ROLE}}},
      ...overrides,
    }),
    EventId: id,
    EventName: 'RunTask',
    EventSource: 'ecs.amazonaws.com',
    EventTime: new Date(time),
  }
}

describe('parseAccessDenied', () => {
  it('reads principal, action, resource and an identity-based gap', () => {
    expect(parseAccessDenied(RUN_TASK)).toEqual({
      action: 'ecs:RunTask',
      denySource: null,
      errorCode: 'AccessDeniedException',
      operation: 'RunTask',
      policyType: 'identity',
      principal: SESSION,
      resource: 'arn:aws:ecs:eu-west-1:704533066374:task-definition/hybrid:3',
      service: 'ecs',
    })
  })

  it('reads a resource-based gap (KMS key policy)', () => {
    expect(parseAccessDenied(KMS)).toMatchObject({action: 'kms:Decrypt', policyType: 'resource', service: 'kms'})
  })

  it('reads explicit denies and where they come from', () => {
    const text =
      'User: arn:aws:sts::111122223333:assumed-role/R/s is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::b/k.csv" with an explicit deny in a service control policy'
    expect(parseAccessDenied(text)).toMatchObject({
      action: 's3:GetObject',
      denySource: 'service control policy',
      policyType: 'explicit-deny',
      resource: 'arn:aws:s3:::b/k.csv',
    })
  })

  it('maps a bare S3 403 on HeadObject to s3:GetObject', () => {
    expect(
      parseAccessDenied(
        'botocore.exceptions.ClientError: An error occurred (403) when calling the HeadObject operation: Forbidden',
      ),
    ).toMatchObject({
      action: 's3:GetObject',
      errorCode: '403',
      operation: 'HeadObject',
      policyType: 'unknown',
      principal: null,
      service: 's3',
    })
  })

  it('tells data events from management events', () => {
    expect(
      isDataEvent(
        parseAccessDenied('An error occurred (AccessDenied) when calling the PutObject operation: Access Denied')!,
      ),
    ).toBe(true)
    expect(
      isDataEvent(parseAccessDenied('An error occurred (AccessDeniedException) when calling the Invoke operation: x')!),
    ).toBe(true)
    expect(isDataEvent(parseAccessDenied(RUN_TASK)!)).toBe(false)
  })

  it('derives the role from an assumed-role session', () => {
    expect(roleArnOfPrincipal(SESSION)).toBe('arn:aws:iam::704533066374:role/AmazonMWAA-hybrid-demo-kwZCZS')
    expect(roleArnOfPrincipal('arn:aws:iam::704533066374:user/alice')).toBe('arn:aws:iam::704533066374:user/alice')
  })
})

describe('analyseDenial (CloudTrail through aws-sdk-client-mock)', () => {
  beforeEach(() => trail.reset())
  const t = Date.parse('2026-11-22T05:12:00Z')
  const options = (over: Record<string, unknown> = {}) => ({
    cloudtrail: true,
    executionRoleArn: ROLE,
    now: new Date(t + 3_600_000),
    region: 'eu-west-1',
    trail: (region: string) => new CloudTrailClient({region}),
    trailTable: undefined as TrailSearcher | undefined,
    ...over,
  })
  const analyse = (denial: ParsedDenial, time: number | undefined, o: ReturnType<typeof options>) =>
    analyseDenial(
      {limiter: noLimit, trail: o.trail, trailTable: o.trailTable},
      {cloudtrail: o.cloudtrail, denial, executionRoleArn: o.executionRoleArn, region: o.region, time},
      testRunContext({now: () => o.now}),
    )

  it('finds the event by EventName in ±10 minutes, matched to the execution role, and shows its id', async () => {
    trail.on(LookupEventsCommand).resolves({
      Events: [
        event('other-principal', '2026-11-22T05:12:01Z', {
          userIdentity: {
            arn: 'arn:aws:sts::704533066374:assumed-role/Other/x',
            sessionContext: {sessionIssuer: {arn: 'arn:aws:iam::704533066374:role/Other'}},
          },
        }),
        event('far', '2026-11-22T05:19:00Z'),
        event('near', '2026-11-22T05:12:02Z'),
        event('succeeded', '2026-11-22T05:12:00Z', {errorCode: undefined}),
      ],
    })
    const a = await analyse(parseAccessDenied(RUN_TASK)!, t, options())
    const {input} = trail.commandCalls(LookupEventsCommand)[0]!.args[0]
    expect(input.LookupAttributes).toEqual([{AttributeKey: 'EventName', AttributeValue: 'RunTask'}])
    expect(input.StartTime).toEqual(new Date(t - 600_000))
    expect(input.EndTime).toEqual(new Date(t + 600_000))
    expect(a.status).toBe('matched')
    expect(a.events.map((e) => e.eventId)).toEqual(['near', 'far'])
    expect(a.events[0]).toMatchObject({
      consoleUrl: 'https://eu-west-1.console.aws.amazon.com/cloudtrailv2/home?region=eu-west-1#/events/near',
      offsetSeconds: 2,
    })
    expect(a.note).toContain('near')
    expect(a.roleArn).toBe(ROLE)
    expect(JSON.parse(a.policyStatement!)).toEqual({
      Action: 'ecs:RunTask',
      Effect: 'Allow',
      Resource: 'arn:aws:ecs:eu-west-1:704533066374:task-definition/hybrid:3',
      Sid: 'AllowMwaaTaskCall',
    })
    expect(a.simulateCommand).toBe(
      `aws iam simulate-principal-policy --policy-source-arn ${ROLE} --action-names ecs:RunTask --resource-arns arn:aws:ecs:eu-west-1:704533066374:task-definition/hybrid:3`,
    )
  })

  it('says "not delivered yet, re-run" for a failure younger than 10 minutes with no match', async () => {
    trail.on(LookupEventsCommand).resolves({Events: []})
    const a = await analyse(parseAccessDenied(RUN_TASK)!, t, options({now: new Date(t + 120_000)}))
    expect(a.status).toBe('not-delivered-yet')
    expect(a.note).toMatch(/not delivered yet, re-run/i)
  })

  it('explains a miss on an older failure', async () => {
    trail
      .on(LookupEventsCommand)
      .resolves({Events: [event('other', '2026-11-22T05:12:01Z', {errorCode: 'ThrottlingException'})]})
    const a = await analyse(parseAccessDenied(RUN_TASK)!, t, options())
    expect(a.status).toBe('no-match')
    expect(a.note).toMatch(/another Region|another principal/)
  })

  it('does not look up data events and says why', async () => {
    const a = await analyse(
      parseAccessDenied('An error occurred (AccessDenied) when calling the GetObject operation: Access Denied')!,
      t,
      options(),
    )
    expect(trail.commandCalls(LookupEventsCommand)).toHaveLength(0)
    expect(a.status).toBe('data-event')
    expect(a.note).toMatch(/data event: CloudTrail Event history holds management events only/)
  })

  it('skips the look-up with --no-cloudtrail and without a time', async () => {
    expect((await analyse(parseAccessDenied(RUN_TASK)!, t, options({cloudtrail: false}))).status).toBe('skipped')
    expect((await analyse(parseAccessDenied(RUN_TASK)!, undefined, options())).note).toMatch(/no time/)
    expect(trail.commandCalls(LookupEventsCommand)).toHaveLength(0)
  })

  it('writes a resource-policy statement for resource-based gaps', async () => {
    trail.on(LookupEventsCommand).resolves({Events: []})
    const a = await analyse(parseAccessDenied(KMS)!, t, options({executionRoleArn: null}))
    expect(JSON.parse(a.policyStatement!)).toMatchObject({
      Action: 'kms:Decrypt',
      Principal: {AWS: 'arn:aws:iam::704533066374:role/MWAA-Env-role'},
    })
    expect(a.simulateCommand).toContain('--resource-policy file://resource-policy.json')
    expect(a.note).toMatch(/resource-based policy/)
  })

  it('keeps going with a note when the look-up itself is denied', async () => {
    trail.on(LookupEventsCommand).rejects(Object.assign(new Error('not allowed'), {name: 'AccessDeniedException'}))
    const a = await analyse(parseAccessDenied(RUN_TASK)!, t, options())
    expect(a.status).toBe('skipped')
    expect(a.note).toMatch(/CloudTrail look-up failed \(AccessDeniedException/)
  })

  it('looks up IAM and STS denials in us-east-1', async () => {
    trail.on(LookupEventsCommand).resolves({Events: []})
    const regions: string[] = []
    await analyse(
      parseAccessDenied(
        `User: ${SESSION} is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::1:role/x`,
      )!,
      t,
      options({
        trail(r: string) {
          regions.push(r)
          return new CloudTrailClient({region: r})
        },
      }),
    )
    expect(regions).toEqual(['us-east-1'])
  })

  it("with --trail-table: searches the table for an old management denial, in the event's Region", async () => {
    const queries: unknown[] = []
    const trailTable = {
      async lookup(query: unknown) {
        queries.push(query)
        return {
          athena: {partitions: 'all', sql: ''},
          events: [
            {
              accessKeyId: null,
              errorCode: 'AccessDenied',
              errorMessage: null,
              eventId: 'old-1',
              eventName: 'RunTask',
              eventSource: 'ecs.amazonaws.com',
              eventTime: '2026-11-22T05:12:04.000Z',
              principalArn: SESSION,
              readOnly: false,
              region: 'eu-central-1',
              requestParameters: null,
              resources: [],
              sessionIssuerArn: ROLE,
              sourceIp: null,
              userName: null,
            },
          ],
          pages: 1,
          truncated: false,
        }
      },
      table: 'security.trail',
    }
    // 200 days after the failure: beyond Event history, not beyond the trail.
    const a = await analyse(
      parseAccessDenied(RUN_TASK)!,
      t,
      options({now: new Date(t + 200 * 86_400_000), trail: undefined, trailTable}),
    )
    expect(a.status).toBe('matched')
    expect(a.events[0]!.consoleUrl).toContain('eu-central-1.console.aws.amazon.com')
    expect(queries).toEqual([
      {end: new Date(t + 600_000), errorsOnly: true, eventName: 'RunTask', start: new Date(t - 600_000)},
    ])
    expect(trail.commandCalls(LookupEventsCommand)).toHaveLength(0)
    // Without a time nothing can be searched: the note says why (not that AWS access is missing).
    const untimed = await analyse(parseAccessDenied(RUN_TASK)!, undefined, options({trail: undefined, trailTable}))
    expect(untimed.note).toMatch(/no time/)
    expect(queries).toHaveLength(1)
  })
})

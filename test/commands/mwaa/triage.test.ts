import {CloudTrailClient, LookupEventsCommand} from '@aws-sdk/client-cloudtrail'
import {
  CloudWatchLogsClient,
  DescribeLogStreamsCommand,
  FilterLogEventsCommand,
  type FilterLogEventsCommandInput,
  GetLogEventsCommand,
  type GetLogEventsCommandInput,
} from '@aws-sdk/client-cloudwatch-logs'
import {GetEnvironmentCommand, type GetEnvironmentCommandOutput, MWAAClient} from '@aws-sdk/client-mwaa'
import {mockClient} from 'aws-sdk-client-mock'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {beforeAll, beforeEach, describe, expect, it} from 'vitest'

import type {TriageResult} from '../../../src/lib/mwaa/types.js'

import MwaaTriage from '../../../src/commands/mwaa/triage.js'
import {writeMwaaSamples} from '../../../src/lib/sandbox/seeds/mwaa.js'
import {useTestAwsEnv} from '../../helpers/aws-env.js'
import {expectCallsDeclared} from '../../helpers/iam.js'
import {errorOf, resultOf, runJson, runText} from '../../helpers/run.js'

const mwaa = mockClient(MWAAClient)
const logs = mockClient(CloudWatchLogsClient)
const trail = mockClient(CloudTrailClient)

const ACCOUNT = '123456789012'
const ROLE = `arn:aws:iam::${ACCOUNT}:role/service-role/AmazonMWAA-prod-abc123`
const SESSION = `arn:aws:sts::${ACCOUNT}:assumed-role/AmazonMWAA-prod-abc123/AmazonMWAA-airflow`
const now = Date.now()
const minutesAgo = (m: number): number => now - m * 60_000
const iso = (t: number): string => new Date(t).toISOString().replace('Z', '+0000')

let samples: string
let workDir: string
beforeAll(async () => {
  workDir = mkdtempSync(path.join(tmpdir(), 'mwaa-cmd-'))
  samples = path.join(workDir, 'mwaa-logs')
  await writeMwaaSamples(samples)
})

function environment(overrides: Record<string, unknown> = {}): GetEnvironmentCommandOutput {
  const group = (type: string, level = 'INFO', enabled = true) => ({
    CloudWatchLogGroupArn: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:airflow-prod-${type}:*`,
    Enabled: enabled,
    LogLevel: level,
  })
  return {
    Environment: {
      AirflowVersion: '2.10.3',
      Arn: `arn:aws:airflow:us-east-1:${ACCOUNT}:environment/prod`,
      EnvironmentClass: 'mw1.small',
      ExecutionRoleArn: ROLE,
      LoggingConfiguration: {
        DagProcessingLogs: group('DAGProcessing', 'WARNING'),
        SchedulerLogs: group('Scheduler'),
        TaskLogs: group('Task'),
        WebserverLogs: group('WebServer', 'ERROR', false),
        WorkerLogs: group('Worker', 'ERROR'),
      },
      MaxWorkers: 10,
      MinWorkers: 1,
      Name: 'prod',
      Status: 'AVAILABLE',
      ...overrides,
    },
  } as GetEnvironmentCommandOutput
}

type Ev = {logStreamName: string; message: string; timestamp: number}

/** A FilterLogEvents fake: events per group, served 2 per page to exercise pagination. */
function serveGroups(byGroup: Record<string, Ev[]>) {
  logs.on(FilterLogEventsCommand).callsFake((input: FilterLogEventsCommandInput) => {
    const all = (byGroup[input.logGroupName!] ?? []).filter(
      (e) => e.timestamp >= input.startTime! && e.timestamp <= input.endTime!,
    )
    const start = input.nextToken ? Number(input.nextToken) : 0
    const page = all.slice(start, start + Math.min(2, input.limit ?? 2))
    const next = start + page.length
    return {events: page, ...(next < all.length ? {nextToken: String(next)} : {})}
  })
}

const TASK_STREAM = 'dag_id=etl/run_id=scheduled__2026-11-22T05_00_00+00_00/task_id=launch/attempt=2.log'

describe('mwaa triage', () => {
  useTestAwsEnv()

  beforeEach(() => {
    mwaa.reset()
    logs.reset()
    trail.reset()
  })

  describe('offline (--logs)', () => {
    it('ranks linked causes from a folder of exported logs and exits 1', async () => {
      const run = await runJson<TriageResult>(['mwaa', 'triage', '--logs', samples])
      expect(run.exitCode).toBe(1)
      expect(run.envelope.status).toBe('findings')
      const result = resultOf(run)
      expect(Object.keys(result).sort()).toEqual(['findings', 'scanned', 'window'])
      expect(result.window).toEqual({end: null, start: null})
      expect(result.scanned).toMatchObject({groups: 5, streams: 9})
      expect(result.scanned.events).toBeGreaterThan(40)
      const order = result.findings.map((f) => f.rule)
      expect(order[0]).toBe('pip-resolution-impossible')
      expect(order.indexOf('worker-interrupted')).toBeLessThan(order.indexOf('executor-reports-queued'))
      expect(order.indexOf('pip-resolution-impossible')).toBeLessThan(order.indexOf('module-not-found'))
      const missing = result.findings.find((f) => f.rule === 'module-not-found')!
      expect(missing.cause).toMatch(/Linked cause: requirements\.txt failed to install/)
      expect(result.findings.find((f) => f.rule === 'pip-resolution-impossible')!.confidence).toBe(0.99)
      expect(result.findings.find((f) => f.rule === 'task-sigterm')!.cause).toMatch(
        /Explained by: the DAG run hit its dagrun_timeout/,
      )
      // noise never becomes a finding
      expect(JSON.stringify(result)).not.toMatch(/ELB-HealthChecker|A new release of pip/)
      const f = result.findings[0]!
      expect(Object.keys(f).sort()).toEqual([
        'category',
        'cause',
        'confidence',
        'count',
        'evidence',
        'firstSeen',
        'fix',
        'lastSeen',
        'rule',
        'severity',
        'title',
      ])
      expect(Object.keys(f.evidence[0]!).sort()).toEqual(['line', 'logGroup', 'stream', 'timestamp'])
      const denied = result.findings.find((x) => x.category === 'access-denied')!
      expect(denied.cloudtrail!.map((c) => c.status).sort()).toEqual(['data-event', 'skipped'])
      expect(trail.calls()).toHaveLength(0)
    })

    it('exits 0 with no findings on clean logs', async () => {
      const file = path.join(workDir, 'clean.log')
      const content =
        '[2026-11-22T05:00:00.000+0000] {{taskinstance.py:1956}} INFO - Dependencies all met\n[2026-11-22T05:00:01.000+0000] {{taskinstance.py:1400}} INFO - Marking task as SUCCESS.\n'
      writeFileSync(file, content)
      const run = await runJson<TriageResult>(['mwaa', 'triage', '--logs', file])
      expect(run.exitCode).toBe(0)
      expect(run.envelope.status).toBe('ok')
      expect(resultOf(run)).toEqual({
        findings: [],
        scanned: {bytes: content.length, events: 2, groups: 1, streams: 1},
        window: {end: null, start: null},
      })
    })

    it('filters local logs to --start/--end', async () => {
      const run = await runJson<TriageResult>([
        'mwaa',
        'triage',
        '--logs',
        samples,
        '--start',
        '2026-11-22T05:50:00Z',
        '--end',
        '2026-11-22T06:10:00Z',
      ])
      const rules = resultOf(run).findings.map((f) => f.rule)
      expect(rules).toContain('dagrun-timeout')
      expect(rules).not.toContain('task-sigkill')
      expect(resultOf(run).window).toEqual({end: '2026-11-22T06:10:00.000Z', start: '2026-11-22T05:50:00.000Z'})
    })

    it('prints a readable summary and a redacted Markdown report', async () => {
      const text = await runText(['mwaa', 'triage', '--logs', samples])
      expect(text.exitCode).toBe(1)
      expect(text.stdout).toMatch(/1\. requirements\.txt failed to install: conflicting package versions\s+CRITICAL/)
      expect(text.stdout).toMatch(/Evidence:/)
      expect(text.stdout).toContain('111122223333')
      const md = await runText(['mwaa', 'triage', '--logs', samples, '--format', 'markdown'])
      expect(md.exitCode).toBe(1)
      expect(md.stdout).toMatch(/^## MWAA triage/)
      expect(md.stdout).toMatch(/\| 1 \| requirements\.txt failed to install/)
      expect(md.stdout).not.toMatch(
        /111122223333|AmazonMWAA-demo-env-x1y2z3|ZXhhbXBsZS10b2tlbi1ub3QtcmVhbA|demo-sales-bucket/,
      )
      const unredacted = await runText(['mwaa', 'triage', '--logs', samples, '--format', 'markdown', '--no-redact'])
      expect(unredacted.stdout).toContain('111122223333')
    })

    it('redacts --json output with --redact', async () => {
      const run = await runJson<TriageResult>(['mwaa', 'triage', '--logs', samples, '--redact'])
      expect(run.stdout).not.toMatch(/111122223333|ZXhhbXBsZS10b2tlbi1ub3QtcmVhbA/)
    })
  })

  describe('an environment (--env)', () => {
    it('reads the log groups from LoggingConfiguration, warns about hidden evidence, and matches AccessDenied in CloudTrail', async () => {
      mwaa.on(GetEnvironmentCommand).resolves(environment())
      const denied = minutesAgo(30)
      serveGroups({
        'airflow-prod-DAGProcessing': [],
        'airflow-prod-Scheduler': [
          {
            logStreamName: 'scheduler_ip-1_1.log',
            message: `[${iso(minutesAgo(50))}] {{x.py:1}} INFO - 4 tasks up for execution`,
            timestamp: minutesAgo(50),
          },
          {
            logStreamName: 'scheduler_ip-1_1.log',
            message: `[${iso(minutesAgo(40))}] {{x.py:1}} INFO - heartbeat`,
            timestamp: minutesAgo(40),
          },
          {
            logStreamName: 'scheduler_ip-1_1.log',
            message: `[${iso(minutesAgo(35))}] {{x.py:1}} ERROR - Error sending Celery task: could not queue task etl.load`,
            timestamp: minutesAgo(35),
          },
          {
            logStreamName: 'scheduler_ip-1_1.log',
            message: `[${iso(minutesAgo(300))}] {{x.py:1}} ERROR - could not queue task etl.old`,
            timestamp: minutesAgo(300),
          },
        ],
        'airflow-prod-Task': [
          {
            logStreamName: TASK_STREAM,
            message: `[${iso(denied)}] {{taskinstance.py:1937}} ERROR - Task failed with exception`,
            timestamp: denied,
          },
          {logStreamName: TASK_STREAM, message: 'Traceback (most recent call last):', timestamp: denied},
          {
            logStreamName: TASK_STREAM,
            message: `botocore.errorfactory.AccessDeniedException: An error occurred (AccessDeniedException) when calling the RunTask operation: User: ${SESSION} is not authorized to perform: ecs:RunTask on resource: arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/report:7 because no identity-based policy allows the ecs:RunTask action`,
            timestamp: denied,
          },
        ],
        'airflow-prod-Worker': [],
      })
      trail.on(LookupEventsCommand).resolves({
        Events: [
          {
            CloudTrailEvent: JSON.stringify({
              errorCode: 'AccessDenied',
              userIdentity: {arn: SESSION, sessionContext: {sessionIssuer: {arn: ROLE}}},
            }),
            EventId: 'evt-1234',
            EventName: 'RunTask',
            EventSource: 'ecs.amazonaws.com',
            EventTime: new Date(denied + 1000),
          },
        ],
      })
      const run = await runJson<TriageResult>(['mwaa', 'triage', '--env', 'prod', '--since', '2h'])
      expect(run.exitCode).toBe(1)
      const result = resultOf(run)
      expect(result.environment).toMatchObject({
        airflowVersion: '2.10.3',
        environmentClass: 'mw1.small',
        executionRoleArn: ROLE,
        maxWorkers: 10,
        minWorkers: 1,
        name: 'prod',
      })
      expect(result.environment!.logging.TaskLogs).toEqual({
        enabled: true,
        level: 'INFO',
        logGroup: 'airflow-prod-Task',
      })
      // `:*` stripped before calling CloudWatch Logs; the disabled WebServer group is not read.
      const groups = logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input.logGroupName)
      expect(new Set(groups)).toEqual(
        new Set(['airflow-prod-DAGProcessing', 'airflow-prod-Scheduler', 'airflow-prod-Task', 'airflow-prod-Worker']),
      )
      // full pagination: 3 in-window scheduler events at 2 per page
      expect(groups.filter((g) => g === 'airflow-prod-Scheduler')).toHaveLength(2)
      expect(result.scanned).toEqual({bytes: expect.any(Number), events: 6, groups: 4, streams: 2})
      expect(result.window.start).toBe(new Date(Date.parse(result.window.end!) - 7_200_000).toISOString())
      const {warnings} = run.envelope as {warnings: string[]}
      expect(warnings.some((w) => /Web server logs \(WebserverLogs\) are disabled/.test(w))).toBe(true)
      expect(warnings.some((w) => /Worker logs are at ERROR/.test(w))).toBe(true)
      expect(result.findings.map((f) => f.rule)).toEqual(['aws-access-denied', 'could-not-queue-task'])
      const ad = result.findings[0]!
      expect(ad.cloudtrail![0]).toMatchObject({
        action: 'ecs:RunTask',
        eventCategory: 'management',
        policyType: 'identity',
        roleArn: ROLE,
        status: 'matched',
      })
      expect(ad.cloudtrail![0]!.events[0]).toMatchObject({eventId: 'evt-1234', offsetSeconds: 1})
      expect(ad.fix.join('\n')).toContain(
        `aws iam simulate-principal-policy --policy-source-arn ${ROLE} --action-names ecs:RunTask`,
      )
      expect(ad.evidence[0]).toMatchObject({
        logGroup: 'airflow-prod-Task',
        stream: TASK_STREAM,
        timestamp: new Date(denied).toISOString(),
      })
      expectCallsDeclared(MwaaTriage.iam, {cloudtrail: trail, logs, mwaa})
    })

    it('reads the exact task stream with --dag/--run/--task/--try, and skips CloudTrail with --no-cloudtrail', async () => {
      mwaa.on(GetEnvironmentCommand).resolves(environment())
      serveGroups({})
      logs.on(GetLogEventsCommand).callsFake((input: GetLogEventsCommandInput) => {
        if (input.logStreamName !== TASK_STREAM)
          throw Object.assign(new Error('The specified log stream does not exist.'), {
            name: 'ResourceNotFoundException',
          })
        if (input.nextToken === 'f/2') return {events: [], nextBackwardToken: 'b/2', nextForwardToken: 'f/2'}
        if (input.nextToken === 'f/1')
          return {
            events: [
              {
                message: `[${iso(minutesAgo(5))}] {{x.py:1}} INFO - Task exited with return code -9`,
                timestamp: minutesAgo(5),
              },
            ],
            nextBackwardToken: 'b/1',
            nextForwardToken: 'f/2',
          }
        return {
          events: [{message: `[${iso(minutesAgo(6))}] {{x.py:1}} INFO - Started`, timestamp: minutesAgo(6)}],
          nextBackwardToken: 'b/0',
          nextForwardToken: 'f/1',
        }
      })
      logs.on(DescribeLogStreamsCommand).resolves({logStreams: []})
      const run = await runJson<TriageResult>([
        'mwaa',
        'triage',
        '--env',
        'prod',
        '--dag',
        'etl',
        '--run',
        'scheduled__2026-11-22T05:00:00+00:00',
        '--task',
        'launch',
        '--try',
        '2',
        '--no-cloudtrail',
      ])
      expect(run.exitCode).toBe(1)
      const names = logs.commandCalls(GetLogEventsCommand).map((c) => c.args[0].input.logStreamName)
      expect(names[0]).toBe(TASK_STREAM)
      expect(names).toContain('etl/launch/2026-11-22T05_00_00+00_00/2.log')
      const result = resultOf(run)
      expect(result.findings.map((f) => f.rule)).toEqual(['task-sigkill'])
      expect(result.findings[0]!.evidence[0]!.stream).toBe(TASK_STREAM)
      // the task group is read directly, not filtered
      expect(logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input.logGroupName)).not.toContain(
        'airflow-prod-Task',
      )
      expect(trail.calls()).toHaveLength(0)
      expectCallsDeclared(MwaaTriage.iam, {logs, mwaa})
    })

    it('finds attempts by prefix when --try is not given (old naming scheme)', async () => {
      mwaa.on(GetEnvironmentCommand).resolves(environment())
      serveGroups({})
      logs.on(DescribeLogStreamsCommand).callsFake((input: {logStreamNamePrefix: string}) => ({
        logStreams:
          input.logStreamNamePrefix === 'etl/launch/2026-11-22T05_00_00+00_00/'
            ? [
                {logStreamName: 'etl/launch/2026-11-22T05_00_00+00_00/1.log'},
                {logStreamName: 'etl/launch/2026-11-22T05_00_00+00_00/2.log'},
              ]
            : [],
      }))
      logs.on(GetLogEventsCommand).callsFake((input: GetLogEventsCommandInput) =>
        input.nextToken
          ? {events: [], nextForwardToken: input.nextToken}
          : {
              events: [{message: 'Received SIGTERM. Terminating subprocesses.', timestamp: minutesAgo(3)}],
              nextForwardToken: 'f/x',
            },
      )
      const result = resultOf(
        await runJson<TriageResult>([
          'mwaa',
          'triage',
          '--env',
          'prod',
          '--dag',
          'etl',
          '--run',
          'scheduled__2026-11-22T05:00:00+00:00',
          '--task',
          'launch',
        ]),
      )
      expect(result.findings[0]).toMatchObject({count: 2, rule: 'task-sigterm'})
      expect(result.scanned.streams).toBe(2)
    })

    it('treats a missing task stream as a finding and says which explanations fit', async () => {
      mwaa.on(GetEnvironmentCommand).resolves(environment())
      serveGroups({
        'airflow-prod-Scheduler': [
          {
            logStreamName: 's',
            message: `[${iso(minutesAgo(20))}] {{x.py:1}} ERROR - Executor reports task instance <TaskInstance: etl.launch scheduled__2026-11-22T05:00:00+00:00 [queued]> finished (failed) although the task says it's queued. (Info: None) Was the task killed externally?`,
            timestamp: minutesAgo(20),
          },
        ],
      })
      logs
        .on(GetLogEventsCommand)
        .rejects(
          Object.assign(new Error('The specified log stream does not exist.'), {name: 'ResourceNotFoundException'}),
        )
      logs.on(DescribeLogStreamsCommand).resolves({logStreams: []})
      const result = resultOf(
        await runJson<TriageResult>([
          'mwaa',
          'triage',
          '--env',
          'prod',
          '--dag',
          'etl',
          '--run',
          'scheduled__2026-11-22T05:00:00+00:00',
          '--task',
          'launch',
          '--try',
          '1',
        ]),
      )
      const missing = result.findings.find((f) => f.rule === 'no-task-log-stream')!
      expect(missing.category).toBe('remote-log-unavailable')
      expect(missing.cause).toMatch(/the task never ran on a worker/)
      expect(missing.cause).toMatch(/queued but never picked up/)
      expect(missing.cause).toMatch(/`queue` argument/)
      // the fallback searched the Task group for the DAG id
      const filterCalls = logs.commandCalls(FilterLogEventsCommand).map((c) => c.args[0].input)
      expect(filterCalls.find((i) => i.logGroupName === 'airflow-prod-Task')?.filterPattern).toBe('"etl"')
    })

    it('stops at --max-events and says so', async () => {
      mwaa.on(GetEnvironmentCommand).resolves(environment())
      const many = Array.from({length: 10}, (_, i) => ({
        logStreamName: 's',
        message: `line ${i}`,
        timestamp: minutesAgo(10) + i,
      }))
      serveGroups({'airflow-prod-Scheduler': many})
      const run = await runJson<TriageResult>([
        'mwaa',
        'triage',
        '--env',
        'prod',
        '--max-events',
        '3',
        '--no-cloudtrail',
      ])
      expect(run.exitCode).toBe(0)
      expect(resultOf(run).scanned.events).toBeLessThanOrEqual(3)
      expect((run.envelope as {warnings: string[]}).warnings.join('\n')).toMatch(/Stopped reading at --max-events 3/)
    })

    it('goes on without a log group it may not read, and exits 3 when it may read none', async () => {
      mwaa.on(GetEnvironmentCommand).resolves(environment())
      const denied = Object.assign(new Error('User is not authorized to perform: logs:FilterLogEvents'), {
        $metadata: {httpStatusCode: 400},
        name: 'AccessDeniedException',
      })
      logs.on(FilterLogEventsCommand, {logGroupName: 'airflow-prod-Worker'}).rejects(denied)
      logs
        .on(FilterLogEventsCommand, {logGroupName: 'airflow-prod-Scheduler'})
        .resolves({events: [{logStreamName: 's', message: 'could not queue task etl.load', timestamp: minutesAgo(5)}]})
      logs.on(FilterLogEventsCommand, {logGroupName: 'airflow-prod-Task'}).resolves({events: []})
      logs.on(FilterLogEventsCommand, {logGroupName: 'airflow-prod-DAGProcessing'}).resolves({events: []})
      const run = await runJson<TriageResult>(['mwaa', 'triage', '--env', 'prod', '--no-cloudtrail'])
      expect(run.exitCode).toBe(1)
      expect(resultOf(run).findings.map((f) => f.rule)).toEqual(['could-not-queue-task'])
      expect((run.envelope as {warnings: string[]}).warnings.join('\n')).toMatch(
        /Cannot read log group airflow-prod-Worker \(AccessDeniedException\)/,
      )

      logs.reset()
      logs.on(FilterLogEventsCommand).rejects(denied)
      const none = await runJson(['mwaa', 'triage', '--env', 'prod', '--no-cloudtrail'])
      expect(none.exitCode).toBe(3)
    })

    it('exits 4 when the environment does not exist', async () => {
      mwaa.on(GetEnvironmentCommand).rejects(
        Object.assign(new Error('Environment nope not found'), {
          $metadata: {httpStatusCode: 404},
          name: 'ResourceNotFoundException',
        }),
      )
      const run = await runJson(['mwaa', 'triage', '--env', 'nope'])
      expect(run.exitCode).toBe(4)
      expect(errorOf(run)).toMatchObject({message: 'MWAA environment "nope" does not exist in us-east-1'})
      expect(errorOf(run).suggestions.join(' ')).toMatch(/aws mwaa list-environments/)
    })
  })

  describe('bad input', () => {
    it.each([
      [[], /nothing to triage: pass --env NAME or --logs PATH/],
      [['--logs', 'x.log', '--dag', 'etl'], /need --env/],
      [['--env', 'prod', '--since', '2h', '--start', '1h'], /--since cannot be combined/],
      [['--env', 'prod', '--since', 'yesterday'], /yesterday/],
      [['--env', 'prod', '--logs', 'x'], /cannot also be provided|--logs/],
      [['--env', 'prod', '--try', '0', '--dag', 'd'], /--try|greater than or equal/],
    ])('%j exits 2', async (argv, message) => {
      const run = await runJson(['mwaa', 'triage', ...argv])
      expect(run.exitCode).toBe(2)
      expect(errorOf(run).message).toMatch(message)
    })

    it('exits 6 for a missing log file', async () => {
      const run = await runJson(['mwaa', 'triage', '--logs', path.join(workDir, 'missing.log')])
      expect(run.exitCode).toBe(6)
      expect(errorOf(run).message).toMatch(/missing\.log: no such file or folder/)
    })

    it('exits 6 for an empty log file instead of reporting an all-clear', async () => {
      const file = path.join(workDir, 'empty.log')
      writeFileSync(file, '')
      const run = await runJson(['mwaa', 'triage', '--logs', file])
      expect(run.exitCode).toBe(6)
      expect(errorOf(run).message).toMatch(/no log lines were read/)
    })
  })
})

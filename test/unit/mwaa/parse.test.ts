import {describe, expect, it} from 'vitest'

import {Classifier, groupRecords, toLogRecord} from '../../../src/lib/mwaa/classify.js'
import {
  isContinuation,
  parseHeader,
  parseLogTimestamp,
  stripLinePrefix,
  textSeverity,
} from '../../../src/lib/mwaa/parse.js'

const T = Date.UTC(2024, 6, 8, 7, 30, 4, 511)

describe('parseLogTimestamp', () => {
  it.each([
    ['2024-07-08T07:30:04.511+0000', T],
    ['2024-07-08 07:30:04,511', T],
    ['2024-07-08T07:30:04.511Z', T],
    ['2024-07-08T07:30:04.511906Z', T],
    ['2024-07-08T15:30:04.511+08:00', T],
    ['2024-07-08T03:30:04.511-04:00', T],
    ['2024-07-08, 07:30:04 UTC', T - 511],
    ['2024-07-08 07:30:04.511000 UTC', T],
  ])('%s', (text, expected) => {
    expect(parseLogTimestamp(text)).toBe(expected)
  })

  it('returns undefined for text without a time', () => {
    expect(parseLogTimestamp('not a time')).toBeUndefined()
  })
})

describe('parseHeader: every line shape', () => {
  it('Airflow 2 on MWAA, double braces, ISO timestamp', () => {
    expect(parseHeader('[2024-07-08T07:30:04.511+0000] {{taskinstance.py:1956}} INFO - Dependencies all met')).toEqual({
      level: 'INFO',
      logger: 'taskinstance.py:1956',
      message: 'Dependencies all met',
      shape: 'airflow',
      timestamp: T,
    })
  })

  it('upstream Airflow, single braces, comma milliseconds', () => {
    expect(parseHeader('[2024-07-08 07:30:04,511] {taskinstance.py:1482} ERROR - Task failed')).toMatchObject({
      level: 'ERROR',
      logger: 'taskinstance.py:1482',
      message: 'Task failed',
      shape: 'airflow',
      timestamp: T,
    })
  })

  it('copied from the Airflow UI', () => {
    expect(
      parseHeader('[2024-07-08, 07:30:04 UTC] {{taskinstance.py:1280}} INFO - Marking task as FAILED'),
    ).toMatchObject({shape: 'airflow', timestamp: T - 511})
  })

  it('[LEVEL] - lines of requirements_install / startup_script_execution', () => {
    expect(parseHeader('[WARNING] - ERROR: Cannot install pandas==2.1.4')).toEqual({
      level: 'WARNING',
      logger: undefined,
      message: 'ERROR: Cannot install pandas==2.1.4',
      shape: 'level-dash',
      timestamp: undefined,
    })
  })

  it('[LEVEL] lines without the dash (startup script messages)', () => {
    expect(parseHeader('[ERROR] Failed to load environment variables from startup script.')).toMatchObject({
      level: 'ERROR',
      message: 'Failed to load environment variables from startup script.',
      shape: 'level-dash',
    })
  })

  it('Celery [ts: LEVEL/Process]', () => {
    expect(
      parseHeader(
        "[2024-07-08 07:30:04,511: ERROR/MainProcess] Process 'ForkPoolWorker-2' pid:20 exited with 'signal 15 (SIGTERM)'",
      ),
    ).toMatchObject({
      level: 'ERROR',
      logger: 'MainProcess',
      message: "Process 'ForkPoolWorker-2' pid:20 exited with 'signal 15 (SIGTERM)'",
      shape: 'celery',
      timestamp: T,
    })
  })

  it('Airflow 3 JSON task events, with their exception details', () => {
    const line = JSON.stringify({
      error_detail: [
        {
          exc_type: 'ModuleNotFoundError',
          exc_value: "No module named 'pandas_gbq'",
          frames: [{filename: '/dags/x.py', lineno: 3, name: '<module>'}],
        },
      ],
      event: 'Task failed with exception',
      level: 'error',
      logger: 'task',
      timestamp: '2024-07-08T07:30:04.511906Z',
    })
    const h = parseHeader(line)!
    expect(h).toMatchObject({level: 'ERROR', logger: 'task', shape: 'airflow3-json', timestamp: T})
    expect(h.message).toBe(
      'Task failed with exception\nTraceback (most recent call last):\n  File "/dags/x.py", line 3, in <module>\nModuleNotFoundError: No module named \'pandas_gbq\'',
    )
  })

  it('Airflow 3 JSON with an epoch timestamp', () => {
    expect(
      parseHeader(
        '{"event": "Hook impls: []", "level": "debug", "logger": "airflow.listeners.listener", "timestamp": 1720423804.511}',
      ),
    ).toMatchObject({level: 'DEBUG', shape: 'airflow3-json', timestamp: T})
  })

  it('Airflow 3 component console lines', () => {
    expect(
      parseHeader(
        '2024-07-08T07:30:04.511906Z [error    ] Task execute_workload[abc] raised unexpected: ReadTimeout() [celery.app.trace] loc=trace.py:285',
      ),
    ).toMatchObject({
      level: 'ERROR',
      message: 'Task execute_workload[abc] raised unexpected: ReadTimeout() [celery.app.trace] loc=trace.py:285',
      shape: 'airflow3-console',
      timestamp: T,
    })
  })

  it('lines that start with a timestamp (CloudWatch exports, Python default format)', () => {
    expect(parseHeader('2024-07-08T07:30:04.511Z [INFO] - Collecting boto3')).toMatchObject({
      shape: 'timestamped',
      timestamp: T,
    })
    expect(parseHeader('2024-07-08 07:30:04,511 ERROR something broke')).toMatchObject({
      level: 'ERROR',
      message: 'something broke',
      shape: 'timestamped',
    })
  })

  it('nested log-of-a-log keeps the outer header', () => {
    expect(
      parseHeader(
        '[2022-03-14 00:00:01,000] {{logging_mixin.py:104}} INFO - [2022-03-14 00:00:01,000] {{base_aws.py:368}} INFO - Airflow Connection',
      ),
    ).toMatchObject({
      logger: 'logging_mixin.py:104',
      message: '[2022-03-14 00:00:01,000] {{base_aws.py:368}} INFO - Airflow Connection',
    })
  })

  it('is undefined for continuation and free text', () => {
    for (const line of [
      'Traceback (most recent call last):',
      '  File "x.py", line 1',
      'just words',
      '{"not": "an event"}',
      '[not a header]',
    ]) {
      expect(parseHeader(line), line).toBeUndefined()
    }
  })
})

describe('isContinuation', () => {
  it.each([
    '  File "/x.py", line 3, in <module>',
    '\tThis probably means',
    'Traceback (most recent call last):',
    "ModuleNotFoundError: No module named 'x'",
    'botocore.exceptions.ClientError: An error',
    'During handling of the above exception, another exception occurred:',
    '    ^^^^^',
  ])('%s continues a record', (line) => expect(isContinuation(line)).toBe(true))
  it.each(['[INFO] - Collecting x', 'Some free text', ''])('%s does not', (line) =>
    expect(isContinuation(line)).toBe(false),
  )
})

describe('severity comes from the text, not the printed level', () => {
  it('pip ERROR relayed as [WARNING] is an error', () => {
    expect(
      toLogRecord('[WARNING] - ERROR: Cannot install pandas', {kind: 'worker', logGroup: 'g', stream: 's'}).severity,
    ).toBe('error')
  })

  it('a traceback printed at INFO is an error', () => {
    expect(textSeverity('Task output:\nTraceback (most recent call last):\n  File "x"', 'INFO')).toBe('error')
  })

  it('an INFO line that says nothing bad is info; DEBUG stays debug', () => {
    expect(textSeverity('Dependencies all met', 'INFO')).toBe('info')
    expect(textSeverity('Hook impls: []', 'DEBUG')).toBe('debug')
  })

  it('relayed subprocess levels never raise severity', () => {
    expect(textSeverity('Collecting boto3', 'ERROR', 'level-dash')).toBe('info')
  })

  it('warning text is a warning', () => {
    expect(textSeverity('DeprecationWarning: x is deprecated', 'INFO')).toBe('warning')
  })
})

describe('record grouping', () => {
  const text = [
    '[2024-07-08T07:30:04.511+0000] {{dagbag.py:346}} ERROR - Failed to import: /dags/a.py',
    'Traceback (most recent call last):',
    '  File "/dags/a.py", line 2, in <module>',
    '    import pandas_gbq',
    "ModuleNotFoundError: No module named 'pandas_gbq'",
    '[2024-07-08T07:30:05.000+0000] {{dagbag.py:538}} INFO - Filling up the DagBag',
    'free text line',
  ].join('\n')

  it('groups a traceback with its header', () => {
    const records = groupRecords(text)
    expect(records).toHaveLength(3)
    expect(records[0]).toContain('ModuleNotFoundError')
    expect(records[0]!.split('\n')).toHaveLength(5)
  })

  it('classifies the whole record once, with the header time and the matching line as evidence', () => {
    const c = new Classifier()
    c.scanText(text, {kind: 'dag-processing', logGroup: 'airflow-x-DAGProcessing', stream: 'scheduler_a.py.log'})
    const agg = c.aggregates.get('module-not-found')!
    expect(agg.count).toBe(1)
    expect(agg.firstSeen).toBe(T)
    expect(agg.occurrences[0]!.line).toBe("ModuleNotFoundError: No module named 'pandas_gbq'")
    expect(agg.occurrences[0]!.captures[1]).toBe('pandas_gbq')
  })

  it('joins CloudWatch events of one stream so a traceback split over events stays one record', () => {
    const c = new Classifier()
    const events = text.split('\n').map((message, i) => ({logGroup: 'g', message, stream: 's', timestamp: 1000 + i}))
    c.scanEvents(events, 'dag-processing')
    expect(c.totals.events).toBe(7)
    expect(c.aggregates.get('module-not-found')?.count).toBe(1)
  })

  it('uses the event time when the line has none', () => {
    const c = new Classifier()
    c.scanEvents(
      [
        {
          logGroup: 'g',
          message: '[WARNING] - ERROR: ResolutionImpossible: for help visit …',
          stream: 'requirements_install_ip_1.log',
          timestamp: 42_000,
        },
      ],
      'worker',
    )
    expect(c.aggregates.get('pip-resolution-impossible')?.firstSeen).toBe(42_000)
  })

  it('stops at an empty first line when walking back from a hit', () => {
    const c = new Classifier()
    c.scanText("\nTraceback (most recent call last):\nModuleNotFoundError: No module named 'x'", {
      kind: 'task',
      logGroup: 'g',
      stream: 's',
    })
    expect(c.aggregates.get('module-not-found')?.occurrences[0]?.line).toBe("ModuleNotFoundError: No module named 'x'")
  })

  it('suppresses known noise', () => {
    const c = new Classifier()
    c.scanText(
      [
        "[2024-07-08T07:30:04.511+0000] {{scheduler_job_runner.py:1600}} INFO - Finding 'running' jobs without a recent heartbeat",
        '[INFO] - [notice] A new release of pip is available: 24.0 -> 24.3.1',
        '[2024-07-08T07:30:04.511+0000] {{app.py:1}} INFO - "GET /health HTTP/1.1" 504 - "ELB-HealthChecker/2.0" upstream ReadTimeout',
        'The basic metric validator will be deprecated',
      ].join('\n'),
      {kind: 'scheduler', logGroup: 'g', stream: 's'},
    )
    expect(c.aggregates.size).toBe(0)
    // The health check holds a network-timeout keyword and the zombie check the `heartbeat` anchor of
    // the prefilter: both are dropped as noise, not classified.
    expect(c.totals.suppressed).toBe(2)
  })

  it('drops records outside the window', () => {
    const c = new Classifier({window: {end: T - 1, start: T - 60_000}})
    c.scanText('[2024-07-08T07:30:04.511+0000] {{x.py:1}} ERROR - Received SIGTERM. Terminating subprocesses.', {
      kind: 'task',
      logGroup: 'g',
      stream: 's',
    })
    expect(c.aggregates.size).toBe(0)
  })
})

describe('line shapes of pasted logs', () => {
  it('strips what console copies put in front of a line', () => {
    expect(stripLinePrefix('airflow-scheduler-1  | [2025-01-10T08:00:00.000+0000] {x.py:1} INFO - hi')).toBe(
      '[2025-01-10T08:00:00.000+0000] {x.py:1} INFO - hi',
    )
    expect(stripLinePrefix('webserver_1  |   File "/opt/airflow/dags/a.py", line 3, in <module>')).toBe(
      '  File "/opt/airflow/dags/a.py", line 3, in <module>',
    )
    expect(stripLinePrefix('| psycopg2.OperationalError: server closed the connection unexpectedly')).toBe(
      'psycopg2.OperationalError: server closed the connection unexpectedly',
    )
    expect(stripLinePrefix('2025-01-10 08:00:00.000 | Scheduler 1 | {x.py:1} INFO - adopted 3 tasks')).toBe(
      '{x.py:1} INFO - adopted 3 tasks',
    )
    expect(stripLinePrefix('> botocore.exceptions.ClientError: boom')).toBe('botocore.exceptions.ClientError: boom')
    expect(stripLinePrefix('[2025-01-10 08:00:00,000] {x.py:1} INFO - a | b')).toBe(
      '[2025-01-10 08:00:00,000] {x.py:1} INFO - a | b',
    )
  })

  it('reads headers with an empty timestamp, no timestamp, or a zone name', () => {
    expect(parseHeader('[] {scheduler_job.py:1315} ERROR - Exception when executing SchedulerJob')).toMatchObject({
      level: 'ERROR',
      logger: 'scheduler_job.py:1315',
      shape: 'airflow',
      timestamp: undefined,
    })
    expect(parseHeader('{local_task_job.py:78} ERROR - Received SIGTERM')).toMatchObject({
      level: 'ERROR',
      message: 'Received SIGTERM',
      timestamp: undefined,
    })
    // A named zone other than UTC is ambiguous (IST is India or Ireland): the time is unknown.
    expect(parseHeader('[2025-02-15, 20:58:20 IST] {timeout.py:68} ERROR - Process timed out, PID: 11')).toMatchObject({
      level: 'ERROR',
      timestamp: undefined,
    })
    expect(parseHeader('[2025-02-15, 20:58:20 +03] {x.py:1} WARNING - late')?.timestamp).toBe(
      Date.UTC(2025, 1, 15, 17, 58, 20),
    )
  })

  it('keeps a prefixed traceback together as one record', () => {
    expect(isContinuation('webserver_1  |   File "/opt/airflow/dags/a.py", line 3, in <module>')).toBe(true)
    expect(isContinuation("webserver_1  | KeyError: 'Variable env does not exist'")).toBe(true)
    expect(isContinuation('File "/usr/lib/python3.6/subprocess.py", line 291, in check_call')).toBe(true)
    expect(isContinuation('webserver_1  | [2025-01-10 08:00:00,000] {x.py:1} INFO - hi')).toBe(false)
  })
})

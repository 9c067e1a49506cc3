import {describe, expect, it} from 'vitest'

import type {GroupKind} from '../../../src/lib/mwaa/types.js'

import {Classifier} from '../../../src/lib/mwaa/classify.js'
import {buildFindings} from '../../../src/lib/mwaa/rank.js'

type Part = {kind: GroupKind; stream: string; text: string}

function rank(parts: Part[], missingTask?: Parameters<typeof buildFindings>[0]['missingTask']) {
  const c = new Classifier()
  for (const p of parts) c.scanText(p.text, {kind: p.kind, logGroup: `airflow-x-${p.kind}`, stream: p.stream})
  return buildFindings({aggregates: c.aggregates, missingTask, signals: c.signals})
}

const at = (min: number): string => `[2026-11-22T05:${String(min).padStart(2, '0')}:00.000+0000]`

describe('ranking causes, not counts', () => {
  it('puts a requirements install failure above the missing modules it explains, even when they are more numerous', () => {
    const findings = rank([
      {
        kind: 'dag-processing',
        stream: 'scheduler_a.py.log',
        text: Array.from(
          {length: 5},
          (_, i) =>
            `${at(i)} {{dagbag.py:1}} ERROR - Failed to import: /dags/a${i}.py\nModuleNotFoundError: No module named 'pandas_gbq'`,
        ).join('\n'),
      },
      {
        kind: 'worker',
        stream: 'requirements_install_ip_1.log',
        text: '[WARNING] - ERROR: Cannot install pandas-gbq==0.24.0 and google-auth==1.35.0 because these package versions have conflicting dependencies.',
      },
    ])
    expect(findings.map((f) => f.rule)).toEqual(['pip-resolution-impossible', 'module-not-found'])
    expect(findings[0]!.confidence).toBe(0.99)
    expect(findings[0]!.cause).toMatch(/explains the python module not found finding \(5×: pandas_gbq\)/)
    expect(findings[1]!.count).toBe(5)
    expect(findings[1]!.cause).toMatch(/Linked cause: requirements\.txt failed to install/)
  })

  it('links tasks that finished while queued to worker loss', () => {
    const findings = rank([
      {
        kind: 'scheduler',
        stream: 's',
        text: `${at(41)} {{x.py:1}} ERROR - Executor reports task instance <TaskInstance: a.b r [queued]> finished (failed) although the task says it's queued. (Info: None)`,
      },
      {
        kind: 'worker',
        stream: 'w',
        text: '[2026-11-22 05:40:03,512: ERROR/MainProcess] [ERROR] - Worker was not shutdown via expected methods and some tasks were interrupted.',
      },
    ])
    expect(findings.map((f) => f.rule)).toEqual(['worker-interrupted', 'executor-reports-queued'])
    expect(findings[1]!.cause).toMatch(/Linked cause: worker loss at 2026-11-22T05:40:03\.512Z/)
  })

  it('does not link events hours apart', () => {
    const findings = rank([
      {
        kind: 'scheduler',
        stream: 's',
        text: `[2026-11-22T09:41:00.000+0000] {{x.py:1}} ERROR - Executor reports task instance <TaskInstance: a.b r [queued]> finished (failed) although the task says it's queued.`,
      },
      {
        kind: 'worker',
        stream: 'w',
        text: '[2026-11-22 05:40:03,512: ERROR/MainProcess] Worker was not shutdown via expected methods',
      },
    ])
    expect(findings.find((f) => f.rule === 'executor-reports-queued')!.cause).not.toMatch(/Linked cause/)
  })

  it('does not blame a person for a state set externally: it lists the known causes when no line says which', () => {
    const findings = rank([
      {
        kind: 'task',
        stream: 't',
        text: `${at(10)} {{local_task_job.py:1}} WARNING - State of this instance has been externally set to up_for_retry. Terminating instance.\n${at(10)} {{taskinstance.py:1}} ERROR - Received SIGTERM. Terminating subprocesses.`,
      },
    ])
    expect(findings.map((f) => f.rule).sort()).toEqual(['state-changed-externally', 'task-sigterm'])
    const sigterm = findings.find((f) => f.rule === 'task-sigterm')!
    expect(sigterm.cause).toMatch(/set to up_for_retry outside the task/)
    expect(sigterm.cause).toMatch(/Known causes.*missed heartbeats.*dagrun_timeout.*scaled in.*UI or API/)
    expect(sigterm.cause).not.toMatch(/someone marked/i)
    expect(sigterm.confidence).toBe(0.5)
    expect(sigterm.evidence.some((e) => e.line.includes('externally set'))).toBe(true)
  })

  it('ranks missed heartbeats first when a zombie was detected at the same time', () => {
    const findings = rank([
      {
        kind: 'task',
        stream: 't',
        text: `${at(10)} {{local_task_job.py:1}} WARNING - State of this instance has been externally set to up_for_retry. Terminating instance.\n${at(10)} {{taskinstance.py:1}} ERROR - Received SIGTERM. Terminating subprocesses.`,
      },
      {
        kind: 'scheduler',
        stream: 's',
        text: `${at(9)} {{scheduler_job_runner.py:1}} WARNING - Failing (1) jobs without heartbeat after 2026-11-22 05:04:00+00:00`,
      },
    ])
    expect(findings[0]!.category).toBe('zombie-task')
    const sigterm = findings.find((f) => f.rule === 'task-sigterm')!
    expect(sigterm.cause).toMatch(/Explained by: the scheduler failed the task after missed heartbeats/)
  })

  it('calls a SIGTERM right after the task succeeded an Airflow behaviour, not a failure', () => {
    const findings = rank([
      {
        kind: 'task',
        stream: 't',
        text: `${at(10)} {{taskinstance.py:1}} INFO - Marking task as SUCCESS. dag_id=etl, task_id=load\n${at(10)} {{local_task_job.py:1}} WARNING - State of this instance has been externally set to success. Terminating instance.\n${at(10)} {{taskinstance.py:1}} ERROR - Received SIGTERM. Terminating subprocesses.`,
      },
    ])
    const sigterm = findings.find((f) => f.category === 'sigterm' && f.rule !== 'state-changed-externally')!
    expect(sigterm.rule).toBe('sigterm-after-success')
    expect(sigterm.severity).toBe('warning')
    expect(sigterm.title).toMatch(/after the task succeeded/)
    expect(sigterm.cause).toMatch(/nothing needs fixing/)
  })

  it('explains SIGTERM by a worker warm shutdown at the same time', () => {
    const findings = rank([
      {
        kind: 'task',
        stream: 't',
        text: `${at(10)} {{taskinstance.py:1}} ERROR - Received SIGTERM. Terminating subprocesses.`,
      },
      {
        kind: 'worker',
        stream: 'w',
        text: '[2026-11-22 05:09:30,000: INFO/MainProcess] worker: Warm shutdown (MainProcess)',
      },
    ])
    expect(findings[0]!.cause).toMatch(/Warm shutdown.*autoscaling removed it/)
  })

  it('explains SIGTERM by OOM and ranks the OOM first', () => {
    const findings = rank([
      {
        kind: 'task',
        stream: 't1',
        text: `${at(10)} {{taskinstance.py:1}} ERROR - Received SIGTERM. Terminating subprocesses.`,
      },
      {
        kind: 'task',
        stream: 't2',
        text: `${at(9)} {{local_task_job_runner.py:228}} INFO - Task exited with return code -9`,
      },
    ])
    expect(findings.map((f) => f.rule)).toEqual(['task-sigkill', 'task-sigterm'])
    expect(findings[1]!.cause).toMatch(/memory pressure/)
  })

  it('explains a SIGTERM after the running task was set to skipped by a dagrun_timeout, and ranks that first', () => {
    const findings = rank([
      {
        kind: 'task',
        stream: 'dag_id=etl/run_id=r/task_id=load/attempt=1.log',
        text: [
          `${at(30)} {{local_task_job_runner.py:302}} WARNING - State of this instance has been externally set to skipped. Terminating instance.`,
          `${at(30)} {{process_utils.py:100}} INFO - Sending Signals.SIGTERM to GPID 812`,
          `${at(30)} {{taskinstance.py:1284}} ERROR - Received SIGTERM. Terminating subprocesses.`,
        ].join('\n'),
      },
    ])
    expect(findings.map((f) => f.rule)).toEqual(['dagrun-timeout-skipped', 'task-sigterm'])
    expect(findings[1]!.cause).toMatch(/Explained by: the DAG run hit its dagrun_timeout/)
    expect(findings[1]!.cause).not.toMatch(/marked|UI or API\.$/)
  })

  it('does not call a SIGKILL that Airflow 3 sent itself an out-of-memory kill', () => {
    const findings = rank([
      {
        kind: 'task',
        stream: 't',
        text: '2026-03-25 10:31:31 [warning  ] Process did not terminate in time; escalating [supervisor] signal=SIGTERM\n2026-03-25 10:31:36 [info     ] Process exited [supervisor] exit_code=<Negsignal.SIGKILL: -9> pid=4242 signal_sent=SIGKILL',
      },
    ])
    expect(findings.map((f) => f.category)).not.toContain('oom-sigkill')
  })

  it('reads a DAG processor killed after its timeout as a parse timeout, not as out of memory', () => {
    const findings = rank([
      {
        kind: 'unknown',
        stream: 'pasted',
        text: 'Processor for /opt/airflow/dags/big_dag.py with PID 4410 started at 2020-05-02T02:59:00+00:00 has timed out, killing it\nProcessor for /opt/airflow/dags/big_dag.py exited with return code -9',
      },
    ])
    expect(findings.map((f) => f.category)).toEqual(['dagbag-import-timeout', 'dagbag-import-timeout'])
    expect(findings.map((f) => f.rule).sort()).toEqual(['dag-processor-killed-after-timeout', 'dag-processor-timeout'])
  })

  it('ranks an unreachable Celery broker above the tasks that ended while queued', () => {
    const findings = rank([
      {
        kind: 'scheduler',
        stream: 's',
        text: `${at(41)} {{x.py:1}} ERROR - Executor reports task instance <TaskInstance: a.b r [queued]> finished (failed) although the task says it's queued. (Info: None) Was the task killed externally?`,
      },
      {
        kind: 'worker',
        stream: 'w',
        text: '[2026-11-22 05:40:03,512: ERROR/MainProcess] consumer: Cannot connect to redis://redis:6379/0: Error 111 connecting to redis:6379. Connection refused..',
      },
    ])
    expect(findings.map((f) => f.rule)).toEqual(['celery-broker-unreachable', 'executor-reports-queued'])
    expect(findings[1]!.cause).toMatch(/Linked cause: the Celery broker was unreachable at 2026-11-22T05:40:03\.512Z/)
  })

  it('says when nothing explains a SIGTERM and lowers confidence', () => {
    const findings = rank([
      {
        kind: 'task',
        stream: 't',
        text: `${at(10)} {{taskinstance.py:1}} ERROR - Received SIGTERM. Terminating subprocesses.`,
      },
    ])
    expect(findings[0]!.confidence).toBe(0.5)
    expect(findings[0]!.cause).toMatch(/No line here says why/)
  })

  it('treats database errors as a symptom of a scheduler that stopped heartbeating', () => {
    const findings = rank([
      {
        kind: 'scheduler',
        stream: 's',
        text: Array.from(
          {length: 4},
          () =>
            `${at(5)} {{x.py:1}} ERROR - sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) server closed the connection unexpectedly`,
        ).join('\n'),
      },
      {
        kind: 'webserver',
        stream: 'w',
        text: 'The scheduler does not appear to be running. Last heartbeat was received 3 hours ago.',
      },
    ])
    expect(findings.map((f) => f.rule)).toEqual(['scheduler-not-running', 'metadata-db-connection'])
  })

  it('turns a missing task stream into a finding with the explanations that fit', () => {
    const findings = rank(
      [
        {
          kind: 'worker',
          stream: 'w',
          text: '[ERROR] - Worker was not shutdown via expected methods and some tasks were interrupted.',
        },
      ],
      {
        prefixes: ['dag_id=etl/run_id=r/task_id=t/', 'etl/t/'],
        ref: {dag: 'etl', run: 'r', task: 't', tryNumber: 1},
      },
    )
    const missing = findings.find((f) => f.rule === 'no-task-log-stream')!
    expect(missing).toMatchObject({category: 'remote-log-unavailable', count: 1, evidence: [], severity: 'error'})
    expect(missing.cause).toMatch(
      /No task log stream exists for dag etl, run r, task t, try 1: the task never ran on a worker/,
    )
    expect(missing.cause).toMatch(/lost or scaled in/)
    expect(missing.fix[0]).toBe('Looked for streams starting with: dag_id=etl/run_id=r/task_id=t/, etl/t/.')
  })

  it('keeps evidence bounded and distinct', () => {
    const findings = rank([
      {
        kind: 'task',
        stream: 't',
        text: Array.from(
          {length: 50},
          (_, i) => `${at(i % 60)} {{x.py:1}} INFO - Task exited with return code -9`,
        ).join('\n'),
      },
    ])
    expect(findings[0]!.count).toBe(50)
    expect(findings[0]!.evidence.length).toBeLessThanOrEqual(5)
  })
})

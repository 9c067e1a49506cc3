import {describe, expect, it} from 'vitest'

import {Classifier} from '../../../src/lib/mwaa/classify.js'
import {unclassifiedFindings} from '../../../src/lib/mwaa/rank.js'
import {isErrorRecord, summariseError} from '../../../src/lib/mwaa/unclassified.js'

function scan(text: string): Classifier {
  const c = new Classifier()
  c.scanText(text, {kind: 'unknown', logGroup: 'pasted', stream: 'pasted'})
  return c
}

/** A task's output line as Airflow 1.10–2.1 relayed it through the task runner's own log. */
function relay(line: string): string {
  return `[2025-02-03, 10:00:00 UTC] {base_task_runner.py:121} INFO - Job 812: Subtask load_orders ${line}`
}

describe('errors no rule knows', () => {
  it('names the exception of the last traceback line and the frame that raised it', () => {
    const record = [
      '[2025-02-03, 10:00:00 UTC] {taskinstance.py:2905} ERROR - Task failed with exception',
      'Traceback (most recent call last):',
      '  File "/usr/local/airflow/dags/orders.py", line 41, in load',
      '    rows = payload["items"]',
      '  File "/usr/local/airflow/dags/helpers.py", line 12, in parse',
      '    raise ValueError("empty payload for 2025-02-02")',
      'ValueError: empty payload for 2025-02-02',
    ].join('\n')
    expect(summariseError(record)).toEqual({
      message: 'empty payload for 2025-02-02',
      raisedAt: '/usr/local/airflow/dags/helpers.py:12',
      type: 'ValueError',
    })
  })

  it('reads exc_type / exc_value of an Airflow 3 event even when the JSON line was wrapped', () => {
    const record =
      '{"level":"error","event":"Task failed","error_detail":[{"exc_type":"KeyError","exc_value":"\'region\'",\n "frames":[]}]'
    expect(summariseError(record)).toMatchObject({message: "'region'", type: 'KeyError'})
  })

  it('treats ERROR/CRITICAL levels, tracebacks and exception lines as errors, and INFO text as not', () => {
    expect(isErrorRecord('[2025-02-03 10:00:00,000] {x.py:1} ERROR - copy failed', undefined)).toBe(true)
    expect(isErrorRecord('CRITICAL - worker gave up', undefined)).toBe(true)
    expect(isErrorRecord('Traceback (most recent call last):\n  File "a.py", line 1', undefined)).toBe(true)
    expect(isErrorRecord('botocore.exceptions.NoRegionError: You must specify a region.', undefined)).toBe(true)
    expect(
      isErrorRecord('{local_task_job.py:102} INFO - Task exited with return code Negsignal.SIGABRT', undefined),
    ).toBe(true)
    expect(isErrorRecord('[2025-02-03 10:00:00,000] {x.py:1} INFO - copied 10 rows', undefined)).toBe(false)
    expect(isErrorRecord('INFO - error_rate metric is 0', undefined)).toBe(false)
  })

  it('reports an unclassified-error finding instead of nothing when no rule matches', () => {
    const c = scan(
      [
        'webserver_1  | Traceback (most recent call last):',
        'webserver_1  |   File "/opt/airflow/dags/report.py", line 7, in weekly_report',
        'webserver_1  |     build_report(date)',
        "webserver_1  | TypeError: build_report() missing 1 required positional argument: 'region'",
      ].join('\n'),
    )
    expect(c.aggregates.size).toBe(0)
    const findings = unclassifiedFindings(c.unclassified)
    expect(findings).toHaveLength(1)
    expect(findings[0]).toMatchObject({category: 'unclassified-error', rule: 'unclassified-error', severity: 'error'})
    expect(findings[0]!.title).toBe('Unclassified error: TypeError')
    expect(findings[0]!.cause).toMatch(
      /missing 1 required positional argument: 'region' \(raised at \/opt\/airflow\/dags\/report.py:7\)/,
    )
    // The evidence keeps the line as it was pasted, console prefix included.
    expect(findings[0]!.evidence[0]!.line).toMatch(/^webserver_1 {2}\| Traceback/)
  })

  it('reads an Airflow 2 json_format record (levelname, message, exc_text) as an error record', () => {
    const c = scan(
      '{"asctime": "2025-02-03 10:00:00,000", "filename": "taskinstance.py", "lineno": 1500, "levelname": "ERROR", "message": "bash ./load.sh", "dag_id": "orders"}',
    )
    const findings = unclassifiedFindings(c.unclassified)
    expect(findings).toHaveLength(1)
    expect(findings[0]!.cause).toMatch(/bash \.\/load\.sh/)
    expect(findings[0]!.evidence[0]!.timestamp).toBe('2025-02-03T10:00:00.000Z')
  })

  it('finds an Airflow 3 event logged at level critical (the prefilter must not skip it)', () => {
    const c = scan(
      '{"timestamp":"2025-02-03T10:00:00.000000Z","level":"critical","event":"Task runner gave up","logger":"task"}',
    )
    expect(unclassifiedFindings(c.unclassified).map((f) => f.category)).toEqual(['unclassified-error'])
  })

  it('reads a traceback relayed line by line as `Job N: Subtask TASK` output as one record', () => {
    const c = scan(
      [
        relay('Traceback (most recent call last):'),
        relay('  File "/opt/airflow/dags/orders.py", line 14, in load'),
        relay('    rows = fetch()'),
        relay('ZeroDivisionError: division by zero'),
        '[2025-02-03, 10:00:01 UTC] {local_task_job.py:102} INFO - Task exited with return code 1',
      ].join('\n'),
    )
    const findings = unclassifiedFindings(c.unclassified)
    expect(findings).toHaveLength(1)
    expect(findings[0]!.title).toBe('Unclassified error: ZeroDivisionError')
    expect(findings[0]!.cause).toMatch(/orders\.py:14/)
  })

  it('reports a failed AWS call whose error code no rule knows, with the operation and the code', () => {
    const c = scan(
      'The load step fails with: `An error occurred (ValidationException) when calling the StartJobRun operation: Job name etl-orders is unknown.`',
    )
    expect(c.aggregates.size).toBe(0)
    const findings = unclassifiedFindings(c.unclassified)
    expect(findings).toHaveLength(1)
    expect(findings[0]!.title).toBe('Unclassified error: AWS StartJobRun failed (ValidationException)')
    expect(findings[0]!.cause).toMatch(/Job name etl-orders is unknown\./)
  })

  it('reads an exception line quoted in Markdown (bold, backticks, quotes) as an error', () => {
    expect(
      isErrorRecord('"**botocore.errorfactory.ResourceNotFoundException: stream orders not found**"', undefined),
    ).toBe(true)
    expect(summariseError('> `ValueError: empty payload for 2025-02-02`')).toMatchObject({
      message: 'empty payload for 2025-02-02',
      type: 'ValueError',
    })
    // Prose that only mentions an error class is not an exception line.
    expect(isErrorRecord('We saw a ValueError yesterday, it went away after a retry', undefined)).toBe(false)
  })

  it('reports a traceback pasted without its header and its exception line, naming its last frame', () => {
    const text = [
      '  File "/opt/airflow/plugins/export/runner.py", line 88, in run',
      '    result = self.client.fetch(batch)',
      '  File "/opt/airflow/plugins/export/client.py", line 23, in fetch',
      '    return self.session.get(url, timeout=5)',
    ].join('\n')
    const findings = unclassifiedFindings(scan(text).unclassified)
    expect(findings).toHaveLength(1)
    expect(findings[0]!.cause).toMatch(/exception line was not included/)
    expect(findings[0]!.cause).toMatch(/raised at \/opt\/airflow\/plugins\/export\/client\.py:23/)
    // One frame alone is not enough to call it a traceback.
    expect(isErrorRecord('  File "/opt/airflow/dags/etl.py", line 3, in <module>', undefined)).toBe(false)
  })

  it('finds nothing in a log of INFO lines', () => {
    const c = scan(
      '[2025-02-03 10:00:00,000] {x.py:1} INFO - copied 10 rows\n[2025-02-03 10:00:01,000] {x.py:2} INFO - done',
    )
    expect(unclassifiedFindings(c.unclassified)).toEqual([])
  })

  it('reports a Bash task whose command failed (logged at INFO) with what the exit status means', () => {
    const c = scan(
      [
        '[2025-02-03, 10:00:00 UTC] {subprocess.py:86} INFO - Running command: ["bash", "-c", "dbt run --select orders"]',
        '[2025-02-03, 10:00:00 UTC] {subprocess.py:97} INFO - bash: dbt: command not found',
        '[2025-02-03, 10:00:00 UTC] {subprocess.py:104} INFO - Command exited with return code 127',
      ].join('\n'),
    )
    const findings = unclassifiedFindings(c.unclassified)
    expect(findings).toHaveLength(1)
    expect(findings[0]!.title).toBe('Unclassified error: Bash command failed')
    expect(findings[0]!.cause).toMatch(/exit status 127: command not found/)
  })

  it('does not take a Bash command that exited 0, or an INFO line about errors, for an error', () => {
    const c = scan(
      [
        '[2025-02-03, 10:00:00 UTC] {subprocess.py:104} INFO - Command exited with return code 0',
        '[2025-02-03, 10:00:00 UTC] {x.py:1} INFO - Error rate of the last batch: 0.0 %',
      ].join('\n'),
    )
    expect(unclassifiedFindings(c.unclassified)).toEqual([])
  })

  it('treats a bare `Error:` message as an error, also after what failed', () => {
    expect(isErrorRecord('Readiness check failed: Error: no worker answered within 10 s', undefined)).toBe(true)
    expect(isErrorRecord('Error: the DAGs folder is not readable', undefined)).toBe(true)
    expect(isErrorRecord('[2025-02-03, 10:00:00 UTC] {x.py:1} INFO - Error: quota reached', undefined)).toBe(true)
    expect(isErrorRecord('[2025-02-03, 10:00:00 UTC] {x.py:1} INFO - Errors: none', undefined)).toBe(false)
  })
})

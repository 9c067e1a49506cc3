import fc from 'fast-check'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {mkdir} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {Readable} from 'node:stream'
import {gzipSync} from 'node:zlib'
import {beforeEach, describe, expect, it} from 'vitest'

import {Classifier} from '../../../src/lib/mwaa/classify.js'
import {
  detectFormat,
  parseConsoleCopy,
  parseRetrievalExport,
  recordCut,
  scanLocalInputs,
} from '../../../src/lib/mwaa/input.js'

const SIGKILL = '[2024-07-08T07:30:04.511+0000] {{local_task_job_runner.py:228}} INFO - Task exited with return code -9'
const noStdin = Readable.from([])

let dir: string
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'mwaa-input-'))
})

async function scan(paths: string[], stdin: NodeJS.ReadableStream = noStdin) {
  const c = new Classifier()
  const summary = await scanLocalInputs(paths, c, {stdin})
  return {c, summary}
}

describe('offline inputs', () => {
  it('reads an exported folder, taking group and stream names from the path', async () => {
    const stream = 'dag_id=etl/run_id=scheduled__2024-07-08T07_00_00+00_00/task_id=load/attempt=1.log'
    const file = path.join(dir, 'airflow-prod-Task', ...stream.split('/'))
    await mkdir(path.dirname(file), {recursive: true})
    writeFileSync(file, `${SIGKILL}\n`)
    const {c, summary} = await scan([dir])
    const occ = c.aggregates.get('task-sigkill')!.occurrences[0]!
    expect(occ).toMatchObject({kind: 'task', logGroup: 'airflow-prod-Task', stream})
    expect([...summary.groups]).toEqual(['airflow-prod-Task'])
    expect(c.totals).toMatchObject({bytes: SIGKILL.length + 1, events: 1})
  })

  it('reads aws logs filter-log-events JSON with stream names per event', async () => {
    const file = path.join(dir, 'airflow-prod-Scheduler.json')
    writeFileSync(
      file,
      JSON.stringify(
        {
          events: [
            {
              logStreamName: 'scheduler_ip-1_1.log',
              message: '[2024-07-08T07:30:04.511+0000] {{x.py:1}} INFO - fine',
              timestamp: 1,
            },
            {
              logStreamName: 'scheduler_ip-1_1.log',
              message: '[2024-07-08T07:30:04.511+0000] {{x.py:1}} ERROR - could not queue task etl.load',
              timestamp: 2,
            },
          ],
          searchedLogStreams: [],
        },
        null,
        2,
      ),
    )
    const {c, summary} = await scan([file])
    expect(c.aggregates.get('could-not-queue-task')?.occurrences[0]).toMatchObject({
      kind: 'scheduler',
      logGroup: 'airflow-prod-Scheduler.json',
      stream: 'scheduler_ip-1_1.log',
    })
    expect(c.totals.events).toBe(2)
    expect(summary.streams.get('airflow-prod-Scheduler.json')?.size).toBe(1)
  })

  it('reads get-log-events JSON (no stream names: the file is the stream)', async () => {
    const file = path.join(dir, 'attempt=1.log.json')
    writeFileSync(
      file,
      JSON.stringify({
        events: [{ingestionTime: 5, message: SIGKILL, timestamp: 5}],
        nextBackwardToken: 'b/1',
        nextForwardToken: 'f/1',
      }),
    )
    const {c} = await scan([file])
    expect(c.aggregates.get('task-sigkill')?.occurrences[0]?.stream).toBe('attempt=1.log.json')
  })

  it('reads JSON lines of CloudWatch events', async () => {
    const file = path.join(dir, 'events.jsonl')
    writeFileSync(
      file,
      `${JSON.stringify({logStreamName: 's1', message: SIGKILL, timestamp: 9})}\n${JSON.stringify({logStreamName: 's1', message: 'ok', timestamp: 10})}\n`,
    )
    const {c} = await scan([file])
    expect(c.aggregates.get('task-sigkill')?.count).toBe(1)
    expect(c.totals.events).toBe(2)
  })

  it('reads Airflow 3 JSON task logs as plain lines', async () => {
    const file = path.join(dir, 'attempt=1.log')

    writeFileSync(
      file,
      `${JSON.stringify({event: 'Task started', level: 'info', timestamp: '2024-07-08T07:30:00Z'})}\n${JSON.stringify({error_detail: [{exc_type: 'ModuleNotFoundError', exc_value: "No module named 'x'"}], event: 'Task failed with exception', level: 'error', timestamp: '2024-07-08T07:30:04.511Z'})}\n`,
    )
    const {c} = await scan([file])
    expect(c.aggregates.get('module-not-found')?.firstSeen).toBe(Date.UTC(2024, 6, 8, 7, 30, 4, 511))
  })

  it('reads CloudWatch console copies, including multi-line messages', () => {
    const text =
      '  | 2025-02-10T21:25:06.370+08:00 | The user requested pymongo==3.12.0\n  | 2025-02-10T21:25:07.000+08:00 | Traceback (most recent call last):\n      File "x.py", line 1\n'
    expect(detectFormat(text)).toBe('console')
    const events = parseConsoleCopy(text, {group: 'g', stream: 's'})
    expect(events).toHaveLength(2)
    expect(events[0]).toEqual({
      logGroup: 'g',
      message: 'The user requested pymongo==3.12.0',
      stream: 's',
      timestamp: Date.UTC(2025, 1, 10, 13, 25, 6, 370),
    })
    expect(events[1]!.message).toBe('Traceback (most recent call last):\n      File "x.py", line 1')
  })

  it('reads AWS Support mwaa_log_retrieval exports', async () => {
    const text = [
      'Log Group: airflow-prod-Worker',
      'Time Range: 2024-07-08 07:00:00 UTC to 2024-07-08 08:00:00 UTC',
      '='.repeat(80),
      '',
      'Timestamp: 2024-07-08 07:30:04.511000 UTC',
      'Stream: requirements_install_ip-10-0-1-1_1.log',
      'Message:',
      '[WARNING] - ERROR: ResolutionImpossible: for help visit https://pip.pypa.io',
      '-'.repeat(80),
      '',
    ].join('\n')
    expect(detectFormat(text)).toBe('retrieval')
    expect(parseRetrievalExport(text, {group: 'x', stream: 'y'})).toEqual([
      {
        logGroup: 'airflow-prod-Worker',
        message: '[WARNING] - ERROR: ResolutionImpossible: for help visit https://pip.pypa.io',
        stream: 'requirements_install_ip-10-0-1-1_1.log',
        timestamp: Date.UTC(2024, 6, 8, 7, 30, 4, 511),
      },
    ])
    const file = path.join(dir, 'export.txt')
    writeFileSync(file, text)
    const {c, summary} = await scan([file])
    expect(c.aggregates.get('pip-resolution-impossible')?.occurrences[0]).toMatchObject({
      kind: 'worker',
      logGroup: 'airflow-prod-Worker',
    })
    expect([...summary.groups]).toEqual(['airflow-prod-Worker'])
  })

  it('decompresses gzip files (CloudWatch export objects)', async () => {
    const file = path.join(dir, '000000.gz')
    writeFileSync(file, gzipSync(`2024-07-08T07:30:04.511Z ${SIGKILL}\n`))
    const {c} = await scan([file])
    expect(c.aggregates.get('task-sigkill')?.count).toBe(1)
  })

  it('reads a pasted log that starts with [] or {file.py:N} as text, not as CloudWatch JSON', async () => {
    expect(detectFormat('[] {scheduler_job.py:1315} ERROR - Exception when executing SchedulerJob\n')).toBe('plain')
    expect(detectFormat('{local_task_job.py:78} ERROR - Received SIGTERM. Terminating subprocesses\n')).toBe('plain')
    // Airflow 2's json_format log records hold "message" too: they are log lines, not CloudWatch events.
    expect(
      detectFormat('{"asctime": "2025-02-03 10:00:00,000", "levelname": "ERROR", "message": "copy failed"}\n'),
    ).toBe('plain')
    expect(detectFormat('[]')).toBe('cloudwatch-json')
    expect(detectFormat('[\n  {"timestamp": 1, "message": "x"}\n]')).toBe('cloudwatch-json')
    expect(detectFormat('{\n  "events": []\n}')).toBe('cloudwatch-json')
    const file = path.join(dir, 'pasted.log')
    writeFileSync(
      file,
      '{local_task_job.py:78} ERROR - Received SIGTERM. Terminating subprocesses\n[] {scheduler_job.py:1315} ERROR - Exception when executing SchedulerJob._run_scheduler_loop\n| psycopg2.OperationalError: server closed the connection unexpectedly\n',
    )
    const {c} = await scan([file])
    expect([...c.aggregates.keys()].sort()).toEqual(['metadata-db-connection', 'task-sigterm'])
  })

  it('reads text that starts with a bracket as text, not JSON', async () => {
    const c = new Classifier()
    await scanLocalInputs(['-'], c, {
      stdin: Readable.from([
        Buffer.from(
          '[ERROR] Failed to load environment variables from startup script. Please verify your startup script configuration.\n',
        ),
      ]),
    })
    expect([...c.aggregates.keys()]).toEqual(['startup-script-env-load'])
    expect(detectFormat('[\n  {"message": "x", "timestamp": 1}\n]')).toBe('cloudwatch-json')
  })

  it('reads a pasted snippet from stdin', async () => {
    const {c} = await scan(
      ['-'],
      Readable.from([Buffer.from("Broken DAG: [/usr/local/airflow/dags/pg.py] No module named 'psycopg2'\n")]),
    )
    expect(c.aggregates.get('module-not-found')?.occurrences[0]).toMatchObject({
      kind: 'unknown',
      logGroup: 'stdin',
      stream: 'stdin',
    })
  })

  it('carries the last record, even when the block ends inside a line of its traceback', () => {
    const header =
      '[2024-07-08T07:30:05.000+0000] {{x.py:1}} ERROR - boom\nTraceback (most recent call last):\n  File "a.py", line 1\n'
    expect(recordCut(`${SIGKILL}\n${header}Modu`)).toBe(SIGKILL.length + 1)
    expect(recordCut(`${SIGKILL}\n${header}`)).toBe(SIGKILL.length + 1)
    expect(recordCut(`${SIGKILL}\n`)).toBe(0)
    expect(recordCut('no newline yet')).toBe(0)
  })

  it('classifies the same however stdin is cut into chunks (property)', async () => {
    const text = [
      '[2024-07-08T07:30:05.000+0000] {{dagbag.py:1}} ERROR - Failed to import: /dags/a.py',
      'Traceback (most recent call last):',
      '  File "/dags/a.py", line 1',
      "ModuleNotFoundError: No module named 'abc'",
      SIGKILL,
      '[WARNING] - ERROR: ResolutionImpossible: for help visit https://pip.pypa.io',
      '[2024-07-08T07:30:06.000+0000] {{x.py:1}} ERROR - Received SIGTERM. Terminating subprocesses.',
      '',
    ].join('\n')
    const whole = new Classifier()
    await scanLocalInputs(['-'], whole, {stdin: Readable.from([Buffer.from(text)])})
    const expected = [...whole.aggregates.entries()].map(([id, a]) => [id, a.count])
    expect(expected).toEqual([
      ['module-not-found', 1],
      ['task-sigkill', 1],
      ['pip-resolution-impossible', 1],
      ['task-sigterm', 1],
    ])
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(fc.integer({max: text.length - 1, min: 1}), {maxLength: 12}), async (cuts) => {
        const points = [0, ...cuts.sort((a, b) => a - b), text.length]
        const chunks = points.slice(1).map((end, i) => Buffer.from(text.slice(points[i], end)))
        const c = new Classifier()
        await scanLocalInputs(['-'], c, {stdin: Readable.from(chunks)})
        expect([...c.aggregates.entries()].map(([id, a]) => [id, a.count])).toEqual(expected)
        expect(c.totals.events).toBe(7)
      }),
      {numRuns: 150},
    )
  })

  it('keeps a traceback whole across read blocks', () => {
    const text = `${SIGKILL}\n[2024-07-08T07:30:05.000+0000] {{x.py:1}} ERROR - boom\nTraceback (most recent call last):\n  File "a.py", line 1`
    const cut = recordCut(text)
    expect(text.slice(cut)).toBe(
      '[2024-07-08T07:30:05.000+0000] {{x.py:1}} ERROR - boom\nTraceback (most recent call last):\n  File "a.py", line 1',
    )
  })

  it('classifies a large file streamed in blocks the same as a small one', async () => {
    const record =
      '[2024-07-08T07:30:05.000+0000] {{dagbag.py:1}} ERROR - Failed to import: /dags/a.py\nTraceback (most recent call last):\n  File "/dags/a.py", line 1\nModuleNotFoundError: No module named \'abc\'\n'
    const filler =
      '[2024-07-08T07:30:04.511+0000] {{taskinstance.py:1956}} INFO - Dependencies all met for some task with a long line of text\n'
    const parts: string[] = []
    for (let i = 0; i < 200; i++) parts.push(filler.repeat(1000), record)
    const file = path.join(dir, 'big.log')
    writeFileSync(file, parts.join(''))
    const {c} = await scan([file])
    expect(c.aggregates.get('module-not-found')?.count).toBe(200)
    expect(c.totals.events).toBe(200 * 1004)
  })

  it('rejects missing paths, empty folders, binary files and broken JSON with exit 6', async () => {
    await expect(scan([path.join(dir, 'nope.log')])).rejects.toMatchObject({
      exitCode: 6,
      message: expect.stringContaining('no such file or folder'),
    })
    const empty = path.join(dir, 'empty')
    await mkdir(empty)
    await expect(scan([empty])).rejects.toMatchObject({exitCode: 6, message: expect.stringContaining('no log files')})
    const bin = path.join(dir, 'x.bin')
    writeFileSync(bin, Buffer.from([0, 1, 2, 3, 0, 0]))
    await expect(scan([bin])).rejects.toMatchObject({exitCode: 6, message: expect.stringContaining('binary')})
    const json = path.join(dir, 'broken.json')
    writeFileSync(json, '{"events": [')
    await expect(scan([json])).rejects.toMatchObject({exitCode: 6, message: expect.stringContaining('not valid JSON')})
  })
})

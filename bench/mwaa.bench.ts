/**
 * MWAA log triage: classify 1 GiB of generated MWAA-style logs (a mix of every line shape the
 * parser reads, 1 % of lines matching a signature, tracebacks included) with
 * `pipeops mwaa triage --logs FILE --json`, side by side with `grep -E -c -f patterns.txt FILE`
 * given the catalogue's own patterns. Wall time and peak RSS come from /usr/bin/time for both.
 *
 * The file is generated once into bench/.work/ and reused.
 */
import {execFileSync, spawnSync} from 'node:child_process'
import {closeSync, existsSync, mkdirSync, openSync, statSync, writeFileSync, writeSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {testRunContext} from '../src/lib/core/run-context.js'
import {RULES} from '../src/lib/mwaa/catalogue.js'
import {runTriage} from '../src/lib/mwaa/triage.js'
import {alternate, CLI, e2eHeader, e2eRow, ensureBuilt, machineLine, summarise, timeProcess} from './e2e.js'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const WORK = path.join(ROOT, 'bench', '.work')
/** 1 GiB; MWAA_BENCH_BYTES makes a smaller file for a quick check of the benchmark itself. */
const SIZE = Number(process.env.MWAA_BENCH_BYTES ?? 1024 ** 3)
const DATA = path.join(WORK, `mwaa-${SIZE}.log`)
const PATTERNS = path.join(WORK, 'mwaa-patterns.txt')
const GREP_COUNT = path.join(WORK, 'mwaa-grep-count.txt')
const MATCH_RATE = 0.01

/** Deterministic PRNG so every run generates the same file. */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d_2b_79_f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

function ts(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000')
}

const NORMAL: Array<(t: number, n: number) => string> = [
  (t, n) =>
    `[${ts(t)}] {{taskinstance.py:1956}} INFO - Dependencies all met for dep_context=non-requeueable deps ti=<TaskInstance: etl_${n % 40}.load scheduled__2026-11-22T05:00:00+00:00 [queued]>`,
  (t, n) => `[${ts(t)}] {{standard_task_runner.py:57}} INFO - Started process ${n % 65_000} to run task`,
  (t, n) =>
    `[${ts(t)}] {{logging_mixin.py:188}} INFO - Loaded ${n} rows from s3://lake/events/dt=2026-11-22/part-${n % 1000}.parquet`,
  (t) => `[${ts(t)}] {{base.py:84}} INFO - Retrieving connection 'aws_default'`,
  (t) =>
    `[${ts(t)}] {{taskinstance.py:1400}} INFO - Marking task as SUCCESS. dag_id=etl, task_id=load, execution_date=20261122T050000`,
  (t, n) =>
    `[${new Date(t).toISOString().replace('T', ' ').replace('.', ',').slice(0, 23)}: INFO/ForkPoolWorker-${n % 8}] Executing command in Celery: ['airflow', 'tasks', 'run', 'etl', 'load']`,
  (t, n) => `[${ts(t)}] {{scheduler_job_runner.py:411}} INFO - ${n % 16} tasks up for execution`,
  (t) => `[${ts(t)}] {{dagbag.py:538}} INFO - Filling up the DagBag from /usr/local/airflow/dags/etl.py`,
  (_t, n) =>
    `[INFO] - Requirement already satisfied: boto3>=1.28.${n % 50} in /usr/local/airflow/.local/lib/python3.11/site-packages`,
  (t) => `${new Date(t).toISOString()} [info     ] Task finished [airflow.task] loc=taskinstance.py:1200`,
  (t, n) =>
    JSON.stringify({
      event: `Processed batch ${n}`,
      level: 'info',
      logger: 'airflow.task',
      timestamp: new Date(t).toISOString(),
    }),
  (t) => `[${ts(t)}] {{app.py:90}} INFO - 10.0.1.200 - - "GET /health HTTP/1.1" 200 187 "-" "ELB-HealthChecker/2.0"`,
]

const MATCHING: Array<(t: number, n: number) => string> = [
  (t) => `[${ts(t)}] {{local_task_job_runner.py:228}} INFO - Task exited with return code -9`,
  (t) => `[${ts(t)}] {{taskinstance.py:1400}} ERROR - Received SIGTERM. Terminating subprocesses.`,
  (t, n) =>
    `[${ts(t)}] {{dagbag.py:346}} ERROR - Failed to import: /usr/local/airflow/dags/etl_${n % 9}.py\nTraceback (most recent call last):\n  File "/usr/local/airflow/dags/etl.py", line 4, in <module>\n    import pandas_gbq\nModuleNotFoundError: No module named 'pandas_gbq'`,
  () =>
    '[WARNING] - ERROR: Cannot install pandas-gbq==0.24.0 and google-auth==1.35.0 because these package versions have conflicting dependencies.',
  (t) =>
    `[${ts(t)}] {{taskinstance.py:1937}} ERROR - botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the PutObject operation: Access Denied`,
  (t) =>
    `[${ts(t)}] {{scheduler_job_runner.py:771}} ERROR - Executor reports task instance <TaskInstance: etl.load scheduled__x [queued]> finished (failed) although the task says it's queued. (Info: None)`,
  (t) => `[${ts(t)}] {{timeout.py:68}} ERROR - airflow.exceptions.AirflowTaskTimeout: Timeout, PID: 1234`,
  (t) =>
    `[${ts(t)}] {{x.py:1}} ERROR - sqlalchemy.exc.OperationalError: (psycopg2.OperationalError) server closed the connection unexpectedly`,
]

function generate(): void {
  if (existsSync(DATA) && statSync(DATA).size >= SIZE) return
  mkdirSync(WORK, {recursive: true})
  const random = rng(42)
  const fd = openSync(DATA, 'w')
  let written = 0
  let t = Date.UTC(2026, 10, 22, 5)
  let n = 0
  while (written < SIZE) {
    const lines: string[] = []
    let block = 0
    while (block < 4 * 1024 * 1024) {
      t += 7
      n++
      const pool = random() < MATCH_RATE ? MATCHING : NORMAL
      const line = pool[Math.floor(random() * pool.length)]!(t, n)
      lines.push(line)
      block += line.length + 1
    }

    const text = `${lines.join('\n')}\n`
    writeSync(fd, text)
    written += Buffer.byteLength(text)
  }

  closeSync(fd)
}

interface Measured {
  count: string
  /** User + system CPU seconds: on a shared machine, wall time also counts waiting for a core. */
  cpu: number
  rssMb: number
  seconds: number
}

function timed(cmd: string, args: string[]): Measured {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', cmd, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: {...process.env, NODE_ENV: 'production'},
    maxBuffer: 64 * 1024 * 1024,
  })
  const last = r.stderr.trim().split('\n').pop() ?? ''
  const [seconds, kb, user, sys] = last.split(' ').map(Number)
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} failed (${r.status}): ${r.stderr}`)
  return {
    count: r.stdout.trim(),
    cpu: (user ?? 0) + (sys ?? 0),
    rssMb: Math.round((kb ?? 0) / 1024),
    seconds: seconds ?? Number.NaN,
  }
}

export default async function bench(): Promise<void> {
  const started = Date.now()
  generate()
  console.error(`data ready (${((Date.now() - started) / 1000).toFixed(1)} s): ${DATA}`)
  writeFileSync(PATTERNS, `${RULES.map((r) => r.pattern.source).join('\n')}\n`)
  const grepVersion = execFileSync('grep', ['--version'], {encoding: 'utf8'}).split('\n')[0]
  // Warm the page cache so neither side pays for the first read.
  spawnSync('cat', [DATA], {stdio: ['ignore', 'ignore', 'ignore']})
  const grep = timed('grep', ['-E', '-c', '-f', PATTERNS, DATA])
  // The same library call `mwaa triage --logs FILE --json` makes, in a fresh process (see the bottom of this file).
  const pipeops = timed(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), CHILD_FLAG, DATA])
  const result = JSON.parse(pipeops.count) as {findings: Array<{count: number}>; scanned: {events: number}}
  const records = result.findings.reduce((s, f) => s + f.count, 0)
  const mib = SIZE / 1024 ** 2
  console.log(
    `File: ${(SIZE / 1024 ** 2).toLocaleString('en-US')} MiB, ${result.scanned.events.toLocaleString('en-US')} lines, ${MATCH_RATE * 100} % of lines from matching signatures; ${RULES.length} patterns. ${grepVersion}.\n`,
  )
  console.log('| tool | wall time | CPU time | throughput (wall) | peak RSS | matches |')
  console.log('|---|---:|---:|---:|---:|---|')
  console.log(
    `| \`grep -E -c -f patterns.txt\` | ${grep.seconds.toFixed(2)} s | ${grep.cpu.toFixed(2)} s | ${(mib / grep.seconds).toFixed(0)} MiB/s | ${grep.rssMb} MB | ${Number(grep.count).toLocaleString('en-US')} matching lines |`,
  )
  console.log(
    `| \`pipeops mwaa triage --logs\` | ${pipeops.seconds.toFixed(2)} s | ${pipeops.cpu.toFixed(2)} s | ${(mib / pipeops.seconds).toFixed(0)} MiB/s | ${pipeops.rssMb} MB | ${records.toLocaleString('en-US')} classified records in ${result.findings.length} findings |`,
  )
  console.log(
    `\nRatio pipeops / grep: ${(pipeops.seconds / grep.seconds).toFixed(2)}× wall, ${(pipeops.cpu / grep.cpu).toFixed(2)}× CPU (target ≤ 2×); peak RSS target < 200 MB.`,
  )
  console.log(`\n${endToEnd()}`)
}

/** End-to-end rows: the built CLI (`mwaa triage --logs FILE --json`) beside grep, each a whole process, alternating. */
function endToEnd(): string {
  ensureBuilt()
  const runs = alternate(2, {
    // grep's count goes to a file: when stdout is /dev/null GNU grep stops at the first match.
    grep: () => timeProcess(`grep -E -c -f '${PATTERNS}' '${DATA}'`, {stdout: GREP_COUNT}),
    pipeops: () => timeProcess(`node '${CLI}' mwaa triage --logs '${DATA}' --json`, {okExits: [0, 1]}),
  })
  const grep = summarise(runs.grep!)
  return [
    `End to end; 2 alternating rounds. ${machineLine()}`,
    '',
    e2eHeader(),
    e2eRow('`grep -E -c -f patterns.txt`', grep),
    e2eRow('`pipeops mwaa triage --logs FILE --json` (built CLI)', summarise(runs.pipeops!), grep),
  ].join('\n')
}

const CHILD_FLAG = '--mwaa-triage-child'

/** Child mode: triage one file exactly as the command does with --logs, print the result JSON. */
if (process.argv[2] === CHILD_FLAG && process.argv[3]) {
  const result = await runTriage(
    {region: ''},
    {
      cloudtrail: false,
      logs: [process.argv[3]],
      maxEvents: Number.MAX_SAFE_INTEGER,
      redact: false,
      stdin: process.stdin,
    },
    testRunContext({warn: (m) => process.stderr.write(`${m}\n`)}),
  )
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

/**
 * EventBridge pattern matching over JSON Lines: `pipeops events test-pattern --events FILE --json`
 * (the built CLI, end to end), the library alone (bench/events-library.mjs: `evaluateEventStream`
 * in process, CPU of the evaluation only) and a naive recursive matcher
 * (bench/events-naive-matcher.mjs: readline + JSON.parse + a recursive walk), each in its own
 * process under /usr/bin/time (wall, user + system CPU, peak RSS), with the load average.
 *
 * Two generated files of 2,000,000 events each (S3 "Object Created" events as S3 sends them, ~560
 * bytes, mixed with EC2 and other sources), and one simple pattern (source, detail-type, bucket,
 * key prefix):
 * - "mixed": 10 % of events match — what a captured bus looks like;
 * - "all match": every event matches — the worst case, where every line must be parsed.
 * The files are generated once into $EVENTS_BENCH_DIR (default: the system temporary folder,
 * outside the repository) and reused.
 */
import {spawnSync} from 'node:child_process'
import {closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
// Outside the repository: 2 × ~1.1 GB of generated events.
const WORK = process.env.EVENTS_BENCH_DIR ?? path.join(tmpdir(), 'pipeops-events-bench')
const EVENTS = Number(process.env.EVENTS_BENCH_COUNT ?? 2_000_000)
const PATTERN = path.join(WORK, 'events-pattern.json')
const NAIVE = path.join(ROOT, 'bench', 'events-naive-matcher.mjs')
const LIBRARY = path.join(ROOT, 'bench', 'events-library.mjs')

const pattern = {
  detail: {bucket: {name: ['landing-zone']}, object: {key: [{prefix: 'incoming/'}]}},
  'detail-type': ['Object Created'],
  source: ['aws.s3'],
}

function s3Event(n: number, bucket: string, key: string): string {
  return JSON.stringify({
    account: '111122223333',
    detail: {
      bucket: {name: bucket},
      object: {
        etag: `${(n * 2_654_435_761).toString(16).padStart(32, '0')}`,
        key,
        sequencer: `0062E99A88DC407${n % 10}`,
        size: n % 100_000,
        'version-id': null,
      },
      reason: 'PutObject',
      'request-id': `N4N7GDK58NMK${n % 10_000}`,
      requester: '123456789012',
      'source-ip-address': `10.0.${n % 256}.${(n >> 8) % 256}`,
      version: '0',
    },
    'detail-type': 'Object Created',
    id: `17793124-05d4-b198-2fde-${n.toString(16).padStart(12, '0')}`,
    region: 'eu-west-1',
    resources: [`arn:aws:s3:::${bucket}`],
    source: 'aws.s3',
    time: new Date(1_765_000_000_000 + n * 1000).toISOString().replace('.000', ''),
    version: '0',
  })
}

function ec2Event(n: number): string {
  return JSON.stringify({
    account: '111122223333',
    detail: {'instance-id': `i-${n.toString(16).padStart(17, '0')}`, state: n % 2 ? 'running' : 'stopped'},
    'detail-type': 'EC2 Instance State-change Notification',
    id: `7bf73129-1428-4cd3-a780-${n.toString(16).padStart(12, '0')}`,
    region: 'eu-west-1',
    resources: [`arn:aws:ec2:eu-west-1:111122223333:instance/i-${n.toString(16).padStart(17, '0')}`],
    source: 'aws.ec2',
    time: new Date(1_765_000_000_000 + n * 1000).toISOString().replace('.000', ''),
    version: '0',
  })
}

function generate(name: string, line: (n: number) => string): string {
  const file = path.join(WORK, `events-${name}-${EVENTS}.jsonl`)
  if (existsSync(file)) return file
  mkdirSync(WORK, {recursive: true})
  const fd = openSync(`${file}.tmp`, 'w')
  let batch: string[] = []
  for (let n = 0; n < EVENTS; n++) {
    batch.push(line(n))
    if (batch.length === 10_000) {
      writeSync(fd, `${batch.join('\n')}\n`)
      batch = []
    }
  }

  if (batch.length > 0) writeSync(fd, `${batch.join('\n')}\n`)
  closeSync(fd)
  spawnSync('mv', [`${file}.tmp`, file])
  return file
}

/** 10 % match; the rest: other buckets, other prefixes (incl. the prefix without its slash), EC2. */
function mixedLine(n: number): string {
  switch (n % 10) {
    case 0: {
      return s3Event(n, 'landing-zone', `incoming/2026/12/07/part-${n}.parquet`)
    }

    case 1:
    case 2: {
      return s3Event(n, 'landing-zone', `archive/2026/12/07/part-${n}.parquet`)
    }

    case 3: {
      return s3Event(n, 'landing-zone', `incoming-${n}.csv`)
    }

    case 4:
    case 5: {
      return s3Event(n, 'analytics-lake', `incoming/2026/12/07/part-${n}.parquet`)
    }

    default: {
      return ec2Event(n)
    }
  }
}

interface Measured {
  cpu: number
  out: string
  rssMb: number
  seconds: number
}

function timed(args: string[]): Measured {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M %U %S', process.execPath, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 512 * 1024 * 1024,
  })
  const last = r.stderr.trim().split('\n').pop() ?? ''
  const [seconds, kb, user, sys] = last.split(' ').map(Number)
  if (r.status !== 0 && r.status !== 1) throw new Error(`${args.join(' ')} failed (${r.status}): ${r.stderr}`)
  return {
    cpu: (user ?? 0) + (sys ?? 0),
    out: r.stdout,
    rssMb: Math.round((kb ?? 0) / 1024),
    seconds: seconds ?? Number.NaN,
  }
}

function row(tool: string, m: Measured, matched: number): string {
  const rate = (EVENTS / m.seconds / 1e6).toFixed(2)
  const perCpu = (EVENTS / m.cpu / 1e6).toFixed(2)
  return `| ${tool} | ${m.seconds.toFixed(2)} s | ${m.cpu.toFixed(2)} s | ${rate} M/s | ${perCpu} M/s | ${m.rssMb} MB | ${matched.toLocaleString('en-US')} |`
}

export default async function bench(): Promise<void> {
  mkdirSync(WORK, {recursive: true})
  writeFileSync(PATTERN, JSON.stringify(pattern))
  const files = {
    'all match': generate('all-match', (n) => s3Event(n, 'landing-zone', `incoming/2026/12/07/part-${n}.parquet`)),
    mixed: generate('mixed', mixedLine),
  }
  if (!existsSync(path.join(ROOT, 'dist', 'commands', 'events', 'test-pattern.js')))
    throw new Error('build first: npm run build')
  // As installed from npm: the package ships oclif.manifest.json (prepack), without which oclif
  // imports every command at start-up. Made here and removed after, so `npm run dev` stays current.
  const manifest = path.join(ROOT, 'oclif.manifest.json')
  const madeManifest = !existsSync(manifest)
  if (madeManifest) spawnSync('npx', ['oclif', 'manifest'], {cwd: ROOT, stdio: 'ignore'})
  try {
    await measure(files)
  } finally {
    if (madeManifest) rmSync(manifest, {force: true})
  }
}

function cliArgs(file: string): string[] {
  return ['bin/run.js', 'events', 'test-pattern', '--pattern', PATTERN, '--events', file, '--expect', 'any', '--json']
}

function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ')[0] ?? '?'
}

async function measure(files: Record<string, string>): Promise<void> {
  console.log(
    `${EVENTS.toLocaleString('en-US')} events per file; pattern ${JSON.stringify(pattern)}; Node ${process.version}.\n`,
  )
  // The CLI's own start-up and exit: the same command on a one-line file.
  const one = path.join(WORK, 'events-one.jsonl')
  writeFileSync(one, `${s3Event(0, 'landing-zone', 'incoming/a.csv')}\n`)
  const startup = timed(cliArgs(one))
  console.log(
    `CLI start-up (one event): ${startup.seconds.toFixed(2)} s wall, ${startup.cpu.toFixed(2)} s CPU, ${startup.rssMb} MB (load ${loadAverage()}).\n`,
  )
  console.log('| file | tool | wall | CPU | events/s (wall) | events/s (CPU) | peak RSS | matched | load |')
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|')
  for (const [name, file] of Object.entries(files)) {
    spawnSync('cat', [file], {stdio: ['ignore', 'ignore', 'ignore']})
    // Alternating, one after the other, so that each sees the same load.
    const cli = timed(cliArgs(file))
    const cliLoad = loadAverage()
    const library = timed([LIBRARY, PATTERN, file])
    const libraryLoad = loadAverage()
    const naive = timed([NAIVE, PATTERN, file])
    const naiveLoad = loadAverage()
    const cliMatched = (JSON.parse(cli.out) as {result: {matched: number}}).result.matched
    const inProcess = JSON.parse(library.out) as {cpuSeconds: number; matched: number; wallSeconds: number}
    const naiveMatched = (JSON.parse(naive.out) as {matched: number}).matched
    for (const [tool, matched] of [
      ['library', inProcess.matched],
      ['naive', naiveMatched],
    ] as const)
      if (cliMatched !== matched) throw new Error(`${name}: pipeops matched ${cliMatched}, the ${tool} run ${matched}`)
    console.log(
      `| ${name} ${row('`pipeops events test-pattern --events --json` (built CLI)', cli, cliMatched)} ${cliLoad} |`,
    )
    const evaluation = {...library, cpu: inProcess.cpuSeconds, seconds: inProcess.wallSeconds}
    console.log(
      `| ${name} ${row('`evaluateEventStream` in process (library; evaluation only)', evaluation, inProcess.matched)} ${libraryLoad} |`,
    )
    console.log(`| ${name} ${row('naive recursive matcher', naive, naiveMatched)} ${naiveLoad} |`)
  }
}

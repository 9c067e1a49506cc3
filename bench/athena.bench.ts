/**
 * `npm run bench -- athena`: lint 1,000 tables × 500 columns (0.5 million names, about 15 % bad,
 * some nested) from an `aws glue get-tables` JSON file, end to end (read and parse the file, run
 * every rule, build the fixes), against a bare script that reads the same file with JSON.parse
 * and tests one precompiled regular expression per name. Every run is its own child process (so
 * neither side pays for the other's garbage or benefits from its warmed-up code: a user runs the
 * command once), nine runs each, alternating; the table shows the medians. The timed region is the
 * same on both sides: from reading the file to the finished result, module loading excluded.
 * Then the end-to-end rows: the built CLI (`node bin/run.js athena lint-columns --glue-json FILE
 * --fix --json > out.json`: start-up, reading, linting and writing the JSON envelope) and the bare
 * script as a plain file, each a whole process under /usr/bin/time, five alternating rounds
 * (medians). Input generated into a temporary directory, removed at the end.
 */
import {spawnSync} from 'node:child_process'
import {statSync, writeFileSync} from 'node:fs'
import {mkdir, readFile, stat, writeFile} from 'node:fs/promises'
import {cpus, loadavg} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {lintAndFix, readInputs} from '../src/lib/athena/lint-columns.js'
import {alternate, CLI, e2eHeader, e2eRow, ensureBuilt, machineLine, scratchDir, summarise, timeProcess} from './e2e.js'

const here = fileURLToPath(import.meta.url)
const root = path.resolve(path.dirname(here), '..')
const CHILD_FLAG = '--athena-bench-child'
// Nine pairs: on a shared 2-core machine single runs swing by ±15 %, and five were too few for a stable median.
const RUNS = 9
const scratch = scratchDir('athena')
const work = scratch.dir
const TABLES = 1000
const COLUMNS = 500

const BAD = [
  'Order ID',
  'select',
  'date',
  '/var/log',
  'processedAt',
  '1st_visit',
  '_id',
  'total.tags',
  '売上',
  'URL',
  'Url',
  's3 storage (gb)',
  '\uFEFFid',
  'a-b',
]

function columnName(t: number, c: number): string {
  const r = (t * 7919 + c * 104_729) % 100
  if (r < 15) return `${BAD[(t + c) % BAD.length]}${c % 3 === 0 ? '' : `_${c}`}`
  return `col_${c}_${r}`
}

async function ensureInput(): Promise<string> {
  await mkdir(work, {recursive: true})
  const file = path.join(work, `glue-${TABLES}x${COLUMNS}.json`)
  const TableList = []
  for (let t = 0; t < TABLES; t++) {
    const Columns = []
    for (let c = 0; c < COLUMNS; c++) {
      const nested = c % 50 === 7
      Columns.push({
        Name: columnName(t, c),
        Type: nested ? `struct<${columnName(t + 1, c)}:string,inner_${c}:array<struct<\`_x\`:int,ok:int>>>` : 'string',
      })
    }

    TableList.push({
      DatabaseName: 'bench',
      Name: `table_${t}`,
      PartitionKeys: [{Name: 'dt', Type: 'string'}],
      StorageDescriptor: {Columns, SerdeInfo: {SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe'}},
    })
  }

  await writeFile(file, JSON.stringify({TableList}))
  return file
}

async function peer(file: string): Promise<number> {
  const valid = /^[a-z][a-z0-9_]*$/
  const doc = JSON.parse(await readFile(file, 'utf8')) as {
    TableList: Array<{PartitionKeys?: Array<{Name: string}>; StorageDescriptor: {Columns: Array<{Name: string}>}}>
  }
  let bad = 0
  for (const t of doc.TableList) {
    for (const c of t.StorageDescriptor.Columns) if (!valid.test(c.Name)) bad++
    for (const c of t.PartitionKeys ?? []) if (!valid.test(c.Name)) bad++
  }

  return bad
}

async function pipeops(file: string): Promise<{findings: number; renames: number}> {
  const schema = await readInputs({csv: [], ddl: [], glueJson: [file], jsonSample: [], parquet: []}, {})
  const {result} = lintAndFix(schema, {fix: true, selection: {context: 'both', ignore: [], only: []}})
  return {findings: result.findings.length, renames: result.fixes?.renames.length ?? 0}
}

const cpuMs = (): number => {
  const u = process.cpuUsage()
  return (u.user + u.system) / 1000
}

/** Wall time, and CPU time of this process (GC threads included): the fairer number on a shared machine. */
async function time<T>(fn: () => Promise<T>): Promise<{cpu: number; ms: number; value: T}> {
  const start = performance.now()
  const cpu = cpuMs()
  const value = await fn()
  return {cpu: cpuMs() - cpu, ms: performance.now() - start, value}
}

interface Run {
  cpu: number
  ms: number
  value: number | {findings: number; renames: number}
}

/** One timed run in a fresh process. */
function runChild(mode: 'peer' | 'pipeops', file: string): Run {
  const out = spawnSync(process.execPath, ['--import', 'tsx', here, CHILD_FLAG, mode, file], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  })
  if (out.status !== 0) throw new Error(`bench child ${mode} failed: ${out.stderr}`)
  return JSON.parse(out.stdout) as Run
}

async function child(mode: string, file: string): Promise<void> {
  const run = await time(async () => (mode === 'peer' ? peer(file) : pipeops(file)))
  process.stdout.write(JSON.stringify(run))
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

export default async function bench(): Promise<void> {
  const file = await ensureInput()
  const {size} = await stat(file)
  const peerRuns: Run[] = []
  const ourRuns: Run[] = []
  const loadBefore = loadavg()[0]!.toFixed(2)
  for (let i = 0; i < RUNS; i++) {
    peerRuns.push(runChild('peer', file))
    ourRuns.push(runChild('pipeops', file))
  }

  const peerMs = median(peerRuns.map((r) => r.ms))
  const ourMs = median(ourRuns.map((r) => r.ms))
  const peerCpu = median(peerRuns.map((r) => r.cpu))
  const ourCpu = median(ourRuns.map((r) => r.cpu))
  const summary = ourRuns[0]!.value as {findings: number; renames: number}
  console.log(
    `Input: ${TABLES} tables × ${COLUMNS} columns + 1 partition key (${(size / 2 ** 20).toFixed(1)} MiB get-tables JSON). ${cpus().length} cores, load ${loadBefore} → ${loadavg()[0]!.toFixed(2)}, Node ${process.version}. Each run in its own process, ${RUNS} runs each, alternating.\n`,
  )
  console.log(`| run | wall, median of ${RUNS} | CPU, median of ${RUNS} | result |`)
  console.log('|---|---|---|---|')
  console.log(
    `| bare script: JSON.parse + one precompiled regex per name | ${peerMs.toFixed(0)} ms | ${peerCpu.toFixed(0)} ms | ${String(peerRuns[0]!.value)} names fail the regex |`,
  )
  console.log(
    `| pipeops lint-columns --glue-json --fix (every rule, nested fields, renames, views, SerDe mappings) | ${ourMs.toFixed(0)} ms | ${ourCpu.toFixed(0)} ms | ${summary.findings} findings, ${summary.renames} renames |`,
  )
  const list = (runs: Run[]): string => runs.map((r) => r.ms.toFixed(0)).join(', ')
  // Each pair ran back to back, under the same load: the median of the pair ratios is less
  // affected by load that changes during the benchmark than the ratio of the two medians.
  const pairRatio = median(ourRuns.map((r, i) => r.ms / peerRuns[i]!.ms))
  console.log(
    `\npipeops / bare script: ${(ourMs / peerMs).toFixed(2)}× wall, ${(ourCpu / peerCpu).toFixed(2)}× CPU (target ≤ 3×); median of the ${RUNS} back-to-back pairs ${pairRatio.toFixed(2)}×. Wall runs: peer ${list(peerRuns)} ms; pipeops ${list(ourRuns)} ms.`,
  )
  console.log(`\n${endToEnd(file)}`)
  scratch.remove()
}

/** The bare script as a user would run it: a plain file, JSON.parse and one regular expression per name. */
const PEER_SCRIPT = `
import {readFile} from 'node:fs/promises'
const valid = /^[a-z][a-z0-9_]*$/
const doc = JSON.parse(await readFile(process.argv[2], 'utf8'))
let bad = 0
for (const t of doc.TableList) {
  for (const c of t.StorageDescriptor.Columns) if (!valid.test(c.Name)) bad++
  for (const c of t.PartitionKeys ?? []) if (!valid.test(c.Name)) bad++
}
console.log(bad)
`

/** End-to-end rows: the built CLI writing its --json envelope to a file, beside the bare script, alternating. */
function endToEnd(file: string): string {
  ensureBuilt()
  const peerScript = path.join(work, 'peer.mjs')
  writeFileSync(peerScript, PEER_SCRIPT)
  const output = path.join(work, 'lint.json')
  const runs = alternate(5, {
    peer: () => timeProcess(`node '${peerScript}' '${file}'`),
    pipeops: () =>
      timeProcess(`node '${CLI}' athena lint-columns --glue-json '${file}' --fix --json`, {
        okExits: [0, 1],
        stdout: output,
      }),
  })
  const peer = summarise(runs.peer!)
  const ours = summarise(runs.pipeops!)
  return [
    `End to end; 5 alternating rounds; the --json envelope is ${(statSync(output).size / 1e6).toFixed(1)} MB. ${machineLine()}`,
    '',
    e2eHeader(),
    e2eRow('bare script (node, JSON.parse + one regex per name), whole process', peer),
    e2eRow('`pipeops athena lint-columns --glue-json FILE --fix --json > out.json` (built CLI)', ours, peer),
    '',
    `pipeops / bare script end to end: ${(ours.wallS / peer.wallS).toFixed(2)}× wall, ${(ours.cpuS / peer.cpuS).toFixed(2)}× CPU (target ≤ 2.5×).`,
  ].join('\n')
}

if (process.argv[2] === CHILD_FLAG) await child(process.argv[3]!, process.argv[4]!)

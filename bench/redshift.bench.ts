/**
 * `npm run bench -- redshift`: copy-split against the GNU pipeline people use instead,
 *   zcat in.gz | tail -n +2 | split -n r/N --filter='gzip -6 > "$FILE.gz"' - out/part_
 * side by side on the same generated 200 MiB CSV (same level, same part count, header stripped
 * by both), then copy-split alone on a 1 GiB CSV for peak memory. Prints a Markdown table.
 *
 * The library rows: pipeops compiled with tsc (as in dist/) in a child process, start-up included,
 * reporting its peak RSS (process.resourceUsage().maxRSS, worker threads included); the GNU
 * pipeline is timed with /usr/bin/time. The end-to-end rows: the built CLI (`node bin/run.js
 * redshift copy-split … --json`), the GNU pipeline and the pigz pipeline (when pigz is installed),
 * each a whole process under /usr/bin/time, alternated for three rounds (medians). Inputs are
 * generated into a temporary directory, removed at the end.
 */
import {execFile, spawn, spawnSync} from 'node:child_process'
import {createWriteStream, readdirSync, statSync} from 'node:fs'
import {mkdir, readdir, rm, stat, writeFile} from 'node:fs/promises'
import {cpus, loadavg} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

import {compileSources} from '../test/helpers/compile-sources.js'
import {CLI, e2eRow, endToEndTable, type ProcessRun, scratchDir, timeProcess} from './e2e.js'

const exec = promisify(execFile)
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const scratch = scratchDir('redshift')
const work = scratch.dir
const E2E_ROUNDS = 3
const PARTS = 8
const MiB = 2 ** 20

/** A CSV like a daily merge: header + 5 columns, varied values (gzip -6 ratio about 30 %). */
async function generate(file: string, bytes: number): Promise<void> {
  const out = createWriteStream(file)
  out.write('id,customer_id,name,day,amount\n')
  let written = 0
  let id = 0
  let seed = 1
  const names = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy']
  while (written < bytes) {
    const lines: string[] = []
    for (let i = 0; i < 20_000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
      lines.push(
        `${id++},${seed % 1_000_000},${names[seed % 10]}_${seed % 977},2026-${String(1 + (seed % 12)).padStart(2, '0')}-${String(1 + (seed % 28)).padStart(2, '0')},${((seed % 10_000_000) / 100).toFixed(2)}`,
      )
    }

    const chunk = lines.join('\n') + '\n'
    written += chunk.length
    if (!out.write(chunk)) {
      await new Promise<void>((resolve) => {
        out.once('drain', () => resolve())
      })
    }
  }

  await new Promise<void>((resolve, reject) => {
    out.end(() => resolve())
    out.on('error', reject)
  })
}

export async function ensureInput(name: string, bytes: number, level: number): Promise<string> {
  await mkdir(work, {recursive: true})
  const gz = path.join(work, `${name}.csv.gz`)
  if (
    await stat(gz).then(
      () => true,
      () => false,
    )
  )
    return gz
  const csv = path.join(work, `${name}.csv`)
  process.stderr.write(`generating ${csv} (${bytes / MiB} MiB)…\n`)
  await generate(csv, bytes)
  await exec('bash', ['-c', `gzip -${level} -c "${csv}" > "${gz}.tmp" && mv "${gz}.tmp" "${gz}"`])
  await rm(csv)
  return gz
}

interface Measured {
  bytes: number[]
  maxRssMB: number
  seconds: number
}

async function sizes(dir: string, filter: (n: string) => boolean): Promise<number[]> {
  const names = (await readdir(dir)).filter((n) => filter(n))
  return Promise.all(names.map(async (n) => (await stat(path.join(dir, n))).size))
}

async function gnu(input: string, level: number): Promise<Measured> {
  const out = path.join(work, `gnu-${level}`)
  await rm(out, {force: true, recursive: true})
  await mkdir(out)
  const pipeline = `zcat "${input}" | tail -n +2 | split -n r/${PARTS} -d -a 4 --additional-suffix=.csv --filter='gzip -${level} > "$FILE.gz"' - "${out}/part_"`
  const started = performance.now()
  const {stderr} = await exec('/usr/bin/time', ['-f', '%M', 'bash', '-c', pipeline], {maxBuffer: 1 << 20})
  const seconds = (performance.now() - started) / 1000
  // %M of bash only (the pipeline's processes are its children); reported for reference.
  const maxRssMB = Number(stderr.trim().split('\n').at(-1)) / 1024
  return {bytes: await sizes(out, (n) => n.endsWith('.gz')), maxRssMB, seconds}
}

/** Compiled under node_modules/.cache so that its package imports resolve, as dist/ would. */
const compiled = path.join(root, 'node_modules', '.cache', 'pipeops-bench-redshift')

async function compile(): Promise<void> {
  await rm(compiled, {force: true, recursive: true})
  await compileSources('src/lib/redshift/copy-split.ts', compiled)
  await writeFile(path.join(compiled, 'runner.mjs'), RUNNER)
}

const RUNNER = `
import {copySplit} from './lib/redshift/copy-split.js'
import {findZstd} from './lib/redshift/input.js'
const [input, output, codec, level] = process.argv.slice(2)
const z = findZstd()
const started = performance.now()
const o = await copySplit({codec, delimiter: ',', dryRun: false, format: 'csv', header: 'strip', input: {kind: 'file', path: input}, level: Number(level), now: () => performance.now(), output: {kind: 'dir', path: output}, quote: '"', slices: {count: ${PARTS}, estimate: false, source: 'bench'}, targetSize: 1e12, zstdPath: 'path' in z ? z.path : undefined}, {})
process.stdout.write(JSON.stringify({seconds: (performance.now() - started) / 1000, maxRssMB: process.resourceUsage().maxRSS / 1024, bytes: o.result.parts.map((p) => p.bytes), records: o.result.input.records}))
`

async function pipeops(
  input: string,
  codec: string,
  level: number,
  tag: string,
): Promise<Measured & {records: number; wallSeconds: number}> {
  const out = path.join(work, `pipeops-${tag}`)
  await rm(out, {force: true, recursive: true})
  const runner = path.join(compiled, 'runner.mjs')
  const started = performance.now()
  const stdout = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [runner, input, out, codec, String(level)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let text = ''
    child.stdout.on('data', (d: Buffer) => {
      text += d.toString()
    })
    child.on('error', reject)
    child.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`copy-split exited ${code}`))))
  })
  const wallSeconds = (performance.now() - started) / 1000
  const r = JSON.parse(stdout) as Measured & {records: number}
  return {...r, wallSeconds}
}

const total = (b: number[]): number => b.reduce((a, x) => a + x, 0)
const spread = (b: number[]): string => `${((Math.max(...b) / Math.min(...b) - 1) * 100).toFixed(2)} %`
const mb = (n: number): string => (n / 1e6).toFixed(1)

export default async function bench(): Promise<void> {
  const load = loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ')
  const input200 = await ensureInput('200mib', 200 * MiB, 6)
  const input1g = await ensureInput('1gib', 1024 * MiB, 1)
  await compile()
  const loadBefore = loadavg()[0]!.toFixed(2)
  const rows: string[][] = []
  const g6 = await gnu(input200, 6)
  const p6 = await pipeops(input200, 'gzip', 6, 'gzip6')
  const g1 = await gnu(input200, 1)
  const p1 = await pipeops(input200, 'gzip', 1, 'gzip1')
  const pz = await pipeops(input200, 'zstd', 3, 'zstd3').catch(() => {})
  const big = await pipeops(input1g, 'gzip', 1, 'gzip1-1gib')
  const loadAfter = loadavg()[0]!.toFixed(2)
  for (const d of await readdir(work))
    if (/^(gnu|pipeops)-/.test(d)) await rm(path.join(work, d), {force: true, recursive: true})
  const e2e = endToEnd(input200)
  scratch.remove()
  rows.push(
    [
      String.raw`GNU zcat \| tail \| split -n r/8 --filter gzip -6`,
      '200 MiB',
      `${g6.seconds.toFixed(2)} s`,
      '1.00×',
      mb(total(g6.bytes)),
      spread(g6.bytes),
      '—',
    ],
    [
      'pipeops copy-split --level 6',
      '200 MiB',
      `${p6.wallSeconds.toFixed(2)} s (${p6.seconds.toFixed(2)} s split)`,
      `${(g6.seconds / p6.wallSeconds).toFixed(2)}×`,
      `${mb(total(p6.bytes))} (${((total(p6.bytes) / total(g6.bytes) - 1) * 100).toFixed(1)} %)`,
      spread(p6.bytes),
      `${p6.maxRssMB.toFixed(0)} MB`,
    ],
    [
      'GNU … --filter gzip -1',
      '200 MiB',
      `${g1.seconds.toFixed(2)} s`,
      '1.00×',
      mb(total(g1.bytes)),
      spread(g1.bytes),
      '—',
    ],
    [
      'pipeops copy-split --level 1',
      '200 MiB',
      `${p1.wallSeconds.toFixed(2)} s (${p1.seconds.toFixed(2)} s split)`,
      `${(g1.seconds / p1.wallSeconds).toFixed(2)}×`,
      `${mb(total(p1.bytes))} (${((total(p1.bytes) / total(g1.bytes) - 1) * 100).toFixed(1)} %)`,
      spread(p1.bytes),
      `${p1.maxRssMB.toFixed(0)} MB`,
    ],
  )
  if (pz)
    rows.push([
      'pipeops copy-split --codec zstd --level 3',
      '200 MiB',
      `${pz.wallSeconds.toFixed(2)} s (${pz.seconds.toFixed(2)} s split)`,
      `${(g6.seconds / pz.wallSeconds).toFixed(2)}× vs gzip -6`,
      mb(total(pz.bytes)),
      spread(pz.bytes),
      `${pz.maxRssMB.toFixed(0)} MB`,
    ])
  rows.push([
    'pipeops copy-split --level 1',
    '1 GiB',
    `${big.wallSeconds.toFixed(2)} s (${big.seconds.toFixed(2)} s split)`,
    '—',
    mb(total(big.bytes)),
    spread(big.bytes),
    `${big.maxRssMB.toFixed(0)} MB`,
  ])
  const lines = [
    `Machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}; load average before generating ${load}, before the runs ${loadBefore}, after ${loadAfter}. ${PARTS} parts, header stripped by both (IGNOREHEADER 0).`,
    '',
    '| run | input | time | speed-up | output MB (vs GNU) | part spread (max/min) | peak RSS |',
    '|---|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
    '',
    `Records checked: ${p6.records.toLocaleString('en-US')} (200 MiB), ${big.records.toLocaleString('en-US')} (1 GiB).`,
  ]
  console.log(lines.join('\n'))
  console.log(`\n${e2e}`)
}

/** A fresh output directory for one end-to-end run, as the shell prefix that enters it. */
function out(tag: string): string {
  const dir = path.join(work, `e2e-${tag}`)
  return `rm -rf '${dir}' && mkdir -p '${dir}' && cd '${dir}' && `
}

/** Bytes of the .gz parts an end-to-end run left. */
function outBytes(tag: string): number {
  const dir = path.join(work, `e2e-${tag}`)
  return readdirSync(dir)
    .filter((n) => n.endsWith('.gz'))
    .reduce((n, f) => n + statSync(path.join(dir, f)).size, 0)
}

/**
 * The end-to-end rows: 200 MiB at level 6, the built CLI beside the GNU pipeline and the pigz
 * pipeline (pigz -dc | split … --filter 'pigz -6 -p 2'), three alternating rounds.
 */
function endToEnd(input: string): string {
  const split = (decompress: string, compress: string): string =>
    `${decompress} '${input}' | tail -n +2 | split -n r/${PARTS} -d -a 4 --additional-suffix=.csv --filter='${compress} > "$FILE.gz"' - part_`
  const sides: Record<string, () => ProcessRun> = {
    gnu: () => timeProcess(`${out('gnu')}${split('zcat', 'gzip -6')}`),
    pipeops: () =>
      timeProcess(
        `${out('pipeops')}node '${CLI}' redshift copy-split --input '${input}' --output . --slices ${PARTS} --files-per-slice 1 --header strip --level 6 --json`,
      ),
  }
  const hasPigz = spawnSync('pigz', ['--version']).status === 0
  if (hasPigz) sides.pigz = () => timeProcess(`${out('pigz')}${split('pigz -dc', 'pigz -6 -p 2')}`)
  return endToEndTable({
    rounds: E2E_ROUNDS,
    rows({gnu, pigz, pipeops}) {
      const rows = [
        e2eRow(`GNU \`zcat | tail | split -n r/${PARTS} --filter 'gzip -6'\` (${mb(outBytes('gnu'))} MB out)`, gnu!),
      ]
      if (pigz)
        rows.push(
          e2eRow(
            `pigz \`pigz -dc | tail | split … --filter 'pigz -6 -p 2'\` (${mb(outBytes('pigz'))} MB out)`,
            pigz,
            gnu,
          ),
        )
      rows.push(
        e2eRow(
          `\`pipeops redshift copy-split --level 6\` (built CLI; ${mb(outBytes('pipeops'))} MB out), vs GNU`,
          pipeops!,
          gnu,
        ),
      )
      if (pigz) rows.push(e2eRow('… the same pipeops runs, vs pigz', pipeops!, pigz))
      return rows
    },
    sides,
    title: `End to end, 200 MiB gzip -6 in, level 6 out, ${PARTS} parts; ${E2E_ROUNDS} alternating rounds.`,
  })
}

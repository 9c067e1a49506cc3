/**
 * `npm run bench -- redshift-copy-check`: the built CLI's `redshift copy-check` on a 10-column CSV
 * (1 GiB by default so start-up is small beside the check; PIPEOPS_BENCH_COPY_CHECK_MIB changes
 * it; uncompressed, every record valid so the whole check runs on every field), side by side with
 * `wc -l` (the floor: count line feeds), a bare JavaScript CSV split loop (read the file, find
 * every field with RFC 4180 quoting, check nothing) and the library alone (RecordChecker fed from
 * the file, no CLI) on the same file. Each runs in its own process under `/usr/bin/time -v`: wall,
 * CPU (user + system) and peak RSS. MB/s are given per wall second and per CPU second (the machine
 * is shared: CPU time is the steadier figure).
 *
 * Needs the build (`npm run build`): the CLI is run as users run it, `node bin/run.js`.
 */
import {execFile} from 'node:child_process'
import {createWriteStream, existsSync} from 'node:fs'
import {mkdir, stat, writeFile} from 'node:fs/promises'
import {loadavg} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

import {ensureBuilt} from './e2e.js'

const exec = promisify(execFile)
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const work = path.join(root, 'bench', '.work', 'redshift-copy-check')
const MiB = 2 ** 20
const SIZE_MIB = Number(process.env.PIPEOPS_BENCH_COPY_CHECK_MIB ?? 1024)
const SIZE = SIZE_MIB * MiB

const DDL = `CREATE TABLE bench.orders (
  id BIGINT NOT NULL ENCODE az64,
  customer_id INTEGER,
  name VARCHAR(32),
  day DATE,
  amount DECIMAL(12,2),
  qty SMALLINT,
  active BOOLEAN,
  created_at TIMESTAMP,
  city VARCHAR(20),
  note VARCHAR(64)
) DISTSTYLE AUTO;
`

const two = (n: number): string => String(n).padStart(2, '0')

async function generate(file: string): Promise<void> {
  const out = createWriteStream(file)
  out.write('id,customer_id,name,day,amount,qty,active,created_at,city,note\n')
  const names = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank', 'grace', 'heidi', 'ivan', 'judy']
  let written = 0
  let id = 0
  let seed = 7
  while (written < SIZE) {
    const lines: string[] = []
    for (let i = 0; i < 20_000; i++) {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
      lines.push(
        `${id++},${seed % 1_000_000},${names[seed % 10]}_${seed % 977},2026-${two(1 + (seed % 12))}-${two(1 + (seed % 28))},${((seed % 10_000_000) / 100).toFixed(2)},${seed % 300},${seed % 2 ? 't' : 'f'},2026-01-${two(1 + (seed % 28))} ${two(seed % 24)}:${two(seed % 60)}:${two(seed % 59)},${names[(seed >> 3) % 10]}ville,"note ${seed % 1000}, ok"`,
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

/** The peer in JavaScript: RFC 4180 field splitting over the same stream, nothing checked. */
const BARE_LOOP = `
import {createReadStream} from 'node:fs'
let fields = 0, records = 0, inQuote = false, carry = 0
for await (const buf of createReadStream(process.argv[2], {highWaterMark: 256 * 1024})) {
  for (let i = 0; i < buf.length; i++) {
    const b = buf[i]
    if (inQuote) { if (b === 0x22) inQuote = false; continue }
    if (b === 0x22) inQuote = true
    else if (b === 0x2c) fields++
    else if (b === 0x0a) { fields++; records++ }
  }
}
process.stdout.write(JSON.stringify({fields, records}) + '\\n')
`

/** The library without the CLI: RecordChecker fed from the file in 2 MiB reads (dist/, built). */
const LIBRARY_LOOP = `
import {openSync, readFileSync, readSync} from 'node:fs'
const dist = process.argv[2]
const {RecordChecker} = await import(dist + '/lib/redshift/copy-check.js')
const {parseCopyOptions} = await import(dist + '/lib/redshift/copy-options.js')
const {parseTableDdl} = await import(dist + '/lib/redshift/table-ddl.js')
const table = parseTableDdl(readFileSync(process.argv[4], 'utf8')).tables[0]
const checker = new RecordChecker({copy: parseCopyOptions('CSV IGNOREHEADER 1'), maxErrors: 100, table})
const fd = openSync(process.argv[3], 'r')
const buf = Buffer.allocUnsafeSlow(2 * 1024 * 1024)
for (let n; (n = readSync(fd, buf, 0, buf.length, null)) > 0; ) checker.feed(buf.subarray(0, n))
const {records, badRecords} = checker.finish()
process.stdout.write(JSON.stringify({badRecords, records}) + '\\n')
`

interface Timed {
  cpuSeconds: number
  label: string
  rssMB: number
  wallSeconds: number
}

async function timed(label: string, command: string[]): Promise<Timed> {
  const {stderr} = await exec('/usr/bin/time', ['-v', ...command], {cwd: root, maxBuffer: 64 << 20}).catch(
    (error: {code?: number; stderr?: string; stdout?: string}) => {
      // copy-check exits 1 when records would be rejected: still a measurement.
      if (error.code === 1 && error.stderr) return {stderr: error.stderr}
      throw error
    },
  )
  const field = (name: string): string => new RegExp(`${name}: (.+)`).exec(stderr)?.[1]?.trim() ?? '0'
  const wall = field(String.raw`Elapsed \(wall clock\) time \(h:mm:ss or m:ss\)`)
    .split(':')
    .reduce((total, part) => total * 60 + Number(part), 0)
  return {
    cpuSeconds: Number(field(String.raw`User time \(seconds\)`)) + Number(field(String.raw`System time \(seconds\)`)),
    label,
    rssMB: Number(field(String.raw`Maximum resident set size \(kbytes\)`)) / 1024,
    wallSeconds: wall,
  }
}

export default async function bench(): Promise<void> {
  // The built CLI with its manifest, rebuilt when src/ is newer: without the manifest oclif loads
  // every command, which more than triples the start-up this benchmark subtracts.
  ensureBuilt()

  await mkdir(work, {recursive: true})
  const csv = path.join(work, `orders-${SIZE_MIB}mib.csv`)
  if (!existsSync(csv)) {
    process.stderr.write(`generating ${csv}…\n`)
    await generate(csv)
  }

  const ddl = path.join(work, 'orders.sql')
  await writeFile(ddl, DDL)
  const loop = path.join(work, 'bare-loop.mjs')
  await writeFile(loop, BARE_LOOP)
  const library = path.join(work, 'library-loop.mjs')
  await writeFile(library, LIBRARY_LOOP)
  const bytes = (await stat(csv)).size
  const loadBefore = loadavg()[0]!.toFixed(2)
  const runs: Timed[] = []
  // Each twice, alternating; the faster (by CPU) is kept.
  for (let round = 0; round < 2; round++) {
    runs.push(
      await timed('wc -l', ['wc', '-l', csv]),
      await timed('bare JS CSV split loop', [process.execPath, loop, csv]),
      await timed('library alone (RecordChecker, no CLI)', [
        process.execPath,
        library,
        path.join(root, 'dist'),
        csv,
        ddl,
      ]),
      await timed('pipeops redshift copy-check (built CLI)', [
        process.execPath,
        path.join(root, 'bin', 'run.js'),
        'redshift',
        'copy-check',
        '--input',
        csv,
        '--table-ddl',
        ddl,
        '--copy-options',
        'CSV IGNOREHEADER 1',
        '--json',
      ]),
      // The same command without --input reads the DDL and options and stops: its start-up alone.
      await timed('pipeops start-up only (same command, no --input)', [
        process.execPath,
        path.join(root, 'bin', 'run.js'),
        'redshift',
        'copy-check',
        '--table-ddl',
        ddl,
        '--copy-options',
        'CSV IGNOREHEADER 1',
        '--json',
      ]),
    )
  }

  const loadAfter = loadavg()[0]!.toFixed(2)
  const best = new Map<string, Timed>()
  for (const r of runs) if (!best.has(r.label) || r.cpuSeconds < best.get(r.label)!.cpuSeconds) best.set(r.label, r)
  const mbps = (seconds: number): string => (bytes / 1e6 / seconds).toFixed(0)
  const pipeops = best.get('pipeops redshift copy-check (built CLI)')!
  console.log(
    `${(bytes / 1e6).toFixed(0)} MB CSV, 10 columns, ${new Date().toISOString()}, load average ${loadBefore} → ${loadAfter}\n`,
  )
  console.log('| path | wall | CPU | MB/s (wall) | MB/s (CPU) | peak RSS | copy-check CPU vs this |')
  console.log('|---|---:|---:|---:|---:|---:|---:|')
  const startup = best.get('pipeops start-up only (same command, no --input)')!
  for (const r of best.values()) {
    if (r === startup) continue
    console.log(
      `| ${r.label} | ${r.wallSeconds.toFixed(2)} s | ${r.cpuSeconds.toFixed(2)} s | ${mbps(r.wallSeconds)} | ${mbps(r.cpuSeconds)} | ${r.rssMB.toFixed(0)} MB | ${(pipeops.cpuSeconds / r.cpuSeconds).toFixed(2)}× |`,
    )
  }

  const checkCpu = pipeops.cpuSeconds - startup.cpuSeconds
  console.log(
    `| copy-check minus its start-up (${startup.cpuSeconds.toFixed(2)} s CPU, ${startup.wallSeconds.toFixed(2)} s wall, ${startup.rssMB.toFixed(0)} MB) | ${(pipeops.wallSeconds - startup.wallSeconds).toFixed(2)} s | ${checkCpu.toFixed(2)} s | ${mbps(pipeops.wallSeconds - startup.wallSeconds)} | ${mbps(checkCpu)} | — | — |`,
  )
}

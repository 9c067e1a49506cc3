/**
 * The end-to-end row every benchmark prints beside its library row: the built CLI as a user runs
 * it (`node bin/run.js …`, with the command manifest), one whole process per run, timed with
 * `/usr/bin/time` (wall, user + system CPU of the process and its threads, peak RSS), alternated
 * with the peer in one run, several rounds, medians. The load average is read before every run:
 * on a shared machine wall times queue for a core, and CPU time is the steadier figure.
 */
import {execFile, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {cpus, loadavg, tmpdir, totalmem} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const CLI = path.join(ROOT, 'bin', 'run.js')

export interface ProcessRun {
  cpuS: number
  exit: number
  load: number
  rssMB: number
  wallS: number
}

/** The built CLI with its manifest; built first when either is missing or a source file is newer than the manifest. */
export function ensureBuilt(): void {
  const manifest = path.join(ROOT, 'oclif.manifest.json')
  const built = existsSync(manifest) && existsSync(path.join(ROOT, 'dist', 'commands'))
  if (built && !sourcesNewerThan(manifest)) return
  process.stderr.write('building the CLI (npm run build): the end-to-end rows time the built CLI\n')
  const build = spawnSync('npm', ['run', 'build'], {cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit']})
  if (build.status !== 0) throw new Error('npm run build failed')
}

function sourcesNewerThan(file: string): boolean {
  const out = spawnSync('find', [path.join(ROOT, 'src'), '-type', 'f', '-newer', file], {encoding: 'utf8'})
  return out.stdout.trim() !== ''
}

/** A fresh directory for a benchmark's inputs and outputs; removed by the returned function. */
export function scratchDir(name: string): {dir: string; remove: () => void} {
  const dir = mkdtempSync(path.join(tmpdir(), `pipeops-bench-${name}-`))
  return {dir, remove: () => rmSync(dir, {force: true, recursive: true})}
}

/**
 * One process under /usr/bin/time. `command` runs through bash (so a peer can be a pipeline);
 * stdout goes to `stdout` (a file) or is discarded; `env` is added to this process's environment.
 * An exit code outside `okExits` throws.
 */
export function timeProcess(command: string, options: TimeOptions = {}): ProcessRun {
  const load = loadavg()[0]!
  const {args, report} = timeArgs(command, options)
  const out = spawnSync('/usr/bin/time', args, {...spawnOptions(options), encoding: 'utf8'})
  return timed(command, options, {exit: out.status ?? -1, load, report, stderr: out.stderr})
}

/**
 * timeProcess without blocking this process's event loop, for a benchmark whose fakes (a
 * loopback AWS service) answer the CLI from this process while it runs.
 */
export async function timeProcessAsync(command: string, options: TimeOptions = {}): Promise<ProcessRun> {
  const load = loadavg()[0]!
  const {args, report} = timeArgs(command, options)
  const {exit, stderr} = await new Promise<{exit: number; stderr: string}>((resolve) => {
    execFile('/usr/bin/time', args, spawnOptions(options), (error, _stdout, err) => {
      resolve({exit: error ? (typeof error.code === 'number' ? error.code : -1) : 0, stderr: String(err)})
    })
  })
  return timed(command, options, {exit, load, report, stderr})
}

export interface TimeOptions {
  env?: Record<string, string> | undefined
  okExits?: number[]
  stdout?: string
}

function timeArgs(command: string, options: TimeOptions): {args: string[]; report: string} {
  const report = path.join(tmpdir(), `pipeops-bench-time-${process.pid}-${Math.random().toString(36).slice(2)}`)
  const redirect = options.stdout ? ` > '${options.stdout}'` : ' > /dev/null'
  return {args: ['-f', '%e %U %S %M', '-o', report, 'bash', '-c', `${command}${redirect}`], report}
}

function spawnOptions(options: TimeOptions): {cwd: string; env: NodeJS.ProcessEnv; maxBuffer: number} {
  return {
    cwd: ROOT,
    env: {...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...options.env},
    maxBuffer: 1 << 24,
  }
}

function timed(
  command: string,
  options: TimeOptions,
  run: {exit: number; load: number; report: string; stderr: string},
): ProcessRun {
  const lines = readFileSync(run.report, 'utf8').trim().split('\n')
  rmSync(run.report, {force: true})
  const [wall, user, sys, rssKb] = lines.at(-1)!.split(' ').map(Number) as [number, number, number, number]
  if (!(options.okExits ?? [0]).includes(run.exit))
    throw new Error(`${command} exited ${run.exit}: ${run.stderr.slice(-2000)}`)
  return {cpuS: user + sys, exit: run.exit, load: run.load, rssMB: rssKb / 1024, wallS: wall}
}

/** Run every side once per round, in turn, for `rounds` rounds; the runs of each side by name. */
export function alternate(rounds: number, sides: Record<string, () => ProcessRun>): Record<string, ProcessRun[]> {
  const runs: Record<string, ProcessRun[]> = {}
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of Object.entries(sides)) (runs[name] ??= []).push(run())
  }

  return runs
}

export const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

export interface Summary {
  cpuS: number
  loads: [number, number]
  rssMB: number
  runs: number
  wallS: number
}

export function summarise(runs: ProcessRun[]): Summary {
  return {
    cpuS: median(runs.map((r) => r.cpuS)),
    loads: [Math.min(...runs.map((r) => r.load)), Math.max(...runs.map((r) => r.load))],
    rssMB: median(runs.map((r) => r.rssMB)),
    runs: runs.length,
    wallS: median(runs.map((r) => r.wallS)),
  }
}

/** The header of an end-to-end table. */
export function e2eHeader(): string {
  return [
    '| end to end (whole process) | wall, median | CPU (user + sys), median | peak RSS, median | vs peer: wall / CPU | load (1 min) |',
    '|---|---:|---:|---:|---:|---|',
  ].join('\n')
}

/** One end-to-end row; `peer` is the row the ratios compare with (peer time / this time: > 1 is faster). */
export function e2eRow(name: string, s: Summary, peer?: Summary): string {
  const ratio = peer ? `${(peer.wallS / s.wallS).toFixed(2)}× / ${(peer.cpuS / s.cpuS).toFixed(2)}×` : '1.00× / 1.00×'
  return `| ${name} | ${s.wallS.toFixed(2)} s | ${s.cpuS.toFixed(2)} s | ${Math.round(s.rssMB)} MB | ${ratio} | ${s.loads[0].toFixed(1)}–${s.loads[1].toFixed(1)} |`
}

/** The line that says where and when: date, machine, Node, load. */
export function machineLine(): string {
  return `Measured ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; ${cpus().length} cores (${cpus()[0]?.model.trim() ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB; Node ${process.version}; load average now ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ')}.`
}

/**
 * The end-to-end block of a benchmark: build the CLI if needed, run the sides alternately for
 * `rounds` rounds, and print the title (with the machine line) and a table of the medians; `rows`
 * turns each side's summary into the table's rows (the peer each row compares with is its choice).
 */
export function endToEndTable(options: {
  rounds: number
  rows: (summaries: Record<string, Summary>) => string[]
  sides: Record<string, () => ProcessRun>
  title: string
}): string {
  ensureBuilt()
  const runs = alternate(options.rounds, options.sides)
  const summaries = Object.fromEntries(Object.entries(runs).map(([name, r]) => [name, summarise(r)]))
  return [`${options.title} ${machineLine()}`, '', e2eHeader(), ...options.rows(summaries)].join('\n')
}

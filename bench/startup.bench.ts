/**
 * `npm run bench -- startup`: how long the built CLI takes to start, as a user runs it
 * (`node bin/run.js`, with the command manifest `npm run build` writes), against the floor of
 * `node -e ''`. Target (issue "fit the AWS CLI user's habits"): `--help` and a small offline
 * command within 2 × node's own start-up + 200 ms. Each row is the median of RUNS processes:
 * wall time, CPU (user + system) and peak RSS of the whole process, from /usr/bin/time.
 * Then the same without the manifest (the path a clone took before the build wrote one) and the
 * AWS CLI's `aws --version` when it is installed, for comparison.
 */
import {spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, renameSync, writeFileSync} from 'node:fs'
import {cpus, loadavg} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const work = path.join(root, 'bench', '.work', 'startup')
const RUNS = 9

interface Sample {
  cpu: number
  rssMb: number
  wall: number
}

function measure(args: string[], program = process.execPath): Sample {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %U %S %M', program, ...args], {
    cwd: root,
    encoding: 'utf8',
    env: {...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', HOME: work},
  })
  const last = r.stderr.trim().split('\n').at(-1) ?? ''
  const [wall, user, system, rssKb] = last.split(' ').map(Number)
  if (wall === undefined || Number.isNaN(wall)) throw new Error(`could not time ${args.join(' ')}: ${r.stderr}`)
  return {cpu: user! + system!, rssMb: rssKb! / 1024, wall}
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]!
}

function row(label: string, args: string[], program?: string): Sample {
  const samples = Array.from({length: RUNS}, () => measure(args, program))
  const m = {
    cpu: median(samples.map((s) => s.cpu)),
    rssMb: median(samples.map((s) => s.rssMb)),
    wall: median(samples.map((s) => s.wall)),
  }
  console.log(`| ${label} | ${m.wall.toFixed(2)} s | ${m.cpu.toFixed(2)} s | ${m.rssMb.toFixed(0)} MB |`)
  return m
}

export default async function startup(): Promise<void> {
  if (!existsSync(path.join(root, 'dist')) || !existsSync(path.join(root, 'oclif.manifest.json'))) {
    console.log('building first (npm run build): the benchmark times the built CLI with its manifest')
    const build = spawnSync('npm', ['run', 'build'], {cwd: root, stdio: 'inherit'})
    if (build.status !== 0) throw new Error('npm run build failed')
  }

  mkdirSync(work, {recursive: true})
  const policy = path.join(work, 'lifecycle.json')
  writeFileSync(
    policy,
    JSON.stringify({Rules: [{Expiration: {Days: 30}, Filter: {Prefix: 'tmp/'}, ID: 'tmp', Status: 'Enabled'}]}),
  )
  console.log(`${cpus().length} cores, load average ${loadavg()[0]!.toFixed(2)}, ${RUNS} runs per row (median)\n`)
  console.log('| process | wall | CPU | peak RSS |')
  console.log('|---|---|---|---|')
  const floor = row("`node -e ''` (the floor)", ['-e', ''])
  const budget = 2 * floor.wall + 0.2
  const rows = [
    row('`pipeops --help`', ['bin/run.js', '--help']),
    row('`pipeops version`', ['bin/run.js', 'version']),
    row('`pipeops s3 lifecycle lint --file` (one rule, offline)', [
      'bin/run.js',
      's3',
      'lifecycle',
      'lint',
      '--file',
      policy,
    ]),
  ]
  const manifest = path.join(root, 'oclif.manifest.json')
  renameSync(manifest, `${manifest}.bench`)
  try {
    row('`pipeops --help` without the manifest (a clone before this change)', ['bin/run.js', '--help'])
  } finally {
    renameSync(`${manifest}.bench`, manifest)
  }

  // The peer users already have: the AWS CLI's own start-up, when it is installed.
  if (spawnSync('aws', ['--version'], {encoding: 'utf8'}).status === 0) {
    const aws = spawnSync('sh', ['-c', 'command -v aws'], {encoding: 'utf8'}).stdout.trim()
    row('`aws --version` (the AWS CLI, the peer)', ['--version'], aws)
  }

  const worst = Math.max(...rows.map((r) => r.wall))
  console.log(
    `\nbudget 2 × ${floor.wall.toFixed(2)} s + 0.2 s = ${budget.toFixed(2)} s; slowest pipeops row ${worst.toFixed(2)} s: ${worst <= budget ? 'within' : 'OVER'} budget`,
  )
}

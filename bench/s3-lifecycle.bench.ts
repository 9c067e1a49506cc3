/**
 * `npm run bench -- s3-lifecycle`: the validator corpus (one bad and one good configuration per
 * finding, test/fixtures/s3-lifecycle/cases.ts) written as CloudFormation templates, checked by
 * cfn-lint (the linter a CloudFormation user already has) and by pipeops' lint. Reports how many
 * bad templates each flags (and whether it leaves the good twin alone), and the wall time of one
 * run over the whole corpus. Cases that CloudFormation cannot express (legacy Prefix, a Filter
 * element) are listed apart. Then the end-to-end rows: the built CLI as a user (or a CI job) runs it,
 * one process per template, against cfn-lint on the same template, and the whole corpus (one
 * pipeops process over every file, `--file` given once per template, and a shell loop of one
 * pipeops process per file, against one cfn-lint process over every file, cfn-lint's fastest use),
 * whole processes under /usr/bin/time, alternating. Files are generated into bench/.work/s3-lifecycle/.
 */
import {spawnSync} from 'node:child_process'
import {mkdir, rm, writeFile} from 'node:fs/promises'
import {cpus, loadavg} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {FINDING_CATALOG} from '../src/lib/s3/lifecycle/findings.js'
import {toCloudFormation} from '../src/lib/s3/lifecycle/formats.js'
import {loadFile, parseConfigurationText} from '../src/lib/s3/lifecycle/load.js'
import {lintConfigurations} from '../src/lib/s3/lifecycle/service.js'
import {CASES} from '../test/fixtures/s3-lifecycle/cases.js'
import {alternate, CLI, e2eHeader, e2eRow, ensureBuilt, machineLine, summarise, timeProcess} from './e2e.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const work = path.join(root, 'bench', '.work', 's3-lifecycle')

interface CfnLintMatch {
  Filename: string
  Level: string
  Rule: {Id: string}
}

/** Write each case as a pair of CloudFormation templates, when CloudFormation can express it. */
async function writeCorpus(): Promise<{
  expressible: Array<{bad: string; good: string; id: keyof typeof FINDING_CATALOG}>
  notExpressible: string[]
}> {
  await rm(work, {force: true, recursive: true})
  await mkdir(work, {recursive: true})
  const expressible: Array<{bad: string; good: string; id: keyof typeof FINDING_CATALOG}> = []
  const notExpressible: string[] = []
  for (const c of CASES) {
    const bad = toCloudFormation(c.bad, {syntax: 'json'})
    const good = toCloudFormation(c.good, {syntax: 'json'})
    // Keep the case only if the CloudFormation form still carries the defect (and the fix).
    const lintOf = async (text: string) =>
      lintConfigurations(await parseConfigurationText(text, 'x.json'), {versioned: c.versioned})
    const stillBad = (await lintOf(bad)).configurations[0]!.findings.some((f) => f.id === c.id)
    const stillGood = !(await lintOf(good)).configurations[0]!.findings.some((f) => f.id === c.id)
    if (!stillBad || !stillGood) {
      notExpressible.push(c.id)
      continue
    }

    const badFile = path.join(work, `${c.id}.bad.json`)
    const goodFile = path.join(work, `${c.id}.good.json`)
    await writeFile(badFile, bad)
    await writeFile(goodFile, good)
    expressible.push({bad: badFile, good: goodFile, id: c.id})
  }

  return {expressible, notExpressible}
}

export default async function bench(): Promise<void> {
  const {expressible, notExpressible} = await writeCorpus()
  const files = expressible.flatMap((e) => [e.bad, e.good])

  // pipeops: read and lint every file, in this process.
  const t0 = performance.now()
  const ours = new Map<string, Set<string>>()
  for (const e of expressible) {
    for (const f of [e.bad, e.good]) {
      const result = lintConfigurations(await loadFile(f), {versioned: CASES.find((c) => c.id === e.id)?.versioned})
      ours.set(f, new Set(result.configurations.flatMap((c) => c.findings.map((x) => x.id))))
    }
  }

  const oursMs = performance.now() - t0

  // cfn-lint: one process over all files (its fastest use).
  const t1 = performance.now()
  const run = spawnSync('cfn-lint', ['--format', 'json', '--', ...files], {encoding: 'utf8', maxBuffer: 64 * 2 ** 20})
  const peerMs = performance.now() - t1
  if (run.error) {
    console.log(`cfn-lint could not be run (${run.error.message}); install it with pip install cfn-lint.`)
    return
  }

  const matches = JSON.parse(run.stdout || '[]') as CfnLintMatch[]
  const theirs = new Map<string, Set<string>>()
  for (const m of matches) {
    const set = theirs.get(path.resolve(m.Filename)) ?? new Set<string>()
    set.add(`${m.Rule.Id} (${m.Level})`)
    theirs.set(path.resolve(m.Filename), set)
  }

  const version = spawnSync('cfn-lint', ['--version'], {encoding: 'utf8'}).stdout.trim()
  const rows: string[] = []
  let oursCaught = 0
  let peerCaught = 0
  for (const e of expressible) {
    const entry = FINDING_CATALOG[e.id]
    const weBad = ours.get(e.bad)!.has(e.id)
    const weGood = !ours.get(e.good)!.has(e.id)
    const peerBad = [...(theirs.get(e.bad) ?? [])]
    const peerGood = new Set(theirs.get(e.good) ?? [])
    const peerFlags = peerBad.filter((x) => !peerGood.has(x))
    if (weBad && weGood) oursCaught++
    if (peerFlags.length > 0) peerCaught++
    rows.push(
      `| ${entry.code} ${e.id} (${entry.severity}) | ${weBad && weGood ? 'yes' : 'no'} | ${peerFlags.length > 0 ? `yes: ${peerFlags.join(', ')}` : 'no'} |`,
    )
  }

  console.log(
    `Machine: ${cpus().length} cores, load ${loadavg()[0]!.toFixed(2)}; ${version}; ${expressible.length} finding types expressible in CloudFormation (${files.length} templates).\n`,
  )
  console.log('| Finding (bad template vs its good twin) | pipeops lint | cfn-lint |')
  console.log('|---|---|---|')
  for (const r of rows) console.log(r)
  console.log(`| **Caught** | **${oursCaught} / ${expressible.length}** | **${peerCaught} / ${expressible.length}** |`)
  console.log(
    `| Wall time, whole corpus | ${oursMs.toFixed(0)} ms (in process) | ${peerMs.toFixed(0)} ms (one process) |`,
  )
  console.log(
    `\nNot expressible in CloudFormation (flat Prefix/TagFilters, no Filter element): ${notExpressible.join(', ')}.`,
  )
  console.log(`\n${endToEnd(files)}`)
}

/** Whole processes, alternating: one template each side, then the whole corpus each side. */
function endToEnd(files: string[]): string {
  ensureBuilt()
  const one = files[0]!
  const quoted = files.map((f) => `'${f}'`).join(' ')
  // lint exits 1 when it finds something: the bad templates do.
  const runs = alternate(3, {
    cfnLintAll: () => timeProcess(`cfn-lint --format json -- ${quoted}`, {okExits: [0, 2, 4, 6, 8, 10, 12, 14]}),
    cfnLintOne: () => timeProcess(`cfn-lint --format json -- '${one}'`, {okExits: [0, 2, 4, 6, 8, 10, 12, 14]}),
    pipeopsAll: () =>
      timeProcess(`for f in ${quoted}; do node '${CLI}' s3 lifecycle lint -f "$f" --json || [ $? -eq 1 ]; done`),
    pipeopsMany: () =>
      timeProcess(`node '${CLI}' s3 lifecycle lint ${files.map((f) => `-f '${f}'`).join(' ')} --json`, {
        okExits: [0, 1],
      }),
    pipeopsOne: () => timeProcess(`node '${CLI}' s3 lifecycle lint -f '${one}' --json`, {okExits: [0, 1]}),
  })
  const cfnOne = summarise(runs.cfnLintOne!)
  const cfnAll = summarise(runs.cfnLintAll!)
  return [
    `End to end; 3 alternating rounds. ${machineLine()}`,
    '',
    e2eHeader(),
    e2eRow('`cfn-lint` on one template (one process)', cfnOne),
    e2eRow(
      '`pipeops s3 lifecycle lint -f FILE --json` on the same template (built CLI)',
      summarise(runs.pipeopsOne!),
      cfnOne,
    ),
    e2eRow(`\`cfn-lint\` over all ${files.length} templates (one process)`, cfnAll),
    e2eRow(
      `\`pipeops s3 lifecycle lint -f F1 … -f F${files.length} --json\` (one built-CLI process over all ${files.length} templates)`,
      summarise(runs.pipeopsMany!),
      cfnAll,
    ),
    e2eRow(
      `pipeops over all ${files.length} templates (one built-CLI process per template, a shell loop)`,
      summarise(runs.pipeopsAll!),
      cfnAll,
    ),
  ].join('\n')
}

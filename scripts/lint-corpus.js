#!/usr/bin/env node
// `npm run corpus -- MODE PATH [--cli FILE]`: runs the built CLI once per item of a corpus (every
// file under a folder, or every message of a file) and prints one line per item and a summary, so
// anyone can repeat the real-input measurements of docs/ on their own files. Each mode lives in
// scripts/corpus/<mode>.js and says which items a path holds, how to run the CLI on one, and what
// to read from its --json envelope.
import {spawnSync} from 'node:child_process'
import {existsSync, readdirSync, statSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const modesDir = path.join(here, 'corpus')
const modes = readdirSync(modesDir)
  .filter((f) => f.endsWith('.js') && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
  .sort()

function usage(message) {
  if (message) console.error(`lint-corpus: ${message}`)
  console.error(`usage: npm run corpus -- MODE PATH [--cli FILE]\nmodes: ${modes.join(', ')}`)
  process.exit(2)
}

const args = process.argv.slice(2)
let cli = path.join(here, '..', 'bin', 'run.js')
const cliAt = args.indexOf('--cli')
if (cliAt !== -1) {
  cli = path.resolve(args[cliAt + 1] ?? usage('--cli needs a file'))
  args.splice(cliAt, 2)
}

const [modeName, target] = args
if (!modeName) usage()
if (!modes.includes(modeName)) usage(`unknown mode "${modeName}"`)
if (!target) usage(`mode ${modeName} needs a PATH`)
if (!existsSync(target)) usage(`${target} does not exist`)
if (!existsSync(path.join(here, '..', 'dist')) && cliAt === -1) usage('build the CLI first: npm run build')

const mode = (await import(pathToFileURL(path.join(modesDir, `${modeName}.js`)).href)).default

/** Every regular file under a folder (or the file itself), sorted, for modes that read files. */
function filesUnder(root) {
  if (statSync(root).isFile()) return [root]
  const out = []
  for (const entry of readdirSync(root, {recursive: true, withFileTypes: true})) {
    if (entry.isFile()) out.push(path.join(entry.parentPath ?? entry.path, entry.name))
  }

  return out.sort()
}

const items = mode.items(target, {filesUnder})
const counts = new Map()
const exitCodes = new Map()
for (const item of items) {
  const run = spawnSync(process.execPath, [cli, ...item.args], {
    encoding: 'utf8',
    env: {...process.env, NO_COLOR: '1'},
    input: item.input ?? '',
    maxBuffer: 512 * 1024 * 1024,
  })
  let envelope
  try {
    envelope = JSON.parse(run.stdout)
  } catch {
    envelope = undefined
  }

  const exitCode = run.status ?? -1
  const verdict = mode.describe({envelope, exitCode, item, stderr: run.stderr})
  exitCodes.set(exitCode, (exitCodes.get(exitCode) ?? 0) + 1)
  for (const [key, n] of Object.entries(verdict.counts ?? {})) counts.set(key, (counts.get(key) ?? 0) + n)
  console.log(`${item.label}\texit=${exitCode}\t${verdict.text}`)
}

const byExit = [...exitCodes].sort((a, b) => a[0] - b[0]).map(([code, n]) => `exit ${code}: ${n}`)
const byCount = [...counts].map(([key, n]) => `${key}: ${n}`)
console.log(`\nsummary (${modeName}): ${items.length} items; ${[...byExit, ...byCount].join('; ')}`)

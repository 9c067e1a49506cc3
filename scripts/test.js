#!/usr/bin/env node
// `npm test`: type-check sources and tests, lint, all Vitest suites (unit, commands, integration
// against the local emulators), then build and smoke-test the built CLI in a subprocess.
// `npm test -- --runtime-only`: only what can differ between Node versions (engines, the suites,
// the build, the smoke tests); .ci/run uses it for the other supported Node versions, since
// type-checking, lint and format give the same answer on each.
import {spawnSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

// Vitest also writes a JSON report per suite, so the run can end with one plain total line.
const reports = mkdtempSync(path.join(tmpdir(), 'pipeops-test-'))
const suiteReport = path.join(reports, 'suites.json')
const smokeReport = path.join(reports, 'smoke.json')

const steps = [
  ['engines', 'node', ['scripts/check-engines.js']],
  ['type-check', 'npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']],
  ['type-check tests', 'npx', ['tsc', '-p', 'test/tsconfig.json', '--noEmit']],
  ['lint', 'npx', ['eslint', '.']],
  ['format', 'npx', ['prettier', '--check', 'src', 'test', 'bench', 'scripts', 'eslint.config.mjs']],
  // dist/ is removed first so that tests can only pass against the TypeScript sources (docs/architecture.md, "Testing").
  [
    'unit, command and integration tests',
    'npx',
    ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${suiteReport}`],
  ],
  // The build writes oclif.manifest.json, so the smoke tests run the start-up path users get.
  ['build', 'npm', ['run', 'build']],
  [
    'smoke tests of bin/run.js',
    'npx',
    [
      'vitest',
      'run',
      '--config',
      'vitest.smoke.config.ts',
      '--reporter=default',
      '--reporter=json',
      `--outputFile.json=${smokeReport}`,
    ],
  ],
]

const runtimeOnly = process.argv.includes('--runtime-only')
const staticChecks = new Set(['format', 'lint', 'type-check', 'type-check tests'])
const selected = runtimeOnly ? steps.filter(([name]) => !staticChecks.has(name)) : steps

rmSync('dist', {force: true, recursive: true})
rmSync('oclif.manifest.json', {force: true})
const env = {...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'}
process.stdout.write(`node ${process.version}${runtimeOnly ? ' (runtime-only)' : ''}\n`)
for (const [name, cmd, args] of selected) {
  const started = Date.now()
  process.stdout.write(`\n=== ${name}: ${cmd} ${args.join(' ')}\n`)
  const r = spawnSync(cmd, args, {env, stdio: 'inherit'})
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  if (r.status !== 0) {
    process.stdout.write(`\n=== ${name} FAILED (exit ${r.status ?? r.signal}) after ${seconds}s\n`)
    process.exit(r.status ?? 1)
  }

  process.stdout.write(`=== ${name} passed in ${seconds}s\n`)
}

let passed = 0
let failed = 0
for (const file of [suiteReport, smokeReport]) {
  const report = JSON.parse(readFileSync(file, 'utf8'))
  passed += report.numPassedTests
  failed += report.numFailedTests
}

process.stdout.write(`\ntests: ${passed} passed, ${failed} failed\n`)
process.exit(failed === 0 ? 0 : 1)

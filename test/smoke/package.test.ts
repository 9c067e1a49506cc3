/**
 * The package as users install it: `npm pack` of the built tree, installed into a temporary global
 * prefix without dev dependencies, then run from there (docs/development.md, "The packed package").
 * What the repository's node_modules would hide shows up here: a runtime import of a dev
 * dependency, a file left out of `files`, the WebAssembly HCL parser's path, the emulators the
 * sandbox starts.
 */
import {execFileSync, spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'

const work = mkdtempSync(path.join(tmpdir(), 'pipeops-package-'))
const prefix = path.join(work, 'prefix')
const home = path.join(work, 'home')
const bin = path.join(prefix, 'bin', 'pipeops')
const env: Record<string, string> = {
  AWS_EC2_METADATA_DISABLED: 'true',
  HOME: home,
  PATH: `${path.dirname(process.execPath)}:/usr/bin:/bin`,
}
let tarball = ''

function pipeops(args: string[], cwd = work, timeout = 120_000) {
  const r = spawnSync(bin, args, {cwd, encoding: 'utf8', env, timeout})
  return {code: r.status, stderr: r.stderr, stdout: r.stdout}
}

/** Bytes on disk, as `du` counts them (what a user sees). */
function diskUsage(dir: string): number {
  return Number(execFileSync('du', ['-sk', dir], {encoding: 'utf8'}).split('\t')[0]) * 1024
}

beforeAll(() => {
  // The build step of `npm test` ran just before: pack what it built (prepack would build again).
  expect(existsSync('oclif.manifest.json')).toBe(true)
  const packed = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], {
    encoding: 'utf8',
  })
  tarball = path.join(work, (JSON.parse(packed) as Array<{filename: string}>)[0]!.filename)
  const started = Date.now()
  execFileSync(
    'npm',
    ['install', '--global', '--prefix', prefix, '--omit=dev', '--no-audit', '--no-fund', '--loglevel=error', tarball],
    {encoding: 'utf8', env: {...process.env, HOME: home}, stdio: 'pipe'},
  )
  const seconds = (Date.now() - started) / 1000
  const installed = diskUsage(path.join(prefix, 'lib', 'node_modules'))
  process.stdout.write(
    `packed package: ${(statSync(tarball).size / 1e3).toFixed(0)} kB tarball; installed ${(installed / 1e6).toFixed(1)} MB with dependencies in ${seconds.toFixed(1)} s\n`,
  )
}, 600_000)

describe('the packed package, installed globally without dev dependencies', () => {
  it('ships the built CLI and its manifest, not sources, maps, declarations or bin/dev.js', () => {
    const listing = execFileSync('tar', ['-tzf', tarball], {encoding: 'utf8'}).split('\n')
    expect(listing).toContain('package/oclif.manifest.json')
    expect(listing).toContain('package/bin/run.js')
    expect(listing.filter((f) => /\.(map|d\.ts)$|^package\/(src|test)\/|bin\/dev\.js$/.test(f))).toEqual([])
  })

  it('starts: --help and version', () => {
    const help = pipeops(['--help'])
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/^\s+kinesis\s/m)
    expect(JSON.parse(pipeops(['version', '--query', 'pipeops']).stdout)).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('reads Terraform with the WebAssembly HCL parser from the installed package', () => {
    const file = path.join(work, 'machine.tf')
    writeFileSync(
      file,
      'resource "aws_sfn_state_machine" "m" {\n  definition = jsonencode({ StartAt = "A", States = { A = { Type = "Pass", End = true } } })\n}\n',
    )
    const r = pipeops(['sfn', 'lint', '--definition', file, '--json'])
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
  })

  it('runs the whole sandbox tour (every flow, against the emulators it starts) and exits 0', () => {
    const r = pipeops(['sandbox', '--demo', '--json'], work, 600_000)
    const envelope = JSON.parse(r.stdout) as {result: {tour: Array<{ok: boolean; title: string}>}}
    expect(envelope.result.tour.filter((s) => !s.ok)).toEqual([])
    expect(envelope.result.tour.length).toBeGreaterThan(10)
    expect(r.code).toBe(0)
  }, 600_000)
})

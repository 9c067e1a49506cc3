/**
 * Smoke tests of the built CLI (`npm run build` first; `npm test` does it): the real bin/run.js in
 * a subprocess, as a user or a runbook script runs it.
 */
import {spawnSync} from 'node:child_process'
import {existsSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

const home = mkdtempSync(path.join(tmpdir(), 'pipeops-smoke-home-'))
/** No credentials, no profile files, no IMDS: a fresh machine. */
const cleanEnv: Record<string, string> = {
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  HOME: home,
  PATH: process.env.PATH ?? '',
}

function pipeops(args: string[], env: Record<string, string> = cleanEnv, timeout = 60_000) {
  const r = spawnSync(process.execPath, ['bin/run.js', ...args], {encoding: 'utf8', env, timeout})
  return {code: r.status, stderr: r.stderr, stdout: r.stdout}
}

describe('bin/run.js', () => {
  it('--help lists every topic and the top-level commands', () => {
    const r = pipeops(['--help'])
    expect(r.code).toBe(0)
    for (const topic of [
      'kinesis',
      'glue',
      'athena',
      'redshift',
      'mwaa',
      's3',
      'trail',
      'sfn',
      'sandbox',
      'doctor',
      'iam-policy',
    ]) {
      expect(r.stdout).toMatch(new RegExp(`^\\s+${topic}\\s`, 'm'))
    }
  })

  it('runs from the command manifest the build wrote (the fast start-up path), with version and completion', () => {
    expect(existsSync('oclif.manifest.json')).toBe(true)
    const version = pipeops(['version', '--query', 'pipeops'])
    expect(version.code).toBe(0)
    expect(JSON.parse(version.stdout)).toMatch(/^\d+\.\d+\.\d+/)
    const completion = pipeops(['autocomplete', 'bash'])
    expect(completion.code).toBe(0)
    expect(completion.stdout).toContain('pipeops')
    // fish: written by pipeops itself from the manifest's commands and flags.
    const fish = pipeops(['completion', 'fish'])
    expect(fish.code).toBe(0)
    expect(fish.stdout).toContain("complete -c pipeops -n '__pipeops_in sfn redrive' -l apply")
  })

  it('offline runs load no AWS SDK and no ink (heavy modules load when used)', () => {
    // A module-resolution hook reports every @aws-sdk, ink or react package the CLI's own files import.
    const dir = mkdtempSync(path.join(tmpdir(), 'pipeops-smoke-loads-'))
    const hooks = path.join(dir, 'hooks.mjs')
    writeFileSync(
      hooks,
      [
        'export async function resolve(specifier, context, next) {',
        "  const fromUs = context.parentURL !== undefined && !context.parentURL.includes('/node_modules/')",
        String.raw`  if (fromUs && /^(@aws-sdk\/|ink$|react$)/.test(specifier)) process.stderr.write('HEAVY ' + specifier + '\n')`,
        '  return next(specifier, context)',
        '}',
      ].join('\n'),
    )
    const register = path.join(dir, 'register.mjs')
    writeFileSync(register, `import {register} from 'node:module'\nregister(${JSON.stringify(`file://${hooks}`)})\n`)
    const file = (name: string, text: string): string => {
      const p = path.join(dir, name)
      writeFileSync(p, text)
      return p
    }

    const runs = [
      ['kinesis', 'hot-shards', '--records', file('keys.csv', 'partitionKey,bytes\na,10\nb,20\n'), '--shards', '4'],
      ['kinesis', 'key-spread', '--records', file('keys2.csv', 'partitionKey\na\nb\n'), '--shards', '4'],
      [
        'athena',
        'lint-columns',
        '--ddl',
        file('t.sql', "CREATE EXTERNAL TABLE t (`Order ID` string) LOCATION 's3://b/t/';"),
      ],
      ['events', 'test-pattern', '--pattern', '{"source":["aws.s3"]}', '--event', '{"source":"aws.s3"}'],
      [
        's3',
        'lifecycle',
        'lint',
        '-f',
        file('lc.json', '{"Rules":[{"ID":"a","Status":"Enabled","Filter":{"Prefix":"x/"},"Expiration":{"Days":30}}]}'),
      ],
      [
        'redshift',
        'copy-check',
        '--input',
        file('d.txt', '1|abc\n'),
        '--table-ddl',
        file('r.sql', 'CREATE TABLE r (a INT, b VARCHAR(4));'),
      ],
      ['mwaa', 'triage', '--logs', file('log.txt', '[2024-01-01 00:00:00] {taskinstance.py:1} ERROR - boom\n')],
      ['sfn', 'lint', '--definition', file('sm.json', '{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}')],
    ]
    for (const args of runs) {
      const r = spawnSync(process.execPath, ['--import', register, 'bin/run.js', ...args, '--json'], {
        encoding: 'utf8',
        env: cleanEnv,
        timeout: 60_000,
      })
      expect(r.status, `${args.slice(0, 2).join(' ')}: ${r.stderr.slice(-500)}`).not.toBe(70)
      expect(r.stdout, args.join(' ')).toContain('"command"')
      const heavy = [...new Set(r.stderr.split('\n').filter((l) => l.startsWith('HEAVY ')))]
      expect(heavy, args.slice(0, 3).join(' ')).toEqual([])
    }
  })

  it('doctor --json without credentials prints the error envelope with exit 3 and a suggestion', () => {
    const r = pipeops(['doctor', '--json', '--region', 'us-east-1'])
    expect(r.code).toBe(3)
    const envelope = JSON.parse(r.stdout) as {error: {exitCode: number; suggestions: string[]}; status: string}
    expect(envelope.status).toBe('error')
    expect(envelope.error.exitCode).toBe(3)
    expect(envelope.error.suggestions.length).toBeGreaterThan(0)
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/)
  })

  it('sfn lint reads a Terraform file through the WebAssembly HCL parser and lints it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pipeops-smoke-sfn-'))
    const file = path.join(dir, 'main.tf')
    writeFileSync(
      file,
      'resource "aws_sfn_state_machine" "m" {\n  definition = jsonencode({ StartAt = "A", States = { A = { Type = "Pass", Next = "Gone" } } })\n}\n',
    )
    const r = pipeops(['sfn', 'lint', '--definition', file, '--json'])
    expect(r.code).toBe(1)
    const envelope = JSON.parse(r.stdout) as {result: {findings: Array<{rule: string}>}}
    expect(envelope.result.findings.map((f) => f.rule)).toEqual(['unknown-state', 'no-terminal-state'])
  })

  it('exits 2 on an unknown command or flag', () => {
    expect(pipeops(['frobnicate']).code).toBe(2)
    const flag = pipeops(['doctor', '--bogus', '--json'])
    expect(flag.code).toBe(2)
    expect(JSON.parse(flag.stdout).error.exitCode).toBe(2)
  })

  it('an unknown command: exit 2, the nearest commands as users type them, one envelope under --json', () => {
    const json = pipeops(['kinesis', 'hotshards', '--json'])
    expect(json.code).toBe(2)
    const envelope = JSON.parse(json.stdout) as {error: {code: string; exitCode: number; suggestions: string[]}}
    expect(envelope.error).toMatchObject({code: 'CommandNotFound', exitCode: 2})
    expect(envelope.error.suggestions[0]).toBe('Did you mean: pipeops kinesis hot-shards')
    const text = pipeops(['kinesis', 'hotshards'])
    expect(text.code).toBe(2)
    expect(text.stderr).toMatch(/"kinesis hotshards" is not a pipeops command/)
    expect(text.stderr).toMatch(/Did you mean: pipeops kinesis hot-shards/)
    expect(text.stderr).not.toMatch(/kinesis:hotshards/)
    expect(JSON.parse(pipeops(['kinesiss', '--json']).stdout).error.suggestions[0]).toBe(
      'Did you mean: pipeops kinesis',
    )
  })

  it('-h works like --help', () => {
    const r = pipeops(['kinesis', 'hot-shards', '-h'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/USAGE/)
  })

  it('sandbox --demo runs the whole tour against the local emulators and exits 0', () => {
    const r = pipeops(['sandbox', '--demo', '--json'], cleanEnv, 600_000)
    const envelope = JSON.parse(r.stdout) as {
      result: {tour: Array<{exitCode: number; ok: boolean; title: string}>; workDir: string}
      status: string
    }
    // The demo's temporary folder (about 30 MB) is removed at the end (kept only with --keep).
    expect(existsSync(envelope.result.workDir)).toBe(false)
    expect(envelope.result.tour.filter((s) => !s.ok)).toEqual([])
    expect(r.code).toBe(0)
    expect(envelope.result.tour.length).toBeGreaterThan(0)
  }, 600_000)
})

import {copyFileSync, mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import type {FilesLintResult} from '../../../src/lib/s3/lifecycle/lint-files.js'
import type {LintResult} from '../../../src/lib/s3/lifecycle/service.js'

import {useTestAwsEnv} from '../../helpers/aws-env.js'
import {resultOf, runJson, runText} from '../../helpers/run.js'

const FIXTURES = path.resolve('test/fixtures/s3-lifecycle')
const BROKEN = path.join(FIXTURES, 'broken.json')
const CLASSIC = path.join(FIXTURES, 'classic.json')
const TEMPLATE = path.join(FIXTURES, 'template.yaml')

/** A directory of templates: two lintable files (one nested), one text file that is not a template, one hidden file. */
function templatesDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 's3lc-many-'))
  mkdirSync(path.join(dir, 'nested'))
  copyFileSync(CLASSIC, path.join(dir, 'a-classic.json'))
  copyFileSync(BROKEN, path.join(dir, 'nested', 'b-broken.json'))
  writeFileSync(path.join(dir, 'README.txt'), 'not a template')
  writeFileSync(path.join(dir, '.hidden.json'), '{"Rules": [')
  return dir
}

describe('s3 lifecycle lint over several files', () => {
  useTestAwsEnv()

  it('gives each file exactly its one-file result, and the exit code of the worst file', async () => {
    const run = await runJson<FilesLintResult>(['s3', 'lifecycle', 'lint', '--file', CLASSIC, '--file', BROKEN])
    expect(run.exitCode).toBe(1)
    expect(run.envelope.status).toBe('findings')
    const result = resultOf(run)
    expect(result.files.map((f) => [f.file, f.status, f.exitCode])).toEqual([
      [CLASSIC, 'ok', 0],
      [BROKEN, 'findings', 1],
    ])
    for (const f of result.files) {
      const alone = resultOf(await runJson<LintResult>(['s3', 'lifecycle', 'lint', '--file', f.file]))
      expect(f.status === 'error' ? undefined : f.result).toEqual(alone)
    }

    const warnings = result.files.reduce((n, f) => n + (f.status === 'error' ? 0 : f.result.warnings), 0)
    expect(warnings).toBeGreaterThan(0)
    expect(result.summary).toEqual({errors: 4, failed: 0, files: 2, filesWithErrors: 1, warnings})
  })

  it('reports a file it cannot read in its place, checks the others, and exits 6', async () => {
    const missing = path.join(tmpdir(), 'no-such-dir-s3lc', 'gone.yaml')
    const run = await runJson<FilesLintResult>(['s3', 'lifecycle', 'lint', '--file', BROKEN, missing, TEMPLATE])
    expect(run.exitCode).toBe(6)
    const result = resultOf(run)
    expect(result.files.map((f) => f.status)).toEqual(['findings', 'error', 'findings'])
    expect(result.files[1]).toMatchObject({
      error: {code: 'FileNotFound', exitCode: 6, message: expect.stringMatching(/no such file/)},
      exitCode: 6,
      file: missing,
    })
    expect(result.summary).toMatchObject({failed: 1, files: 3, filesWithErrors: 2})
  })

  it('takes a directory: every lintable file under it, sorted, hidden files skipped', async () => {
    const dir = templatesDir()
    const result = resultOf(await runJson<FilesLintResult>(['s3', 'lifecycle', 'lint', '--file', dir]))
    expect(result.files.map((f) => path.relative(dir, f.file))).toEqual(['a-classic.json', 'nested/b-broken.json'])
    const text = await runText(['s3', 'lifecycle', 'lint', '--file', dir])
    expect(text.exitCode).toBe(1)
    expect(text.stdout).toMatch(/a-classic\.json[\s\S]*nested\/b-broken\.json/)
    expect(text.stdout).toMatch(/✘ 2 file\(s\): 1 with errors \(4 error\(s\)\)/)
  })

  it('keeps the one-file result for one file, and refuses --estimate or an empty directory over several', async () => {
    const one = resultOf(await runJson<LintResult>(['s3', 'lifecycle', 'lint', '--file', BROKEN]))
    expect(Object.keys(one).sort()).toEqual(['configurations', 'errors', 'warnings'])
    const estimate = await runJson(['s3', 'lifecycle', 'lint', '-f', CLASSIC, '-f', BROKEN, '--objects', '1000'])
    expect(estimate.exitCode).toBe(2)
    const empty = mkdtempSync(path.join(tmpdir(), 's3lc-empty-'))
    expect((await runJson(['s3', 'lifecycle', 'lint', '--file', empty])).exitCode).toBe(6)
  })
})

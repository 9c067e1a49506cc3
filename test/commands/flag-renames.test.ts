/** Renamed flags (docs/architecture.md, "Flag names"): the new name works, the old one still works and warns. */
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import {resultOf, runJson, runText} from '../helpers/run.js'

const SFN = path.join('test', 'fixtures', 'sfn')

describe('renamed output flags', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pipeops-renames-'))

  it('sfn lint --out writes the SARIF file; --output still does, with a deprecation warning', async () => {
    const definition = path.join(SFN, 'order-machine.asl.json')
    const fresh = await runText([
      'sfn',
      'lint',
      '--definition',
      definition,
      '--format',
      'sarif',
      '--out',
      path.join(dir, 'a.sarif'),
    ])
    expect(fresh.stderr).not.toMatch(/deprecated/)
    expect(JSON.parse(readFileSync(path.join(dir, 'a.sarif'), 'utf8'))).toMatchObject({version: '2.1.0'})
    const old = await runText([
      'sfn',
      'lint',
      '--definition',
      definition,
      '--format',
      'sarif',
      '--output',
      path.join(dir, 'b.sarif'),
    ])
    expect(old.stderr).toMatch(/--output.*deprecated.*--out/)
    expect(old.exitCode).toBe(fresh.exitCode)
    expect(readFileSync(path.join(dir, 'b.sarif'), 'utf8')).toBe(readFileSync(path.join(dir, 'a.sarif'), 'utf8'))
  })

  it('an old spelling under --json puts the warning in the envelope, not on stdout beside it', async () => {
    const csv = path.join(dir, 'small.csv')
    writeFileSync(csv, 'id,name\n1,a\n2,b\n3,c\n')
    const split = async (formatFlag: string) =>
      runJson(['redshift', 'copy-split', '--input', csv, '--slices', '2', '--dry-run', formatFlag, 'csv'])
    const run = await split('--format')
    expect(run.envelope.warnings.join('\n')).toMatch(/--format.*deprecated.*--input-format/)
    const fresh = await split('--input-format')
    expect(fresh.envelope.warnings.join('\n')).not.toMatch(/deprecated/)
    const copySql = (r: typeof run) => (resultOf(r) as {copySql: string}).copySql
    expect(copySql(fresh)).toBe(copySql(run))
  })
})

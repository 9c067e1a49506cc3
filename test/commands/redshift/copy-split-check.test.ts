import {mkdtemp, readdir, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {CopySplitResult} from '../../../src/lib/redshift/copy-split.js'

import {errorOf, resultOf, runJson} from '../../helpers/run.js'

let dir: string
let ddl: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pipeops-copy-split-check-'))
  ddl = path.join(dir, 'events.sql')
  await writeFile(ddl, 'CREATE TABLE events (id INT NOT NULL, kind VARCHAR(4), at DATE) DISTSTYLE EVEN;')
})
afterAll(async () => rm(dir, {force: true, recursive: true}))

describe('redshift copy-split --check-table', () => {
  it('splits when every record would load', async () => {
    const input = path.join(dir, 'good.csv')
    await writeFile(input, 'id,kind,at\n1,a,2026-01-01\n2,"b,c",2026-01-02\n')
    const out = path.join(dir, 'out-good')
    const run = await runJson<CopySplitResult>([
      'redshift',
      'copy-split',
      '--input',
      input,
      '--out',
      out,
      '--slices',
      '2',
      '--check-table',
      ddl,
    ])
    expect(run.exitCode).toBe(0)
    expect(resultOf(run).input.records).toBe(2)
    expect(await readdir(out)).toContain('manifest.json')
  })

  it('exit 6 before the manifest when a record would be rejected, with the line of the file', async () => {
    const input = path.join(dir, 'bad.csv')
    await writeFile(input, 'id,kind,at\n1,a,2026-01-01\n2,toolong,2026-01-02\n')
    const out = path.join(dir, 'out-bad')
    const run = await runJson([
      'redshift',
      'copy-split',
      '--input',
      input,
      '--out',
      out,
      '--slices',
      '2',
      '--check-table',
      ddl,
    ])
    expect(run.exitCode).toBe(6)
    const error = errorOf(run)
    expect(error.code).toBe('CopyCheckFailed')
    expect(error.message).toMatch(/line 3, column kind, code 1204/)
    await expect(readdir(out)).rejects.toMatchObject({code: 'ENOENT'})
  })

  it('applies --check-options (DATEFORMAT)', async () => {
    const input = path.join(dir, 'dates.csv')
    await writeFile(input, 'id,kind,at\n1,a,01/31/2026\n')
    const plain = await runJson([
      'redshift',
      'copy-split',
      '--input',
      input,
      '--out',
      path.join(dir, 'o1'),
      '--slices',
      '1',
      '--check-table',
      ddl,
    ])
    expect(plain.exitCode).toBe(6)
    const withFormat = await runJson([
      'redshift',
      'copy-split',
      '--input',
      input,
      '--out',
      path.join(dir, 'o2'),
      '--slices',
      '1',
      '--check-table',
      ddl,
      `--check-options="DATEFORMAT 'MM/DD/YYYY'"`,
    ])
    expect(withFormat.exitCode).toBe(0)
  })
})

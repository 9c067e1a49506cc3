import {mkdtempSync, readdirSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import type {SeedContext} from '../../../src/lib/sandbox/types.js'

import {MWAA_SAMPLE_FILES, mwaaSeed} from '../../../src/lib/sandbox/seeds/mwaa.js'

function listFiles(dir: string): string[] {
  return readdirSync(dir, {recursive: true, withFileTypes: true})
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort()
}

describe('mwaa sandbox seed', () => {
  it('writes the sample folder idempotently', async () => {
    const workDir = mkdtempSync(path.join(tmpdir(), 'mwaa-seed-'))
    const logs: string[] = []
    const context = {log: (m: string) => logs.push(m), workDir} as unknown as SeedContext
    const first = await mwaaSeed.run(context)
    const second = await mwaaSeed.run(context)
    expect(second).toEqual(first)
    expect(first).toEqual([
      {
        kind: 'local folder',
        name: path.join(workDir, 'mwaa-logs'),
        note: expect.stringContaining('mwaa triage --logs'),
      },
    ])
    const dir = path.join(workDir, 'mwaa-logs')
    expect(listFiles(dir)).toEqual(Object.keys(MWAA_SAMPLE_FILES).sort())
    for (const [rel, content] of Object.entries(MWAA_SAMPLE_FILES))
      expect(readFileSync(path.join(dir, rel), 'utf8')).toBe(content)
    expect(logs[0]).toMatch(/wrote 9 sample log files/)
  })
})

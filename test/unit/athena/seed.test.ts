import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import type {LintColumnsResult} from '../../../src/lib/athena/lint-columns.js'

import {athenaSeed} from '../../../src/lib/sandbox/seeds/athena.js'
import {TOUR} from '../../../src/lib/sandbox/tour.js'
import {resultOf, runJson} from '../../helpers/run.js'

const workDir = mkdtempSync(path.join(tmpdir(), 'pipeops-athena-seed-'))
afterAll(() => rmSync(workDir, {force: true, recursive: true}))

describe('athena sandbox seed and tour', () => {
  it('writes the demo files idempotently and every tour step exits as announced', async () => {
    const stub = {kinesis: undefined as never, log() {}, s3: undefined as never, workDir}
    const first = await athenaSeed.run(stub)
    expect(await athenaSeed.run(stub)).toEqual(first)
    const steps = TOUR.filter((s) => s.argv[0] === 'athena')
    expect(steps.length).toBeGreaterThanOrEqual(3)
    for (const step of steps) {
      const argv = step.argv.map((a) => a.replace('{workDir}', workDir))
      const run = await runJson(argv)
      expect(step.expectExit ?? [0]).toContain(run.exitCode)
    }

    const lint = resultOf(
      await runJson<LintColumnsResult>([
        'athena',
        'lint-columns',
        '--ddl',
        path.join(workDir, 'athena', 'tables.sql'),
        '--fix',
      ]),
    )
    const rules = new Set(lint.findings.map((f) => f.rule))
    for (const r of [
      'special-character',
      'reserved-ddl',
      'upper-case',
      'duplicate-name',
      'leading-digit',
      'non-ascii',
      'leading-underscore',
      'dot-or-colon',
      'partition-key-duplicates-column',
      'whitespace',
    ]) {
      expect(rules).toContain(r)
    }

    expect(lint.fixes?.serdeProperties[0]?.properties['case.insensitive']).toBe('FALSE')
  })
})

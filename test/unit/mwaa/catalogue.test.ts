import {execFileSync} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import {NOISE, RULES, SIGNALS} from '../../../src/lib/mwaa/catalogue.js'
import {Classifier, keywordsIn, matchRule} from '../../../src/lib/mwaa/classify.js'
import {CATEGORIES} from '../../../src/lib/mwaa/types.js'
import {SIGNATURE_FIXTURES} from '../../fixtures/mwaa/signatures.js'

function classify(
  text: string,
  kind: (typeof SIGNATURE_FIXTURES)[number]['kind'],
  stream = 'fixture-stream',
): string[] {
  const c = new Classifier()
  c.scanText(text, {kind, logGroup: 'airflow-test-Group', stream})
  return [...c.aggregates.keys()]
}

describe('signature catalogue', () => {
  it('has the 18 failure categories, each with at least one rule, and unclassified-error without one', () => {
    expect([...CATEGORIES].sort()).toEqual(
      [
        'access-denied',
        'dag-import-error',
        'dagbag-import-timeout',
        'database-connection',
        'module-not-found',
        'network-timeout',
        'oom-sigkill',
        'plugin-import-error',
        'queued-stuck',
        'remote-log-unavailable',
        'requirements-install-failure',
        'scheduler-heartbeat',
        'secrets-backend',
        'sigterm',
        'startup-script-failure',
        'task-timeout',
        'unclassified-error',
        'worker-autoscaling',
        'zombie-task',
      ].sort(),
    )
    for (const category of CATEGORIES.filter((c) => c !== 'unclassified-error'))
      expect(
        RULES.some((r) => r.category === category),
        category,
      ).toBe(true)
    expect(RULES.some((r) => r.category === 'unclassified-error')).toBe(false)
    expect(new Set(RULES.map((r) => r.category)).size).toBe(18)
  })

  it('has no character class that matches everything (`[^]` is "any character" in JavaScript, not "not ]")', () => {
    const all = [...RULES.map((r) => r.pattern), ...SIGNALS.map((s) => s.pattern), ...NOISE.map((n) => n.pattern)]
    for (const p of all) expect(p.source, p.source).not.toMatch(/\[\^\]/)
    for (const r of RULES) if (r.near) expect(r.near.source, r.id).not.toMatch(/\[\^\]/)
  })

  it('has unique rule ids and complete rules', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length)
    for (const r of RULES) {
      expect(r.fix.length, r.id).toBeGreaterThan(0)
      expect(r.doc, r.id).toMatch(/^https:\/\//)
      expect(r.keywords.length, r.id).toBeGreaterThan(0)
      expect(r.confidence).toBeGreaterThan(0)
      expect(r.confidence).toBeLessThanOrEqual(1)
    }
  })

  it('has positive and negative fixtures for every rule', () => {
    for (const r of RULES) {
      const fixture = SIGNATURE_FIXTURES.find((f) => f.rule === r.id)
      expect(fixture, `fixture for ${r.id}`).toBeDefined()
      expect(fixture!.positive.length, r.id).toBeGreaterThan(0)
      expect(fixture!.negative.length, r.id).toBeGreaterThan(0)
    }
  })

  describe.each(SIGNATURE_FIXTURES)('$rule', (fixture) => {
    it.each(fixture.positive)('matches %s', (text) => {
      const {before} = fixture
      const context = before === undefined ? [] : classify(before, fixture.kind, fixture.stream)
      expect(classify(before === undefined ? text : `${before}\n${text}`, fixture.kind, fixture.stream)).toEqual([
        ...context,
        fixture.rule,
      ])
      // The keyword prefilter must never hide a match the rule itself would find.
      expect(
        matchRule(text, fixture.kind, fixture.stream ?? 'fixture-stream', {preceding: () => before ?? ''})?.rule.id,
      ).toBe(fixture.rule)
    })
    it.each(fixture.negative)('does not match the near-miss %s', (text) => {
      expect(classify(text, fixture.kind, fixture.stream)).not.toContain(fixture.rule)
    })
  })

  it('finds in one pass every keyword a record holds, also keywords that overlap or start another', () => {
    const keywords = [...new Set([...RULES, ...SIGNALS, ...NOISE].flatMap((r) => r.keywords))]
    const texts = SIGNATURE_FIXTURES.flatMap((f) => [...f.positive, ...f.negative])
    // Overlaps: `Received SIGTERM` inside `Task received SIGTERM signal`, `Timeout, PID` after `AirflowTaskTimeout`.
    texts.push('Task received SIGTERM signal; Received SIGTERM', 'AirflowTaskTimeout: Timeout, PID: 12')
    for (const text of texts) {
      const expected = keywords.filter((k) => text.includes(k)).sort()
      expect([...keywordsIn(text)].sort(), text).toEqual(expected)
    }
  })

  it('only applies stream-bound rules to their streams', () => {
    const timeout =
      '[ERROR] - Process timed out after running for more than 540000 milliseconds when the maximum running time is 540000 milliseconds.'
    expect(classify(timeout, 'worker', 'requirements_install_ip-10-0-1-1_1.log')).toEqual([
      'requirements-install-timeout',
    ])
    expect(classify(timeout, 'worker', 'startup_script_execution_ip-10-0-1-1_1.log')).toEqual([
      'startup-script-timeout',
    ])
    expect(classify(timeout, 'worker', 'worker_ip-10-0-1-1_1.log')).toEqual([])
  })

  it('ignores rules outside their log group kinds, but applies every rule to unknown sources', () => {
    const line =
      '[2024-07-08T07:30:04.511+0000] {{scheduler_job_runner.py:1487}} INFO - Run scheduled__x of etl has timed-out'
    expect(classify(line, 'task')).toEqual([])
    expect(classify(line, 'unknown')).toEqual(['dagrun-timeout'])
  })

  it('keeps every pattern valid for grep -E (the benchmark hands them to grep)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mwaa-patterns-'))
    const file = path.join(dir, 'patterns.txt')
    const all = [...RULES.map((r) => r.pattern), ...SIGNALS.map((s) => s.pattern), ...NOISE.map((n) => n.pattern)]
    for (const p of all) {
      expect(p.source, p.source).not.toMatch(/\\d|\(\?[:=!<]/)
    }

    writeFileSync(file, RULES.map((r) => r.pattern.source).join('\n') + '\n')
    const sample = SIGNATURE_FIXTURES.flatMap((f) => f.positive.map((p) => p.split('\n').join(' '))).join('\n') + '\n'
    const sampleFile = path.join(dir, 'sample.log')
    writeFileSync(sampleFile, sample)
    const out = execFileSync('grep', ['-E', '-c', '-f', file, sampleFile], {encoding: 'utf8'})
    expect(Number(out.trim())).toBeGreaterThan(SIGNATURE_FIXTURES.length)
  })
})

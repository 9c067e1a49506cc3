import {describe, expect, it} from 'vitest'

import {checkName, lintSchema} from '../../../src/lib/athena/lint.js'
import {ATHENA_DDL_RESERVED, ATHENA_DML_RESERVED, TRINO_RESERVED} from '../../../src/lib/athena/reserved-words.js'
import {activeRules, RULES, UnknownRuleError} from '../../../src/lib/athena/rules.js'
import {ALL, col, lintTable, rulesFor, schema, table} from './helpers.js'

const rules = (name: string, kind: 'column' | 'field' | 'partition' | 'table' = 'column'): string[] =>
  checkName(name, {kind, partition: kind === 'partition'}, ALL).map((h) => h.rule)

describe('reserved word lists (verbatim data)', () => {
  it('ships both Athena lists as published, with their quirks', () => {
    expect(ATHENA_DDL_RESERVED).toHaveLength(138)
    expect(ATHENA_DML_RESERVED).toHaveLength(84)
    expect(new Set([...ATHENA_DDL_RESERVED, ...ATHENA_DML_RESERVED]).size).toBe(166)
    expect(ATHENA_DDL_RESERVED).toContain('CASHE')
    expect(ATHENA_DDL_RESERVED).toContain('DIV')
    expect(ATHENA_DML_RESERVED).toContain('UESCAPE')
    expect(TRINO_RESERVED.filter((w) => !ATHENA_DML_RESERVED.includes(w))).toEqual(['AUTO', 'CURRENT_ROLE', 'PRIMARY'])
  })
})

const msg = (n: string) =>
  checkName(n, {kind: 'column', partition: false}, ALL).find((h) => h.rule === 'whitespace')?.message

describe('per-name rules', () => {
  it('empty-name', () => {
    expect(rules('')).toEqual(['empty-name'])
    expect(rules('a')).toEqual([])
  })

  it('too-long counts UTF-8 bytes: 255 × é = 510 bytes', () => {
    expect(rules('é'.repeat(255))).toContain('too-long')
    const hit = checkName('é'.repeat(255), {kind: 'column', partition: false}, ALL).find((h) => h.rule === 'too-long')!
    expect(hit.message).toMatch(/510 UTF-8 bytes \(255 characters\)/)
    expect(rules('a'.repeat(255))).toEqual([])
    expect(rules('a'.repeat(256))).toEqual(['too-long'])
    expect(rules('é'.repeat(127))).not.toContain('too-long')
  })

  it('whitespace: leading, trailing and inner', () => {
    expect(msg(' id')).toMatch(/leading whitespace/)
    expect(msg('id ')).toMatch(/trailing whitespace/)
    expect(msg('user id')).toMatch(/inner whitespace/)
    expect(msg('a\tb')).toMatch(/inner/)
    expect(rules('user_id')).toEqual([])
  })

  it('invisible-character: BOM, zero-width space', () => {
    expect(rules('\uFEFFid')).toEqual(['invisible-character'])
    expect(checkName('\uFEFFid', {kind: 'column', partition: false}, ALL)[0]!.message).toMatch(
      /U\+FEFF \(byte-order mark\).*CSV header/,
    )
    expect(rules('a\u200Bb')).toEqual(['invisible-character'])
    expect(rules('ab')).toEqual([])
  })

  it('dot-or-colon, also for nested fields', () => {
    expect(rules('total.tags')).toEqual(['dot-or-colon'])
    expect(rules('my:field')).toEqual(['dot-or-colon'])
    const findings = lintTable(table([col('s', 'struct<`user.id`:int,ok:int>')]))
    expect(findings.map((f) => [f.rule, f.path])).toEqual([['dot-or-colon', 's.user.id']])
    expect(rules('total_tags')).toEqual([])
  })

  it('special-character: the textbook /var/log', () => {
    expect(rules('/var/log')).toEqual(['special-character'])
    expect(rules('a-b')).toEqual(['special-character'])
    expect(rules('14-day average network i/o')).toEqual(
      expect.arrayContaining(['special-character', 'whitespace', 'leading-digit']),
    )
    expect(rules('var_log')).toEqual([])
  })

  it('non-ascii', () => {
    expect(rules('café')).toEqual(['non-ascii'])
    expect(rules('売上')).toEqual(['non-ascii'])
    expect(rules('cafe')).toEqual([])
  })

  it('upper-case is a warning (Athena lower-cases: Castle → castle)', () => {
    const [hit] = checkName('Castle', {kind: 'column', partition: false}, ALL)
    expect(hit?.rule).toBe('upper-case')
    expect(hit?.message).toMatch(/becomes "castle"/)
    expect(RULES.find((r) => r.id === 'upper-case')?.severity).toBe('warning')
    expect(rules('castle')).toEqual([])
  })

  it('leading-digit (DML): "123columnone"', () => {
    expect(rules('123columnone')).toEqual(['leading-digit'])
    expect(rules('column1')).toEqual([])
  })

  it('leading-underscore (DDL), with the MSCK note for partition keys', () => {
    expect(rules('_id')).toEqual(['leading-underscore'])
    expect(checkName('_region', {kind: 'partition', partition: true}, ALL)[0]!.message).toMatch(
      /MSCK REPAIR TABLE does not add partition keys/,
    )
    expect(checkName('_id', {kind: 'column', partition: false}, ALL)[0]!.message).not.toMatch(/MSCK/)
    expect(rules('id_')).toEqual([])
  })

  it('nested _id is flagged with its path', () => {
    const findings = lintTable(table([col('doc', 'struct<`_id`:string,name:string>')]))
    expect(findings.map((f) => [f.rule, f.column, f.path])).toEqual([['leading-underscore', 'doc', 'doc._id']])
  })

  it('reserved-ddl names the DDL list: date, cashe (a quirk of the page)', () => {
    expect(rules('date')).toEqual(['reserved-ddl'])
    expect(rules('Date')).toEqual(['upper-case', 'reserved-ddl'])
    expect(rules('cashe')).toEqual(['reserved-ddl'])
    expect(checkName('date', {kind: 'column', partition: false}, ALL)[0]!.message).toMatch(
      /DDL reserved-word list.*`date`/,
    )
    expect(rules('dates')).toEqual([])
  })

  it('reserved-dml names the SELECT list: json_table, and both lists for select', () => {
    expect(rules('json_table')).toEqual(['reserved-dml'])
    expect(rules('select')).toEqual(['reserved-ddl', 'reserved-dml'])
    expect(checkName('json_table', {kind: 'column', partition: false}, ALL)[0]!.message).toMatch(
      /SELECT reserved-word list.*"json_table"/,
    )
    expect(rules('selected')).toEqual([])
  })

  it('reserved-trino: Trino-only words are warnings', () => {
    expect(rules('auto')).toEqual(['reserved-trino'])
    expect(rules('current_role')).toEqual(['reserved-trino'])
    expect(rules('primary')).toEqual(['reserved-ddl', 'reserved-trino'])
    expect(RULES.find((r) => r.id === 'reserved-trino')?.severity).toBe('warning')
    expect(rules('automatic')).toEqual([])
  })
})

describe('duplicates', () => {
  it('duplicate-name: case-only duplicates among columns', () => {
    const findings = lintTable(table([col('URL'), col('url'), col('Url')]))
    // The clean "url" keeps its name; the others are flagged.
    expect(findings.filter((f) => f.rule === 'duplicate-name').map((f) => f.column)).toEqual(['URL', 'Url'])
    expect(rulesFor(findings, 'url')).toEqual([])
  })

  it('duplicate-name: exact repeats and nested siblings, not across structs', () => {
    expect(lintTable(table([col('a'), col('a')])).map((f) => f.rule)).toEqual(['duplicate-name'])
    const nested = lintTable(table([col('s', 'struct<id:int,ID:int,t:struct<id:int>>')]))
    expect(nested.filter((f) => f.rule === 'duplicate-name').map((f) => f.path)).toEqual(['s.ID'])
    expect(lintTable(table([col('a'), col('b')]))).toEqual([])
  })

  it('duplicate-name across columns and partition keys', () => {
    const findings = lintTable(table([col('Region')], {partitionKeys: [col('country'), col('COUNTRY')]}))
    expect(findings.filter((f) => f.rule === 'duplicate-name').map((f) => f.column)).toEqual(['COUNTRY'])
  })

  it('JSON sources name the Duplicate key error', () => {
    const f = lintTable(table([col('url'), col('URL')], {source: {kind: 'json-sample'}})).find(
      (x) => x.rule === 'duplicate-name',
    )
    expect(f?.message).toMatch(/JSONException: Duplicate key/)
    const g = lintTable(table([col('url'), col('URL')])).find((x) => x.rule === 'duplicate-name')
    expect(g?.message).toMatch(/Multiple entries with same key/)
  })

  it('partition-key-duplicates-column', () => {
    const findings = lintTable(table([col('dt'), col('x')], {partitionKeys: [col('DT')]}))
    expect(
      findings.filter((f) => f.rule === 'partition-key-duplicates-column').map((f) => [f.column, f.message]),
    ).toEqual([['DT', expect.stringMatching(/Table descriptor contains duplicate columns/)]])
    expect(lintTable(table([col('dt')], {partitionKeys: [col('day')]}))).toEqual([])
  })
})

describe('database and table names', () => {
  it('lints database and table names once', () => {
    const out = lintSchema(
      schema(
        table([col('a')], {database: 'glue-athena', table: 'My Table'}),
        table([col('a')], {database: 'glue-athena', table: 't2'}),
      ),
      ALL,
    )
    expect(out.findings.map((f) => [f.kind, f.rule])).toEqual([
      ['database', 'special-character'],
      ['table', 'whitespace'],
      ['table', 'upper-case'],
    ])
    expect(out.summary).toEqual({columns: 2, errors: 2, tables: 2, warnings: 1})
  })
})

describe('rule selection', () => {
  it('--context ddl drops DML-only rules and vice versa', () => {
    const ddl = activeRules({context: 'ddl', ignore: [], only: []})
    const dml = activeRules({context: 'dml', ignore: [], only: []})
    expect(ddl.has('reserved-ddl') && !ddl.has('reserved-dml') && !ddl.has('leading-digit')).toBe(true)
    expect(dml.has('reserved-dml') && dml.has('leading-digit') && !dml.has('leading-underscore')).toBe(true)
    expect(ddl.has('special-character') && dml.has('special-character')).toBe(true)
    // The documented quoted forms: valid in DDL, need double quotes in queries.
    const t = table([col('123columnone')], {table: '234table'})
    expect(lintTable(t, ddl)).toEqual([])
    expect(lintTable(t, dml).map((f) => f.rule)).toEqual(['leading-digit', 'leading-digit'])
    const underscored = table([col('_id'), col('_index')], {table: '_myunderscoretable'})
    expect(lintTable(underscored, dml)).toEqual([])
    expect(lintTable(underscored, ddl)).toHaveLength(3)
  })

  it('--rules and --ignore', () => {
    expect([...activeRules({context: 'both', ignore: [], only: ['upper-case']})]).toEqual(['upper-case'])
    expect(activeRules({context: 'both', ignore: ['upper-case'], only: []}).has('upper-case')).toBe(false)
    expect(() => activeRules({context: 'both', ignore: ['nope'], only: []})).toThrow(UnknownRuleError)
  })
})

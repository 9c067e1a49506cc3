import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import type {ColumnDef} from '../../../src/lib/athena/model.js'

import {buildCompat, buildFixes} from '../../../src/lib/athena/fix.js'
import {lintSchema} from '../../../src/lib/athena/lint.js'
import {awswranglerName, cleanName, uniqueName} from '../../../src/lib/athena/names.js'
import {ALL, col, schema, table} from './helpers.js'

describe('cleanName', () => {
  it('produces readable, valid names', () => {
    expect(cleanName('/var/log', 'column')).toBe('var_log')
    expect(cleanName('processedAt', 'column')).toBe('processedat')
    expect(cleanName('s3 storage (gb)', 'column')).toBe('s3_storage_gb')
    expect(cleanName('14-day average network i/o', 'column')).toBe('col_14_day_average_network_i_o')
    expect(cleanName('date', 'column')).toBe('date_col')
    expect(cleanName('select', 'table')).toBe('select_tbl')
    expect(cleanName('_id', 'field')).toBe('id')
    expect(cleanName('\uFEFFid', 'column')).toBe('id')
    expect(cleanName('a__b', 'column')).toBe('a__b')
    expect(cleanName('Café Olé', 'column')).toBe('cafe_ole')
  })

  it('transliterates non-Latin names instead of collapsing them to "_"', () => {
    expect(cleanName('売上', 'column')).toBe('maishang')
    expect(cleanName('日本語', 'column')).toBe('ribenyu')
    expect(cleanName('Привет', 'column')).toBe('privet')
    expect(cleanName('ß', 'column')).toBe('ss')
    expect(cleanName('Ａ', 'column')).toBe('a')
  })

  it('falls back to a stable short hash when nothing readable is left', () => {
    const a = cleanName('\u200B', 'column')
    expect(a).toMatch(/^col_[0-9a-f]{8}$/)
    expect(cleanName('\u200B', 'column')).toBe(a)
    expect(cleanName('', 'column')).toMatch(/^col_[0-9a-f]{8}$/)
    expect(cleanName('', 'column')).not.toBe(a)
  })

  it('keeps long names within 255 bytes', () => {
    const long = cleanName('é'.repeat(300), 'column')
    expect(Buffer.byteLength(long)).toBeLessThanOrEqual(255)
  })

  it('uniqueName appends _2, _3 … and records the name', () => {
    const taken = new Set(['url', 'url_2'])
    expect(uniqueName('url', taken)).toBe('url_3')
    expect(taken.has('url_3')).toBe(true)
  })
})

describe('awswrangler names (documented examples)', () => {
  it.each([
    ['MyNewColumn', 'mynewcolumn', 'my_new_column'],
    ['processedAt', 'processedat', 'processed_at'],
    ['total.tags', 'total_tags', 'total_tags'],
    ['Café Olé', 'cafe_ole', 'cafe_ole'],
    ['a--b', 'a_b', 'a_b'],
    ['日本語', '_', '_'],
    ['売上', '_', '_'],
    ['ß', '_', '_'],
    ['Ａ', '_', '_'],
    ['1st col', '1st_col', '1st_col'],
    ['__id', '__id', '__id'],
    ['select', 'select', 'select'],
    ['', '', ''],
  ])('%s → %s (≥2.13), %s (≤2.12)', (input, current, legacy) => {
    expect(awswranglerName(input, false)).toBe(current)
    expect(awswranglerName(input, true)).toBe(legacy)
  })

  it('flags collisions and names that are still invalid', () => {
    const compat = buildCompat(
      table([col('日本語'), col('売上'), col('sinceEpoch'), col('SinceEpoch'), col('1st col')]),
    )
    expect(compat.collisions).toEqual(
      expect.arrayContaining([
        {from: ['日本語', '売上'], name: '_', version: '>=2.13'},
        {from: ['sinceEpoch', 'SinceEpoch'], name: 'sinceepoch', version: '>=2.13'},
        {from: ['sinceEpoch', 'SinceEpoch'], name: 'since_epoch', version: '<=2.12'},
      ]),
    )
    expect(compat.stillInvalid).toEqual(
      expect.arrayContaining([
        {name: '_', problem: 'only underscores', version: '>=2.13'},
        {name: '1st_col', problem: 'starts with a digit', version: '>=2.13'},
      ]),
    )
  })
})

describe('fix artefacts', () => {
  it('renames never collide with existing names', () => {
    const t = table([col('var_log'), col('/var/log'), col('var-log'), col('URL'), col('url')])
    const out = lintSchema(schema(t), ALL)
    expect(out.renames.map((r) => [r.from, r.to])).toEqual([
      ['/var/log', 'var_log_2'],
      ['var-log', 'var_log_3'],
      ['URL', 'url_2'],
    ])
    expect(out.renames[0]!.note).toMatch(/"var_log" is already used/)
  })

  it('builds a view that selects bad columns by quoted original name, with nested renames by CAST', () => {
    const t = table(
      [
        col('id', 'bigint'),
        col('/var/log', 'string'),
        col('payload', 'struct<`_id`:string,tags:array<struct<Key:string>>>'),
      ],
      {partitionKeys: [col('dt', 'string')]},
    )
    const out = lintSchema(schema(t), ALL)
    const fixes = buildFixes(schema(t), out.renames, {duplicateTables: new Set()})
    expect(fixes.views).toHaveLength(1)
    expect(fixes.views[0]!.sql).toBe(
      [
        'CREATE OR REPLACE VIEW "db"."t_clean" AS',
        'SELECT',
        '  id,',
        '  "/var/log" AS var_log,',
        '  CAST("payload" AS ROW("id" varchar, "tags" ARRAY(ROW("key" varchar)))) AS "payload",',
        '  dt',
        'FROM "db"."t"',
      ].join('\n'),
    )
  })

  it("builds the same artefacts from the linter's verdict on each name as from testing the names again", () => {
    const name = fc.constantFrom(
      'id',
      'select',
      'date',
      'Date',
      'URL',
      'url',
      '/var/log',
      '_id',
      'a'.repeat(256),
      '売上',
      'x_1',
    )
    fc.assert(
      fc.property(fc.array(name, {maxLength: 8}), fc.array(name, {maxLength: 2}), (columns, keys) => {
        const t = table(
          columns.map((n) => col(n, 'string')),
          {partitionKeys: keys.map((n) => col(n, 'string')), serde: 'org.openx.data.jsonserde.JsonSerDe'},
        )
        const out = lintSchema(schema(t), ALL)
        const tested = buildFixes(schema(t), out.renames, {duplicateTables: new Set(['db\u0000t'])})
        const told = buildFixes(schema(t), out.renames, {
          duplicateTables: new Set(['db\u0000t']),
          plainNames: out.plainNames,
        })
        expect(told).toEqual(tested)
      }),
      {numRuns: 300},
    )
  })

  it('builds OpenX mapping.* properties and case.insensitive for case-only duplicates', () => {
    const t = table([col('URL', 'string'), col('Url', 'string'), col('a.b', 'int')], {
      location: 's3://b/t/',
      serde: 'org.openx.data.jsonserde.JsonSerDe',
    })
    const out = lintSchema(schema(t), ALL)
    const fixes = buildFixes(schema(t), out.renames, {duplicateTables: new Set(['db\u0000t'])})
    expect(fixes.serdeProperties[0]!.properties).toEqual({
      'case.insensitive': 'FALSE',
      'mapping.a_b': 'a.b',
      'mapping.url': 'URL',
      'mapping.url_2': 'Url',
    })
    expect(fixes.serdeProperties[0]!.sql).toMatch(
      /ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'\nWITH SERDEPROPERTIES \(\n {2}'case.insensitive' = 'FALSE'/,
    )
    expect(fixes.serdeProperties[0]!.sql).toMatch(/LOCATION 's3:\/\/b\/t\/'/)
    // Not for non-JSON tables.
    expect(
      buildFixes(schema({...t, serde: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'}), out.renames, {
        duplicateTables: new Set(),
      }).serdeProperties,
    ).toEqual([])
  })
})

const nameArb = fc.oneof(
  fc.string({maxLength: 12, unit: 'grapheme'}),
  fc.string({maxLength: 12, unit: 'binary'}),
  fc.constantFrom(
    'select',
    'date',
    'URL',
    'url',
    'Url',
    '_id',
    '1st',
    '/var/log',
    'var_log',
    '日本語',
    '売上',
    '\uFEFFid',
    ' a',
    'a.b',
    'col_1',
    'auto',
    '',
    'é'.repeat(200),
  ),
)

describe('property: --fix output passes the linter and is pairwise distinct', () => {
  it('for top-level columns, partition keys and nested fields', () => {
    fc.assert(
      fc.property(
        fc.array(nameArb, {maxLength: 14}),
        fc.array(nameArb, {maxLength: 4}),
        fc.array(nameArb, {maxLength: 6}),
        (names, keys, fields) => {
          const struct: ColumnDef = {
            name: 'nested',
            type: {fields: fields.map((name) => ({name, type: {kind: 'primitive', name: 'int'}})), kind: 'struct'},
          }
          const t = table([...names.map((n) => col(n)), ...(fields.length > 0 ? [struct] : [])], {
            partitionKeys: keys.map((n) => col(n)),
          })
          const {renames} = lintSchema(schema(t), ALL)
          const rename = (name: string, kind: string, i: number, list: string[]) => {
            // Identical names get identical per-name findings; with duplicates only the later
            // occurrences are renamed, in order.
            const same = renames.filter((r) => r.kind === kind && r.from === name && r.segments.length === 1)
            const before = list.slice(0, i).filter((x) => x === name).length
            const flagged = same.length
            const total = list.filter((x) => x === name).length
            const idx = before - (total - flagged)
            return idx >= 0 ? same[idx]!.to : name
          }

          const fixedColumns = names.map((n, i) => rename(n, 'column', i, names))
          const fixedKeys = keys.map((n, i) => rename(n, 'partition', i, keys))
          const fieldRenames = renames.filter((r) => r.kind === 'field')
          const fixedFields = fields.map((n, i) => {
            const same = fieldRenames.filter((r) => r.from === n)
            const total = fields.filter((x) => x === n).length
            const idx = fields.slice(0, i).filter((x) => x === n).length - (total - same.length)
            return idx >= 0 ? same[idx]!.to : n
          })
          const fixedTop = [...fixedColumns, ...(fields.length > 0 ? ['nested'] : []), ...fixedKeys]
          const fixed = table(
            [
              ...fixedColumns.map((n) => col(n)),
              ...(fields.length > 0
                ? [
                    {
                      name: 'nested',
                      type: {
                        fields: fixedFields.map((name) => ({name, type: {kind: 'primitive' as const, name: 'int'}})),
                        kind: 'struct' as const,
                      },
                    },
                  ]
                : []),
            ],
            {
              partitionKeys: fixedKeys.map((n) => col(n)),
            },
          )
          expect(lintSchema(schema(fixed), ALL).findings).toEqual([])
          expect(new Set(fixedTop.map((n) => n.toLowerCase())).size).toBe(fixedTop.length)
          expect(new Set(fixedFields.map((n) => n.toLowerCase())).size).toBe(fixedFields.length)
        },
      ),
      {numRuns: 400},
    )
  })

  it('is deterministic', () => {
    fc.assert(
      fc.property(fc.array(nameArb, {maxLength: 10}), (names) => {
        const a = lintSchema(schema(table(names.map((n) => col(n)))), ALL).renames
        const b = lintSchema(schema(table(names.map((n) => col(n)))), ALL).renames
        expect(a).toEqual(b)
      }),
    )
  })
})

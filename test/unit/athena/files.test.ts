import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {gzipSync} from 'node:zlib'
import {afterAll, describe, expect, it} from 'vitest'

import {
  FileInputError,
  parseCsvRecord,
  readCsvHeader,
  readJsonSample,
  readParquetSchema,
} from '../../../src/lib/athena/inputs/files.js'
import {lintSchema} from '../../../src/lib/athena/lint.js'
import {writeParquetFooter} from '../../fixtures/athena/parquet-footer.js'
import {ALL} from './helpers.js'

const dir = mkdtempSync(path.join(tmpdir(), 'pipeops-athena-files-'))
afterAll(() => rmSync(dir, {force: true, recursive: true}))
const file = (name: string, data: Buffer | string): string => {
  const p = path.join(dir, name)
  writeFileSync(p, data)
  return p
}

describe('CSV headers', () => {
  it('detects a UTF-8 BOM and keeps it in the first name, so the linter flags it', async () => {
    const input = await readCsvHeader(file('bom.csv', '\uFEFFid,name\n1,a\n'))
    expect(input.tables[0]!.columns.map((c) => c.name)).toEqual(['\uFEFFid', 'name'])
    expect(input.tables[0]!.table).toBe('bom')
    expect(input.notes[0]).toMatch(/byte-order mark/)
    const {findings} = lintSchema(input, ALL)
    expect(findings.map((f) => [f.rule, f.suggestion])).toEqual([
      ['invisible-character', expect.stringMatching(/^Rename to "id"/)],
    ])
  })

  it('reads quoted headers with delimiters, quotes and newlines; detects ; and tab', async () => {
    const input = await readCsvHeader(file('q.csv', '"a,b","say ""hi""","multi\nline",plain\r\n1,2,3,4\n'))
    expect(input.tables[0]!.columns.map((c) => c.name)).toEqual(['a,b', 'say "hi"', 'multi\nline', 'plain'])
    expect((await readCsvHeader(file('s.csv', 'a;b;c\n'))).tables[0]!.columns).toHaveLength(3)
    expect((await readCsvHeader(file('t.tsv', 'a\tb\n'))).tables[0]!.columns.map((c) => c.name)).toEqual(['a', 'b'])
    expect(
      (await readCsvHeader(file('p.csv', 'a|b,c\n'), {delimiter: '|'})).tables[0]!.columns.map((c) => c.name),
    ).toEqual(['a', 'b,c'])
  })

  it('reads gzip, detects UTF-16, rejects empty files', async () => {
    expect((await readCsvHeader(file('g.csv.gz', gzipSync('x,Y\n1,2\n')))).tables[0]).toMatchObject({
      columns: [{name: 'x'}, {name: 'Y'}],
      table: 'g',
    })
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n', 'utf16le')])
    const u = await readCsvHeader(file('u16.csv', utf16))
    expect(u.tables[0]!.columns.map((c) => c.name)).toEqual(['\uFEFFa', 'b'])
    expect(u.notes[0]).toMatch(/UTF-16 LE/)
    await expect(readCsvHeader(file('empty.csv', ''))).rejects.toThrow(FileInputError)
  })

  it('parseCsvRecord handles an empty last field', () => {
    expect(parseCsvRecord('a,,\n', ',')).toEqual({fields: ['a', '', ''], terminated: true})
  })
})

describe('JSON Lines samples', () => {
  it('collects key paths at every depth and keeps case-only duplicates apart (across records)', async () => {
    const p = file(
      'events.jsonl',
      [
        '{"id":1,"URL":"a","doc":{"_id":"x","items":[{"Key":1}]}}',
        '',
        '{"id":2,"Url":"b","doc":{"items":[{"key":2.5}],"tags":null}}',
      ].join('\n'),
    )
    const input = await readJsonSample(p)
    const t = input.tables[0]!
    expect(t.columns.map((c) => c.name)).toEqual(['id', 'URL', 'doc', 'Url'])
    expect(t.serde).toMatch(/openx/)
    const {findings} = lintSchema(input, ALL)
    expect(findings.filter((f) => f.rule === 'duplicate-name').map((f) => f.path ?? f.column)).toEqual([
      'Url',
      'doc.items[].Key',
    ])
    expect(findings.find((f) => f.rule === 'duplicate-name')!.message).toMatch(/Duplicate key/)
    expect(findings.find((f) => f.path === 'doc._id')?.rule).toBe('leading-underscore')
    const doc = t.columns[2]!.type!
    expect(doc.kind === 'struct' && doc.fields.map((f) => [f.name, f.type.kind])).toEqual([
      ['_id', 'primitive'],
      ['items', 'array'],
      ['tags', 'primitive'],
    ])
  })

  it('reads a JSON array file and gzip; names the bad line', async () => {
    expect((await readJsonSample(file('arr.json', '[{"a":1},{"B":2}]'))).tables[0]!.columns.map((c) => c.name)).toEqual(
      ['a', 'B'],
    )
    expect((await readJsonSample(file('z.jsonl.gz', gzipSync('{"a":1}\n')))).tables[0]!.table).toBe('z')
    await expect(readJsonSample(file('bad.jsonl', '{"a":1}\n{"a":\n'))).rejects.toThrow(
      /bad.jsonl:2: not a JSON object/,
    )
    await expect(readJsonSample(file('arr.jsonl', '{"a":1}\n[1]\n'))).rejects.toThrow(
      /must be an object, found an array/,
    )
    await expect(readJsonSample(file('none.jsonl', '\n\n'))).rejects.toThrow(/no JSON records/)
  })
})

describe('Parquet footers', () => {
  it('reads column names, nested groups, LIST and MAP', async () => {
    const p = path.join(dir, 'part-0000.parquet')
    writeParquetFooter(p, [
      {name: 'id', type: 'INT64'},
      {name: 'User.Name', type: 'STRING'},
      {
        children: [
          {name: '_id', type: 'STRING'},
          {name: 'Tags', type: 'STRING'},
          {name: 'tags', type: 'BOOLEAN'},
        ],
        name: 'payload',
      },
      {
        children: [
          {
            children: [{children: [{name: 'k-1', type: 'INT32'}], name: 'element'}],
            name: 'list',
            repetition: 'REPEATED',
          },
        ],
        converted: 'LIST',
        name: 'items',
      },
      {
        children: [
          {
            children: [
              {name: 'key', repetition: 'REQUIRED', type: 'STRING'},
              {children: [{name: 'v:1', type: 'DOUBLE'}], name: 'value'},
            ],
            name: 'key_value',
            repetition: 'REPEATED',
          },
        ],
        converted: 'MAP',
        name: 'attrs',
      },
    ])
    const input = await readParquetSchema(p)
    const t = input.tables[0]!
    expect(t.table).toBe('part-0000')
    expect(t.columns.map((c) => c.name)).toEqual(['id', 'User.Name', 'payload', 'items', 'attrs'])
    expect(t.columns[3]!.type).toEqual({
      element: {fields: [{name: 'k-1', type: {kind: 'primitive', name: 'int'}}], kind: 'struct'},
      kind: 'array',
    })
    const {findings} = lintSchema(input, ALL)
    expect(findings.map((f) => [f.rule, f.path ?? f.column])).toEqual([
      ['dot-or-colon', 'User.Name'],
      ['upper-case', 'User.Name'],
      ['leading-underscore', 'payload._id'],
      ['upper-case', 'payload.Tags'],
      ['duplicate-name', 'payload.Tags'],
      ['special-character', 'items[].k-1'],
      ['dot-or-colon', 'attrs{}.v:1'],
    ])
  })

  it('rejects a file that is not Parquet', async () => {
    await expect(readParquetSchema(file('x.parquet', 'not parquet at all'))).rejects.toThrow(
      /is not a readable Parquet file/,
    )
  })
})

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {readGlueJson} from '../../../src/lib/athena/inputs/catalog.js'
import {scanGlueJson} from '../../../src/lib/athena/inputs/glue-json-scan.js'

/** The tables as the scanner reads them, or undefined when it leaves the text to JSON.parse. */
const scan = (bytes: Buffer): undefined | unknown[] => scanGlueJson(bytes, (table) => table)

/** The result, or the error message: what a user sees either way. */
function outcome(read: () => unknown): unknown {
  try {
    return {result: read()}
  } catch (error) {
    return {error: (error as Error).message}
  }
}

/** Through the scanner (bytes) and through JSON.parse (the text): the two must agree on every input. */
function bothWays(bytes: Buffer): {parsed: unknown; scanned: unknown} {
  return {
    parsed: outcome(() => readGlueJson(bytes.toString('utf8'), 'cat.json')),
    scanned: outcome(() => readGlueJson(bytes, 'cat.json')),
  }
}

const name = fc.oneof(
  fc.constantFrom(
    'id',
    'Order ID',
    '/var/log',
    'select',
    '売上',
    '_id',
    'a\u0000b',
    'tab\there',
    'q"uote',
    String.raw`back\slash`,
    '',
  ),
  fc.string({maxLength: 12, unit: 'grapheme-ascii'}),
  fc.string({maxLength: 6, unit: 'grapheme'}),
)
const type = fc.constantFrom(
  'string',
  'STRING',
  'bigint',
  'decimal(10,2)',
  'struct<a:int,B:string>',
  'array<struct<`_x`:int,ok:int>>',
  'map<string,struct<x y:int>>',
  'struct<a:int',
  '',
)
const extra = fc.dictionary(
  fc.constantFrom('Comment', 'Parameters', 'Owner', 'CreateTime', 'Retention', 'Name2'),
  fc.jsonValue({maxDepth: 3}),
  {
    maxKeys: 2,
  },
)
const column = fc.record({Name: name, Type: type}, {requiredKeys: []}).chain((c) => extra.map((e) => ({...e, ...c})))
const columns = fc.array(column, {maxLength: 6})
const table = fc
  .record(
    {
      DatabaseName: name,
      Name: name,
      PartitionKeys: columns,
      StorageDescriptor: fc.record(
        {
          Columns: columns,
          InputFormat: fc.constant('org.apache.hadoop.mapred.TextInputFormat'),
          Location: fc.string({maxLength: 10}),
          SerdeInfo: fc.record(
            {
              Parameters: fc.dictionary(fc.string({maxLength: 4}), fc.string({maxLength: 4}), {maxKeys: 2}),
              SerializationLibrary: fc.constantFrom('org.openx.data.jsonserde.JsonSerDe', 'LazySimpleSerDe'),
            },
            {requiredKeys: []},
          ),
        },
        {requiredKeys: []},
      ),
      TableType: fc.constantFrom('EXTERNAL_TABLE', 'VIRTUAL_VIEW'),
    },
    {requiredKeys: ['Name']},
  )
  .chain((t) => extra.map((e) => ({...e, ...t})))
const document = fc.oneof(
  fc.array(table, {maxLength: 3}).map((TableList) => ({TableList})),
  table.map((Table) => ({Table})),
  table,
  fc.array(table, {maxLength: 3}),
)
/** A get-table document whose table parameters are `parameters` (a part the scanner skips). */
const withParameters = (parameters: string): string => `{"Table":{"Name":"t","Parameters":${parameters}}}`

/** A table with a struct column, and a column whose type cannot be read. */
const tableWithStruct = (n: string): object => ({
  Name: n,
  StorageDescriptor: {
    Columns: [
      {Name: 'doc', Type: 'struct<a:int,`_b`:string>'},
      {Name: 'bad', Type: 'struct<'},
    ],
  },
})

/** JSON.stringify's indent: none, spaces, tabs, carriage returns (all JSON whitespace). */
const indent = fc.constantFrom(undefined, 2, '\t', ' \r')

describe('scanGlueJson: the get-table(s) reader that skips JSON.parse', () => {
  it('reads what the CLI prints exactly as JSON.parse does, and handles it itself', () => {
    fc.assert(
      fc.property(document, indent, (doc, space) => {
        const bytes = Buffer.from(JSON.stringify(doc, null, space))
        expect(scan(bytes)).toBeDefined()
        const {parsed, scanned} = bothWays(bytes)
        expect(scanned).toEqual(parsed)
      }),
      {numRuns: 400},
    )
  })

  it('agrees with JSON.parse on any damaged text: the same result, or the same error', () => {
    const damage = fc.record({
      at: fc.nat(),
      edit: fc.constantFrom('delete', 'insert', 'replace', 'cut'),
      with: fc.constantFrom(
        '"',
        '\\',
        '{',
        '}',
        '[',
        ']',
        ',',
        ':',
        ' ',
        '0',
        '-',
        'e',
        '.',
        '\u0001',
        'é',
        't',
        'n',
        'u',
      ),
    })
    fc.assert(
      fc.property(document, damage, (doc, d) => {
        const text = JSON.stringify(doc)
        const at = d.at % (text.length + 1)
        const damaged =
          d.edit === 'cut'
            ? text.slice(0, at)
            : text.slice(0, at) + (d.edit === 'delete' ? '' : d.with) + text.slice(d.edit === 'insert' ? at : at + 1)
        const {parsed, scanned} = bothWays(Buffer.from(damaged))
        expect(scanned).toEqual(parsed)
      }),
      {numRuns: 1500},
    )
  })

  it('decodes escaped keys and values, and keeps the last of repeated keys', () => {
    const text = String.raw`{"TableList":[{"N\u0061me":"t\u00e9","Name":"t\/2","StorageDescriptor":{"Columns":[{"Name":"a\"b","Type":"int","Type":"string"},{"Type":"bigint"}],"Columns":[{"Name":"\ud83d\ude00","Type":"str\u0069ng"}]}}]}`
    const bytes = Buffer.from(text)
    expect(scan(bytes)).toBeDefined()
    const {tables} = readGlueJson(bytes, 'cat.json')
    expect(tables[0]!.table).toBe('t/2')
    expect(tables[0]!.columns).toEqual([{name: '😀', type: {kind: 'primitive', name: 'string'}}])
    expect(bothWays(bytes).scanned).toEqual(bothWays(bytes).parsed)
  })

  it('reads non-ASCII and invalid UTF-8 names as the UTF-8 decoder does, and strips a byte order mark', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('{"Table":{"Name":"売上","StorageDescriptor":{"Columns":[{"Name":"bad'),
      Buffer.from([0xff, 0xe5, 0x41]),
      Buffer.from('","Type":"string"}]}}}'),
    ])
    expect(scan(bytes)).toBeDefined()
    const {parsed, scanned} = bothWays(bytes)
    expect(scanned).toEqual(parsed)
    expect(
      (scanned as {result: {tables: Array<{columns: Array<{name: string}>}>}}).result.tables[0]!.columns[0]!.name,
    ).toBe('bad\uFFFD\uFFFDA')
  })

  it('checks the parts it skips as strictly as JSON.parse', () => {
    for (const ok of [
      '-0',
      '1e5',
      '-1.5E+3',
      '0.25',
      'true',
      'false',
      'null',
      '[]',
      '{}',
      String.raw`"\u00e9\n"`,
      '[1,[2,{}]]',
    ])
      expect(scan(Buffer.from(withParameters(ok))), ok).toBeDefined()
    for (const bad of [
      '01',
      '1.',
      '.5',
      '-',
      '1e',
      '+1',
      'tru',
      'nul',
      String.raw`"\x"`,
      String.raw`"\u12g4"`,
      '"a\u0001"',
      '[1,]',
      '{"a":1,}',
      '{a:1}',
      "'x'",
      '1 2',
    ])
      expect(scan(Buffer.from(withParameters(bad))), bad).toBeUndefined()
    expect(scan(Buffer.from(`${withParameters('1')} x`))).toBeUndefined()
  })

  it('leaves unusual shapes to JSON.parse, with the same result or error as before', () => {
    const cases = [
      '{"TableList":[{"Name":"t","StorageDescriptor":{"Columns":[null]}}]}',
      '{"TableList":[{"Name":"t","StorageDescriptor":{"Columns":[{"Name":5}]}}]}',
      '{"TableList":[{"Name":"t","StorageDescriptor":{"Location":null}}]}',
      '{"TableList":[{"DatabaseName":"d"}]}',
      '{"TableList":"x","Table":{"Name":"t"}}',
      '{"Table":null}',
      '{"Other":1}',
      '[[]]',
      '"t"',
      `{"Table":{"Name":"t","Parameters":${'['.repeat(100_000)}${']'.repeat(100_000)}}}`,
    ]
    for (const text of cases) {
      const bytes = Buffer.from(text)
      expect(scan(bytes), text.slice(0, 60)).toBeUndefined()
      const {parsed, scanned} = bothWays(bytes)
      expect(scanned, text.slice(0, 60)).toEqual(parsed)
    }
  })

  it('parses each struct type once per read and shares it between the tables that have it', () => {
    const {notes, tables} = readGlueJson(
      Buffer.from(JSON.stringify({TableList: [tableWithStruct('one'), tableWithStruct('two')]})),
      'cat.json',
    )
    expect(tables[0]!.columns[0]!.type).toBe(tables[1]!.columns[0]!.type)
    expect(tables[1]!.columns[0]!.type).toEqual({
      fields: [
        {name: 'a', offset: 7, type: {kind: 'primitive', name: 'int'}},
        {name: '_b', offset: 13, quote: 'backtick', type: {kind: 'primitive', name: 'string'}},
      ],
      kind: 'struct',
    })
    // A type that cannot be read is a note for each table that has it.
    expect(notes).toHaveLength(2)
    expect(notes[1]).toMatch(/^cat\.json: two: the type of column "bad" could not be read/)
  })
})

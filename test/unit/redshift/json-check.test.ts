import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {parseCopyOptions} from '../../../src/lib/redshift/copy-options.js'
import {
  type JsonPathStep,
  JsonRecordChecker,
  parseJsonPath,
  parseJsonPaths,
} from '../../../src/lib/redshift/json-check.js'
import {parseTableDdl} from '../../../src/lib/redshift/table-ddl.js'

const BOOKS = parseTableDdl(`create table books (
  id integer not null,
  title varchar(20),
  pages smallint,
  price decimal(6,2),
  released date,
  in_print boolean,
  shelf char(3)
)`).tables[0]!

function check(text: string, options = "JSON 'auto'", paths?: JsonPathStep[][], chunk?: number) {
  const checker = new JsonRecordChecker({
    copy: parseCopyOptions(options),
    jsonPaths: paths,
    maxErrors: 100,
    table: BOOKS,
  })
  const data = Buffer.from(text)
  if (chunk === undefined) checker.feed(data)
  else for (let i = 0; i < data.length; i += chunk) checker.feed(data.subarray(i, i + chunk))
  return checker.finish()
}

const found = (s: ReturnType<typeof check>) => s.errors.map((e) => [e.line, e.column, e.code])

describe("JSON 'auto'", () => {
  it('objects may span lines or share one; each is one record', () => {
    const text = `{"id": 7, "title": "Moby Dick",
  "pages": 635}
{"id": 8} {"id": 9, "price": "12.50"}{"id": 10}
`
    const s = check(text)
    expect(s.records).toBe(4)
    expect(s.badRecords).toBe(0)
  })

  it('keys match lower-case column names exactly; a key that matches nothing leaves the column NULL', () => {
    // "ID" does not match column id under 'auto', so id is NULL: NOT NULL fails (1213).
    expect(found(check('{"ID": 1, "title": "x"}\n'))).toEqual([[1, 'id', 1213]])
    expect(found(check('{"ID": 1, "title": "x"}\n', "JSON 'auto ignorecase'"))).toEqual([])
    // Keys with no column are ignored.
    expect(found(check('{"id": 1, "isbn": "978-0"}\n'))).toEqual([])
  })

  it('values are checked with the column rules; the error is logged at the last line of the object', () => {
    const text = `{"id": 1,
 "title": "A title much longer than twenty bytes"
}
{"id": 2, "pages": 70000}
{"id": 3, "released": "2024-02-30"}
{"id": 4, "in_print": "maybe"}
{"id": 5, "shelf": "Ñu1"}
{"id": "six"}
`
    expect(found(check(text))).toEqual([
      [3, 'title', 1204],
      [4, 'pages', 1204],
      [5, 'released', 1205],
      [6, 'in_print', 1210],
      [7, 'shelf', 1220],
      [8, 'id', 1207],
    ])
  })

  it('near misses load: numbers, booleans, null for a nullable column, escapes decoded before the length check', () => {
    const text = `{"id": 1, "pages": 32767, "price": 1234.5, "in_print": true, "title": null}
{"id": 2, "title": "tab\\there\\\\ and \\n"}
`
    expect(check(text).badRecords).toBe(0)
  })

  it('a nested object or array loads as its JSON text: too long for the VARCHAR even without white space', () => {
    expect(found(check('{"id": 1, "title": {"a": "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}}\n'))).toEqual([
      [1, 'title', 1204],
    ])
    expect(found(check('{"id": 1, "title": [1, 2]}\n'))).toEqual([])
  })

  it('malformed records: not JSON, never closed, a top-level array without JSONPaths', () => {
    const s = check('{"id": 1,}\nhello\n[1, "x"]\n{"id": 2\n')
    expect(found(s)).toEqual([
      [1, null, 1216],
      [2, null, 1216],
      [3, null, 1216],
      [4, null, 1216],
    ])
    expect(s.records).toBe(4)
  })

  it('gives the same findings whatever the chunk size', () => {
    const text = '{"id": 1, "title": "ok"}\n{"id": "x",\n "title": "é"}\n{"id": 3, "pages": 99999}\n'
    const whole = found(check(text))
    for (const size of [1, 2, 3, 7, 16]) expect(found(check(text, "JSON 'auto'", undefined, size))).toEqual(whole)
    expect(whole).toEqual([
      [3, 'id', 1207],
      [4, 'pages', 1204],
    ])
  })

  it('property: an object built from valid values always loads; one corrupted value is found at its column', () => {
    const good = fc.record({
      id: fc.integer({max: 2_147_483_647, min: -2_147_483_648}),
      pages: fc.integer({max: 32_767, min: -32_768}),
      title: fc.string({maxLength: 20, unit: 'grapheme-ascii'}),
    })
    fc.assert(
      fc.property(good, fc.constantFrom('id', 'pages'), (doc, broken) => {
        expect(check(`${JSON.stringify(doc)}\n`).badRecords).toBe(0)
        const s = check(`\n${JSON.stringify({...doc, [broken]: 'x1'})}\n`)
        expect(found(s)).toEqual([[2, broken, 1207]])
      }),
    )
  })
})

describe('JSONPaths', () => {
  it('reads dot and bracket notation and array elements; refuses wildcards and filters', () => {
    expect(parseJsonPath('$.store.book.title')).toEqual(['store', 'book', 'title'])
    expect(parseJsonPath("$['store']['book'][0]")).toEqual(['store', 'book', 0])
    expect(parseJsonPath('$.location[0]')).toEqual(['location', 0])
    expect(() => parseJsonPath('$.book[*]')).toThrow(/no wildcards or filters/)
    expect(() => parseJsonPath('store.book')).toThrow(/must start with \$/)
  })

  it('a file whose key is not "jsonpaths" means auto (undefined); a bad file is an error', () => {
    expect(parseJsonPaths('{"paths": ["$.a"]}')).toBeUndefined()
    expect(parseJsonPaths('{"jsonpaths": ["$.a", "$[\'b\']"]}')).toEqual([['a'], ['b']])
    expect(() => parseJsonPaths('{"jsonpaths": "$.a"}')).toThrow(/array of JSONPath strings/)
    expect(() => parseJsonPaths('{jsonpaths')).toThrow(/not JSON/)
  })

  it('maps by position, into nested values and arrays; a path that finds nothing is NULL', () => {
    const paths = parseJsonPaths(
      JSON.stringify({
        jsonpaths: ['$.book.id', '$.book.title', '$.book.stats.pages', '$.prices[0]', '$.when', '$.flags[1]', '$.loc'],
      }),
    )!
    const text = `{"book": {"id": 1, "title": "T", "stats": {"pages": 10}}, "prices": ["9.99"], "flags": [false, true]}
{"book": {"id": 2, "stats": {"pages": "many"}}}
{"book": {"title": "no id"}}
[1, 2]
`
    expect(found(check(text, "JSON 's3://b/paths.json'", paths))).toEqual([
      [2, 'pages', 1207],
      [3, 'id', 1213],
      // A top-level array where the paths name keys: nothing is found, so id is NULL.
      [4, 'id', 1213],
    ])
  })

  it('a top-level array loads by position with a JSONPaths file', () => {
    const paths = parseJsonPaths('{"jsonpaths": ["$[0]", "$[1]", "$[2]", "$[3]", "$[4]", "$[5]", "$[6]"]}')!
    expect(
      found(check('[1, "t", 5, "1.25", "2024-01-01", true, "abc"]\n[2, "t", "p"]\n', "JSON 'p.json'", paths)),
    ).toEqual([[2, 'pages', 1207]])
  })

  it('one path per column, or the check refuses to start', () => {
    expect(() => check('{}', "JSON 'p.json'", [['id']])).toThrow(/1 path\(s\) for 7 target column\(s\)/)
  })
})

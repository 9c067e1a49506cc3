/**
 * The field reader must give the matcher what JSON.parse gives it: the same verdict for every
 * line it reads, and no answer for a line JSON.parse refuses (the caller then parses it and
 * reports JSON.parse's error). Lines are written by hand from entry lists, so they hold what
 * JSON.stringify never writes: duplicate keys, blanks between tokens, every number form.
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {compilePattern} from '../../../src/lib/events/compile-pattern.js'
import {FieldReader} from '../../../src/lib/events/field-reader.js'
import {nodeMatches} from '../../../src/lib/events/match.js'

type Written =
  {entries: Array<[string, Written]>; kind: 'object'} | {items: Written[]; kind: 'array'} | {kind: 'leaf'; text: string}

const KEYS = ['source', 'detail', 'key', 'name', 'detail.key', 'a', 'source.x', '']
const blank = fc.constantFrom('', '', '', ' ', '  ')
const numberText = fc.constantFrom(
  '0',
  '-0',
  '1',
  '-1',
  '2.5',
  '1e2',
  '1E-2',
  '-0.0',
  '10',
  '1.50',
  '3e+0',
  '12345678901234567890',
)
const stringText = fc
  .constantFrom('aws.s3', 'in/', 'in/a', 'x', '', 'a b', 'in/a.b', '{}', '[1]', 'detail')
  .map((s) => `"${s}"`)
const leafText = fc.oneof(numberText, stringText, fc.constantFrom('true', 'false', 'null'))

const written: fc.Arbitrary<Written> = fc.letrec<{value: Written}>((tie) => ({
  value: fc.oneof(
    {depthSize: 'small', withCrossShrink: true},
    leafText.map((text) => ({kind: 'leaf' as const, text})),
    fc.array(tie('value'), {maxLength: 3}).map((items) => ({items, kind: 'array' as const})),
    fc
      .array(fc.tuple(fc.constantFrom(...KEYS), tie('value')), {maxLength: 4})
      .map((entries) => ({entries, kind: 'object' as const})),
  ),
})).value

/** The value as JSON text, with blanks drawn from `blanks` around tokens. */
function write(value: Written, blanks: () => string): string {
  if (value.kind === 'leaf') return value.text
  if (value.kind === 'array')
    return `[${blanks()}${value.items.map((item) => `${write(item, blanks)}${blanks()}`).join(`,${blanks()}`)}]`
  const entries = value.entries.map(([key, item]) => `"${key}"${blanks()}:${blanks()}${write(item, blanks)}${blanks()}`)
  return `{${blanks()}${entries.join(`,${blanks()}`)}}`
}

const eventLine = fc
  .tuple(fc.array(fc.tuple(fc.constantFrom(...KEYS), written), {maxLength: 6}), fc.array(blank, {minLength: 1}))
  .map(([entries, spaces]) => {
    let n = 0
    return write({entries, kind: 'object'}, () => spaces[n++ % spaces.length]!)
  })

/** A line made invalid (or not) by one edit: a character dropped, or a structural one put in. */
const editedLine = fc
  .tuple(eventLine, fc.nat(), fc.constantFrom('', ',', ':', '{', '}', '[', ']', '"', '0', '-', '.', 'e', 'x'))
  .map(([line, at, put]) => {
    const i = at % (line.length + 1)
    return put === '' ? line.slice(0, i) + line.slice(i + 1) : line.slice(0, i) + put + line.slice(i)
  })

const condition = fc.oneof(
  fc.constantFrom('aws.s3', 'in/a', 'x', '', 'detail'),
  fc.constantFrom('in/', 'a').map((prefix) => ({prefix})),
  fc.boolean().map((exists) => ({exists})),
  fc.constantFrom(0, 1, 2.5, 100, -1),
  fc.constantFrom('x', 'aws.s3').map((v) => ({'anything-but': v})),
  fc.constant(null),
)
const conditions = fc.array(condition, {maxLength: 3, minLength: 1})
const pattern = fc.oneof(
  fc.record({source: conditions}),
  fc.record({detail: fc.record({key: conditions, name: conditions}, {requiredKeys: ['key']}), source: conditions}),
  fc.record({'detail.key': conditions}),
  fc.record({detail: fc.record({detail: fc.record({key: conditions})})}),
  fc.record({$or: fc.tuple(fc.record({detail: conditions}), fc.record({detail: fc.record({key: conditions})}))}),
)

function parsed(line: string): undefined | {[key: string]: unknown} {
  try {
    const value: unknown = JSON.parse(line)
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as {[key: string]: unknown})
      : undefined
  } catch {
    return undefined
  }
}

describe('FieldReader', () => {
  it('gives the verdict of JSON.parse, and no answer where JSON.parse refuses the line (property)', () => {
    let read = 0
    fc.assert(
      fc.property(pattern, fc.oneof(eventLine, eventLine, editedLine), (p, line) => {
        const compiled = compilePattern(p)
        const fields = FieldReader.for(compiled.root)!.read(line, 0, line.length)
        const whole = parsed(line)
        if (whole === undefined) {
          expect(fields).toBeUndefined()
          return
        }

        if (fields === undefined) return
        read++
        expect(nodeMatches(compiled.root, fields)).toBe(nodeMatches(compiled.root, whole))
      }),
      {numRuns: 1000},
    )
    // The property means little if the reader gave up on most lines.
    expect(read).toBeGreaterThan(400)
  })

  it('builds only the named fields, the last of duplicate keys winning as in JSON.parse', () => {
    const compiled = compilePattern({detail: {object: {key: [{prefix: 'in/'}]}}, source: ['aws.s3']})
    const line =
      '{"source" : "aws.ec2", "id":"1","detail":{"object":{"key":"old","size":-1.5e3,"tags":[{"a":[]},null]}},' +
      '"detail":{"bucket":{"name":"b"},"object":{"size":0,"key":"in/a.csv","key":"in/b.csv"}},"source":"aws.s3","n":true}'
    expect(FieldReader.for(compiled.root)!.read(line, 0, line.length)).toEqual({
      detail: {object: {key: 'in/b.csv'}},
      source: 'aws.s3',
    })
  })

  it('reads a named value that is an array or object in full', () => {
    const compiled = compilePattern({detail: {key: [{exists: true}]}, resources: [{prefix: 'arn:'}]})
    const line = '{"resources":["arn:x",["arn:y"]],"detail":[{"key":{"deep":[1,2]}},{"key":"k"}]}'
    expect(FieldReader.for(compiled.root)!.read(line, 0, line.length)).toEqual(JSON.parse(line))
  })

  it('gives no answer where the matcher would read dotted keys or JSON.parse a prototype key', () => {
    const dotted = compilePattern({detail: {key: ['a']}})
    const line = '{"detail.key":"a"}'
    expect(FieldReader.for(dotted.root)!.read(line, 0, line.length)).toBeUndefined()
    expect(FieldReader.for(compilePattern(JSON.parse('{"__proto__":{"a":["b"]}}')).root)).toBeUndefined()
  })

  it('refuses what JSON.parse refuses: bad numbers, literals, commas, text after the object', () => {
    const reader = FieldReader.for(compilePattern({source: ['a']}).root)!
    for (const line of [
      '{"source":"a","n":01}',
      '{"source":"a","n":1.}',
      '{"source":"a","n":-}',
      '{"source":"a","n":tru}',
      '{"source":"a",}',
      '{"source":"a"}x',
      '{"source":"a" "b":1}',
      '{"source":["a",]}',
      '{"source":"a"',
    ]) {
      expect(parsed(line)).toBeUndefined()
      expect(reader.read(line, 0, line.length)).toBeUndefined()
    }
  })
})

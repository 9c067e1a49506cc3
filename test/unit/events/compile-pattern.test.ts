/**
 * Patterns EventBridge refuses, each with the reason AWS's TestEventPattern gives
 * (InvalidEventPatternException, "Event pattern is not valid. Reason: …"), and patterns it accepts
 * that a stricter reading would refuse. Cases are ours, written from the documented rules.
 */
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {compilePattern, type JsonValue} from '../../../src/lib/events/compile-pattern.js'
import {nodeMatches} from '../../../src/lib/events/match.js'
import {InvalidEventPatternError} from '../../../src/lib/events/pattern-error.js'

function reasonOf(pattern: unknown): string | undefined {
  try {
    compilePattern(pattern)
    return undefined
  } catch (error) {
    if (error instanceof InvalidEventPatternError) return error.reason
    throw error
  }
}

const invalid: Array<[name: string, pattern: unknown, reason: string]> = [
  ['a pattern that is an array', [{source: ['x']}], 'Filter is not an object'],
  ['a pattern that is a string', 'source', 'Filter is not an object'],
  ['a value that is a string', {source: 'aws.s3'}, '"source" must be an object or an array'],
  ['a value that is a number', {detail: {size: 5}}, '"size" must be an object or an array'],
  ['a value that is null', {v: null}, '"v" must be an object or an array'],
  ['an empty list', {resources: []}, 'Empty arrays are not allowed'],
  ['a list inside the list', {v: [['a']]}, 'Match value must be String, number, true, false, or null'],
  ['two operators in one object', {v: [{prefix: 'a', suffix: 'b'}]}, 'Only one key allowed in match expression'],
  ['an empty match object', {v: [{}]}, 'Only one key allowed in match expression'],
  ['an operator in upper case', {v: [{EXISTS: true}]}, 'Unrecognized match type EXISTS'],
  ['an unknown operator', {v: [{contains: 'x'}]}, 'Unrecognized match type contains'],
  ['prefix with a number', {v: [{prefix: 5}]}, 'prefix match pattern must be a string'],
  ['prefix with a list', {v: [{prefix: ['a']}]}, 'prefix match pattern must be a string'],
  ['suffix with null', {v: [{suffix: null}]}, 'suffix match pattern must be a string'],
  ['prefix with another operator inside', {v: [{prefix: {wildcard: 'a'}}]}, 'prefix match pattern must be a string'],
  [
    'equals-ignore-case with a list',
    {v: [{'equals-ignore-case': ['a']}]},
    'equals-ignore-case match pattern must be a string',
  ],
  ['wildcard with a number', {v: [{wildcard: 1}]}, 'wildcard match pattern must be a string'],
  ['two stars in a row', {v: [{wildcard: 'a**'}]}, 'Consecutive wildcard characters at pos 2'],
  ['two stars after a multi-byte character', {v: [{wildcard: 'é**'}]}, 'Consecutive wildcard characters at pos 3'],
  ['an escape of another character', {v: [{wildcard: String.raw`a\b`}]}, 'Invalid escape character at pos 2'],
  ['a trailing backslash', {v: [{wildcard: 'ab\\'}]}, 'Invalid escape character at pos 3'],
  ['exists with a string', {v: [{exists: 'true'}]}, 'exists match pattern must be either true or false.'],
  ['numeric with a number', {v: [{numeric: 5}]}, 'Value of numeric must be an array.'],
  ['numeric with an empty list', {v: [{numeric: []}]}, 'Invalid member in numeric match: ]'],
  ['numeric with an unknown operator', {v: [{numeric: ['!=', 1]}]}, 'Unrecognized numeric range operator: !='],
  ['numeric with a string value', {v: [{numeric: ['<', '5']}]}, 'Value of < must be numeric'],
  ['numeric with two lower bounds', {v: [{numeric: ['>', 0, '>', 5]}]}, 'Bad numeric range operator: >'],
  ['numeric with bounds reversed', {v: [{numeric: ['>', 10, '<', 5]}]}, 'Bottom must be less than top'],
  ['numeric = with more', {v: [{numeric: ['=', 1, '<', 5]}]}, 'Too many elements in numeric expression'],
  ['numeric with an upper bound first', {v: [{numeric: ['<', 5, '>', 1]}]}, 'Too many elements in numeric expression'],
  [
    'numeric with a third term',
    {v: [{numeric: ['>', 0, '<', 5, '<', 6]}]},
    'Too many terms in numeric range expression',
  ],
  ['cidr without a slash', {ip: [{cidr: '10.0.0.1'}]}, "Malformed CIDR, one '/' required"],
  ['cidr with a text mask', {ip: [{cidr: '10.0.0.0/x'}]}, 'Malformed CIDR, mask bits must be an integer'],
  ['cidr with a bad address', {ip: [{cidr: '10.0.x.0/8'}]}, 'Nonstandard IP address: 10.0.x.0'],
  ['cidr with a list', {ip: [{cidr: ['10.0.0.0/8']}]}, 'prefix match pattern must be a string'],
  [
    'anything-but null',
    {v: [{'anything-but': null}]},
    'Value of anything-but must be an array or single string/number value.',
  ],
  [
    'anything-but true',
    {v: [{'anything-but': true}]},
    'Value of anything-but must be an array or single string/number value.',
  ],
  [
    'anything-but list with null',
    {v: [{'anything-but': ['a', null]}]},
    'Inside anything but list, start|null|boolean is not supported.',
  ],
  [
    'anything-but list with a boolean',
    {v: [{'anything-but': [false]}]},
    'Inside anything but list, start|null|boolean is not supported.',
  ],
  ['anything-but empty prefix', {v: [{'anything-but': {prefix: ''}}]}, 'Null prefix/suffix not allowed'],
  ['anything-but empty suffix', {v: [{'anything-but': {suffix: ''}}]}, 'Null prefix/suffix not allowed'],
  [
    'anything-but prefix with a number',
    {v: [{'anything-but': {prefix: 1}}]},
    'prefix/suffix match pattern must be a string',
  ],
  [
    'anything-but prefix ignoring case',
    {v: [{'anything-but': {prefix: {'equals-ignore-case': 'a'}}}]},
    'Value of anything-but must be an array or single string/number value.',
  ],
  [
    'anything-but equals-ignore-case with a number',
    {v: [{'anything-but': {'equals-ignore-case': 1}}]},
    'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.',
  ],
  [
    'anything-but wildcard with a number',
    {v: [{'anything-but': {wildcard: [1]}}]},
    'wildcard match pattern must be a string',
  ],
  ['anything-but numeric', {v: [{'anything-but': {numeric: ['>', 1]}}]}, 'Unsupported anything-but pattern: numeric'],
  ['a bad leaf inside $or', {$or: [{a: ['x']}, {b: 'y'}]}, '"b" must be an object or an array'],
]

const valid: Array<[name: string, pattern: JsonValue]> = [
  ['the empty prefix', {v: [{prefix: ''}]}],
  ['the empty wildcard', {v: [{wildcard: ''}]}],
  ['an escaped star and backslash', {v: [{wildcard: String.raw`a\*b\\c*`}]}],
  ['anything-but a mixed list', {v: [{'anything-but': ['a', 1]}]}],
  ['anything-but a wildcard list', {v: [{'anything-but': {wildcard: ['*/a/*', '*/b/*']}}]}],
  ['numeric with only a lower bound', {v: [{numeric: ['>=', -5e9]}]}],
  ['an IPv6 block', {ip: [{cidr: '2001:db8::/32'}]}],
  ['exists next to values', {v: [{exists: false}, 'x', 1, null, true]}],
  ['$or that is an object: a field named $or', {$or: {a: ['b']}}],
  ['a dotted key', {'detail.bucket.name': ['x']}],
  ['nested $or', {$or: [{a: ['1']}, {$or: [{b: ['2']}, {c: ['3']}]}]}],
  ['the empty pattern', {}],
]

describe('invalid patterns are refused with EventBridge reasons', () => {
  it.each(invalid)('%s', (_name, pattern, reason) => {
    expect(reasonOf(pattern)).toBe(reason)
  })

  it('the error carries EventBridge prefix, exit 6 and the place', () => {
    try {
      compilePattern({detail: {object: {key: [{prefix: 7}]}}})
      expect.unreachable()
    } catch (error) {
      const e = error as InvalidEventPatternError
      expect(e.exitCode).toBe(6)
      expect(e.code).toBe('InvalidEventPattern')
      expect(e.patternPath).toBe('detail.object.key')
      expect(e.message).toBe(
        'at detail.object.key: Event pattern is not valid. Reason: prefix match pattern must be a string',
      )
    }
  })
})

describe('valid patterns are accepted', () => {
  it.each(valid)('%s', (_name, pattern) => {
    expect(reasonOf(pattern)).toBeUndefined()
  })
})

/** Events as EventBridge delivers them: objects of strings, numbers, booleans, null, arrays, objects. */
const leaf = fc.oneof(fc.string(), fc.double({noDefaultInfinity: true, noNaN: true}), fc.boolean(), fc.constant(null))
const key = fc.string({maxLength: 8}).filter((k) => !k.includes('.') && k !== '$or')
const eventValue = fc.letrec((tie) => ({
  object: fc.dictionary(key, tie('value'), {maxKeys: 4}),
  value: fc.oneof({depthSize: 'small'}, leaf, fc.array(leaf, {maxLength: 3}), tie('object')),
}))

/** A pattern built from some of the event's own leaf values, at their own paths. */
function patternFrom(event: {[key: string]: unknown}, pick: (i: number) => boolean): {[key: string]: JsonValue} {
  const pattern: {[key: string]: JsonValue} = {}
  let i = 0
  for (const [k, v] of Object.entries(event)) {
    if (!pick(i++)) continue
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const nested = patternFrom(v as {[key: string]: unknown}, pick)
      if (Object.keys(nested).length > 0) pattern[k] = nested
    } else if (Array.isArray(v)) {
      if (v.length > 0) pattern[k] = [v[0] as JsonValue]
    } else {
      pattern[k] = [v as JsonValue]
    }
  }

  return pattern
}

describe('property: a pattern built from an event values matches the event', () => {
  it('exact values taken from the event', () => {
    fc.assert(
      fc.property(eventValue.object, fc.func(fc.boolean()), (event, pick) => {
        const pattern = patternFrom(event as {[key: string]: unknown}, (i) => pick(i))
        expect(nodeMatches(compilePattern(pattern).root, event as {[key: string]: unknown})).toBe(true)
      }),
      {numRuns: 500},
    )
  })

  it('operators that hold for the event value (prefix, suffix, exists, numeric =)', () => {
    fc.assert(
      fc.property(fc.string(), fc.double({noDefaultInfinity: true, noNaN: true}), (text, n) => {
        const pattern = {
          a: [{prefix: text.slice(0, 2)}],
          b: [{suffix: text.slice(-2)}],
          c: [{exists: true}],
          d: [{numeric: ['=', n]}],
          e: [{'equals-ignore-case': text.toUpperCase()}],
        }
        const event = {a: text, b: text, c: text, d: n, e: text}
        // toUpperCase is not always reversible by toLowerCase (e.g. "ß" → "SS"); equals-ignore-case
        // compares lower-cased forms, so skip texts where the round trip changes the text.
        fc.pre(text.toUpperCase().toLowerCase() === text.toLowerCase())
        expect(nodeMatches(compilePattern(pattern).root, event)).toBe(true)
      }),
      {numRuns: 500},
    )
  })
})

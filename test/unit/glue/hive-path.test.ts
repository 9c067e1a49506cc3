import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {
  escapePathName,
  HIVE_DEFAULT_PARTITION,
  makePartName,
  parseHiveSegment,
  unescapePathName,
} from '../../../src/lib/glue/hive-path.js'

describe('Hive path encoding', () => {
  it.each([
    ['plain', 'plain'],
    ['2024-01-01 10:00:00', '2024-01-01 10%3A00%3A00'],
    ['a/b', 'a%2Fb'],
    ['a=b', 'a%3Db'],
    ['50%', '50%25'],
    ['"quoted"', '%22quoted%22'],
    ["it's", 'it%27s'],
    ['#*?\\', '%23%2A%3F%5C'],
    ['{[x]}^', '%7B%5Bx%5D}%5E'],
    ['tab\there', 'tab%09here'],
    ['nul\u0000', 'nul%00'],
    ['del\u007F', 'del%7F'],
    ['space and +,@&$!~-', 'space and +,@&$!~-'],
    ['café ünï 日本', 'café ünï 日本'],
    ['', HIVE_DEFAULT_PARTITION],
  ])('escapes %j as %j (upper-case hex, nothing ≥ 0x80)', (value, path) => {
    expect(escapePathName(value)).toBe(path)
  })

  it.each([
    ['2024-01-01 10%3A00%3A00', '2024-01-01 10:00:00'],
    ['a%2fb', 'a/b'],
    ['100%', '100%'],
    ['%zz', '%zz'],
    ['%4', '%4'],
    ['x%41y', 'xAy'],
    [HIVE_DEFAULT_PARTITION, HIVE_DEFAULT_PARTITION],
  ])('unescapes %j as %j (only %XX with two hex digits)', (path, value) => {
    expect(unescapePathName(path)).toBe(value)
  })

  it('round-trips any non-empty string (escape then unescape)', () => {
    fc.assert(
      fc.property(fc.string({minLength: 1, unit: 'binary'}), (s) => {
        expect(unescapePathName(escapePathName(s))).toBe(s)
      }),
    )
  })

  it('never leaves a "/" or "=" in an escaped value', () => {
    fc.assert(
      fc.property(fc.string({minLength: 1}), (s) => {
        expect(escapePathName(s)).not.toMatch(/[/=]/)
      }),
    )
  })

  it('lower-cases the key but not the value in a partition name', () => {
    expect(makePartName(['Region', 'ts'], ['EU', '2024-01-01 00:00'])).toBe('region=EU/ts=2024-01-01 00%3A00')
  })

  it.each([
    ['dt=2024-01-01', {key: 'dt', rawValue: '2024-01-01', value: '2024-01-01'}],
    ['q=a=b=c', {key: 'q', rawValue: 'a=b=c', value: 'a=b=c'}],
    ['q=a%3Db', {key: 'q', rawValue: 'a%3Db', value: 'a=b'}],
    ['k=', {key: 'k', rawValue: '', value: ''}],
    ['userId=7', {key: 'userId', rawValue: '7', value: '7'}],
  ])('splits %j on the first "=" only', (segment, parsed) => {
    expect(parseHiveSegment(segment)).toEqual(parsed)
  })

  it.each(['2024', '=x', ''])('finds no key in %j', (segment) => {
    expect(parseHiveSegment(segment)).toBeUndefined()
  })
})

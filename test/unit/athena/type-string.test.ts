import {describe, expect, it} from 'vitest'

import {formatHiveType, formatTrinoType, parseHiveType, TypeParseError} from '../../../src/lib/athena/type-string.js'

describe('parseHiveType', () => {
  it('parses nested struct, array and map types', () => {
    const t = parseHiveType('struct<a:int,b:array<struct<c:string,d:map<string,struct<e:decimal(10, 2)>>>>>')
    expect(formatHiveType(t)).toBe(
      'struct<`a`:int,`b`:array<struct<`c`:string,`d`:map<string,struct<`e`:decimal(10,2)>>>>>',
    )
  })

  it('reads backticked names with anything in them, and raw Glue names with spaces', () => {
    const t = parseHiveType('struct<`a:b`:int, `x``y`:string, my field:bigint, user-id : string>')
    expect(t.kind === 'struct' && t.fields.map((f) => f.name)).toEqual(['a:b', 'x`y', 'my field', 'user-id'])
  })

  it('keeps offsets of field names for positions', () => {
    const t = parseHiveType('struct< `_id`:string,n:int>', 100)
    expect(t.kind === 'struct' && t.fields.map((f) => f.offset)).toEqual([108, 121])
  })

  it('skips COMMENT in struct fields and parses uniontype', () => {
    const t = parseHiveType("struct<a:int COMMENT 'x, y',b:uniontype<int,string>>")
    expect(formatHiveType(t)).toBe('struct<`a`:int,`b`:uniontype<int,string>>')
  })

  it('reports where a type string breaks', () => {
    expect(() => parseHiveType('struct<a:int,b>')).toThrow(TypeParseError)
    expect(() => parseHiveType('array<int')).toThrow(/expected ">"/)
    expect(() => parseHiveType('')).toThrow(/type expected/)
  })

  it('prints Trino types with renamed fields for CAST', () => {
    const t = parseHiveType('struct<`_id`:string,n:array<struct<x:float>>,m:map<string,int>>')
    const renamed = formatTrinoType(t, (p) => (p.join('/') === '_id' ? 'id' : undefined))
    expect(renamed).toBe('ROW("id" varchar, "n" ARRAY(ROW("x" real)), "m" MAP(varchar, integer))')
  })
})

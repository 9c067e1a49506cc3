/**
 * Validates an EventBridge event pattern and compiles it, once, into a tree of closures that
 * `match.ts` walks per event. Invalid patterns are refused with EventBridge's own reason
 * (InvalidEventPatternException wording, as recorded from AWS's TestEventPattern), exit 6.
 *
 * Structure of a pattern (EventBridge user guide, "Event patterns"; aws/event-ruler README):
 * an object whose values are either objects (nested fields) or non-empty arrays (the field's
 * conditions, any of which may match); `"$or": [{…}, {…}]` with two or more objects, none using an
 * operator name as a key, is an alternative of sub-patterns at that level (otherwise `$or` is an
 * ordinary field name, as event-ruler keeps it for backward compatibility). A key holding dots is
 * the same as the nested keys ("a.b" ≡ a → b): AWS matches `{"state.status": […]}` against
 * `{"state": {"status": …}}` and the reverse (event-ruler README, "Compiled rules and JSON keys
 * with dots", recorded from AWS).
 */
import {isIP} from 'node:net'

import {
  anyOf,
  cidrTest,
  equalsIgnoreCaseTest,
  exactTest,
  type Leaf,
  type LeafTest,
  negation,
  type NumericBound,
  numericTest,
  prefixTest,
  suffixTest,
  wildcardTest,
} from './leaf-tests.js'
import {InvalidEventPatternError} from './pattern-error.js'

export type JsonValue = boolean | JsonValue[] | null | number | string | {[key: string]: JsonValue}

export type ConditionKind =
  'anything-but' | 'cidr' | 'equals-ignore-case' | 'exact' | 'exists' | 'numeric' | 'prefix' | 'suffix' | 'wildcard'

export interface Condition {
  /** For `exists`: true or false. */
  exists?: boolean
  kind: ConditionKind
  /** The element as written in the pattern. */
  source: JsonValue
  /** For every kind but `exists`: the test of one leaf value. */
  test?: LeafTest
}

/** A field whose pattern is a list of conditions (a leaf of the pattern). */
export interface LeafField {
  conditions: Condition[]
  /** Any `{"exists": false}` among the conditions: a field without a leaf value matches. */
  existsFalse: boolean
  /** Any `{"exists": true}`: a field with any leaf value matches. */
  existsTrue: boolean
  key: string
  kind: 'leaf'
  path: string
  source: JsonValue[]
  /** All value conditions in one test, or undefined when there are none. */
  valueTest: LeafTest | undefined
}

export interface NestedField {
  key: string
  kind: 'nested'
  node: PatternNode
  path: string
}

export type PatternField = LeafField | NestedField

export interface PatternNode {
  fields: PatternField[]
  /** Each `$or` at this level: one of its alternatives must match the same object. */
  ors: PatternNode[][]
  path: string
}

export interface CompiledPattern {
  root: PatternNode
  source: {[key: string]: JsonValue}
}

/** Operator names: an object in a `$or` array that uses one is not an alternative (event-ruler README, "$or"). */
const OPERATORS = new Set([
  'anything-but',
  'cidr',
  'equals-ignore-case',
  'exists',
  'numeric',
  'prefix',
  'suffix',
  'wildcard',
])

function isPlainObject(value: unknown): value is {[key: string]: JsonValue} {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function fail(reason: string, path: string): never {
  throw new InvalidEventPatternError(reason, {path: path || undefined})
}

/** Validate and compile a parsed pattern. Throws InvalidEventPatternError (exit 6) with EventBridge's reason. */
export function compilePattern(pattern: unknown): CompiledPattern {
  if (!isPlainObject(pattern)) fail('Filter is not an object', '')
  return {root: compileNode(pattern, ''), source: pattern}
}

function joinPath(parent: string, key: string): string {
  return parent ? `${parent}.${key}` : key
}

function isOrAlternatives(value: JsonValue): value is Array<{[key: string]: JsonValue}> {
  return (
    Array.isArray(value) &&
    value.length >= 2 &&
    value.every((item) => isPlainObject(item) && !Object.keys(item).some((k) => OPERATORS.has(k)))
  )
}

function compileNode(object: {[key: string]: JsonValue}, path: string): PatternNode {
  const node: PatternNode = {fields: [], ors: [], path}
  for (const [key, value] of Object.entries(object)) {
    if (key === '$or' && isOrAlternatives(value)) {
      node.ors.push(value.map((alternative) => compileNode(alternative, path)))
      continue
    }

    // "a.b" is a → b (see the file comment); an empty segment stays a key of its own.
    const segments = key.includes('.') ? key.split('.') : [key]
    node.fields.push(compileField(segments, value, path))
  }

  return node
}

function compileField(segments: string[], value: JsonValue, parentPath: string): PatternField {
  const [key, ...rest] = segments as [string, ...string[]]
  const path = joinPath(parentPath, key)
  if (rest.length > 0) {
    return {key, kind: 'nested', node: {fields: [compileField(rest, value, path)], ors: [], path}, path}
  }

  if (isPlainObject(value)) return {key, kind: 'nested', node: compileNode(value, path), path}
  if (!Array.isArray(value)) fail(`"${key}" must be an object or an array`, path)
  if (value.length === 0) fail('Empty arrays are not allowed', path)
  const conditions = value.map((element) => compileCondition(element, path))
  const valueTests = conditions.filter((c) => c.test).map((c) => c.test!)
  // Exact values of one field share one Set lookup instead of one comparison each.
  const exact = conditions.filter((c) => c.kind === 'exact').map((c) => c.source as Leaf)
  const others = conditions.filter((c) => c.test && c.kind !== 'exact').map((c) => c.test!)
  const merged = exact.length > 1 ? [exactTest(exact), ...others] : valueTests
  return {
    conditions,
    existsFalse: conditions.some((c) => c.kind === 'exists' && c.exists === false),
    existsTrue: conditions.some((c) => c.kind === 'exists' && c.exists === true),
    key,
    kind: 'leaf',
    path,
    source: value,
    valueTest: merged.length > 0 ? anyOf(merged) : undefined,
  }
}

function compileCondition(element: JsonValue, path: string): Condition {
  if (element === null || typeof element !== 'object') {
    return {kind: 'exact', source: element, test: exactTest([element])}
  }

  if (Array.isArray(element)) fail('Match value must be String, number, true, false, or null', path)
  const keys = Object.keys(element)
  if (keys.length !== 1) fail('Only one key allowed in match expression', path)
  const operator = keys[0]!
  const operand = element[operator]!
  switch (operator) {
    case 'anything-but': {
      return {kind: 'anything-but', source: element, test: negation(anythingButInner(operand, path))}
    }

    case 'cidr': {
      return {kind: 'cidr', source: element, test: cidrCondition(operand, path)}
    }

    case 'equals-ignore-case': {
      if (typeof operand !== 'string') fail('equals-ignore-case match pattern must be a string', path)
      return {kind: 'equals-ignore-case', source: element, test: equalsIgnoreCaseTest([operand])}
    }

    case 'exists': {
      if (typeof operand !== 'boolean') fail('exists match pattern must be either true or false.', path)
      return {exists: operand, kind: 'exists', source: element}
    }

    case 'numeric': {
      return {kind: 'numeric', source: element, test: numericCondition(operand, path)}
    }

    case 'prefix':
    case 'suffix': {
      return {kind: operator, source: element, test: affixCondition(operator, operand, path)}
    }

    case 'wildcard': {
      if (typeof operand !== 'string') fail('wildcard match pattern must be a string', path)
      return {kind: 'wildcard', source: element, test: wildcardTest(parseWildcard(operand, path))}
    }

    default: {
      fail(`Unrecognized match type ${operator}`, path)
    }
  }
}

/** `prefix`/`suffix` take a string (`""` matches every string) or `{"equals-ignore-case": string}`. */
function affixCondition(operator: 'prefix' | 'suffix', operand: JsonValue, path: string): LeafTest {
  const build = operator === 'prefix' ? prefixTest : suffixTest
  if (typeof operand === 'string') return build(operand)
  if (isPlainObject(operand)) {
    const keys = Object.keys(operand)
    const inner = operand['equals-ignore-case']
    if (keys.length === 1 && typeof inner === 'string') return build(inner, true)
  }

  return fail(`${operator} match pattern must be a string`, path)
}

/**
 * What `anything-but` excludes: a string or number, a list of strings or numbers, or one of
 * `prefix`, `suffix`, `equals-ignore-case`, `wildcard` with a string or a list of strings.
 */
function anythingButInner(operand: JsonValue, path: string): LeafTest {
  if (typeof operand === 'string' || typeof operand === 'number') return exactTest([operand])
  if (Array.isArray(operand)) {
    if (operand.length === 0) fail('Empty arrays are not allowed', path)
    for (const item of operand)
      if (typeof item !== 'string' && typeof item !== 'number')
        fail('Inside anything but list, start|null|boolean is not supported.', path)
    return exactTest(operand as Leaf[])
  }

  if (!isPlainObject(operand)) fail('Value of anything-but must be an array or single string/number value.', path)
  const keys = Object.keys(operand)
  if (keys.length !== 1) fail('Only one key allowed in match expression', path)
  const inner = keys[0]!
  const value = operand[inner]!
  const strings = (message: string): string[] => {
    const list = Array.isArray(value) ? value : [value]
    if (Array.isArray(value) && value.length === 0) fail('Empty arrays are not allowed', path)
    for (const item of list) if (typeof item !== 'string') fail(message, path)
    return list as string[]
  }

  switch (inner) {
    case 'equals-ignore-case': {
      return equalsIgnoreCaseTest(
        strings('Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.'),
      )
    }

    case 'prefix':
    case 'suffix': {
      // An object here ({"prefix": {"equals-ignore-case": …}}) is refused by AWS with this reason.
      if (isPlainObject(value)) fail('Value of anything-but must be an array or single string/number value.', path)
      const affixes = strings('prefix/suffix match pattern must be a string')
      if (affixes.includes('')) fail('Null prefix/suffix not allowed', path)
      return anyOf(affixes.map((a) => (inner === 'prefix' ? prefixTest(a) : suffixTest(a))))
    }

    case 'wildcard': {
      return anyOf(strings('wildcard match pattern must be a string').map((w) => wildcardTest(parseWildcard(w, path))))
    }

    default: {
      return fail(`Unsupported anything-but pattern: ${inner}`, path)
    }
  }
}

/**
 * The literal runs of a wildcard pattern, split at each unescaped `*`. Positions in errors are
 * UTF-8 byte offsets counted from the opening quote, as AWS reports them (event-ruler's
 * WildcardParser counts bytes of the value; AWS's answer is one more: its offset includes `"`).
 */
export function parseWildcard(pattern: string, path: string): string[] {
  const literals: string[] = []
  let current = ''
  let byteOffset = 0
  const chars = [...pattern]
  for (let i = 0; i < chars.length; i++) {
    const char = chars[i]!
    if (char === '*') {
      if (chars[i + 1] === '*') fail(`Consecutive wildcard characters at pos ${byteOffset + 1}`, path)
      literals.push(current)
      current = ''
    } else if (char === '\\') {
      const next = chars[i + 1]
      if (next !== '*' && next !== '\\') fail(`Invalid escape character at pos ${byteOffset + 1}`, path)
      current += next
      byteOffset += 1
      i++
    } else {
      current += char
    }

    byteOffset += Buffer.byteLength(char)
  }

  literals.push(current)
  return literals
}

const UPPER_OPERATORS = new Set(['<', '<='])
const NUMERIC_OPERATORS = new Set(['<', '<=', '=', '>', '>='])

/** `numeric`: `["=", n]`, or one lower bound and/or one upper bound, lower first; JSON numbers only. */
function numericCondition(operand: JsonValue, path: string): LeafTest {
  if (!Array.isArray(operand)) fail('Value of numeric must be an array.', path)
  if (operand.length === 0) fail('Invalid member in numeric match: ]', path)
  const operator = operand[0]
  if (typeof operator !== 'string') fail(`Invalid member in numeric match: ${JSON.stringify(operator)}`, path)
  if (!NUMERIC_OPERATORS.has(operator)) fail(`Unrecognized numeric range operator: ${operator}`, path)
  const first = operand[1]
  if (typeof first !== 'number') fail(`Value of ${operator} must be numeric`, path)
  if (operator === '=') {
    if (operand.length > 2) fail('Too many elements in numeric expression', path)
    return numericTest({inclusive: true, value: first}, {inclusive: true, value: first})
  }

  const bound: NumericBound = {inclusive: operator.endsWith('='), value: first}
  if (UPPER_OPERATORS.has(operator)) {
    if (operand.length > 2) fail('Too many elements in numeric expression', path)
    return numericTest(undefined, bound)
  }

  if (operand.length === 2) return numericTest(bound, undefined)
  const second = operand[2]
  if (typeof second !== 'string') fail(`Bad value in numeric range: ${JSON.stringify(second)}`, path)
  if (!UPPER_OPERATORS.has(second)) fail(`Bad numeric range operator: ${second}`, path)
  const top = operand[3]
  if (typeof top !== 'number') fail(`Value of ${second} must be numeric`, path)
  if (operand.length > 4) fail('Too many terms in numeric range expression', path)
  if (!(first < top)) fail('Bottom must be less than top', path)
  return numericTest(bound, {inclusive: second.endsWith('='), value: top})
}

/** `cidr`: "address/bits", IPv4 or IPv6. A non-string is refused with the prefix reason, as AWS does. */
function cidrCondition(operand: JsonValue, path: string): LeafTest {
  if (typeof operand !== 'string') fail('prefix match pattern must be a string', path)
  const parts = operand.split('/')
  if (parts.length !== 2) fail("Malformed CIDR, one '/' required", path)
  const [address, bitsText] = parts as [string, string]
  if (!/^\d+$/.test(bitsText)) fail('Malformed CIDR, mask bits must be an integer', path)
  const family = isIP(address)
  if (family === 0) fail(`Nonstandard IP address: ${address}`, path)
  const bits = Number(bitsText)
  const max = family === 4 ? 32 : 128
  // Not recorded from AWS: our wording for a mask longer than the address.
  if (bits > max) fail(`Malformed CIDR, mask bits must be between 0 and ${max}`, path)
  return cidrTest(address, bits, family === 4 ? 'ipv4' : 'ipv6')
}

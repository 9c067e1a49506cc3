/**
 * Predicates on one leaf value of an event (a string, number, boolean or null), one per
 * EventBridge comparison operator. Built once when a pattern is compiled; called per event.
 *
 * Semantics follow aws/event-ruler's README and AWS's recorded answers of `TestEventPattern`
 * (see docs/events-test-pattern.md, "Semantics and sources"):
 * - strings and numbers are different types: `"5"` never equals `5`;
 * - numbers compare by value (`300.0` equals `[300]`; `101.0` is `> 100`);
 * - prefix, suffix, equals-ignore-case, wildcard and cidr test strings only;
 * - anything-but is the negation of its inner test on a present value, so it matches numbers,
 *   booleans and null that the inner (string-only) test cannot match.
 */
import {BlockList, isIP} from 'node:net'

export type Leaf = boolean | null | number | string

export type LeafTest = (leaf: Leaf) => boolean

export function exactTest(values: Leaf[]): LeafTest {
  if (values.length === 1) {
    const [only] = values
    return (leaf) => leaf === only
  }

  // A Set keeps types apart ("5" ≠ 5) and equal numbers together (300 parsed from 300.0).
  const set = new Set<Leaf>(values)
  return (leaf) => set.has(leaf)
}

export function prefixTest(prefix: string, ignoreCase = false): LeafTest {
  if (!ignoreCase) return (leaf) => typeof leaf === 'string' && leaf.startsWith(prefix)
  const lower = prefix.toLowerCase()
  return (leaf) => typeof leaf === 'string' && leaf.toLowerCase().startsWith(lower)
}

export function suffixTest(suffix: string, ignoreCase = false): LeafTest {
  if (!ignoreCase) return (leaf) => typeof leaf === 'string' && leaf.endsWith(suffix)
  const lower = suffix.toLowerCase()
  return (leaf) => typeof leaf === 'string' && leaf.toLowerCase().endsWith(lower)
}

export function equalsIgnoreCaseTest(values: string[]): LeafTest {
  const lowered = new Set(values.map((v) => v.toLowerCase()))
  return (leaf) => typeof leaf === 'string' && lowered.has(leaf.toLowerCase())
}

/**
 * A wildcard as a regular expression: `*` is any run of characters (newlines included), `\*` a
 * literal asterisk, `\\` a literal backslash. The pattern was validated before (no `**`, no other
 * escapes), see `parseWildcard`.
 */
export function wildcardTest(literals: string[]): LeafTest {
  if (literals.length === 1) {
    const [whole] = literals
    return (leaf) => leaf === whole
  }

  const source = literals.map((part) => part.replaceAll(/[$()*+.?[\\\]^{|}]/g, String.raw`\$&`)).join('.*')
  const regex = new RegExp(`^${source}$`, 's')
  return (leaf) => typeof leaf === 'string' && regex.test(leaf)
}

export interface NumericBound {
  inclusive: boolean
  value: number
}

export function numericTest(lower: NumericBound | undefined, upper: NumericBound | undefined): LeafTest {
  return (leaf) => {
    if (typeof leaf !== 'number') return false
    if (lower && (lower.inclusive ? leaf < lower.value : leaf <= lower.value)) return false
    if (upper && (upper.inclusive ? leaf > upper.value : leaf >= upper.value)) return false
    return true
  }
}

/** Node's own subnet matcher (node:net BlockList) for both families; an address of the other family never matches. */
export function cidrTest(address: string, bits: number, family: 'ipv4' | 'ipv6'): LeafTest {
  const list = new BlockList()
  list.addSubnet(address, bits, family)
  const familyNumber = family === 'ipv4' ? 4 : 6
  return (leaf) => typeof leaf === 'string' && isIP(leaf) === familyNumber && list.check(leaf, family)
}

export function anyOf(tests: LeafTest[]): LeafTest {
  if (tests.length === 1) return tests[0]!
  return (leaf) => {
    for (const test of tests) if (test(leaf)) return true
    return false
  }
}

export function negation(test: LeafTest): LeafTest {
  return (leaf) => !test(leaf)
}

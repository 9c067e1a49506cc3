/**
 * Matching an event against a compiled pattern (compile-pattern.ts), and the field-by-field
 * explanation of the verdict.
 *
 * Rules (aws/event-ruler README; EventBridge user guide "Event patterns", "Arrays", "Null values";
 * AWS's recorded TestEventPattern answers — see docs/events-test-pattern.md):
 * - every field of a pattern must match (AND); any condition of a field may match (OR);
 *   fields the pattern does not name are ignored;
 * - an array in the event matches when any of its elements does, at any depth;
 * - array consistency: the fields of one nested pattern must all be matched inside the same
 *   array element (event-ruler's `rulesForJSONEvent`, which AWS uses);
 * - a leaf value is a string, number, boolean or null; an object is not a leaf, so
 *   `{"exists": true}` needs a leaf and `{"exists": false}` matches a missing field, an object, or
 *   an array without leaves (`[]`);
 * - a key with dots in the event is the same as nested keys (`{"a.b": 1}` ≡ `{"a": {"b": 1}}`).
 */
import type {JsonValue, LeafField, PatternField, PatternNode} from './compile-pattern.js'
import type {Leaf, LeafTest} from './leaf-tests.js'

type EventObject = {[key: string]: unknown}

const EMPTY: EventObject = Object.freeze({}) as EventObject

/** Keys an object inherits (`constructor`, `toString`, `__proto__`…): read them as own properties only. */
const INHERITED = new Set(Object.getOwnPropertyNames(Object.prototype))

function isObject(value: unknown): value is EventObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** The value of `key` in `object`, or the object made of its dotted keys `key.…` (see the file comment). */
export function lookup(object: EventObject, key: string): unknown {
  const value = INHERITED.has(key) ? (Object.hasOwn(object, key) ? object[key] : undefined) : object[key]
  if (value !== undefined) return value
  const prefix = `${key}.`
  let dotted: EventObject | undefined
  for (const name in object) {
    if (name.startsWith(prefix)) {
      dotted ??= {}
      dotted[name.slice(prefix.length)] = object[name]
    }
  }

  return dotted
}

/** Does any leaf of `value` (itself, or the leaves of an array at any depth) pass `test`? */
function anyLeaf(value: unknown[], predicate: LeafTest): boolean {
  for (const item of value) {
    if (Array.isArray(item)) {
      if (anyLeaf(item, predicate)) return true
    } else if ((typeof item !== 'object' || item === null) && predicate(item as Leaf)) return true
  }

  return false
}

function hasLeaf(value: unknown[]): boolean {
  for (const item of value) {
    if (Array.isArray(item) ? hasLeaf(item) : typeof item !== 'object' || item === null) return true
  }

  return false
}

export function leafFieldMatches(field: LeafField, value: unknown): boolean {
  if (value === undefined) return field.existsFalse
  if (typeof value !== 'object' || value === null) {
    return field.existsTrue || (field.valueTest !== undefined && field.valueTest(value as Leaf))
  }

  if (!Array.isArray(value)) return field.existsFalse
  if (!hasLeaf(value)) return field.existsFalse
  return field.existsTrue || (field.valueTest !== undefined && anyLeaf(value, field.valueTest))
}

function fieldMatches(field: PatternField, object: EventObject): boolean {
  const value = lookup(object, field.key)
  return field.kind === 'leaf' ? leafFieldMatches(field, value) : nodeMatchesValue(field.node, value)
}

/** A nested pattern against whatever the event holds there: an object, an array of them, or nothing. */
export function nodeMatchesValue(node: PatternNode, value: unknown): boolean {
  if (isObject(value)) return nodeMatches(node, value)
  if (Array.isArray(value)) {
    if (value.length === 0) return nodeMatches(node, EMPTY)
    for (const item of value) if (nodeMatchesValue(node, item)) return true
    return false
  }

  return nodeMatches(node, EMPTY)
}

/** Every field and one alternative of every `$or`, all in `object`. */
export function nodeMatches(node: PatternNode, object: EventObject): boolean {
  for (const field of node.fields) if (!fieldMatches(field, object)) return false
  for (const alternatives of node.ors) {
    let any = false
    for (const alternative of alternatives) {
      if (nodeMatches(alternative, object)) {
        any = true
        break
      }
    }

    if (!any) return false
  }

  return true
}

/** One line of the explanation: a leaf field of the pattern, what the event holds there, and the verdict. */
export interface FieldExplanation {
  /** Which `$or` alternative the field belongs to, e.g. `$or[1]` (nested: `$or[0].$or[1]`). */
  branch?: string
  field: string
  ok: boolean
  pattern: JsonValue[]
  /** The event's value at the field (absent when the event has none). */
  value?: unknown
}

/**
 * The verdict field by field. Slower than `nodeMatches` (it visits every field, and every
 * alternative of a `$or`), so it is for one event, not for a stream.
 */
export function explainNode(
  node: PatternNode,
  object: EventObject,
  out: FieldExplanation[] = [],
  branch?: string,
): FieldExplanation[] {
  for (const field of node.fields) {
    const value = lookup(object, field.key)
    if (field.kind === 'leaf') {
      const entry: FieldExplanation = {field: field.path, ok: leafFieldMatches(field, value), pattern: field.source}
      if (value !== undefined) entry.value = value
      if (branch) entry.branch = branch
      out.push(entry)
    } else {
      explainNested(field.node, value, out, branch)
    }
  }

  for (const [orIndex, alternatives] of node.ors.entries()) {
    for (const [i, alternative] of alternatives.entries()) {
      const name = `${branch ? `${branch}.` : ''}$or${node.ors.length > 1 ? orIndex : ''}[${i}]`
      explainNode(alternative, object, out, name)
    }
  }

  return out
}

/** For an array, explain the element that matches, else the first object element (or none). */
function explainNested(node: PatternNode, value: unknown, out: FieldExplanation[], branch?: string): void {
  if (isObject(value)) {
    explainNode(node, value, out, branch)
    return
  }

  if (Array.isArray(value)) {
    const flat = value.flat(Infinity)
    const chosen = flat.find((item) => nodeMatchesValue(node, item)) ?? flat.find((item) => isObject(item))
    explainNode(node, isObject(chosen) ? chosen : EMPTY, out, branch)
    return
  }

  explainNode(node, EMPTY, out, branch)
}

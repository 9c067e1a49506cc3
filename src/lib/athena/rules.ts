/**
 * The rule catalogue of `athena lint-columns`: stable ids, severities, contexts, and what each
 * rule means. Sources: shared/reference/glue-athena.md part B (Athena naming docs, Trino's parser
 * messages, the OpenX JSON SerDe docs, MSCK REPAIR TABLE docs).
 */
import type {RuleContext, Severity} from './model.js'

export interface RuleInfo {
  context: RuleContext
  /** Long explanation (docs, SARIF fullDescription). */
  description: string
  id: string
  severity: Severity
  title: string
}

export const RULES: readonly RuleInfo[] = [
  {
    context: 'both',
    description: 'Glue needs 1–255 bytes; Trino rejects "" with "Zero-length delimited identifier not allowed".',
    id: 'empty-name',
    severity: 'error',
    title: 'Empty name',
  },
  {
    context: 'both',
    description:
      'Athena and Glue allow at most 255 bytes; counted in UTF-8 bytes, so 255 × "é" (510 bytes) is too long.',
    id: 'too-long',
    severity: 'error',
    title: 'Longer than 255 UTF-8 bytes',
  },
  {
    context: 'both',
    description:
      'Leading, trailing or inner whitespace: the name only works quoted and exactly spelled; leading spaces are easy to create by accident.',
    id: 'whitespace',
    severity: 'error',
    title: 'Whitespace in name',
  },
  {
    context: 'both',
    description:
      'Byte-order marks, zero-width and other invisible characters: queries typed without them fail with "Column … cannot be resolved" (a CSV BOM ends up in the first column name).',
    id: 'invisible-character',
    severity: 'error',
    title: 'BOM or invisible character',
  },
  {
    context: 'both',
    description:
      'Hive uses "." and ":" as struct and type separators: such names fail when queried, also inside nested fields ("identifiers must not contain \':\'"). OpenX JSON needs mapping.* for them.',
    id: 'dot-or-colon',
    severity: 'error',
    title: 'Dot or colon in name',
  },
  {
    context: 'both',
    description:
      'Athena supports lower-case letters, digits and "_" only; other characters need quoting everywhere and some statements fail even quoted (e.g. "missing EOF at \'-\'").',
    id: 'special-character',
    severity: 'error',
    title: 'Character outside [a-z0-9_]',
  },
  {
    context: 'both',
    description:
      'Non-ASCII names are outside the documented [a-z0-9_] set; they need quoting and break tools that sanitise names (awswrangler turns every non-Latin name into "_").',
    id: 'non-ascii',
    severity: 'error',
    title: 'Non-ASCII character',
  },
  {
    context: 'both',
    description:
      'Athena lower-cases names: casing cannot tell names apart and case-sensitive readers (JSON, Parquet) may not match.',
    id: 'upper-case',
    severity: 'warning',
    title: 'Upper-case letters',
  },
  {
    context: 'dml',
    description:
      'In SELECT, CTAS and views a name starting with a digit must be double-quoted ("identifiers must not start with a digit").',
    id: 'leading-digit',
    severity: 'error',
    title: 'Starts with a digit',
  },
  {
    context: 'ddl',
    description:
      'DDL must enclose names that start with "_" in backticks (unquoted nested `_id` fails with ParseException); MSCK REPAIR TABLE does not add partition keys that start with "_".',
    id: 'leading-underscore',
    severity: 'error',
    title: 'Starts with an underscore',
  },
  {
    context: 'ddl',
    description: "A word in Athena's DDL reserved list: it must be enclosed in backticks in DDL.",
    id: 'reserved-ddl',
    severity: 'error',
    title: 'Reserved word (DDL list)',
  },
  {
    context: 'dml',
    description: "A word in Athena's SELECT/view reserved list: it must be double-quoted in queries and views.",
    id: 'reserved-dml',
    severity: 'error',
    title: 'Reserved word (SELECT list)',
  },
  {
    context: 'dml',
    description:
      "Reserved in current Trino but not in Athena's published SELECT list (AUTO, CURRENT_ROLE, PRIMARY): quote it to be safe.",
    id: 'reserved-trino',
    severity: 'warning',
    title: 'Reserved word (Trino only)',
  },
  {
    context: 'both',
    description:
      'Names that differ only in case (or repeat exactly) among columns and partition keys, or among the fields of one struct: "Multiple entries with same key", "JSONException: Duplicate key".',
    id: 'duplicate-name',
    severity: 'error',
    title: 'Case-insensitive duplicate',
  },
  {
    context: 'both',
    description:
      'A partition key with the name of a data column: "HIVE_INVALID_METADATA … Table descriptor contains duplicate columns".',
    id: 'partition-key-duplicates-column',
    severity: 'error',
    title: 'Partition key repeats a data column',
  },
]

export const RULE_IDS: readonly string[] = RULES.map((r) => r.id)

const RULE_BY_ID = new Map(RULES.map((r) => [r.id, r]))
/** Rules with the other severity, for hits whose severity depends on how the name is written. */
const OTHER_SEVERITY = new Map<string, RuleInfo>()

/** The rule of a hit, with the hit's own severity when it has one (one object per rule and severity). */
export function ruleOfHit(hit: {rule: string; severity?: Severity | undefined}): RuleInfo {
  const rule = ruleInfo(hit.rule)
  if (hit.severity === undefined || hit.severity === rule.severity) return rule
  let other = OTHER_SEVERITY.get(hit.rule)
  if (other === undefined) {
    other = {...rule, severity: hit.severity}
    OTHER_SEVERITY.set(hit.rule, other)
  }

  return other
}

export function ruleInfo(id: string): RuleInfo {
  const rule = RULE_BY_ID.get(id)
  if (!rule) throw new Error(`unknown rule ${id}`)
  return rule
}

export interface RuleSelection {
  context: RuleContext
  /** Only these rules (empty: all). */
  ignore: readonly string[]
  only: readonly string[]
}

/** The active rule ids for a selection; throws on unknown ids (the command maps it to a usage error). */
export function activeRules(selection: RuleSelection): Set<string> {
  for (const id of [...selection.only, ...selection.ignore]) {
    if (!RULE_IDS.includes(id)) throw new UnknownRuleError(id)
  }

  const active = new Set<string>()
  for (const rule of RULES) {
    if (selection.only.length > 0 && !selection.only.includes(rule.id)) continue
    if (selection.ignore.includes(rule.id)) continue
    if (selection.context !== 'both' && rule.context !== 'both' && rule.context !== selection.context) continue
    active.add(rule.id)
  }

  return active
}

export class UnknownRuleError extends Error {
  constructor(readonly ruleId: string) {
    super(`unknown rule "${ruleId}"`)
    this.name = 'UnknownRuleError'
  }
}

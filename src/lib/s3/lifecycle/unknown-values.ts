/**
 * Values a template reader could not (or could only partly) resolve before deployment: a
 * CloudFormation `!GetAtt`, a parameter without a default, a Terraform expression over a resource.
 * Such a value is unknown: it is left out of the model, every finding that depends on it is dropped,
 * and each rule gets at most one note saying what was not checked. A value taken from a parameter
 * default is checked, with a note that only the default was checked.
 */
import {type Finding, makeFinding} from './findings.js'
import {type LifecycleRule, ruleLabel} from './model.js'

export interface ValueNote {
  /** Model path inside the configuration, e.g. "Rules[0].Expiration.Days" (or "Rules" for the whole list). */
  path: string
  /** Zero-based rule, or undefined for the configuration as a whole. */
  ruleIndex?: number | undefined
  /** "Days comes from parameter RetentionDays: checked for its default 30 only". */
  text: string
  /** True when the value is unknown (left out); false when it was resolved from a default. */
  unknown: boolean
}

function within(inner: string, outer: string): boolean {
  return inner === outer || (inner.startsWith(outer) && (inner[outer.length] === '.' || inner[outer.length] === '['))
}

/** Does one model path contain the other ("Rules[0]" and "Rules[0].Expiration.Days")? */
export function pathsRelated(a: string, b: string): boolean {
  return within(a, b) || within(b, a)
}

/**
 * Rules with an unknown member: left out of overlap checks, which depend on a rule's filter and on
 * the days and classes of its actions alike.
 */
export function rulesWithUnknowns(notes: readonly ValueNote[]): Set<number> {
  return new Set(notes.filter((n) => n.unknown && n.ruleIndex !== undefined).map((n) => n.ruleIndex!))
}

/**
 * Drop every finding that rests on an unknown value: its path contains, or lies inside, the path
 * of an unknown member (a rule-level finding such as "has no action" is dropped when any member of
 * the rule is unknown; a configuration-level one when the rule list itself is unknown).
 */
export function withoutUnknownConsequences(findings: readonly Finding[], notes: readonly ValueNote[]): Finding[] {
  const unknown = notes.filter((n) => n.unknown)
  if (unknown.length === 0) return [...findings]
  return findings.filter((f) => {
    if (f.severity === 'info' || f.path === undefined) return true
    return !unknown.some((n) => pathsRelated(f.path!, n.path))
  })
}

/** One note per rule (and one for the configuration) listing what was unknown or assumed. */
export function notesAsFindings(notes: readonly ValueNote[], rules: readonly LifecycleRule[] = []): Finding[] {
  const byRule = new Map<number | undefined, ValueNote[]>()
  for (const n of notes) byRule.set(n.ruleIndex, [...(byRule.get(n.ruleIndex) ?? []), n])
  const out: Finding[] = []
  for (const [ruleIndex, list] of byRule) {
    const texts = [...new Set(list.map((n) => n.text))]
    const anyUnknown = list.some((n) => n.unknown)
    out.push(
      makeFinding(
        'unresolved-value',
        `${ruleIndex === undefined ? 'configuration' : rules[ruleIndex] ? ruleLabel(rules[ruleIndex], ruleIndex) : `rule #${ruleIndex + 1}`}: ${texts.join('; ')}`,
        {
          path: ruleIndex === undefined ? 'Rules' : `Rules[${ruleIndex}]`,
          ...(ruleIndex === undefined ? {} : {ruleId: rules[ruleIndex]?.ID, ruleIndex}),
          suggestion: anyUnknown
            ? 'Supply the values (--parameter KEY=VALUE / --parameters-file for CloudFormation, --var / --var-file for Terraform), or lint the deployed bucket (--bucket).'
            : 'Pass the value you deploy with (--parameter KEY=VALUE or --var NAME=VALUE) to check that one too.',
        },
      ),
    )
  }

  return out
}

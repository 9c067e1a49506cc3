import type {Hop, RuleRecord, RuleVerdict} from './types.js'

/**
 * Hop 4: every rule of the bus against the event S3 would send, with the local matcher. A field
 * the trace cannot know (s3-event.ts) that fails is "unknown", not a mismatch; a rule that fails
 * on one field only is a near miss, the likely typo.
 */
import {compilePattern} from '../../events/compile-pattern.js'
import {explainNode, nodeMatches} from '../../events/match.js'
import {InvalidEventPatternError} from '../../events/pattern-error.js'

function isUnknown(field: string, unknownFields: string[]): boolean {
  return unknownFields.some((u) => field === u || field.startsWith(`${u}.`))
}

export function judgeRule(rule: RuleRecord, event: Record<string, unknown>, unknownFields: string[]): RuleVerdict {
  if (!rule.eventPattern) return {failedFields: [], nearMiss: false, rule, verdict: 'no-pattern'}
  let pattern
  try {
    pattern = compilePattern(JSON.parse(rule.eventPattern))
  } catch (error) {
    const note = error instanceof InvalidEventPatternError ? error.reason : `not JSON: ${(error as Error).message}`
    return {failedFields: [], nearMiss: false, note, rule, verdict: 'invalid-pattern'}
  }

  if (nodeMatches(pattern.root, event)) return {failedFields: [], nearMiss: false, rule, verdict: 'match'}
  const failed = explainNode(pattern.root, event).filter((e) => !e.ok)
  const failedFields = failed.map((e) => ({
    field: e.field,
    pattern: e.pattern,
    ...(e.value === undefined ? {} : {value: e.value}),
  }))
  if (failed.length > 0 && failed.every((e) => isUnknown(e.field, unknownFields)))
    return {
      failedFields,
      nearMiss: false,
      note: 'depends on fields only S3 knows for this write',
      rule,
      verdict: 'unknown',
    }
  const cloudTrail = JSON.stringify(pattern.source['detail-type'] ?? '').includes('AWS API Call via CloudTrail')
  const note = cloudTrail
    ? 'this rule matches S3 API calls recorded by CloudTrail (a trail with S3 data events), not the "Object Created" event S3 sends to EventBridge'
    : undefined
  return {failedFields, nearMiss: failed.length === 1 && !cloudTrail, note, rule, verdict: 'no-match'}
}

function describe(v: RuleVerdict): string {
  const fields = v.failedFields
    .map(
      (f) =>
        `${f.field}: pattern ${JSON.stringify(f.pattern)}, event ${f.value === undefined ? '(missing)' : JSON.stringify(f.value)}`,
    )
    .join('; ')
  return `${v.rule.name}${v.rule.state ? ` (${v.rule.state})` : ''}: ${v.verdict}${fields ? ` — ${fields}` : ''}${v.note ? ` — ${v.note}` : ''}`
}

export function rulesHop(verdicts: RuleVerdict[] | undefined, bus: string, unknownWhy?: string): Hop {
  const hop: Hop = {evidence: [], fix: [], hop: 4, name: `Rules on bus ${bus}`, status: 'ok'}
  if (!verdicts) {
    hop.status = 'unknown'
    hop.evidence.push(unknownWhy ?? 'the rules were not listed')
    return hop
  }

  if (bus !== 'default')
    hop.evidence.push(
      `S3 sends its events to the default bus only: rules on ${bus} see them only if a rule on the default bus forwards them`,
    )
  const matching = verdicts.filter((v) => v.verdict === 'match')
  const enabled = matching.filter((v) => v.rule.state !== 'DISABLED')
  for (const v of matching) hop.evidence.push(describe(v))
  for (const v of verdicts.filter((v) => v.verdict === 'unknown' || v.nearMiss || v.verdict === 'invalid-pattern'))
    hop.evidence.push(`${v.nearMiss ? 'near miss ' : ''}${describe(v)}`)
  for (const v of verdicts.filter((v) => v.note && v.verdict === 'no-match' && !v.nearMiss))
    hop.evidence.push(describe(v))
  const scheduled = verdicts.filter((v) => v.verdict === 'no-pattern').length
  const others = verdicts.filter((v) => v.verdict === 'no-match' && !v.nearMiss && !v.note).length
  if (others > 0) hop.evidence.push(`${others} other rule(s) do not match (see --json)`)
  if (scheduled > 0) hop.evidence.push(`${scheduled} rule(s) without an event pattern (schedules)`)

  if (enabled.length > 0) return hop
  if (matching.length > 0) {
    hop.status = 'broken'
    for (const v of matching)
      hop.fix.push(`aws events enable-rule --name ${v.rule.name} --event-bus-name ${v.rule.eventBusName}`)
    return hop
  }

  if (verdicts.some((v) => v.verdict === 'unknown' && v.rule.state !== 'DISABLED')) {
    hop.status = 'unknown'
    return hop
  }

  hop.status = 'broken'
  hop.evidence.unshift(`no rule on ${bus} matches this object's "Object Created" event`)
  for (const v of verdicts.filter((v) => v.nearMiss))
    hop.fix.push(
      `Rule ${v.rule.name}: change ${v.failedFields[0]!.field} (pattern ${JSON.stringify(v.failedFields[0]!.pattern)}) to take ${JSON.stringify(v.failedFields[0]!.value ?? '(missing)')}; test with: pipeops events test-pattern --pattern PATTERN.json --event EVENT.json (the event is in this trace's --json)`,
    )
  if (hop.fix.length === 0)
    hop.fix.push(
      'Create a rule: aws events put-rule --name NAME --event-pattern \'{"source":["aws.s3"],"detail-type":["Object Created"],"detail":{"bucket":{"name":["BUCKET"]},"object":{"key":[{"prefix":"PREFIX/"}]}}}\'',
    )
  return hop
}

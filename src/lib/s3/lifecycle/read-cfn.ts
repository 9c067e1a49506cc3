/**
 * CloudFormation input: every `AWS::S3::Bucket` of a template (YAML with short-form intrinsics, or
 * JSON), or a bare `LifecycleConfiguration`, converted to the s3api model.
 */
import type {ValueNote} from './unknown-values.js'

import {
  conditionParameters,
  conditionsUsed,
  containsUnresolved,
  evaluateCondition,
  intrinsicName,
  IntrinsicResolver,
  NO_VALUE,
  type ResolveContext,
  Unresolved,
} from './cfn-intrinsics.js'
import {type Finding, makeFinding} from './findings.js'
import {buildFilter, type LifecycleConfiguration, type LifecycleRule, type RuleFilter, type Tag} from './model.js'

type Obj = Record<string, unknown>

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

export function isIntrinsic(v: unknown): boolean {
  return intrinsicName(v) !== undefined
}

export interface CfnBucketConfig {
  config?: LifecycleConfiguration
  findings: Finding[]
  notes: ValueNote[]
  /** e.g. "Resources.RawBucket", or "Resources.RawBucket (IsProd true)" for one branch of an !If. */
  source: string
}

/** Values supplied for template parameters (--parameter, --parameters-file). */
export interface CfnOptions {
  parameters?: ReadonlyMap<string, string> | undefined
}

/** Above this many conditions in one configuration, !If stays unknown instead of 2^n readings. */
const MAX_CONDITIONS = 4

const CFN_RULE_KEYS = [
  'AbortIncompleteMultipartUpload',
  'ExpirationDate',
  'ExpirationInDays',
  'ExpiredObjectDeleteMarker',
  'Id',
  'NoncurrentVersionExpiration',
  'NoncurrentVersionExpirationInDays',
  'NoncurrentVersionTransition',
  'NoncurrentVersionTransitions',
  'ObjectSizeGreaterThan',
  'ObjectSizeLessThan',
  'Prefix',
  'Status',
  'TagFilters',
  'Transition',
  'Transitions',
]
const CFN_HINTS: Record<string, string> = {
  Expiration: 'ExpirationInDays / ExpirationDate',
  Filter: 'Prefix / TagFilters / ObjectSizeGreaterThan (flat on the rule)',
  ID: 'Id',
}

/**
 * Does this object look like CloudFormation's LifecycleConfiguration rather than s3api JSON? Only
 * when it uses CloudFormation-only names and none of the s3api-only ones (a mix is read as s3api,
 * whose reader then names each CloudFormation spelling).
 */
export function looksLikeCfnRules(rules: unknown): boolean {
  if (!Array.isArray(rules)) return false
  const objs = rules.filter((r) => isObj(r))
  const cfn = objs.some(
    (r) =>
      [
        'ExpirationDate',
        'ExpirationInDays',
        'Id',
        'NoncurrentVersionExpirationInDays',
        'TagFilters',
        'Transition',
      ].some((k) => k in r) ||
      (Array.isArray(r.Transitions) && r.Transitions.some((t) => isObj(t) && 'TransitionInDays' in t)),
  )
  const s3api = objs.some(
    (r) =>
      ['Expiration', 'Filter', 'ID'].some((k) => k in r) ||
      (Array.isArray(r.Transitions) && r.Transitions.some((t) => isObj(t) && 'Days' in t)) ||
      (Array.isArray(r.NoncurrentVersionTransitions) &&
        r.NoncurrentVersionTransitions.some((t) => isObj(t) && 'NoncurrentDays' in t)),
  )
  return cfn && !s3api
}

/** AWS's own transforms change no lifecycle value; any other macro may rewrite any literal. */
function macrosOf(transform: unknown): string[] {
  const names = (Array.isArray(transform) ? transform : [transform]).filter((t) => typeof t === 'string')
  return names.filter(
    (n) =>
      !/^AWS::(Serverless-\d{4}-\d{2}-\d{2}|LanguageExtensions|SecretsManager-[\d-]+|CodeDeployBlueGreen)$/.test(n),
  )
}

/** Every bucket of a template: those without LifecycleConfiguration are listed with no config. */
export function readCfnTemplate(template: Obj, options: CfnOptions = {}): CfnBucketConfig[] {
  const resources = isObj(template.Resources) ? template.Resources : {}
  const out: CfnBucketConfig[] = []
  const base = {
    conditionDefinitions: isObj(template.Conditions) ? template.Conditions : {},
    macros: macrosOf(template.Transform),
    mappings: isObj(template.Mappings) ? template.Mappings : {},
    parameters: isObj(template.Parameters) ? template.Parameters : {},
    parameterValues: options.parameters ?? new Map<string, string>(),
  }
  for (const [logicalId, res] of Object.entries(resources)) {
    if (!isObj(res) || res.Type !== 'AWS::S3::Bucket') continue
    const source = `Resources.${logicalId}`
    const props = isObj(res.Properties) ? res.Properties : {}
    if (props.LifecycleConfiguration === undefined) {
      out.push({findings: [], notes: [], source})
      continue
    }

    out.push(
      ...readCfnVariants(props.LifecycleConfiguration, `${source}.Properties.LifecycleConfiguration`, base).map(
        (v) => ({
          ...v,
          source: v.variant ? `${source} (${v.variant})` : source,
        }),
      ),
    )
  }

  return out
}

/**
 * Read a LifecycleConfiguration once per combination of the conditions its !If functions use, so
 * both branches of each are checked; identical readings are merged.
 */
export function readCfnVariants(
  raw: unknown,
  root: string,
  base: Omit<ResolveContext, 'conditions'> & {conditionDefinitions?: Obj},
): Array<{config?: LifecycleConfiguration; findings: Finding[]; notes: ValueNote[]; variant?: string}> {
  const used = [...conditionsUsed(raw)].sort()
  const names = used.length <= MAX_CONDITIONS ? used : []
  const out: Array<{config?: LifecycleConfiguration; findings: Finding[]; notes: ValueNote[]; variant?: string}> = []
  const seen = new Set<string>()
  for (let mask = 0; mask < 2 ** names.length; mask++) {
    const conditions = new Map(names.map((n, k) => [n, Boolean(mask & (1 << k))]))
    // A branch the parameters' defaults do not lead to is read with those parameters unknown; a
    // branch the supplied values rule out is not read at all.
    const defs = base.conditionDefinitions ?? {}
    const plain = new IntrinsicResolver({...base, conditions: new Map()})
    const notDefault = new Set<string>()
    let impossible = false
    for (const [n, assumed] of conditions) {
      const actual = evaluateCondition(n, defs, plain)
      if (actual === undefined || actual === assumed) continue
      const params = [...conditionParameters(n, defs)].filter((p) => isObj(base.parameters[p]))
      const free = params.filter((p) => !base.parameterValues.has(p))
      if (free.length === 0) impossible = true
      for (const p of free) notDefault.add(p)
    }

    if (impossible) continue
    const read = readCfnLifecycle(raw, root, new IntrinsicResolver({...base, conditions, notDefault}))
    const key = JSON.stringify([read.config, read.findings, read.notes])
    if (seen.has(key)) continue
    seen.add(key)
    const variant = names.map((n) => `${n} ${conditions.get(n) ? 'true' : 'false'}`).join(', ')
    out.push(variant ? {...read, variant} : read)
  }

  // With a single distinct reading the conditions made no difference: no variant label.
  if (out.length === 1) delete out[0]!.variant
  return out
}

/** Reads CloudFormation values, recording each malformed one as a finding and each unknown one as a note. */
class CfnReader {
  readonly findings: Finding[] = []
  readonly notes: ValueNote[] = []

  constructor(
    private readonly resolver: IntrinsicResolver,
    private readonly macros: readonly string[] = [],
  ) {}

  bad(path: string, message: string, suggestion: string): void {
    this.findings.push(makeFinding('invalid-value', `${path}: ${message}`, {path, suggestion}))
  }

  cls(v: unknown, p: string, model: Where): string | undefined {
    const s = this.str(v, p, model)
    return s === 'Glacier' ? 'GLACIER' : s
  }

  /** Resolve a value; an unknown one becomes a note and `undefined`, a defaulted one a note and its value. */
  get(v: unknown, p: string, model: Where, shallow = false): unknown {
    if (v === undefined) return undefined
    // A plain mapping or list is read member by member; only a function here is resolved whole.
    if (shallow && intrinsicName(v) === undefined) return v
    const before = this.resolver.assumptions.length
    const value = this.resolver.resolve(v)
    const prop = p.slice(p.lastIndexOf('.') + 1)
    const sources = [...new Set(this.resolver.assumptions.slice(before))]
    if (sources.length > 0 && !containsUnresolved(value))
      this.notes.push({
        path: model.path,
        ruleIndex: model.ruleIndex,
        text: `${prop} comes from ${sources.join(' and ')}: checked for ${sources.length > 1 ? 'their defaults' : 'its default'} only (${JSON.stringify(value)})`,
        unknown: false,
      })
    if (value === NO_VALUE) return undefined
    if (shallow ? value instanceof Unresolved : containsUnresolved(value)) {
      const why = value instanceof Unresolved ? value.why : firstUnresolved(value)?.why
      this.notes.push({
        path: model.path,
        ruleIndex: model.ruleIndex,
        text: `${prop} is ${why}: not known before deployment, not checked`,
        unknown: true,
      })
      return UNKNOWN
    }

    return value
  }

  num(v: unknown, p: string, min: number, model: Where): number | undefined {
    const r = this.get(v, p, model)
    if (r === undefined || r === UNKNOWN) return undefined
    const n = typeof r === 'string' && /^\d+$/.test(r) ? Number(r) : r
    if (typeof n === 'string' && this.macros.length > 0) {
      this.notes.push({
        path: model.path,
        ruleIndex: model.ruleIndex,
        text: `${p.slice(p.lastIndexOf('.') + 1)} is ${JSON.stringify(n)}, which macro ${this.macros.join(', ')} may rewrite: not checked`,
        unknown: true,
      })
      return undefined
    }

    if (typeof n !== 'number' || !Number.isInteger(n) || n < min) {
      this.bad(p, `is ${JSON.stringify(r)}; expected a whole number ≥ ${min}`, `Set ${p} to a whole number.`)
      return undefined
    }

    return n
  }

  str(v: unknown, p: string, model: Where): string | undefined {
    const r = this.get(v, p, model)
    if (r === undefined || r === UNKNOWN) return undefined
    if (typeof r === 'string') return r
    if (typeof r === 'number') return String(r)
    if (r instanceof Date) return r.toISOString()
    this.bad(p, `is ${JSON.stringify(r)}; expected a string`, `Quote ${p}.`)
    return undefined
  }
}

/** Where a CloudFormation value lands in the model: "Rules[0].Expiration.Days". */
interface Where {
  path: string
  ruleIndex?: number | undefined
}

const UNKNOWN = Symbol('unknown')

function firstUnresolved(v: unknown): undefined | Unresolved {
  if (v instanceof Unresolved) return v
  const children = Array.isArray(v) ? v : isObj(v) ? Object.values(v) : []
  for (const x of children) {
    const u = firstUnresolved(x)
    if (u) return u
  }

  return undefined
}

/** Convert a CloudFormation LifecycleConfiguration to the model, reporting malformed members. */
export function readCfnLifecycle(
  raw: unknown,
  root: string,
  resolver: IntrinsicResolver = new IntrinsicResolver({
    conditions: new Map(),
    mappings: {},
    parameters: {},
    parameterValues: new Map(),
  }),
): {config?: LifecycleConfiguration; findings: Finding[]; notes: ValueNote[]} {
  const reader = new CfnReader(resolver, resolver.macros)
  const {findings, notes} = reader
  const top = reader.get(raw, root, {path: 'Rules'}, true)
  if (top === UNKNOWN) return {findings, notes}
  if (!isObj(top)) {
    reader.bad(root, 'needs a Rules list', 'Add Rules: [...] under LifecycleConfiguration.')
    return {findings, notes}
  }

  const rules =
    intrinsicName(top.Rules) === undefined ? top.Rules : reader.get(top.Rules, `${root}.Rules`, {path: 'Rules'})
  if (rules === UNKNOWN) return {findings, notes}
  if (!Array.isArray(rules)) {
    reader.bad(root, 'needs a Rules list', 'Add Rules: [...] under LifecycleConfiguration.')
    return {findings, notes}
  }

  const config: LifecycleConfiguration = {Rules: []}
  const tdm = reader.str(top.TransitionDefaultMinimumObjectSize, `${root}.TransitionDefaultMinimumObjectSize`, {
    path: 'TransitionDefaultMinimumObjectSize',
  })
  if (tdm !== undefined) config.TransitionDefaultMinimumObjectSize = tdm
  for (const [i, entry] of rules.entries()) {
    const path = `${root}.Rules[${i}]`
    const ruleIndex = config.Rules.length
    // A whole rule behind !If … !Ref AWS::NoValue is absent in that branch.
    const r = reader.get(entry, path, {path: `Rules[${ruleIndex}]`, ruleIndex}, true)
    if (r === undefined) continue
    if (r === UNKNOWN) {
      config.Rules.push({Status: 'Enabled'})
      continue
    }

    if (!isObj(r)) {
      reader.bad(path, 'is not a rule object', 'Each rule is a mapping with Status and at least one action.')
      continue
    }

    config.Rules.push(readCfnRule(reader, r, path, ruleIndex))
  }

  return {config, findings, notes}
}

function readCfnFilter(reader: CfnReader, r: Obj, path: string, i: number): RuleFilter {
  const filter = {path: `Rules[${i}].Filter`, ruleIndex: i}
  const sizeGt = reader.get(r.ObjectSizeGreaterThan, `${path}.ObjectSizeGreaterThan`, filter)
  if (sizeGt !== undefined && sizeGt !== UNKNOWN && typeof sizeGt !== 'string') {
    reader.bad(
      `${path}.ObjectSizeGreaterThan`,
      `is ${JSON.stringify(sizeGt)}; CloudFormation types sizes as String`,
      'Quote the number of bytes, e.g. "131072".',
    )
  }

  const tags: Tag[] = []
  const tagFilters = reader.get(r.TagFilters, `${path}.TagFilters`, filter)
  if (tagFilters !== undefined && tagFilters !== UNKNOWN) {
    if (Array.isArray(tagFilters)) {
      for (const [j, t] of tagFilters.entries()) {
        if (isObj(t) && typeof t.Key === 'string')
          tags.push({Key: t.Key, Value: typeof t.Value === 'string' ? t.Value : String(t.Value ?? '')})
        else reader.bad(`${path}.TagFilters[${j}]`, 'needs Key and Value', 'Write {Key: k, Value: v}.')
      }
    } else reader.bad(`${path}.TagFilters`, 'is not a list', 'Write TagFilters: [{Key: k, Value: v}].')
  }

  return buildFilter({
    maxSize: reader.num(r.ObjectSizeLessThan, `${path}.ObjectSizeLessThan`, 1, filter),
    minSize: reader.num(r.ObjectSizeGreaterThan, `${path}.ObjectSizeGreaterThan`, 0, {
      path: `Rules[${i}].Filter`,
      ruleIndex: i,
    }),
    prefix: reader.str(r.Prefix, `${path}.Prefix`, filter) ?? '',
    tags,
  })
}

function listOf(reader: CfnReader, r: Obj, plural: string, singular: string, path: string, model: Where): unknown[] {
  const many = reader.get(r[plural], `${path}.${plural}`, model, true)
  const one = reader.get(r[singular], `${path}.${singular}`, model, true)
  return [...(Array.isArray(many) ? many : []), ...(one === undefined || one === UNKNOWN ? [] : [one])]
}

/** Noncurrent-version actions and AbortIncompleteMultipartUpload, added to `rule`. */
function readCfnNoncurrentAndAbort(reader: CfnReader, r: Obj, path: string, rule: LifecycleRule, i: number): void {
  const at = (member: string): Where => ({path: `Rules[${i}].${member}`, ruleIndex: i})
  const ncts = listOf(
    reader,
    r,
    'NoncurrentVersionTransitions',
    'NoncurrentVersionTransition',
    path,
    at('NoncurrentVersionTransitions'),
  )
  if (ncts.length > 0) {
    rule.NoncurrentVersionTransitions = ncts.map((t, j) => {
      const p = `${path}.NoncurrentVersionTransitions[${j}]`
      const m = (k: string) => at(`NoncurrentVersionTransitions[${j}].${k}`)
      const o = isObj(t) ? t : {}
      const days = reader.num(o.TransitionInDays, `${p}.TransitionInDays`, 0, m('NoncurrentDays'))
      const newer = reader.num(
        o.NewerNoncurrentVersions,
        `${p}.NewerNoncurrentVersions`,
        0,
        m('NewerNoncurrentVersions'),
      )
      return {
        StorageClass: reader.cls(o.StorageClass, `${p}.StorageClass`, m('StorageClass')) ?? '',
        ...(days === undefined ? {} : {NoncurrentDays: days}),
        ...(newer === undefined ? {} : {NewerNoncurrentVersions: newer}),
      }
    })
  }

  const nceRaw = reader.get(
    r.NoncurrentVersionExpiration,
    `${path}.NoncurrentVersionExpiration`,
    at('NoncurrentVersionExpiration'),
  )
  const nce = isObj(nceRaw) ? nceRaw : undefined
  const nceDays = nce
    ? reader.num(
        nce.NoncurrentDays,
        `${path}.NoncurrentVersionExpiration.NoncurrentDays`,
        1,
        at('NoncurrentVersionExpiration.NoncurrentDays'),
      )
    : reader.num(
        r.NoncurrentVersionExpirationInDays,
        `${path}.NoncurrentVersionExpirationInDays`,
        1,
        at('NoncurrentVersionExpiration.NoncurrentDays'),
      )
  if (nce || nceDays !== undefined) {
    rule.NoncurrentVersionExpiration = {}
    if (nceDays !== undefined) rule.NoncurrentVersionExpiration.NoncurrentDays = nceDays
    const newer = nce
      ? reader.num(
          nce.NewerNoncurrentVersions,
          `${path}.NoncurrentVersionExpiration.NewerNoncurrentVersions`,
          0,
          at('NoncurrentVersionExpiration.NewerNoncurrentVersions'),
        )
      : undefined
    if (newer !== undefined) rule.NoncurrentVersionExpiration.NewerNoncurrentVersions = newer
  }

  const abortRaw = reader.get(
    r.AbortIncompleteMultipartUpload,
    `${path}.AbortIncompleteMultipartUpload`,
    at('AbortIncompleteMultipartUpload'),
  )
  if (abortRaw !== undefined && abortRaw !== UNKNOWN) {
    const a = isObj(abortRaw) ? abortRaw : {}
    const d = reader.num(
      a.DaysAfterInitiation,
      `${path}.AbortIncompleteMultipartUpload.DaysAfterInitiation`,
      0,
      at('AbortIncompleteMultipartUpload'),
    )
    rule.AbortIncompleteMultipartUpload = d === undefined ? {} : {DaysAfterInitiation: d}
  } else if (abortRaw === UNKNOWN) {
    rule.AbortIncompleteMultipartUpload = {}
  }
}

function readCfnRule(reader: CfnReader, r: Obj, path: string, i: number): LifecycleRule {
  if (r['Fn::Transform'] !== undefined) {
    // A macro merges its output into the rule: any member may change.
    const macro = isObj(r['Fn::Transform']) ? r['Fn::Transform'].Name : undefined
    reader.notes.push({
      path: `Rules[${i}]`,
      ruleIndex: i,
      text: `the rule passes through macro ${typeof macro === 'string' ? macro : '(Fn::Transform)'}, which may change any of its members: not checked`,
      unknown: true,
    })
  }

  for (const k of Object.keys(r)) {
    if (k === 'Fn::Transform') continue
    if (!CFN_RULE_KEYS.includes(k))
      reader.bad(
        `${path}.${k}`,
        `unknown property${CFN_HINTS[k] ? ` (CloudFormation spells it ${CFN_HINTS[k]})` : ''}`,
        CFN_HINTS[k] ? `Use ${CFN_HINTS[k]}.` : `Remove it; allowed: ${CFN_RULE_KEYS.join(', ')}.`,
      )
  }

  const at = (member: string): Where => ({path: `Rules[${i}].${member}`, ruleIndex: i})
  const rule: LifecycleRule = {Status: reader.str(r.Status, `${path}.Status`, at('Status')) ?? ''}
  const id = reader.str(r.Id, `${path}.Id`, at('ID'))
  if (id !== undefined) rule.ID = id
  rule.Filter = readCfnFilter(reader, r, path, i)

  const transitions = listOf(reader, r, 'Transitions', 'Transition', path, at('Transitions'))
  if (transitions.length > 0) {
    rule.Transitions = transitions.map((t, j) => {
      const p = `${path}.Transitions[${j}]`
      const m = (k: string) => at(`Transitions[${j}].${k}`)
      const o = isObj(t) ? t : {}
      const days = reader.num(o.TransitionInDays, `${p}.TransitionInDays`, 0, m('Days'))
      const date = reader.str(o.TransitionDate, `${p}.TransitionDate`, m('Date'))
      return {
        StorageClass: reader.cls(o.StorageClass, `${p}.StorageClass`, m('StorageClass')) ?? '',
        ...(days === undefined ? {} : {Days: days}),
        ...(date === undefined ? {} : {Date: date}),
      }
    })
  }

  const expDays = reader.num(r.ExpirationInDays, `${path}.ExpirationInDays`, 1, at('Expiration.Days'))
  const expDate = reader.str(r.ExpirationDate, `${path}.ExpirationDate`, at('Expiration.Date'))
  const eodm = reader.get(
    r.ExpiredObjectDeleteMarker,
    `${path}.ExpiredObjectDeleteMarker`,
    at('Expiration.ExpiredObjectDeleteMarker'),
  )
  if (expDays !== undefined || expDate !== undefined || eodm !== undefined) {
    rule.Expiration = {}
    if (expDays !== undefined) rule.Expiration.Days = expDays
    if (expDate !== undefined) rule.Expiration.Date = expDate
    if (typeof eodm === 'boolean') rule.Expiration.ExpiredObjectDeleteMarker = eodm
    else if (eodm === 'true' || eodm === 'false') rule.Expiration.ExpiredObjectDeleteMarker = eodm === 'true'
    else if (eodm !== undefined && eodm !== UNKNOWN)
      reader.bad(`${path}.ExpiredObjectDeleteMarker`, `is ${JSON.stringify(eodm)}; expected true or false`, 'Use true.')
  }

  readCfnNoncurrentAndAbort(reader, r, path, rule, i)
  return rule
}

/**
 * CloudFormation input: every `AWS::S3::Bucket` of a template (YAML with short-form intrinsics, or
 * JSON), or a bare `LifecycleConfiguration`, converted to the s3api model.
 */
import {type CollectionTag, parse, type ScalarTag} from 'yaml'

import {type Finding, makeFinding} from './findings.js'
import {buildFilter, type LifecycleConfiguration, type LifecycleRule, type RuleFilter, type Tag} from './model.js'

type Obj = Record<string, unknown>

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

const INTRINSICS = [
  'Base64',
  'Cidr',
  'Condition',
  'Equals',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Not',
  'Or',
  'And',
  'Ref',
  'Select',
  'Split',
  'Sub',
  'Transform',
]

/** YAML tags for CloudFormation's short forms (!Ref, !Sub, …) so templates parse. */
export const CFN_YAML_TAGS: Array<CollectionTag | ScalarTag> = INTRINSICS.flatMap((name) => {
  const key = name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`
  return [
    {identify: () => false, resolve: (v: string) => ({[key]: v}), tag: `!${name}`} as ScalarTag,
    {
      collection: 'seq',
      identify: () => false,
      resolve: (v: {toJSON(): unknown}) => ({[key]: v.toJSON()}),
      tag: `!${name}`,
    } as unknown as CollectionTag,
    {
      collection: 'map',
      identify: () => false,
      resolve: (v: {toJSON(): unknown}) => ({[key]: v.toJSON()}),
      tag: `!${name}`,
    } as unknown as CollectionTag,
  ]
})

export function parseYamlOrJson(text: string): unknown {
  return parse(text, {customTags: CFN_YAML_TAGS, maxAliasCount: 100, uniqueKeys: false})
}

export function isIntrinsic(v: unknown): boolean {
  return isObj(v) && Object.keys(v).length === 1 && /^(Ref|Condition|Fn::\w+)$/.test(Object.keys(v)[0]!)
}

export interface CfnBucketConfig {
  config?: LifecycleConfiguration
  findings: Finding[]
  /** e.g. "Resources.RawBucket" */
  source: string
}

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

/** Every bucket of a template: those without LifecycleConfiguration are listed with no config. */
export function readCfnTemplate(template: Obj): CfnBucketConfig[] {
  const resources = isObj(template.Resources) ? template.Resources : {}
  const out: CfnBucketConfig[] = []
  for (const [logicalId, res] of Object.entries(resources)) {
    if (!isObj(res) || res.Type !== 'AWS::S3::Bucket') continue
    const source = `Resources.${logicalId}`
    const props = isObj(res.Properties) ? res.Properties : {}
    if (props.LifecycleConfiguration === undefined) {
      out.push({findings: [], source})
      continue
    }

    out.push({source, ...readCfnLifecycle(props.LifecycleConfiguration, `${source}.Properties.LifecycleConfiguration`)})
  }

  return out
}

/** Reads CloudFormation values, recording each malformed one as a finding. */
class CfnReader {
  readonly findings: Finding[] = []

  bad(path: string, message: string, suggestion: string): void {
    this.findings.push(makeFinding('invalid-value', `${path}: ${message}`, {path, suggestion}))
  }

  cls(v: unknown, p: string): string {
    const s = this.str(v, p) ?? ''
    return s === 'Glacier' ? 'GLACIER' : s
  }

  num(v: unknown, p: string, min: number): number | undefined {
    if (v === undefined) return undefined
    if (isIntrinsic(v)) {
      this.bad(
        p,
        'is a CloudFormation function; pipeops cannot check it',
        'Lint the deployed bucket instead (--bucket).',
      )
      return undefined
    }

    const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v
    if (typeof n !== 'number' || !Number.isInteger(n) || n < min) {
      this.bad(p, `is ${JSON.stringify(v)}; expected a whole number ≥ ${min}`, `Set ${p} to a whole number.`)
      return undefined
    }

    return n
  }

  str(v: unknown, p: string): string | undefined {
    if (v === undefined) return undefined
    if (typeof v === 'string') return v
    if (v instanceof Date) return v.toISOString()
    this.bad(p, `is ${JSON.stringify(v)}; expected a string`, `Quote ${p}.`)
    return undefined
  }
}

/** Convert a CloudFormation LifecycleConfiguration to the model, reporting malformed members. */
export function readCfnLifecycle(raw: unknown, root: string): {config?: LifecycleConfiguration; findings: Finding[]} {
  const reader = new CfnReader()
  const {findings} = reader
  if (isIntrinsic(raw)) {
    reader.bad(
      root,
      'is a CloudFormation function; pipeops cannot resolve it',
      'Lint the deployed bucket instead: pipeops s3 lifecycle lint --bucket NAME.',
    )
    return {findings}
  }

  if (!isObj(raw) || !Array.isArray(raw.Rules)) {
    reader.bad(root, 'needs a Rules list', 'Add Rules: [...] under LifecycleConfiguration.')
    return {findings}
  }

  const config: LifecycleConfiguration = {Rules: []}
  if (typeof raw.TransitionDefaultMinimumObjectSize === 'string')
    config.TransitionDefaultMinimumObjectSize = raw.TransitionDefaultMinimumObjectSize
  for (const [i, r] of raw.Rules.entries()) {
    const path = `${root}.Rules[${i}]`
    if (!isObj(r)) {
      reader.bad(path, 'is not a rule object', 'Each rule is a mapping with Status and at least one action.')
      continue
    }

    config.Rules.push(readCfnRule(reader, r, path))
  }

  return {config, findings}
}

function readCfnFilter(reader: CfnReader, r: Obj, path: string): RuleFilter {
  // Sizes are strings in CloudFormation.
  if (r.ObjectSizeGreaterThan !== undefined && typeof r.ObjectSizeGreaterThan !== 'string') {
    reader.bad(
      `${path}.ObjectSizeGreaterThan`,
      `is ${JSON.stringify(r.ObjectSizeGreaterThan)}; CloudFormation types sizes as String`,
      'Quote the number of bytes, e.g. "131072".',
    )
  }

  const tags: Tag[] = []
  if (r.TagFilters !== undefined) {
    if (Array.isArray(r.TagFilters)) {
      for (const [j, t] of r.TagFilters.entries()) {
        if (isObj(t) && typeof t.Key === 'string')
          tags.push({Key: t.Key, Value: typeof t.Value === 'string' ? t.Value : String(t.Value ?? '')})
        else reader.bad(`${path}.TagFilters[${j}]`, 'needs Key and Value', 'Write {Key: k, Value: v}.')
      }
    } else reader.bad(`${path}.TagFilters`, 'is not a list', 'Write TagFilters: [{Key: k, Value: v}].')
  }

  return buildFilter({
    maxSize: reader.num(r.ObjectSizeLessThan, `${path}.ObjectSizeLessThan`, 1),
    minSize: reader.num(r.ObjectSizeGreaterThan, `${path}.ObjectSizeGreaterThan`, 0),
    prefix: reader.str(r.Prefix, `${path}.Prefix`) ?? '',
    tags,
  })
}

/** Noncurrent-version actions and AbortIncompleteMultipartUpload, added to `rule`. */
function readCfnNoncurrentAndAbort(reader: CfnReader, r: Obj, path: string, rule: LifecycleRule): void {
  const ncts = [
    ...(Array.isArray(r.NoncurrentVersionTransitions) ? r.NoncurrentVersionTransitions : []),
    ...(r.NoncurrentVersionTransition === undefined ? [] : [r.NoncurrentVersionTransition]),
  ]
  if (ncts.length > 0) {
    rule.NoncurrentVersionTransitions = ncts.map((t, j) => {
      const p = `${path}.NoncurrentVersionTransitions[${j}]`
      const o = isObj(t) ? t : {}
      const days = reader.num(o.TransitionInDays, `${p}.TransitionInDays`, 0)
      const newer = reader.num(o.NewerNoncurrentVersions, `${p}.NewerNoncurrentVersions`, 0)
      return {
        StorageClass: reader.cls(o.StorageClass, `${p}.StorageClass`),
        ...(days === undefined ? {} : {NoncurrentDays: days}),
        ...(newer === undefined ? {} : {NewerNoncurrentVersions: newer}),
      }
    })
  }

  const nce = isObj(r.NoncurrentVersionExpiration) ? r.NoncurrentVersionExpiration : undefined
  const nceDays = nce
    ? reader.num(nce.NoncurrentDays, `${path}.NoncurrentVersionExpiration.NoncurrentDays`, 1)
    : reader.num(r.NoncurrentVersionExpirationInDays, `${path}.NoncurrentVersionExpirationInDays`, 1)
  if (nce || nceDays !== undefined) {
    rule.NoncurrentVersionExpiration = {}
    if (nceDays !== undefined) rule.NoncurrentVersionExpiration.NoncurrentDays = nceDays
    const newer = nce
      ? reader.num(nce.NewerNoncurrentVersions, `${path}.NoncurrentVersionExpiration.NewerNoncurrentVersions`, 0)
      : undefined
    if (newer !== undefined) rule.NoncurrentVersionExpiration.NewerNoncurrentVersions = newer
  }

  if (r.AbortIncompleteMultipartUpload !== undefined) {
    const a = isObj(r.AbortIncompleteMultipartUpload) ? r.AbortIncompleteMultipartUpload : {}
    const d = reader.num(a.DaysAfterInitiation, `${path}.AbortIncompleteMultipartUpload.DaysAfterInitiation`, 0)
    rule.AbortIncompleteMultipartUpload = d === undefined ? {} : {DaysAfterInitiation: d}
  }
}

function readCfnRule(reader: CfnReader, r: Obj, path: string): LifecycleRule {
  for (const k of Object.keys(r)) {
    if (!CFN_RULE_KEYS.includes(k))
      reader.bad(
        `${path}.${k}`,
        `unknown property${CFN_HINTS[k] ? ` (CloudFormation spells it ${CFN_HINTS[k]})` : ''}`,
        CFN_HINTS[k] ? `Use ${CFN_HINTS[k]}.` : `Remove it; allowed: ${CFN_RULE_KEYS.join(', ')}.`,
      )
  }

  const rule: LifecycleRule = {Status: reader.str(r.Status, `${path}.Status`) ?? ''}
  const id = reader.str(r.Id, `${path}.Id`)
  if (id !== undefined) rule.ID = id
  rule.Filter = readCfnFilter(reader, r, path)

  const transitions = [
    ...(Array.isArray(r.Transitions) ? r.Transitions : []),
    ...(r.Transition === undefined ? [] : [r.Transition]),
  ]
  if (transitions.length > 0) {
    rule.Transitions = transitions.map((t, j) => {
      const p = `${path}.Transitions[${j}]`
      const o = isObj(t) ? t : {}
      const days = reader.num(o.TransitionInDays, `${p}.TransitionInDays`, 0)
      const date = reader.str(o.TransitionDate, `${p}.TransitionDate`)
      return {
        StorageClass: reader.cls(o.StorageClass, `${p}.StorageClass`),
        ...(days === undefined ? {} : {Days: days}),
        ...(date === undefined ? {} : {Date: date}),
      }
    })
  }

  const expDays = reader.num(r.ExpirationInDays, `${path}.ExpirationInDays`, 1)
  const expDate = reader.str(r.ExpirationDate, `${path}.ExpirationDate`)
  const eodm = r.ExpiredObjectDeleteMarker
  if (expDays !== undefined || expDate !== undefined || eodm !== undefined) {
    rule.Expiration = {}
    if (expDays !== undefined) rule.Expiration.Days = expDays
    if (expDate !== undefined) rule.Expiration.Date = expDate
    if (typeof eodm === 'boolean') rule.Expiration.ExpiredObjectDeleteMarker = eodm
    else if (eodm !== undefined)
      reader.bad(`${path}.ExpiredObjectDeleteMarker`, `is ${JSON.stringify(eodm)}; expected true or false`, 'Use true.')
  }

  readCfnNoncurrentAndAbort(reader, r, path, rule)
  return rule
}

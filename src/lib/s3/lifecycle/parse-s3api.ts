import type {
  Expiration,
  LifecycleConfiguration,
  LifecycleRule,
  NoncurrentTransition,
  RuleAndOperator,
  RuleFilter,
  Tag,
  Transition,
} from './model.js'

/**
 * Read the s3api JSON shape (what `aws s3api put-bucket-lifecycle-configuration` takes and
 * `get-bucket-lifecycle-configuration` prints) from untyped data, reporting every malformed or
 * unknown member as a finding instead of stopping at the first one.
 */
import {type Finding, makeFinding} from './findings.js'

export interface ParsedConfiguration {
  config: LifecycleConfiguration
  findings: Finding[]
}

type Obj = Record<string, unknown>

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

function ruleIndexOf(path: string): {ruleIndex?: number} {
  const m = /^Rules\[(\d+)\]/.exec(path)
  return m ? {ruleIndex: Number(m[1])} : {}
}

class Reader {
  readonly findings: Finding[] = []

  bad(path: string, value: unknown, expected: string): undefined {
    this.findings.push(
      makeFinding('invalid-value', `${path} is ${JSON.stringify(value)}; expected ${expected}`, {
        ...ruleIndexOf(path),
        path,
        s3Message:
          'MalformedXML: The XML you provided was not well-formed or did not validate against our published schema',
        suggestion: `Set ${path} to ${expected}.`,
      }),
    )
    return undefined
  }

  bool(o: Obj, key: string, path: string): boolean | undefined {
    const v = o[key]
    if (v === undefined) return undefined
    if (typeof v !== 'boolean') return this.bad(`${path}.${key}`, v, 'true or false')
    return v
  }

  /** A date member: ISO string (JSON) or a Date (SDK responses). */
  date(o: Obj, key: string, path: string): string | undefined {
    const v = o[key]
    if (v === undefined) return undefined
    if (v instanceof Date) return v.toISOString()
    if (typeof v !== 'string' || Number.isNaN(Date.parse(v)))
      return this.bad(`${path}.${key}`, v, 'an ISO 8601 date such as "2027-01-01T00:00:00Z"')
    return v
  }

  int(o: Obj, key: string, path: string, min: number): number | undefined {
    const v = o[key]
    if (v === undefined) return undefined
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
      return this.bad(`${path}.${key}`, v, `a whole number ≥ ${min}`)
    return v
  }

  known(o: Obj, keys: readonly string[], path: string, hint: Record<string, string> = {}): void {
    for (const k of Object.keys(o)) {
      if (keys.includes(k)) continue
      const better = hint[k] ?? keys.find((x) => x.toLowerCase() === k.toLowerCase())
      this.findings.push(
        makeFinding(
          'invalid-value',
          `${path} has an unknown member "${k}"${better ? ` (the s3api name is "${better}")` : ''}`,
          {
            ...ruleIndexOf(path),
            path: `${path}.${k}`,
            s3Message:
              'MalformedXML: The XML you provided was not well-formed or did not validate against our published schema',
            suggestion: better ? `Rename "${k}" to "${better}".` : `Remove "${k}"; allowed here: ${keys.join(', ')}.`,
          },
        ),
      )
    }
  }

  obj(o: Obj, key: string, path: string): Obj | undefined {
    const v = o[key]
    if (v === undefined) return undefined
    if (!isObj(v)) return this.bad(`${path}.${key}`, v, 'an object')
    return v
  }

  str(o: Obj, key: string, path: string): string | undefined {
    const v = o[key]
    if (v === undefined) return undefined
    if (typeof v !== 'string') return this.bad(`${path}.${key}`, v, 'a string')
    return v
  }

  tag(v: unknown, path: string): Tag | undefined {
    if (!isObj(v)) return this.bad(path, v, 'an object {"Key": …, "Value": …}')
    this.known(v, ['Key', 'Value'], path)
    const Key = this.str(v, 'Key', path)
    const Value = this.str(v, 'Value', path)
    if (Key === undefined) return this.bad(`${path}.Key`, v.Key, 'a tag key (string)')
    return {Key, Value: Value ?? ''}
  }
}

const RULE_KEYS = [
  'AbortIncompleteMultipartUpload',
  'Expiration',
  'Filter',
  'ID',
  'NoncurrentVersionExpiration',
  'NoncurrentVersionTransitions',
  'Prefix',
  'Status',
  'Transitions',
] as const
/** CloudFormation or Terraform spellings people paste into s3api JSON. */
const RULE_HINTS: Record<string, string> = {
  ExpirationInDays: 'Expiration.Days',
  Id: 'ID',
  TagFilters: 'Filter.Tag or Filter.And.Tags',
}

/**
 * The deprecated PutBucketLifecycle (`aws s3api put-bucket-lifecycle`) shape: one `Transition` and
 * one `NoncurrentVersionTransition` object per rule, rule-level `Prefix`. It is valid for that API;
 * it is read as the equivalent PutBucketLifecycleConfiguration rule (lists of one), with a warning.
 */
function isLegacyRule(raw: unknown): boolean {
  return isObj(raw) && (isObj(raw.Transition) || isObj(raw.NoncurrentVersionTransition))
}

function fromLegacyRule(raw: Obj): Obj {
  const {NoncurrentVersionTransition, Transition, ...rest} = raw
  return {
    ...rest,
    ...(isObj(Transition)
      ? {Transitions: [...(Array.isArray(rest.Transitions) ? rest.Transitions : []), Transition]}
      : {}),
    ...(isObj(NoncurrentVersionTransition)
      ? {
          NoncurrentVersionTransitions: [
            ...(Array.isArray(rest.NoncurrentVersionTransitions) ? rest.NoncurrentVersionTransitions : []),
            NoncurrentVersionTransition,
          ],
        }
      : {}),
  }
}

export function parseS3ApiConfiguration(data: unknown, root = 'LifecycleConfiguration'): ParsedConfiguration {
  const r = new Reader()
  let doc = data
  if (isObj(doc) && isObj(doc.LifecycleConfiguration) && doc.Rules === undefined) doc = doc.LifecycleConfiguration
  if (!isObj(doc) || !Array.isArray(doc.Rules)) {
    r.bad(root, doc, 'an object with a "Rules" array')
    return {config: {Rules: []}, findings: r.findings}
  }

  r.known(doc, ['Rules', 'TransitionDefaultMinimumObjectSize'], root)
  const config: LifecycleConfiguration = {Rules: []}
  const tdm = r.str(doc, 'TransitionDefaultMinimumObjectSize', root)
  if (tdm !== undefined) config.TransitionDefaultMinimumObjectSize = tdm
  const legacy = doc.Rules.some((raw) => isLegacyRule(raw))
  for (const [i, raw] of doc.Rules.entries()) {
    const rule = parseRule(r, legacy && isObj(raw) ? fromLegacyRule(raw) : raw, `Rules[${i}]`)
    if (rule) config.Rules.push(rule)
  }

  if (legacy) {
    r.findings.push(
      makeFinding(
        'deprecated-api',
        'this is the shape of the deprecated put-bucket-lifecycle API (a single Transition / NoncurrentVersionTransition object per rule, rule-level Prefix); it was linted as its put-bucket-lifecycle-configuration equivalent',
        {
          path: root,
          suggestion:
            'Use aws s3api put-bucket-lifecycle-configuration: write "Transitions": [ … ] and "NoncurrentVersionTransitions": [ … ] (lists), and "Filter": {"Prefix": …} instead of the rule-level Prefix.',
        },
      ),
    )
  }

  return {config, findings: r.findings}
}

function parseRule(r: Reader, raw: unknown, path: string): LifecycleRule | undefined {
  if (!isObj(raw)) return r.bad(path, raw, 'a rule object')
  r.known(raw, RULE_KEYS, path, {
    ...RULE_HINTS,
    ...(Array.isArray(raw.Transitions) ? {Transition: 'Transitions'} : {}),
    ...(Array.isArray(raw.NoncurrentVersionTransitions)
      ? {NoncurrentVersionTransition: 'NoncurrentVersionTransitions'}
      : {}),
  })
  const rule: LifecycleRule = {Status: r.str(raw, 'Status', path) ?? ''}
  const id = r.str(raw, 'ID', path)
  if (id !== undefined) rule.ID = id
  const prefix = r.str(raw, 'Prefix', path)
  if (prefix !== undefined) rule.Prefix = prefix
  const filter = r.obj(raw, 'Filter', path)
  if (filter) rule.Filter = parseFilter(r, filter, `${path}.Filter`)
  const exp = r.obj(raw, 'Expiration', path)
  if (exp) {
    r.known(exp, ['Date', 'Days', 'ExpiredObjectDeleteMarker'], `${path}.Expiration`)
    const e: Expiration = {}
    const date = r.date(exp, 'Date', `${path}.Expiration`)
    if (date !== undefined) e.Date = date
    const days = r.int(exp, 'Days', `${path}.Expiration`, 1)
    if (days !== undefined) e.Days = days
    const eodm = r.bool(exp, 'ExpiredObjectDeleteMarker', `${path}.Expiration`)
    if (eodm !== undefined) e.ExpiredObjectDeleteMarker = eodm
    rule.Expiration = e
  }

  const transitions = raw.Transitions
  if (transitions !== undefined) {
    if (Array.isArray(transitions)) {
      rule.Transitions = transitions.flatMap((t, j) => {
        const p = `${path}.Transitions[${j}]`
        if (!isObj(t)) return r.bad(p, t, 'an object {"Days": n, "StorageClass": …}') ?? []
        r.known(t, ['Date', 'Days', 'StorageClass'], p, {TransitionInDays: 'Days'})
        const out: Transition = {StorageClass: r.str(t, 'StorageClass', p) ?? ''}
        const days = r.int(t, 'Days', p, 0)
        if (days !== undefined) out.Days = days
        const date = r.date(t, 'Date', p)
        if (date !== undefined) out.Date = date
        return [out]
      })
    } else r.bad(`${path}.Transitions`, transitions, 'an array')
  }

  const nct = raw.NoncurrentVersionTransitions
  if (nct !== undefined) {
    if (Array.isArray(nct)) {
      rule.NoncurrentVersionTransitions = nct.flatMap((t, j) => {
        const p = `${path}.NoncurrentVersionTransitions[${j}]`
        if (!isObj(t)) return r.bad(p, t, 'an object {"NoncurrentDays": n, "StorageClass": …}') ?? []
        r.known(t, ['NewerNoncurrentVersions', 'NoncurrentDays', 'StorageClass'], p, {
          TransitionInDays: 'NoncurrentDays',
        })
        const out: NoncurrentTransition = {StorageClass: r.str(t, 'StorageClass', p) ?? ''}
        const days = r.int(t, 'NoncurrentDays', p, 0)
        if (days !== undefined) out.NoncurrentDays = days
        const newer = r.int(t, 'NewerNoncurrentVersions', p, 0)
        if (newer !== undefined) out.NewerNoncurrentVersions = newer
        return [out]
      })
    } else r.bad(`${path}.NoncurrentVersionTransitions`, nct, 'an array')
  }

  const nce = r.obj(raw, 'NoncurrentVersionExpiration', path)
  if (nce) {
    const p = `${path}.NoncurrentVersionExpiration`
    r.known(nce, ['NewerNoncurrentVersions', 'NoncurrentDays'], p)
    rule.NoncurrentVersionExpiration = {}
    const days = r.int(nce, 'NoncurrentDays', p, 1)
    if (days !== undefined) rule.NoncurrentVersionExpiration.NoncurrentDays = days
    const newer = r.int(nce, 'NewerNoncurrentVersions', p, 0)
    if (newer !== undefined) rule.NoncurrentVersionExpiration.NewerNoncurrentVersions = newer
  }

  const abort = r.obj(raw, 'AbortIncompleteMultipartUpload', path)
  if (abort) {
    const p = `${path}.AbortIncompleteMultipartUpload`
    r.known(abort, ['DaysAfterInitiation'], p)
    rule.AbortIncompleteMultipartUpload = {}
    const days = r.int(abort, 'DaysAfterInitiation', p, 1)
    if (days !== undefined) rule.AbortIncompleteMultipartUpload.DaysAfterInitiation = days
  }

  return rule
}

function parseFilter(r: Reader, raw: Obj, path: string): RuleFilter {
  r.known(raw, ['And', 'ObjectSizeGreaterThan', 'ObjectSizeLessThan', 'Prefix', 'Tag'], path, {
    Tags: 'Tag (one) or And.Tags (several)',
  })
  const f: RuleFilter = {}
  const prefix = r.str(raw, 'Prefix', path)
  if (prefix !== undefined) f.Prefix = prefix
  if (raw.Tag !== undefined) {
    const tag = r.tag(raw.Tag, `${path}.Tag`)
    if (tag) f.Tag = tag
  }

  const gt = r.int(raw, 'ObjectSizeGreaterThan', path, 0)
  if (gt !== undefined) f.ObjectSizeGreaterThan = gt
  const lt = r.int(raw, 'ObjectSizeLessThan', path, 1)
  if (lt !== undefined) f.ObjectSizeLessThan = lt
  const and = r.obj(raw, 'And', path)
  if (and) {
    const p = `${path}.And`
    r.known(and, ['ObjectSizeGreaterThan', 'ObjectSizeLessThan', 'Prefix', 'Tags'], p, {Tag: 'Tags'})
    const a: RuleAndOperator = {}
    const ap = r.str(and, 'Prefix', p)
    if (ap !== undefined) a.Prefix = ap
    const agt = r.int(and, 'ObjectSizeGreaterThan', p, 0)
    if (agt !== undefined) a.ObjectSizeGreaterThan = agt
    const alt = r.int(and, 'ObjectSizeLessThan', p, 1)
    if (alt !== undefined) a.ObjectSizeLessThan = alt
    if (and.Tags !== undefined) {
      if (Array.isArray(and.Tags)) a.Tags = and.Tags.flatMap((t, j) => r.tag(t, `${p}.Tags[${j}]`) ?? [])
      else r.bad(`${p}.Tags`, and.Tags, 'an array of {"Key", "Value"}')
    }

    f.And = a
  }

  return f
}

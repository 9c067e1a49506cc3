/**
 * Terraform input, parsed by HashiCorp's own HCL parser (@cdktf/hcl2json, the Go parser compiled to
 * WebAssembly, so every valid file reads): `aws_s3_bucket_lifecycle_configuration` resources (AWS
 * provider v4+) and the inline `lifecycle_rule` blocks of `aws_s3_bucket` (provider v3). Values
 * are evaluated statically (tf-expressions.ts); `dynamic` blocks are expanded when their for_each
 * is known; modules are reported as not followed.
 */

import type {ValueNote} from './unknown-values.js'

import {InputError} from '../../core/errors.js'
import {parseHclFile} from '../../core/parse/hcl.js'
import {type Finding, makeFinding} from './findings.js'
import {
  buildFilter,
  type Expiration,
  type LifecycleConfiguration,
  type LifecycleRule,
  type NoncurrentTransition,
  type RuleFilter,
  type Tag,
  type Transition,
} from './model.js'
import {escapeRegExp, lineOf} from './source-lines.js'
import {containsTfUnknown, evaluateTf, type TfScope} from './tf-expressions.js'

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const blocksOf = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter((b) => isObj(b)) : isObj(v) ? [v] : [])

export interface TerraformConfig {
  config?: LifecycleConfiguration
  findings: Finding[]
  notes: ValueNote[]
  source: string
}

export interface TerraformOptions {
  /** --var NAME=VALUE and the values of --var-file files, later ones winning. */
  vars?: ReadonlyMap<string, unknown> | undefined
}

/** A `.tfvars` file (HCL or JSON): every top-level attribute, with literal values. */
export async function readTfvars(text: string, file: string): Promise<Map<string, unknown>> {
  let data: unknown
  if (/\.json$/i.test(file)) {
    try {
      data = JSON.parse(text)
    } catch (error) {
      throw new InputError(`${file} is not valid JSON: ${(error as Error).message}`, {
        suggestions: ['Fix the syntax of the variables file.'],
      })
    }
  } else data = await parseHclFile(text, file)
  const scope: TfScope = {iterators: new Map(), locals: {}, variables: {}, varValues: new Map()}
  return new Map(Object.entries(isObj(data) ? data : {}).map(([k, v]) => [k, evaluateTf(v, scope)]))
}

/** Reads one resource: values through the evaluator, unknown ones as notes, malformed ones as findings. */
class TfReader {
  readonly findings: Finding[] = []
  readonly notes: ValueNote[] = []

  constructor(private readonly scope: TfScope) {}

  get root(): TfScope {
    return this.scope
  }

  bool(block: Obj, key: string, scope: TfScope, where: Where): boolean | undefined {
    const v = this.get(block, key, scope, where)
    if (typeof v === 'boolean') return v
    if (v === 'true' || v === 'false') return v === 'true'
    return undefined
  }

  /** Blocks of one type: the static ones and the expansions of `dynamic "type"` (each with its scope). */
  expand(body: Obj, type: string, scope: TfScope, where: Where): Array<{block: Obj; scope: TfScope}> {
    const out = blocksOf(body[type]).map((block) => ({block, scope}))
    const dynamic = isObj(body.dynamic) ? body.dynamic : {}
    for (const d of blocksOf(dynamic[type])) {
      const assumptions: string[] = []
      const forEach = evaluateTf(d.for_each, scope, assumptions)
      const iterator = typeof d.iterator === 'string' ? d.iterator : type
      const content = blocksOf(d.content)[0] ?? {}
      const unknown = containsTfUnknown(forEach)
      if (unknown || (!Array.isArray(forEach) && !isObj(forEach))) {
        this.notes.push({
          path: where.path,
          ruleIndex: where.ruleIndex,
          text: `dynamic "${type}" blocks (for_each = ${unknown ? unknown.why : JSON.stringify(forEach)}) are not known before plan: not checked`,
          unknown: true,
        })
        continue
      }

      if (assumptions.length > 0)
        this.notes.push({
          ...where,
          text: `dynamic "${type}" for_each comes from ${[...new Set(assumptions)].join(' and ')}: checked for the default only`,
          unknown: false,
        })
      const entries = Array.isArray(forEach) ? forEach.map((v, k) => [k, v] as const) : Object.entries(forEach)
      for (const [key, value] of entries) {
        const iterators = new Map(scope.iterators)
        iterators.set(iterator, {key, value})
        out.push({block: content, scope: {...scope, iterators}})
      }
    }

    return out
  }

  get(block: Obj, key: string, scope: TfScope, where: Where): unknown {
    if (block[key] === undefined) return undefined
    const assumptions: string[] = []
    const value = evaluateTf(block[key], scope, assumptions)
    const unknown = containsTfUnknown(value)
    if (assumptions.length > 0 && !unknown)
      this.notes.push({
        ...where,
        text: `${key} comes from ${[...new Set(assumptions)].join(' and ')}: checked for the default only (${JSON.stringify(value)})`,
        unknown: false,
      })
    if (unknown) {
      this.notes.push({...where, text: `${key} is ${unknown.why}: not known before plan, not checked`, unknown: true})
      return UNKNOWN
    }

    return value === null ? undefined : value
  }

  num(block: Obj, key: string, scope: TfScope, where: Where): number | undefined {
    const v = this.get(block, key, scope, where)
    if (typeof v === 'number') return v
    if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v)
    if (v !== undefined && v !== UNKNOWN)
      this.findings.push(
        makeFinding('invalid-value', `${key} is ${JSON.stringify(v)}; expected a whole number`, {
          path: where.path,
          ...(where.ruleIndex === undefined ? {} : {ruleIndex: where.ruleIndex}),
          suggestion: `Set ${key} to a number of days.`,
        }),
      )
    return undefined
  }

  str(block: Obj, key: string, scope: TfScope, where: Where): string | undefined {
    const v = this.get(block, key, scope, where)
    if (typeof v === 'string') return v
    if (typeof v === 'number' || typeof v === 'boolean') return String(v)
    return undefined
  }

  tags(block: Obj, key: string, scope: TfScope, where: Where): Tag[] | typeof UNKNOWN {
    const v = this.get(block, key, scope, where)
    if (v === UNKNOWN) return UNKNOWN
    return isObj(v) ? Object.entries(v).map(([Key, value]) => ({Key, Value: String(value)})) : []
  }
}

interface Where {
  path: string
  ruleIndex?: number | undefined
}

/** Where a member of rule i lands in the model: "Rules[0].Expiration.Days". */
function ruleAt(i: number, member: string): Where {
  return {path: `Rules[${i}].${member}`, ruleIndex: i}
}

const UNKNOWN = Symbol('unknown')

/** Every lifecycle configuration of a Terraform file (both provider forms), plus notes on modules. */
export async function readTerraform(
  text: string,
  file: string,
  options: TerraformOptions = {},
): Promise<TerraformConfig[]> {
  const json = await parseHclFile(text, file)
  const variables: Obj = {}
  for (const [name, blocks] of Object.entries(isObj(json.variable) ? json.variable : {}))
    variables[name] = blocksOf(blocks)[0] ?? {}
  const locals: Obj = Object.assign({}, ...blocksOf(json.locals))
  const scope: TfScope = {iterators: new Map(), locals, variables, varValues: options.vars ?? new Map()}
  const resources = isObj(json.resource) ? json.resource : {}
  const out: TerraformConfig[] = []
  const name = file.split(/[/\\]/).pop() ?? file

  for (const [resName, blocks] of Object.entries(
    isObj(resources.aws_s3_bucket_lifecycle_configuration) ? resources.aws_s3_bucket_lifecycle_configuration : {},
  )) {
    for (const res of blocksOf(blocks)) {
      const line = lineOf(
        text,
        new RegExp(`resource\\s+"aws_s3_bucket_lifecycle_configuration"\\s+"${escapeRegExp(resName)}"`),
      )
      out.push(readV4(res, `${line ? `${name}:${line} ` : ''}aws_s3_bucket_lifecycle_configuration.${resName}`, scope))
    }
  }

  for (const [resName, blocks] of Object.entries(isObj(resources.aws_s3_bucket) ? resources.aws_s3_bucket : {})) {
    for (const res of blocksOf(blocks)) {
      const dynamic = isObj(res.dynamic) ? res.dynamic : {}
      if (res.lifecycle_rule === undefined && dynamic.lifecycle_rule === undefined) continue
      const line = lineOf(text, new RegExp(`resource\\s+"aws_s3_bucket"\\s+"${escapeRegExp(resName)}"`))
      out.push(
        readV3(res, `${line ? `${name}:${line} ` : ''}aws_s3_bucket.${resName} (lifecycle_rule, provider v3)`, scope),
      )
    }
  }

  // Like a template's buckets without LifecycleConfiguration: listed, nothing to check.
  if (out.length === 0)
    for (const resName of Object.keys(isObj(resources.aws_s3_bucket) ? resources.aws_s3_bucket : {}))
      out.push({findings: [], notes: [], source: `aws_s3_bucket.${resName} (no lifecycle configuration in this file)`})

  for (const [modName, blocks] of Object.entries(isObj(json.module) ? json.module : {})) {
    for (const mod of blocksOf(blocks)) {
      const lifecycleArgs = Object.keys(mod).filter((k) => /lifecycle/i.test(k))
      if (lifecycleArgs.length === 0) continue
      out.push({
        findings: [
          makeFinding(
            'not-followed',
            `module "${modName}" (source ${typeof mod.source === 'string' ? mod.source : 'unknown'}) sets ${lifecycleArgs.join(', ')}: modules are not followed, its lifecycle rules are not checked`,
            {
              path: `module.${modName}`,
              suggestion: "Lint the module's own files with the same values, or lint the deployed bucket (--bucket).",
            },
          ),
        ],
        notes: [],
        source: `${name} module.${modName}`,
      })
    }
  }

  return out
}

/** `filter {}`: one predicate, or `and {}` with tags as a map. */
function readFilter(reader: TfReader, filter: Obj, scope: TfScope, i: number): RuleFilter {
  const where = {path: `Rules[${i}].Filter`, ruleIndex: i}
  const and = blocksOf(filter.and)[0]
  const tagBlocks = reader.expand(filter, 'tag', scope, where)
  const size = (b: Obj, k: string) => reader.num(b, k, scope, where)
  if (and) {
    const tags = reader.tags(and, 'tags', scope, where)
    return buildFilter({
      maxSize: size(and, 'object_size_less_than'),
      minSize: size(and, 'object_size_greater_than'),
      prefix: reader.str(and, 'prefix', scope, where) ?? '',
      tags: tags === UNKNOWN ? [] : tags,
    })
  }

  // Several top-level predicates are kept as they are, so lint reports S3's filter-form error.
  const out: RuleFilter = {}
  const prefix = reader.str(filter, 'prefix', scope, where)
  if (prefix !== undefined) out.Prefix = prefix
  const tag = tagBlocks[0]
  if (tag)
    out.Tag = {
      Key: reader.str(tag.block, 'key', tag.scope, where) ?? '',
      Value: reader.str(tag.block, 'value', tag.scope, where) ?? '',
    }
  const gt = size(filter, 'object_size_greater_than')
  if (gt !== undefined) out.ObjectSizeGreaterThan = gt
  const lt = size(filter, 'object_size_less_than')
  if (lt !== undefined) out.ObjectSizeLessThan = lt
  return out
}

/** The provider sends a bare date ("2016-01-12") as midnight UTC. */
function tfDate(d: string | undefined): string | undefined {
  return d !== undefined && /^\d{4}-\d{2}-\d{2}$/.test(d) ? `${d}T00:00:00Z` : d
}

/** transition / expiration / noncurrent_* / abort blocks of a v4 `rule` (v3 differs only in names). */
function readActions(reader: TfReader, b: Obj, scope: TfScope, i: number, rule: LifecycleRule, v3: boolean): void {
  const transitions = reader.expand(b, 'transition', scope, ruleAt(i, 'Transitions'))
  if (transitions.length > 0) {
    rule.Transitions = transitions.map(({block: t, scope: s}, j) => {
      const out: Transition = {
        StorageClass: reader.str(t, 'storage_class', s, ruleAt(i, `Transitions[${j}].StorageClass`)) ?? '',
      }
      const days = reader.num(t, 'days', s, ruleAt(i, `Transitions[${j}].Days`))
      const date = tfDate(reader.str(t, 'date', s, ruleAt(i, `Transitions[${j}].Date`)))
      if (days !== undefined) out.Days = days
      if (date !== undefined) out.Date = date
      // The provider sends Days 0 when neither is set.
      if (days === undefined && date === undefined && t.days === undefined && t.date === undefined) out.Days = 0
      return out
    })
  }

  const exp = reader.expand(b, 'expiration', scope, ruleAt(i, 'Expiration'))[0]
  if (exp) {
    const e: Expiration = {}
    const days = reader.num(exp.block, 'days', exp.scope, ruleAt(i, 'Expiration.Days'))
    const date = tfDate(reader.str(exp.block, 'date', exp.scope, ruleAt(i, 'Expiration.Date')))
    const marker = reader.bool(
      exp.block,
      'expired_object_delete_marker',
      exp.scope,
      ruleAt(i, 'Expiration.ExpiredObjectDeleteMarker'),
    )
    // days = 0 is how modules say "not set"; the provider leaves it out.
    if (days !== undefined && days !== 0) e.Days = days
    if (date !== undefined && date !== '') e.Date = date
    if (marker !== undefined && (marker || e.Days === undefined)) e.ExpiredObjectDeleteMarker = marker
    rule.Expiration = e
  }

  const ncts = reader.expand(b, 'noncurrent_version_transition', scope, ruleAt(i, 'NoncurrentVersionTransitions'))
  if (ncts.length > 0) {
    rule.NoncurrentVersionTransitions = ncts.map(({block: t, scope: s}, j) => {
      const m = (k: string) => ruleAt(i, `NoncurrentVersionTransitions[${j}].${k}`)
      const out: NoncurrentTransition = {StorageClass: reader.str(t, 'storage_class', s, m('StorageClass')) ?? ''}
      const days = reader.num(t, v3 ? 'days' : 'noncurrent_days', s, m('NoncurrentDays'))
      if (days !== undefined) out.NoncurrentDays = days
      const newer = reader.num(t, 'newer_noncurrent_versions', s, m('NewerNoncurrentVersions'))
      if (newer !== undefined) out.NewerNoncurrentVersions = newer
      return out
    })
  }

  const nce = reader.expand(b, 'noncurrent_version_expiration', scope, ruleAt(i, 'NoncurrentVersionExpiration'))[0]
  if (nce) {
    rule.NoncurrentVersionExpiration = {}
    const days = reader.num(
      nce.block,
      v3 ? 'days' : 'noncurrent_days',
      nce.scope,
      ruleAt(i, 'NoncurrentVersionExpiration.NoncurrentDays'),
    )
    if (days !== undefined) rule.NoncurrentVersionExpiration.NoncurrentDays = days
    const newer = reader.num(
      nce.block,
      'newer_noncurrent_versions',
      nce.scope,
      ruleAt(i, 'NoncurrentVersionExpiration.NewerNoncurrentVersions'),
    )
    if (newer !== undefined) rule.NoncurrentVersionExpiration.NewerNoncurrentVersions = newer
  }

  if (v3) {
    const days = reader.num(
      b,
      'abort_incomplete_multipart_upload_days',
      scope,
      ruleAt(i, 'AbortIncompleteMultipartUpload'),
    )
    if (days !== undefined && days > 0) rule.AbortIncompleteMultipartUpload = {DaysAfterInitiation: days}
  } else {
    const abort = reader.expand(
      b,
      'abort_incomplete_multipart_upload',
      scope,
      ruleAt(i, 'AbortIncompleteMultipartUpload'),
    )[0]
    if (abort) {
      const days = reader.num(
        abort.block,
        'days_after_initiation',
        abort.scope,
        ruleAt(i, 'AbortIncompleteMultipartUpload'),
      )
      rule.AbortIncompleteMultipartUpload = days === undefined ? {} : {DaysAfterInitiation: days}
    }
  }
}

/** `aws_s3_bucket_lifecycle_configuration` (provider v4 and later). */
function readV4(res: Obj, source: string, scope: TfScope): TerraformConfig {
  const reader = new TfReader(scope)
  const config: LifecycleConfiguration = {Rules: []}
  const tdm = reader.str(res, 'transition_default_minimum_object_size', scope, {
    path: 'TransitionDefaultMinimumObjectSize',
  })
  if (tdm !== undefined) config.TransitionDefaultMinimumObjectSize = tdm
  for (const {block: b, scope: s} of reader.expand(res, 'rule', scope, {path: 'Rules'})) {
    const i = config.Rules.length
    const rule: LifecycleRule = {Status: reader.str(b, 'status', s, ruleAt(i, 'Status')) ?? ''}
    const id = reader.str(b, 'id', s, ruleAt(i, 'ID'))
    if (id !== undefined) rule.ID = id
    const prefix = reader.str(b, 'prefix', s, ruleAt(i, 'Prefix'))
    const filters = reader.expand(b, 'filter', s, ruleAt(i, 'Filter'))
    if (filters[0]) rule.Filter = readFilter(reader, filters[0].block, filters[0].scope, i)
    else if (prefix !== undefined && prefix !== '') rule.Prefix = prefix
    else {
      // The provider accepts this with a warning and S3 applies the rule to every object.
      rule.Filter = {}
      if (!reader.notes.some((n) => n.path === `Rules[${i}].Filter` && n.unknown))
        reader.findings.push(
          makeFinding(
            'no-filter-terraform',
            `rule #${i + 1}${id ? ` "${id}"` : ''}: no filter block and no prefix; the AWS provider warns that one of them will be required, and S3 applies the rule to every object`,
            {
              path: `Rules[${i}].Filter`,
              ruleId: id,
              ruleIndex: i,
              suggestion: 'Add filter {} to say "the whole bucket".',
            },
          ),
        )
    }

    readActions(reader, b, s, i, rule, false)
    config.Rules.push(rule)
  }

  return {config, findings: reader.findings, notes: reader.notes, source}
}

/** Inline `lifecycle_rule` blocks of `aws_s3_bucket` (provider v3): prefix and tags become the filter. */
function readV3(res: Obj, source: string, scope: TfScope): TerraformConfig {
  const reader = new TfReader(scope)
  const config: LifecycleConfiguration = {Rules: []}
  for (const {block: b, scope: s} of reader.expand(res, 'lifecycle_rule', scope, {path: 'Rules'})) {
    const i = config.Rules.length
    const enabled = reader.get(b, 'enabled', s, ruleAt(i, 'Status'))
    const rule: LifecycleRule = {
      Status: enabled === UNKNOWN ? '' : enabled === true || enabled === 'true' ? 'Enabled' : 'Disabled',
    }
    const id = reader.str(b, 'id', s, ruleAt(i, 'ID'))
    if (id !== undefined && id !== '') rule.ID = id
    const tags = reader.tags(b, 'tags', s, ruleAt(i, 'Filter'))
    rule.Filter = buildFilter({
      prefix: reader.str(b, 'prefix', s, ruleAt(i, 'Filter')) ?? '',
      tags: tags === UNKNOWN ? [] : tags,
    })
    readActions(reader, b, s, i, rule, true)
    config.Rules.push(rule)
  }

  return {config, findings: reader.findings, notes: reader.notes, source}
}

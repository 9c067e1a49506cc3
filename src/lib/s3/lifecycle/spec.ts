/**
 * Human input for `generate`: flags or a spec file (YAML or JSON, several rules) with durations
 * such as "6 months" and sizes such as "128KB", turned into model rules plus the day arithmetic
 * (S3 counts a month as 30 days and a year as 365).
 */
import {readFile} from 'node:fs/promises'

import {InputError, PipeopsError, UsageError} from '../../core/errors.js'
import {parseCloudFormationYaml} from '../../core/parse/cloudformation-yaml.js'
import {durationToDays, explainDays, parseDuration} from '../../core/parse/duration.js'
import {parseKeyValueList} from '../../core/parse/lists.js'
import {parseSize} from '../../core/parse/size.js'
import {
  buildFilter,
  DEFAULT_MIN_SIZE_VALUES,
  type LifecycleConfiguration,
  type LifecycleRule,
  MAX_LIFECYCLE_DAYS,
  type Tag,
  type TransitionClass,
} from './model.js'

export const TRANSITION_KEYS: Record<string, TransitionClass> = {
  'deep-archive-after': 'DEEP_ARCHIVE',
  'glacier-after': 'GLACIER',
  'glacier-ir-after': 'GLACIER_IR',
  'ia-after': 'STANDARD_IA',
  'intelligent-tiering-after': 'INTELLIGENT_TIERING',
  'onezone-ia-after': 'ONEZONE_IA',
}

/** One rule as people write it; the keys are the generate flags' names. */
export interface RuleSpec {
  'abort-multipart-after'?: number | string | undefined
  'deep-archive-after'?: number | string | undefined
  'delete-expired-markers'?: boolean | undefined
  disabled?: boolean | undefined
  'expire-after'?: number | string | undefined
  'glacier-after'?: number | string | undefined
  'glacier-ir-after'?: number | string | undefined
  'ia-after'?: number | string | undefined
  id?: string | undefined
  'intelligent-tiering-after'?: number | string | undefined
  'keep-newer-noncurrent'?: number | undefined
  'max-size'?: number | string | undefined
  'min-size'?: number | string | undefined
  'noncurrent-deep-archive-after'?: number | string | undefined
  'noncurrent-expire-after'?: number | string | undefined
  'noncurrent-glacier-after'?: number | string | undefined
  'noncurrent-glacier-ir-after'?: number | string | undefined
  'noncurrent-ia-after'?: number | string | undefined
  'noncurrent-intelligent-tiering-after'?: number | string | undefined
  'noncurrent-onezone-ia-after'?: number | string | undefined
  'onezone-ia-after'?: number | string | undefined
  prefix?: string | undefined
  /** {k: v} in files; "k=v" strings from flags. */
  tags?: Record<string, string> | string[] | undefined
}

export const SPEC_KEYS = [
  'abort-multipart-after',
  'delete-expired-markers',
  'disabled',
  'expire-after',
  'id',
  'keep-newer-noncurrent',
  'max-size',
  'min-size',
  'noncurrent-expire-after',
  'prefix',
  'tags',
  ...Object.keys(TRANSITION_KEYS),
  ...Object.keys(TRANSITION_KEYS).map((k) => `noncurrent-${k}`),
]

export interface DayRow {
  /** What the days are for, e.g. "→ STANDARD_IA", "expire", "abort uploads". */
  action: string
  days: number
  /** "180 days (6 months × 30)". */
  explanation: string
  /** As the user wrote it. */
  input: string
  rule: string
}

export interface GeneratedConfiguration {
  config: LifecycleConfiguration
  days: DayRow[]
  /** Things generate did for the user (e.g. moved an action to a companion rule). */
  notes: string[]
}

/** Errors in a spec file are input errors (exit 6) that name the file and rule; flags stay usage errors. */
function located<T>(where: string | undefined, fn: () => T): T {
  try {
    return fn()
  } catch (error) {
    if (where && error instanceof PipeopsError && error.exitCode === 2) {
      throw new InputError(`${where}: ${error.message}`, {suggestions: error.suggestions})
    }

    throw error
  }
}

function days(
  value: number | string,
  key: string,
  where: string | undefined,
): {days: number; explanation: string; input: string} {
  return located(where, () => {
    if (typeof value === 'number') {
      if (!Number.isInteger(value) || value < 0)
        throw new UsageError(`--${key} ${value} is not a whole number of days`, {
          suggestions: ['Write a whole number of days or a duration such as "6 months".'],
        })
      return {days: withinS3Limit(value, key, String(value)), explanation: `${value} days`, input: String(value)}
    }

    const d = parseDuration(value, `--${key}`)
    return {days: withinS3Limit(durationToDays(d, `--${key}`), key, value), explanation: explainDays(d), input: value}
  })
}

/** A day count S3 would refuse (its Days fields are 32-bit integers) is refused here, by flag name. */
function withinS3Limit(n: number, key: string, input: string): number {
  if (n <= MAX_LIFECYCLE_DAYS) return n
  throw new UsageError(
    `--${key} ${input} is ${n.toLocaleString('en-US')} days: S3 accepts at most ${MAX_LIFECYCLE_DAYS.toLocaleString('en-US')} (its Days fields are 32-bit integers)`,
    {suggestions: ['To keep objects indefinitely, leave the action out instead of giving a very long duration.']},
  )
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replaceAll(/[^a-z0-9]+/g, '-')
    .replaceAll(/^-+|-+$/g, '')
    .slice(0, 60)
}

function tagsOf(spec: RuleSpec, where: string | undefined): Tag[] {
  const t = spec.tags
  if (t === undefined) return []
  if (Array.isArray(t)) {
    const kv = located(where, () => parseKeyValueList(t, '--tag'))
    return Object.entries(kv).map(([Key, Value]) => ({Key, Value}))
  }

  return Object.entries(t).map(([Key, Value]) => ({Key, Value: String(Value)}))
}

type RowFn = (action: string, key: string, v: number | string) => number

/** Transitions, expiration and the noncurrent actions of one spec, added to `rule`. */
function addActions(spec: RuleSpec, rule: LifecycleRule, row: RowFn, where: string | undefined): void {
  for (const [key, cls] of Object.entries(TRANSITION_KEYS)) {
    const v = spec[key as keyof RuleSpec] as number | string | undefined
    if (v !== undefined) (rule.Transitions ??= []).push({Days: row(`→ ${cls}`, key, v), StorageClass: cls})
    const nv = spec[`noncurrent-${key}` as keyof RuleSpec] as number | string | undefined
    if (nv !== undefined)
      (rule.NoncurrentVersionTransitions ??= []).push({
        NoncurrentDays: row(`noncurrent → ${cls}`, `noncurrent-${key}`, nv),
        StorageClass: cls,
      })
  }

  rule.Transitions?.sort((a, b) => a.Days! - b.Days!)
  rule.NoncurrentVersionTransitions?.sort((a, b) => a.NoncurrentDays! - b.NoncurrentDays!)
  if (spec['expire-after'] !== undefined) rule.Expiration = {Days: row('expire', 'expire-after', spec['expire-after'])}
  if (spec['noncurrent-expire-after'] !== undefined) {
    rule.NoncurrentVersionExpiration = {
      NoncurrentDays: row('noncurrent: delete', 'noncurrent-expire-after', spec['noncurrent-expire-after']),
    }
  }

  const keep = spec['keep-newer-noncurrent']
  if (keep !== undefined) {
    if (!rule.NoncurrentVersionExpiration) {
      throw located(
        where,
        () =>
          new UsageError(
            '--keep-newer-noncurrent needs --noncurrent-expire-after (it says how many noncurrent versions that expiration keeps)',
            {
              suggestions: ['Add --noncurrent-expire-after 30d, for example.'],
            },
          ),
      )
    }

    rule.NoncurrentVersionExpiration.NewerNoncurrentVersions = keep
  }
}

/** Abort-multipart and delete-marker clean-up: in the rule, or in the companion rule when S3 would reject them there. */
function addCleanup(
  spec: RuleSpec,
  ctx: {companion: LifecycleRule; filtered: boolean; notes: string[]; row: RowFn; rule: LifecycleRule},
): void {
  const {companion, filtered, notes, row, rule} = ctx
  if (spec['abort-multipart-after'] !== undefined) {
    const abort = {
      DaysAfterInitiation: row('abort incomplete uploads', 'abort-multipart-after', spec['abort-multipart-after']),
    }
    if (filtered) {
      companion.AbortIncompleteMultipartUpload = abort
      notes.push(
        `AbortIncompleteMultipartUpload moved to rule "${companion.ID}" (prefix only): S3 rejects it with tag or size filters.`,
      )
    } else rule.AbortIncompleteMultipartUpload = abort
  }

  if (spec['delete-expired-markers']) {
    if (filtered || rule.Expiration) {
      companion.Expiration = {ExpiredObjectDeleteMarker: true}
      notes.push(
        `ExpiredObjectDeleteMarker moved to rule "${companion.ID}": S3 rejects it together with Expiration Days${filtered ? ' or with tag/size filters' : ''}.`,
      )
    } else rule.Expiration = {ExpiredObjectDeleteMarker: true}
  }
}

/** Build one or two rules (a companion rule carries actions S3 does not allow with tag/size filters). */
export function buildRules(spec: RuleSpec, where?: string): {days: DayRow[]; notes: string[]; rules: LifecycleRule[]} {
  const prefix = spec.prefix ?? ''
  const tags = tagsOf(spec, where)
  const size = (v: number | string | undefined, key: string): number | undefined =>
    v === undefined ? undefined : typeof v === 'number' ? v : located(where, () => parseSize(v, `--${key}`))
  const minSize = size(spec['min-size'], 'min-size')
  const maxSize = size(spec['max-size'], 'max-size')
  const id =
    spec.id ??
    `${slug(prefix) || 'whole-bucket'}${tags.length > 0 ? `-${slug(tags.map((t) => `${t.Key}-${t.Value}`).join('-'))}` : ''}-lifecycle`
  const rule: LifecycleRule = {
    Filter: buildFilter({maxSize, minSize, prefix, tags}),
    ID: id,
    Status: spec.disabled ? 'Disabled' : 'Enabled',
  }
  const rows: DayRow[] = []
  const notes: string[] = []
  const row = (action: string, key: string, v: number | string): number => {
    const d = days(v, key, where)
    rows.push({action, days: d.days, explanation: d.explanation, input: d.input, rule: id})
    return d.days
  }

  addActions(spec, rule, row, where)

  // AbortIncompleteMultipartUpload and ExpiredObjectDeleteMarker cannot share a rule with tag or
  // size filters, and the marker cannot share Expiration with Days: they go to a companion rule.
  const companion: LifecycleRule = {
    Filter: buildFilter({prefix, tags: []}),
    ID: `${id}-cleanup`.slice(0, 255),
    Status: rule.Status,
  }
  const filtered = tags.length > 0 || minSize !== undefined || maxSize !== undefined
  addCleanup(spec, {companion, filtered, notes, row, rule})

  rows.sort(
    (a, b) => Number(a.action.startsWith('noncurrent')) - Number(b.action.startsWith('noncurrent')) || a.days - b.days,
  )
  const rules = [rule]
  if (companion.AbortIncompleteMultipartUpload || companion.Expiration) rules.push(companion)
  const hasAction =
    rule.Transitions ||
    rule.Expiration ||
    rule.NoncurrentVersionTransitions ||
    rule.NoncurrentVersionExpiration ||
    rule.AbortIncompleteMultipartUpload
  if (!hasAction && rules.length === 1) {
    throw located(
      where,
      () =>
        new UsageError(`rule "${id}" has no action`, {
          suggestions: [
            'Add at least one of --ia-after, --glacier-after, --expire-after, --noncurrent-expire-after, --abort-multipart-after, … (e.g. --ia-after 6months --glacier-after 2y).',
          ],
        }),
    )
  }

  if (!hasAction) rules.shift()
  return {days: rows, notes, rules}
}

export function checkDefaultMinSize(value: string | undefined, where?: string): string | undefined {
  if (value === undefined) return undefined
  if (!(DEFAULT_MIN_SIZE_VALUES as readonly string[]).includes(value)) {
    const message = `transition default minimum object size "${value}" is not one of ${DEFAULT_MIN_SIZE_VALUES.join(', ')}`
    const suggestions = ['Use all_storage_classes_128K (S3 default) or varies_by_storage_class.']
    throw where ? new InputError(`${where}: ${message}`, {suggestions}) : new UsageError(message, {suggestions})
  }

  return value
}

export function buildConfiguration(
  specs: Array<{spec: RuleSpec; where?: string | undefined}>,
  defaultMinSize?: string,
  where?: string,
): GeneratedConfiguration {
  const config: LifecycleConfiguration = {Rules: []}
  const tdm = checkDefaultMinSize(defaultMinSize, where)
  if (tdm) config.TransitionDefaultMinimumObjectSize = tdm
  const out: GeneratedConfiguration = {config, days: [], notes: []}
  for (const {spec, where: w} of specs) {
    const built = buildRules(spec, w)
    config.Rules.push(...built.rules)
    out.days.push(...built.days)
    out.notes.push(...built.notes)
  }

  return out
}

/** Read a spec file: {rules: [...], transition-default-minimum-object-size?: …} or a bare list of rules. */
export async function loadSpecFile(
  file: string,
): Promise<{defaultMinSize?: string; specs: Array<{spec: RuleSpec; where: string}>}> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const {code} = error as NodeJS.ErrnoException
    throw new InputError(
      `cannot read spec file ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
      {suggestions: ['Check the path given to --spec.']},
    )
  }

  let data: unknown
  try {
    data = parseCloudFormationYaml(text)
  } catch (error) {
    throw new InputError(`${file} is not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`, {
      suggestions: ['Fix the syntax; see docs/s3-lifecycle.md, "Spec files".'],
    })
  }

  return parseSpec(data, file)
}

const durOrNum = (v: unknown): boolean => typeof v === 'string' || (typeof v === 'number' && Number.isInteger(v))

export function parseSpec(
  data: unknown,
  file: string,
): {defaultMinSize?: string; specs: Array<{spec: RuleSpec; where: string}>} {
  const obj = data as Record<string, unknown>
  const list = Array.isArray(data) ? data : obj && typeof obj === 'object' ? obj.rules : undefined
  if (!Array.isArray(list) || list.length === 0) {
    throw new InputError(`${file} has no rules (expected "rules:" with a list of rules)`, {
      suggestions: [
        'Write rules:\n  - id: archive\n    prefix: raw/\n    ia-after: 6 months\n    glacier-after: 2 years',
      ],
    })
  }

  const specs = list.map((raw, i) => {
    const where = `${file} rules[${i}]`
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      throw new InputError(`${where} is not a mapping`, {
        suggestions: ['Each rule is a mapping such as {prefix: raw/, ia-after: 6 months}.'],
      })
    const r = raw as Record<string, unknown>
    for (const k of Object.keys(r)) {
      if (!SPEC_KEYS.includes(k)) {
        const close = SPEC_KEYS.find((s) => s.replaceAll('-', '') === k.toLowerCase().replaceAll(/[-_]/g, ''))
        throw new InputError(`${where} has an unknown key "${k}"`, {
          suggestions: [close ? `Did you mean "${close}"?` : `Known keys: ${SPEC_KEYS.join(', ')}.`],
        })
      }
    }

    const check = (k: string, ok: (v: unknown) => boolean, what: string): void => {
      if (r[k] !== undefined && !ok(r[k]))
        throw new InputError(`${where}.${k} is ${JSON.stringify(r[k])}; expected ${what}`, {
          suggestions: [`Fix ${k} in ${file}.`],
        })
    }

    for (const k of SPEC_KEYS.filter((x) => x.endsWith('-after')))
      check(k, durOrNum, 'a duration such as "6 months" or a number of days')
    check('id', (v) => typeof v === 'string', 'a string')
    check('prefix', (v) => typeof v === 'string', 'a string')
    check('disabled', (v) => typeof v === 'boolean', 'true or false')
    check('delete-expired-markers', (v) => typeof v === 'boolean', 'true or false')
    check('keep-newer-noncurrent', (v) => typeof v === 'number' && Number.isInteger(v), 'a whole number')
    check('min-size', durOrNum, 'a size such as "128KB" or a number of bytes')
    check('max-size', durOrNum, 'a size such as "1GB" or a number of bytes')
    check('tags', (v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'a mapping of tag key to value')
    return {spec: r as RuleSpec, where}
  })
  const tdm = Array.isArray(data) ? undefined : (obj['transition-default-minimum-object-size'] as string | undefined)
  if (!Array.isArray(data)) {
    for (const k of Object.keys(obj)) {
      if (k !== 'rules' && k !== 'transition-default-minimum-object-size') {
        throw new InputError(`${file} has an unknown top-level key "${k}"`, {
          suggestions: ['Top-level keys: rules, transition-default-minimum-object-size.'],
        })
      }
    }
  }

  return {...(tdm === undefined ? {} : {defaultMinSize: String(tdm)}), specs}
}

/**
 * The lifecycle validator: every rule S3 applies when it accepts a configuration (errors, with
 * S3's own wording where it is known) and the traps that S3 accepts but that cost money (warnings).
 * The checks of a single rule are a table in ./rule-checks.ts; this file holds the configuration-wide
 * ones (rule count, duplicate IDs, overlaps, sizes, wildcards, durations).
 * Sources: reference/redshift-lifecycle.md part B5 (S3 API reference and user guide).
 */
import {type Finding, makeFinding} from './findings.js'
import {
  CLASS_INFO,
  DEFAULT_MIN_SIZE_VALUES,
  filterConditions,
  type FilterConditions,
  isTransitionClass,
  KB128,
  type LifecycleConfiguration,
  type LifecycleRule,
  ruleLabel,
  type TransitionClass,
} from './model.js'
import {dayOfDate, find, MALFORMED, validateRule} from './rule-checks.js'

export const MAX_RULES = 1000
export {MAX_ID_LENGTH, MAX_NEWER_NONCURRENT} from './rule-checks.js'

export interface ValidateOptions {
  /** Rules with an unknown member: left out of overlap checks. */
  unknownFilters?: ReadonlySet<number> | undefined
  /** The bucket has (or had) versioning enabled; enables the noncurrent clean-up warning. */
  versioned?: boolean | undefined
}

export function validateConfiguration(config: LifecycleConfiguration, options: ValidateOptions = {}): Finding[] {
  const out: Finding[] = []
  const rules = config.Rules
  if (rules.length === 0) {
    out.push(
      makeFinding('no-action', 'the configuration has no rules', {
        path: 'Rules',
        s3Message: MALFORMED,
        suggestion: 'Add at least one rule, or delete the configuration instead (aws s3api delete-bucket-lifecycle).',
      }),
    )
  }

  if (rules.length > MAX_RULES) {
    out.push(
      makeFinding(
        'too-many-rules',
        `the configuration has ${rules.length} rules; S3 allows at most ${MAX_RULES} per bucket (not adjustable)`,
        {
          path: 'Rules',
          suggestion: 'Merge rules that share actions, or move data under fewer prefixes.',
        },
      ),
    )
  }

  const tdm = config.TransitionDefaultMinimumObjectSize
  if (tdm !== undefined && !(DEFAULT_MIN_SIZE_VALUES as readonly string[]).includes(tdm)) {
    out.push(
      makeFinding(
        'invalid-value',
        `TransitionDefaultMinimumObjectSize is "${tdm}"; S3 accepts ${DEFAULT_MIN_SIZE_VALUES.join(' or ')}`,
        {
          path: 'TransitionDefaultMinimumObjectSize',
          suggestion: 'Use all_storage_classes_128K (the default) or varies_by_storage_class.',
        },
      ),
    )
  }

  const seen = new Map<string, number>()
  for (const [i, rule] of rules.entries()) {
    out.push(...validateRule(rule, i))
    if (rule.ID !== undefined) {
      const first = seen.get(rule.ID)
      if (first === undefined) seen.set(rule.ID, i)
      else {
        out.push(
          makeFinding('duplicate-id', `rules #${first + 1} and #${i + 1} both have ID "${rule.ID}"`, {
            path: `Rules[${i}].ID`,
            ruleId: rule.ID,
            ruleIndex: i,
            s3Message: 'Rule ID must be unique. Found same ID for more than one rule',
            suggestion: 'Give every rule its own ID.',
          }),
        )
      }
    }
  }

  const known = (i: number) => !options.unknownFilters?.has(i)
  out.push(...legacyOverlaps(rules, known), ...configWarnings(config, options))
  return out
}

/** The action types S3 names in its overlap error. */
function actionTypes(rule: LifecycleRule): string[] {
  const out: string[] = []
  if (rule.Transitions?.length) out.push('Transition')
  if (rule.Expiration) out.push('Expiration')
  if (rule.NoncurrentVersionTransitions?.length) out.push('NoncurrentVersionTransition')
  if (rule.NoncurrentVersionExpiration) out.push('NoncurrentVersionExpiration')
  if (rule.AbortIncompleteMultipartUpload) out.push('AbortIncompleteMultipartUpload')
  return out
}

/** Legacy (V1, rule-level Prefix) rules may not overlap for the same action type. */
function legacyOverlaps(rules: LifecycleRule[], known: (i: number) => boolean): Finding[] {
  const out: Finding[] = []
  const legacy = rules.map((r, i) => ({i, r})).filter(({i, r}) => !r.Filter && r.Prefix !== undefined && known(i))
  for (const [a, x] of legacy.entries()) {
    for (const y of legacy.slice(a + 1)) {
      const px = x.r.Prefix!
      const py = y.r.Prefix!
      if (!px.startsWith(py) && !py.startsWith(px)) continue
      const shared = actionTypes(x.r).find((t) => actionTypes(y.r).includes(t))
      if (!shared) continue
      out.push(
        find(
          'legacy-prefix-overlap',
          {i: y.i, r: y.r},
          `legacy prefix "${py}" overlaps "${px}" of ${ruleLabel(x.r, x.i)} for ${shared}`,
          {
            path: `Rules[${y.i}].Prefix`,
            s3Message: `Found overlapping prefixes '${px}' and '${py}' for same action type '${shared}'`,
            suggestion:
              'Rewrite the rules with Filter (V2 rules may overlap; S3 then applies its precedence), or make the prefixes disjoint.',
          },
        ),
      )
    }
  }

  return out
}

/** Can two filters match the same object? */
export function filtersOverlap(a: FilterConditions, b: FilterConditions): boolean {
  if (!a.prefix.startsWith(b.prefix) && !b.prefix.startsWith(a.prefix)) return false
  for (const t of a.tags) {
    const other = b.tags.find((u) => u.Key === t.Key)
    if (other && other.Value !== t.Value) return false
  }

  const lo = Math.max(a.minSize ?? -1, b.minSize ?? -1)
  const hi = Math.min(a.maxSize ?? Number.POSITIVE_INFINITY, b.maxSize ?? Number.POSITIVE_INFINITY)
  return hi - lo > 1
}

interface EnabledRule {
  cond: FilterConditions
  i: number
  r: LifecycleRule
}

function configWarnings(config: LifecycleConfiguration, options: ValidateOptions): Finding[] {
  const enabled = config.Rules.map((r, i) => ({cond: filterConditions(r), i, r})).filter(
    ({r}) => r.Status === 'Enabled',
  )
  const out: Finding[] = []
  for (const e of enabled)
    out.push(
      ...sizeWarnings(e, config.TransitionDefaultMinimumObjectSize === 'varies_by_storage_class'),
      ...durationWarnings(e.r, e.i),
      ...noncurrentDurationWarnings(e.r, e.i),
    )
  out.push(
    ...overlapWarnings(enabled.filter(({i}) => !options.unknownFilters?.has(i))),
    ...enabled.flatMap((e) => wildcardWarnings(e)),
  )
  if (enabled.length > 0 && !enabled.some(({r}) => r.AbortIncompleteMultipartUpload)) {
    out.push(
      makeFinding(
        'no-abort-multipart',
        'no enabled rule has AbortIncompleteMultipartUpload: parts of failed multipart uploads are stored (and billed) until someone aborts them',
        {
          path: 'Rules',
          suggestion:
            'Add a rule with "Filter": {} and "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7} (generate --abort-multipart-after 7d).',
        },
      ),
    )
  }

  const expiring = enabled.filter(({r}) => deletes(r))
  if (options.versioned && expiring.length > 0 && !enabled.some(({r}) => r.NoncurrentVersionExpiration)) {
    const {i, r} = expiring[0]!
    out.push(
      find(
        'versioned-without-noncurrent-cleanup',
        {i, r},
        'expires current versions on a versioned bucket, but no rule expires noncurrent versions: "expired" objects become noncurrent versions that are kept (and billed) forever',
        {
          path: `Rules[${i}].Expiration`,
          suggestion:
            'Add NoncurrentVersionExpiration (generate --noncurrent-expire-after 30d) and ExpiredObjectDeleteMarker in a prefix-only rule (--delete-expired-markers).',
        },
      ),
    )
  }

  return out
}

/** The 128 KB traps: the default minimum transition size, minimum billable sizes, archive overhead. */
function sizeWarnings({cond, i, r}: EnabledRule, smallClassesMove: boolean): Finding[] {
  const out: Finding[] = []
  const classes = (r.Transitions ?? []).map((t) => t.StorageClass).filter((c) => isTransitionClass(c))
  const sizeGuarded = cond.minSize !== undefined && cond.minSize >= KB128
  if (classes.length === 0 || sizeGuarded) return out
  const archive = classes.filter((c) => CLASS_INFO[c].flexibleArchive)
  const other = classes.filter((c) => !CLASS_INFO[c].flexibleArchive && c !== 'INTELLIGENT_TIERING')
  const explicitSmall = cond.minSize !== undefined
  const parts: string[] = []
  if (explicitSmall && other.length > 0) {
    parts.push(
      `its size filter (> ${cond.minSize} bytes) lets objects under 128 KB move to ${other.join(', ')}: each is billed as at least 128 KB there and costs one transition request`,
    )
  } else if (!explicitSmall && (other.length > 0 || (archive.length > 0 && !smallClassesMove))) {
    parts.push(
      `objects under 128 KB will not transition (S3's default minimum transition size, ${smallClassesMove ? `varies_by_storage_class: for ${other.join(', ')}` : 'all_storage_classes_128K'})`,
    )
  }

  if (archive.length > 0 && (smallClassesMove || explicitSmall)) {
    parts.push(
      `small objects moved to ${archive.join(', ')} pay 40 KB of overhead each (8 KB at Standard rates, 32 KB at archive rates) and one transition request`,
    )
  }

  if (parts.length > 0) {
    out.push(
      find('small-objects', {i, r}, parts.join('; '), {
        path: `Rules[${i}].Filter`,
        suggestion:
          'Add --min-size 128KiB (Filter ObjectSizeGreaterThan 131072) so only objects that save money move, or aggregate small files before archiving.',
      }),
    )
  }

  if (classes.includes('INTELLIGENT_TIERING')) {
    out.push(
      find(
        'intelligent-tiering-small-objects',
        {i, r},
        'moves objects to INTELLIGENT_TIERING without a size filter of at least 128 KB: objects under 128 KB are never auto-tiered and stay at Frequent Access rates',
        {
          path: `Rules[${i}].Filter`,
          suggestion: 'Add --min-size 128KiB (ObjectSizeGreaterThan 131072) to the rule.',
        },
      ),
    )
  }

  return out
}

function deletes(r: LifecycleRule): boolean {
  return r.Expiration?.Days !== undefined || r.Expiration?.Date !== undefined
}

/** A `*` or `?` in a prefix is matched literally: S3 filters have no wildcards. */
function wildcardWarnings({cond, i, r}: EnabledRule): Finding[] {
  const m = /[*?]/.exec(cond.prefix)
  if (!m) return []
  const literal = cond.prefix.slice(0, m.index)
  return [
    find(
      'prefix-wildcard',
      {i, r},
      `prefix "${cond.prefix}" contains "${m[0]}", which S3 matches as that character, not as a wildcard: the rule applies only to keys that really start with "${cond.prefix}"`,
      {
        path: r.Filter ? `Rules[${i}].Filter` : `Rules[${i}].Prefix`,
        suggestion: literal
          ? `Use the part before the wildcard ("${literal}") as the prefix, and a tag or a separate prefix per folder for finer matching.`
          : 'Filter by a real key prefix or by tags; lifecycle filters have no wildcards.',
      },
    ),
  ]
}

/** How objects matching both filters are described: "objects under logs/ tagged team=data". */
function describeOverlap(a: FilterConditions, b: FilterConditions): string {
  const prefix = a.prefix.length >= b.prefix.length ? a.prefix : b.prefix
  const tags = [...a.tags, ...b.tags.filter((t) => !a.tags.some((u) => u.Key === t.Key))]
  const lo = Math.max(a.minSize ?? -1, b.minSize ?? -1)
  const hi = Math.min(a.maxSize ?? Number.POSITIVE_INFINITY, b.maxSize ?? Number.POSITIVE_INFINITY)
  const parts = [prefix === '' ? 'objects anywhere in the bucket' : `objects under "${prefix}"`]
  if (tags.length > 0) parts.push(`tagged ${tags.map((t) => `${t.Key}=${t.Value}`).join(' and ')}`)
  if (lo >= 0) parts.push(`larger than ${lo} bytes`)
  if (hi !== Number.POSITIVE_INFINITY) parts.push(`smaller than ${hi} bytes`)
  return parts.join(' ')
}

/**
 * When an action falls due: day-based actions as days after creation, date-based ones as days since
 * 1970, so that only actions of the same kind are compared (an object's age and a calendar date
 * cannot be ordered without knowing when the object was written).
 */
interface Due {
  day: number
  kind: 'date' | 'days'
}

function expirationDue(r: LifecycleRule): Due | undefined {
  const e = r.Expiration
  if (e?.Days !== undefined) return {day: e.Days, kind: 'days'}
  return e?.Date === undefined ? undefined : {day: dayOfDate(e.Date), kind: 'date'}
}

function transitionsDue(r: LifecycleRule): Array<Due & {cls: TransitionClass}> {
  const out: Array<Due & {cls: TransitionClass}> = []
  for (const t of r.Transitions ?? []) {
    if (!isTransitionClass(t.StorageClass)) continue
    if (t.Days !== undefined) out.push({cls: t.StorageClass, day: t.Days, kind: 'days'})
    else if (t.Date !== undefined) out.push({cls: t.StorageClass, day: dayOfDate(t.Date), kind: 'date'})
  }

  return out
}

function when(d: Due): string {
  return d.kind === 'days' ? `day ${d.day}` : new Date(d.day * 86_400_000).toISOString().slice(0, 10)
}

/**
 * What S3 does where two enabled rules match the same object, in sentences. S3's rules: permanent
 * deletion wins over a transition only when both fall due on the same day (otherwise the object
 * moves, then expires later: both happen); of two expirations the earlier one acts; of two
 * transitions due on the same day the cheaper class wins. Only overlaps with such an interaction
 * are reported.
 */
function overlapEffects(x: EnabledRule, y: EnabledRule): string[] {
  const out: string[] = []
  const lx = ruleLabel(x.r, x.i)
  const ly = ruleLabel(y.r, y.i)
  const xe = expirationDue(x.r)
  const ye = expirationDue(y.r)
  if (xe && ye && xe.kind === ye.kind && xe.day !== ye.day) {
    const [first, later, at] = xe.day < ye.day ? [lx, ly, xe] : [ly, lx, ye]
    out.push(`they expire when ${first} says (${when(at)}); the later expiration of ${later} never acts on them`)
  }

  for (const [mover, de, moverLabel, deleterLabel] of [
    [y, xe, ly, lx],
    [x, ye, lx, ly],
  ] as const) {
    if (de === undefined) continue
    for (const t of transitionsDue(mover.r)) {
      if (t.kind !== de.kind) continue
      if (t.day === de.day)
        out.push(
          `on ${when(de)} ${deleterLabel} expires them and ${moverLabel} would move them to ${t.cls}: deletion wins, they are deleted, not transitioned`,
        )
      else if (t.day > de.day)
        out.push(
          `${moverLabel}'s transition to ${t.cls} on ${when(t)} never happens: ${deleterLabel} deletes them on ${when(de)}`,
        )
    }
  }

  for (const a of transitionsDue(x.r)) {
    for (const b of transitionsDue(y.r)) {
      if (a.kind !== b.kind || a.day !== b.day || a.cls === b.cls) continue
      const cheaper = CLASS_INFO[a.cls].costRank <= CLASS_INFO[b.cls].costRank ? a.cls : b.cls
      out.push(
        `on ${when(a)} ${lx} moves them to ${a.cls} and ${ly} to ${b.cls}: S3 picks the cheaper class, ${cheaper}`,
      )
    }
  }

  const xn = x.r.NoncurrentVersionExpiration?.NoncurrentDays
  const yn = y.r.NoncurrentVersionExpiration?.NoncurrentDays
  if (xn !== undefined && yn !== undefined && xn !== yn)
    out.push(`their noncurrent versions expire after ${Math.min(xn, yn)} days (the shorter of the two rules)`)
  return out
}

/** Enabled Filter (V2) rules that can match the same object with actions that interact. */
function overlapWarnings(enabled: EnabledRule[]): Finding[] {
  const out: Finding[] = []
  for (const [a, x] of enabled.entries()) {
    for (const y of enabled.slice(a + 1)) {
      if (!x.r.Filter || !y.r.Filter || !filtersOverlap(x.cond, y.cond)) continue
      const effects = overlapEffects(x, y)
      if (effects.length === 0) continue
      out.push(
        find(
          'overlapping-rules',
          {i: y.i, r: y.r},
          `overlaps ${ruleLabel(x.r, x.i)}: for ${describeOverlap(x.cond, y.cond)}, ${effects.join('; ')}`,
          {
            path: `Rules[${y.i}].Filter`,
            suggestion:
              'Make the filters disjoint if that is not what you want; `pipeops s3 lifecycle explain --key … --size …` shows the result for one object.',
          },
        ),
      )
    }
  }

  return out
}

function durationWarnings(rule: LifecycleRule, i: number): Finding[] {
  const out: Finding[] = []
  const steps = (rule.Transitions ?? [])
    .filter((t) => isTransitionClass(t.StorageClass) && t.Days !== undefined)
    .sort((a, b) => a.Days! - b.Days!)
  const expDays = rule.Expiration?.Days
  for (const [k, t] of steps.entries()) {
    const cls = t.StorageClass as TransitionClass
    const min = CLASS_INFO[cls].minDays
    if (min === 0) continue
    const next = steps[k + 1]
    const leaveDay = next?.Days ?? expDays
    if (leaveDay === undefined) continue
    const stay = leaveDay - t.Days!
    if (stay >= min || stay <= 0) continue
    const how = next ? `moves on to ${next.StorageClass}` : 'expires'
    out.push(
      find(
        'min-storage-duration',
        {i, r: rule},
        `objects stay ${stay} days in ${cls} (day ${t.Days} → ${leaveDay}) and then ${how}; ${CLASS_INFO[cls].label} bills at least ${min} days, so each object is charged ${min - stay} more days (early ${next ? 'transition' : 'deletion'} charge)`,
        {
          path: `Rules[${i}].Transitions`,
          suggestion: `Keep objects in ${cls} for at least ${min} days (${next ? 'transition' : 'expire'} at day ${t.Days! + min} or later), or skip ${cls}.`,
        },
      ),
    )
  }

  return out
}

/** The noncurrent analogue of durationWarnings. */
function noncurrentDurationWarnings(rule: LifecycleRule, i: number): Finding[] {
  const out: Finding[] = []
  const nsteps = (rule.NoncurrentVersionTransitions ?? [])
    .filter((t) => isTransitionClass(t.StorageClass) && t.NoncurrentDays !== undefined)
    .sort((a, b) => a.NoncurrentDays! - b.NoncurrentDays!)
  const nexp = rule.NoncurrentVersionExpiration?.NoncurrentDays
  for (const [k, t] of nsteps.entries()) {
    const cls = t.StorageClass as TransitionClass
    const min = CLASS_INFO[cls].minDays
    const leave = nsteps[k + 1]?.NoncurrentDays ?? nexp
    if (min === 0 || leave === undefined) continue
    const stay = leave - t.NoncurrentDays!
    if (stay >= min || stay <= 0) continue
    out.push(
      find(
        'min-storage-duration',
        {i, r: rule},
        `noncurrent versions stay ${stay} days in ${cls} before they ${nsteps[k + 1] ? 'move on' : 'expire'}; ${CLASS_INFO[cls].label} bills at least ${min} days`,
        {
          path: `Rules[${i}].NoncurrentVersionTransitions`,
          suggestion: `Keep noncurrent versions in ${cls} for at least ${min} days, or skip ${cls}.`,
        },
      ),
    )
  }

  return out
}

/**
 * The checks of one lifecycle rule, as a table: each entry is one thing S3 checks when it accepts a
 * rule (errors, with S3's own wording where it is known) or one trap it accepts (warnings), run in
 * order. A new check is a new entry; `validateRule` only builds what the checks share and runs them.
 * Sources: reference/redshift-lifecycle.md part B5 (S3 API reference and user guide).
 */
import {type Finding, type FindingId, makeFinding} from './findings.js'
import {
  ALLOWED_TRANSITIONS,
  canTransition,
  CLASS_INFO,
  filterConditions,
  type FilterConditions,
  isTransitionClass,
  type LifecycleRule,
  MAX_LIFECYCLE_DAYS,
  ruleLabel,
  type StorageClassName,
  type TransitionClass,
} from './model.js'

export const MAX_ID_LENGTH = 255
export const MAX_NEWER_NONCURRENT = 100

export const MALFORMED =
  'MalformedXML: The XML you provided was not well-formed or did not validate against our published schema'

type FindingExtra = {path?: string; s3Message?: string; suggestion?: string}
type Report = (id: FindingId, message: string, extra?: FindingExtra) => void

export function find(
  id: FindingId,
  at: {i: number; r: LifecycleRule},
  message: string,
  extra: {path?: string; s3Message?: string; suggestion?: string} = {},
): Finding {
  return makeFinding(id, `${ruleLabel(at.r, at.i)}: ${message}`, {...extra, ruleId: at.r.ID, ruleIndex: at.i})
}

/** A transition that names a class and a day: the input of the waterfall checks. */
interface DayStep {
  cls: string
  day: number
  path: string
}

/** What every check of one rule reads, built once per rule. */
interface RuleUnderCheck {
  /** Add findings built elsewhere (the waterfall checks). */
  add: (findings: Finding[]) => void
  cond: FilterConditions
  /** Report a finding on this rule. */
  f: Report
  hasSize: boolean
  hasTags: boolean
  i: number
  /** Noncurrent transitions with a valid class and NoncurrentDays. */
  nsteps: DayStep[]
  /** The rule's path in the configuration, `Rules[i]`. */
  p: string
  rule: LifecycleRule
  /** Current-version transitions with a valid class and Days or Date. */
  steps: DayStep[]
}

interface RuleCheck {
  check: (rule: RuleUnderCheck) => void
  name: string
}

/** The checks of one rule, in the order their findings are reported. */
export const RULE_CHECKS: readonly RuleCheck[] = [
  {
    /** Status is Enabled or Disabled. */
    check({f, p, rule}) {
      if (rule.Status !== 'Enabled' && rule.Status !== 'Disabled') {
        f('invalid-value', `Status is ${JSON.stringify(rule.Status)}; it must be "Enabled" or "Disabled"`, {
          path: `${p}.Status`,
          s3Message: MALFORMED,
          suggestion: 'Set "Status": "Enabled".',
        })
      }
    },
    name: 'status',
  },
  {
    /** The ID fits S3's 255 characters. */
    check({f, p, rule}) {
      if (rule.ID !== undefined && rule.ID.length > MAX_ID_LENGTH) {
        f('id-too-long', `ID is ${rule.ID.length} characters; S3 allows at most ${MAX_ID_LENGTH}`, {
          path: `${p}.ID`,
          s3Message: 'ID length should not exceed allowed limit of 255',
          suggestion: 'Shorten the ID.',
        })
      }
    },
    name: 'id-length',
  },
  {
    /** Whole numbers in range (input that did not come through the s3api reader: flags, CloudFormation, Terraform). */
    check({f, p, rule}) {
      const ints: Array<[string, number | undefined, number]> = [
        ['Expiration.Days', rule.Expiration?.Days, 1],
        ['NoncurrentVersionExpiration.NoncurrentDays', rule.NoncurrentVersionExpiration?.NoncurrentDays, 1],
        [
          'AbortIncompleteMultipartUpload.DaysAfterInitiation',
          rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation,
          1,
        ],
        ...(rule.Transitions ?? []).map((t, j): [string, number | undefined, number] => [
          `Transitions[${j}].Days`,
          t.Days,
          0,
        ]),
        ...(rule.NoncurrentVersionTransitions ?? []).map((t, j): [string, number | undefined, number] => [
          `NoncurrentVersionTransitions[${j}].NoncurrentDays`,
          t.NoncurrentDays,
          0,
        ]),
      ]
      for (const [member, value, min] of ints) {
        if (value !== undefined && (!Number.isInteger(value) || value < min)) {
          f('invalid-value', `${member} is ${value}; it must be a whole number ≥ ${min}`, {
            path: `${p}.${member}`,
            s3Message: MALFORMED,
            suggestion: `Use a whole number of days ≥ ${min}.`,
          })
        } else if (value !== undefined && value > MAX_LIFECYCLE_DAYS) {
          f(
            'invalid-value',
            `${member} is ${value.toLocaleString('en-US')}; S3 holds at most ${MAX_LIFECYCLE_DAYS.toLocaleString('en-US')} days (its Days fields are 32-bit integers)`,
            {
              path: `${p}.${member}`,
              s3Message: MALFORMED,
              suggestion: 'Leave the action out to keep objects indefinitely, or give a realistic number of days.',
            },
          )
        }
      }
    },
    name: 'day-ranges',
  },
  {
    /** Filter or the legacy Prefix, and one form per Filter. */
    check({f, p, rule}) {
      if (rule.Filter && rule.Prefix !== undefined) {
        f('legacy-prefix-with-filter', 'has both the legacy rule-level Prefix and a Filter', {
          path: `${p}.Prefix`,
          s3Message: MALFORMED,
          suggestion: 'Move the prefix into Filter.Prefix (or Filter.And.Prefix) and delete the rule-level Prefix.',
        })
      } else if (!rule.Filter && rule.Prefix === undefined) {
        f(
          'filter-missing',
          'has neither Filter nor Prefix; S3 requires a Filter ("Filter": {} applies the rule to every object)',
          {
            path: `${p}.Filter`,
            s3Message: MALFORMED,
            suggestion: 'Add "Filter": {} for the whole bucket, or "Filter": {"Prefix": "…"}.',
          },
        )
      }

      if (rule.Filter) {
        const present = (['And', 'ObjectSizeGreaterThan', 'ObjectSizeLessThan', 'Prefix', 'Tag'] as const).filter(
          (k) => rule.Filter![k] !== undefined,
        )
        if (present.length > 1) {
          f(
            'filter-form',
            `Filter has ${present.join(' and ')}; a Filter can have exactly one of Prefix, Tag, ObjectSizeGreaterThan, ObjectSizeLessThan, or And`,
            {
              path: `${p}.Filter`,
              s3Message: MALFORMED,
              suggestion: `Combine them under And: "Filter": {"And": {${present
                .filter((k) => k !== 'And')
                .map((k) => `"${k === 'Tag' ? 'Tags' : k}": …`)
                .join(', ')}}}.`,
            },
          )
        }
      }
    },
    name: 'filter-form',
  },
  {
    /** A size range some object can match. */
    check({cond, f, p}) {
      if (cond.minSize !== undefined && cond.maxSize !== undefined && cond.maxSize <= cond.minSize) {
        f(
          'invalid-value',
          `ObjectSizeLessThan (${cond.maxSize}) must be greater than ObjectSizeGreaterThan (${cond.minSize}); no object can match`,
          {
            path: `${p}.Filter`,
            suggestion: 'Swap the two sizes or widen the range.',
          },
        )
      }
    },
    name: 'size-range',
  },
  {
    /** Each tag key once. */
    check({cond, f, p}) {
      const tagKeys = cond.tags.map((t) => t.Key)
      const dupTag = tagKeys.find((k, j) => tagKeys.indexOf(k) !== j)
      if (dupTag !== undefined)
        f('invalid-value', `the filter names tag key "${dupTag}" twice`, {
          path: `${p}.Filter`,
          suggestion: 'Keep one value per tag key.',
        })
    },
    name: 'tag-keys',
  },
  {
    /** At least one action. */
    check({f, p, rule}) {
      const actions = [
        rule.Transitions?.length,
        rule.Expiration,
        rule.NoncurrentVersionTransitions?.length,
        rule.NoncurrentVersionExpiration,
        rule.AbortIncompleteMultipartUpload,
      ].filter(Boolean)
      if (actions.length === 0) {
        f(
          'no-action',
          'has no action (Transitions, Expiration, NoncurrentVersionTransitions, NoncurrentVersionExpiration or AbortIncompleteMultipartUpload)',
          {
            path: p,
            s3Message: MALFORMED,
            suggestion: 'Add an action, or delete the rule.',
          },
        )
      }
    },
    name: 'some-action',
  },
  {
    /** AbortIncompleteMultipartUpload limits. */
    check({f, hasSize, hasTags, p, rule}) {
      if (rule.AbortIncompleteMultipartUpload) {
        if (rule.AbortIncompleteMultipartUpload.DaysAfterInitiation === undefined) {
          f('invalid-value', 'AbortIncompleteMultipartUpload needs DaysAfterInitiation', {
            path: `${p}.AbortIncompleteMultipartUpload`,
            s3Message: MALFORMED,
            suggestion: 'Set "DaysAfterInitiation": 7.',
          })
        }

        if (hasTags) {
          f(
            'abort-mpu-with-tags',
            'AbortIncompleteMultipartUpload cannot be combined with a tag filter (uploads in progress have no tags)',
            {
              path: `${p}.AbortIncompleteMultipartUpload`,
              s3Message: 'InvalidRequest: AbortIncompleteMultipartUpload cannot be specified with Tags.',
              suggestion:
                'Move AbortIncompleteMultipartUpload to its own rule filtered by prefix only (or "Filter": {}).',
            },
          )
        }

        if (hasSize) {
          f('abort-mpu-with-size', 'AbortIncompleteMultipartUpload cannot be combined with an object-size filter', {
            path: `${p}.AbortIncompleteMultipartUpload`,
            s3Message: 'AbortIncompleteMultipartUpload cannot be specified with Object Size.',
            suggestion:
              'Move AbortIncompleteMultipartUpload to its own rule filtered by prefix only (or "Filter": {}).',
          })
        }
      }
    },
    name: 'abort-multipart-upload',
  },
  {
    /** Expiration: one of Days, Date or ExpiredObjectDeleteMarker, and the marker only with a prefix filter. */
    check({f, hasSize, hasTags, p, rule}) {
      const exp = rule.Expiration
      if (exp) {
        const hasWhen = exp.Days !== undefined || exp.Date !== undefined
        if (exp.ExpiredObjectDeleteMarker !== undefined && hasWhen) {
          f('delete-marker-with-days', 'Expiration has ExpiredObjectDeleteMarker together with Days or Date', {
            path: `${p}.Expiration`,
            s3Message: MALFORMED,
            suggestion:
              'ExpiredObjectDeleteMarker cannot be specified with Days or Date in a Lifecycle Expiration Policy: put it in a separate rule.',
          })
        }

        if (exp.ExpiredObjectDeleteMarker === true && (hasTags || hasSize)) {
          f(
            'delete-marker-with-filter',
            `ExpiredObjectDeleteMarker cannot be used with a ${hasTags ? 'tag' : 'size'} filter (delete markers have neither)`,
            {
              path: `${p}.Expiration.ExpiredObjectDeleteMarker`,
              ...(hasSize && !hasTags
                ? {s3Message: 'ExpiredObjectDeleteMarker cannot be specified with Object Size.'}
                : {}),
              suggestion: 'Put ExpiredObjectDeleteMarker in a rule filtered by prefix only.',
            },
          )
        }

        if (exp.Days !== undefined && exp.Date !== undefined) {
          f('days-date-mixed', 'Expiration has both Days and Date', {
            path: `${p}.Expiration`,
            s3Message: MALFORMED,
            suggestion: 'Keep one of Days or Date.',
          })
        }

        if (!hasWhen && exp.ExpiredObjectDeleteMarker === undefined) {
          f('invalid-value', 'Expiration is empty', {
            path: `${p}.Expiration`,
            s3Message: MALFORMED,
            suggestion: 'Set Days, Date or ExpiredObjectDeleteMarker.',
          })
        }
      }
    },
    name: 'expiration',
  },
  {
    /** Dates at midnight UTC. */
    check({f, p, rule}) {
      for (const [path, date] of datesOf(rule, p)) {
        const d = new Date(date)
        if (
          d.getUTCHours() !== 0 ||
          d.getUTCMinutes() !== 0 ||
          d.getUTCSeconds() !== 0 ||
          d.getUTCMilliseconds() !== 0
        ) {
          f('date-not-midnight', `${path.slice(p.length + 1)} ${date} is not at midnight UTC`, {
            path,
            s3Message: "'Date' must be at midnight GMT",
            suggestion: `Use ${d.toISOString().slice(0, 10)}T00:00:00Z (or the next day).`,
          })
        }
      }
    },
    name: 'midnight-dates',
  },
  {
    /** Days-based or Date-based actions, not both, in one rule. */
    check({f, p, rule}) {
      const exp = rule.Expiration
      const usesDays = (rule.Transitions ?? []).some((t) => t.Days !== undefined) || exp?.Days !== undefined
      const usesDate = (rule.Transitions ?? []).some((t) => t.Date !== undefined) || exp?.Date !== undefined
      if (usesDays && usesDate) {
        f('days-date-mixed', 'mixes Days-based and Date-based actions; S3 requires one kind per rule', {
          path: p,
          suggestion: 'Use Days everywhere in the rule (or Date everywhere), or split it into two rules.',
        })
      }
    },
    name: 'days-or-dates',
  },
  {
    /** Current-version transitions: a colder class, Days or Date, 30 days before an infrequent-access class. */
    check({f, p, rule}) {
      for (const [j, t] of (rule.Transitions ?? []).entries()) {
        const tp = `${p}.Transitions[${j}]`
        if (!isTransitionClass(t.StorageClass)) {
          f(
            'invalid-value',
            `Transitions[${j}].StorageClass is "${t.StorageClass}"; S3 accepts ${['STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'].join(', ')}`,
            {
              path: `${tp}.StorageClass`,
              s3Message: MALFORMED,
              suggestion:
                'Objects can only move to a colder class; STANDARD and REDUCED_REDUNDANCY are not lifecycle targets.',
            },
          )
          continue
        }

        if (t.Days === undefined && t.Date === undefined) {
          f('invalid-value', `Transitions[${j}] has neither Days nor Date`, {
            path: tp,
            s3Message: MALFORMED,
            suggestion: 'Set "Days": n.',
          })
          continue
        }

        if (t.Days !== undefined && t.Date !== undefined) {
          f('days-date-mixed', `Transitions[${j}] has both Days and Date`, {
            path: tp,
            s3Message: MALFORMED,
            suggestion: 'Keep one of Days or Date.',
          })
        }

        if (t.Days !== undefined && CLASS_INFO[t.StorageClass].infrequent && t.Days < 30) {
          f(
            'ia-min-days',
            `transition to ${t.StorageClass} after ${t.Days} days; objects must stay at least 30 days in Standard first`,
            {
              path: `${tp}.Days`,
              s3Message: `'Days' in Transition action must be greater than or equal to 30 for storageClass '${t.StorageClass}'`,
              suggestion: `Use "Days": 30 or more, or transition to GLACIER_IR / INTELLIGENT_TIERING, which have no 30-day minimum.`,
            },
          )
        }
      }
    },
    name: 'transitions',
  },
  {
    /** Transitions in an order S3 can follow. */
    check({add, i, rule, steps}) {
      add(checkWaterfall(rule, i, steps, {action: 'Transition', gapId: 'ia-glacier-gap', orderId: 'transition-order'}))
    },
    name: 'transition-waterfall',
  },
  {
    /** Expiration after the last transition. */
    check({cond, f, p, rule, steps}) {
      const exp = rule.Expiration
      if (exp && steps.length > 0) {
        let last = steps[0]!
        for (const s of steps) if (s.day > last.day) last = s
        const expDay = exp.Days ?? (exp.Date === undefined ? undefined : dayOfDate(exp.Date))
        if (expDay !== undefined && expDay <= last.day) {
          const what = exp.Days === undefined ? 'Date' : 'Days'
          f(
            'expiration-not-after-transition',
            `expires at ${describeWhen(exp.Days, exp.Date)} but transitions to ${last.cls} at ${describeWhen(last.day, exp.Date === undefined ? undefined : rule.Transitions?.find((t) => t.StorageClass === last.cls)?.Date)}; expiration must come after every transition`,
            {
              path: `${p}.Expiration.${what}`,
              s3Message: `InvalidArgument: '${what}' in the Expiration action for filter '(prefix=${cond.prefix})' must be greater than '${what}' in the Transition action`,
              suggestion: `Expire later than ${what === 'Days' ? `day ${last.day}` : 'the last transition date'}, or drop the transition.`,
            },
          )
        }
      }
    },
    name: 'expiration-after-transitions',
  },
  {
    /** Noncurrent-version transitions: a colder class, NoncurrentDays, 30 days before an infrequent-access class. */
    check({f, p, rule}) {
      for (const [j, t] of (rule.NoncurrentVersionTransitions ?? []).entries()) {
        const tp = `${p}.NoncurrentVersionTransitions[${j}]`
        if (!isTransitionClass(t.StorageClass)) {
          f('invalid-value', `NoncurrentVersionTransitions[${j}].StorageClass is "${t.StorageClass}"`, {
            path: `${tp}.StorageClass`,
            s3Message: MALFORMED,
            suggestion: 'Use one of STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER_IR, GLACIER, DEEP_ARCHIVE.',
          })
          continue
        }

        if (t.NoncurrentDays === undefined) {
          f('invalid-value', `NoncurrentVersionTransitions[${j}] has no NoncurrentDays`, {
            path: tp,
            s3Message: MALFORMED,
            suggestion: 'Set "NoncurrentDays": n.',
          })
          continue
        }

        if (CLASS_INFO[t.StorageClass].infrequent && t.NoncurrentDays < 30) {
          f(
            'noncurrent-ia-min-days',
            `noncurrent versions move to ${t.StorageClass} after ${t.NoncurrentDays} days; they must be at least 30 days noncurrent first`,
            {
              path: `${tp}.NoncurrentDays`,
              s3Message: `'NoncurrentDays' in NoncurrentVersionTransition action must be greater than or equal to 30 for storageClass '${t.StorageClass}'`,
              suggestion: 'Use "NoncurrentDays": 30 or more.',
            },
          )
        }

        if (t.NewerNoncurrentVersions !== undefined)
          checkNewer(f, t.NewerNoncurrentVersions, `${tp}.NewerNoncurrentVersions`)
      }
    },
    name: 'noncurrent-transitions',
  },
  {
    /** Noncurrent transitions in an order S3 can follow. */
    check({add, i, nsteps, rule}) {
      add(
        checkWaterfall(rule, i, nsteps, {
          action: 'NoncurrentVersionTransition',
          gapId: 'noncurrent-ia-glacier-gap',
          orderId: 'noncurrent-transition-order',
        }),
      )
    },
    name: 'noncurrent-waterfall',
  },
  {
    /** NoncurrentVersionExpiration after the last noncurrent transition. */
    check({f, nsteps, p, rule}) {
      const nce = rule.NoncurrentVersionExpiration
      if (nce) {
        if (nce.NoncurrentDays === undefined) {
          f('invalid-value', 'NoncurrentVersionExpiration has no NoncurrentDays', {
            path: `${p}.NoncurrentVersionExpiration`,
            s3Message: MALFORMED,
            suggestion: 'Set "NoncurrentDays": n.',
          })
        } else if (nsteps.length > 0) {
          const last = Math.max(...nsteps.map((s) => s.day))
          if (nce.NoncurrentDays <= last) {
            f(
              'noncurrent-expiration-not-after-transition',
              `noncurrent versions expire after ${nce.NoncurrentDays} days but transition at day ${last}`,
              {
                path: `${p}.NoncurrentVersionExpiration.NoncurrentDays`,
                s3Message:
                  "'NoncurrentDays' in the NoncurrentVersionExpiration action must be greater than 'NoncurrentDays' in the NoncurrentVersionTransition action",
                suggestion: `Expire noncurrent versions after more than ${last} days.`,
              },
            )
          }
        }

        if (nce.NewerNoncurrentVersions !== undefined)
          checkNewer(f, nce.NewerNoncurrentVersions, `${p}.NoncurrentVersionExpiration.NewerNoncurrentVersions`)
      }
    },
    name: 'noncurrent-expiration',
  },
]

/** Run every check of the table on one rule. */
export function validateRule(rule: LifecycleRule, i: number): Finding[] {
  const out: Finding[] = []
  const p = `Rules[${i}]`
  const cond = filterConditions(rule)
  const under: RuleUnderCheck = {
    add: (findings) => out.push(...findings),
    cond,
    f: (id, message, extra = {}) => out.push(find(id, {i, r: rule}, message, extra)),
    hasSize: cond.minSize !== undefined || cond.maxSize !== undefined,
    hasTags: cond.tags.length > 0,
    i,
    nsteps: noncurrentStepsOf(rule, p),
    p,
    rule,
    steps: stepsOf(rule, p),
  }
  for (const {check} of RULE_CHECKS) check(under)
  return out
}

function stepsOf(rule: LifecycleRule, p: string): DayStep[] {
  const steps: DayStep[] = []
  for (const [j, t] of (rule.Transitions ?? []).entries()) {
    if (!isTransitionClass(t.StorageClass) || (t.Days === undefined && t.Date === undefined)) continue
    steps.push({cls: t.StorageClass, day: t.Days ?? dayOfDate(t.Date!), path: `${p}.Transitions[${j}]`})
  }

  return steps
}

function noncurrentStepsOf(rule: LifecycleRule, p: string): DayStep[] {
  const steps: DayStep[] = []
  for (const [j, t] of (rule.NoncurrentVersionTransitions ?? []).entries()) {
    if (!isTransitionClass(t.StorageClass) || t.NoncurrentDays === undefined) continue
    steps.push({cls: t.StorageClass, day: t.NoncurrentDays, path: `${p}.NoncurrentVersionTransitions[${j}]`})
  }

  return steps
}

function checkNewer(
  f: (id: FindingId, message: string, extra?: {path?: string; s3Message?: string; suggestion?: string}) => void,
  n: number,
  path: string,
): void {
  if (n < 1 || n > MAX_NEWER_NONCURRENT) {
    f(
      'newer-noncurrent-range',
      `NewerNoncurrentVersions is ${n}; S3 retains 1 to ${MAX_NEWER_NONCURRENT} noncurrent versions`,
      {path, suggestion: `Use a number from 1 to ${MAX_NEWER_NONCURRENT}.`},
    )
  }
}

function checkWaterfall(
  rule: LifecycleRule,
  i: number,
  steps: DayStep[],
  kind: {action: string; gapId: FindingId; orderId: FindingId},
): Finding[] {
  const {action, gapId, orderId} = kind
  const out: Finding[] = []
  const sorted = [...steps].sort((a, b) => a.day - b.day)
  let from: StorageClassName = 'STANDARD'
  let fromDay = 0
  let lastIa: DayStep | undefined
  const daysWord = action === 'Transition' ? 'Days' : 'NoncurrentDays'
  for (const [k, s] of sorted.entries()) {
    const to = s.cls as TransitionClass
    const prev = sorted[k - 1]
    if (prev && prev.day === s.day) {
      out.push(
        find(
          orderId,
          {i, r: rule},
          `two ${action}s on day ${s.day} (${prev.cls} and ${s.cls}); each transition needs its own day`,
          {
            path: s.path,
            suggestion: `Keep only the colder class (${CLASS_INFO[to].costRank < CLASS_INFO[prev.cls as TransitionClass].costRank ? s.cls : prev.cls}), or move one to a later day.`,
          },
        ),
      )
      continue
    }

    if (!canTransition(from, to)) {
      const allowed = ALLOWED_TRANSITIONS[from].join(', ')
      out.push(
        find(
          orderId,
          {i, r: rule},
          `${action} to ${to} on day ${s.day} follows ${from} (day ${fromDay}); S3 cannot move objects from ${CLASS_INFO[from].label} to ${CLASS_INFO[to].label}`,
          {
            path: s.path,
            suggestion: `Order transitions from warmer to colder: STANDARD_IA → INTELLIGENT_TIERING → ONEZONE_IA → GLACIER_IR → GLACIER → DEEP_ARCHIVE (from ${from}: ${allowed || 'none'}).`,
          },
        ),
      )
      continue
    }

    if (lastIa && CLASS_INFO[to].flexibleArchive && s.day - lastIa.day < 30) {
      out.push(
        find(
          gapId,
          {i, r: rule},
          `${action} to ${to} on day ${s.day} is only ${s.day - lastIa.day} days after the ${lastIa.cls} transition on day ${lastIa.day}; one rule needs at least 30 days between them`,
          {
            path: `${s.path}.${daysWord}`,
            suggestion: `Move the ${to} transition to day ${lastIa.day + 30} or later, or put it in a separate rule.`,
          },
        ),
      )
    }

    if (CLASS_INFO[to].infrequent) lastIa = s
    from = to
    fromDay = s.day
  }

  return out
}

function datesOf(rule: LifecycleRule, p: string): Array<[string, string]> {
  const out: Array<[string, string]> = []
  for (const [j, t] of (rule.Transitions ?? []).entries())
    if (t.Date !== undefined) out.push([`${p}.Transitions[${j}].Date`, t.Date])
  if (rule.Expiration?.Date !== undefined) out.push([`${p}.Expiration.Date`, rule.Expiration.Date])
  return out
}

/** Date-based actions are ordered by date; days since the epoch keeps the comparisons uniform. */
export function dayOfDate(date: string): number {
  return Math.floor(Date.parse(date) / 86_400_000)
}

function describeWhen(days: number | undefined, date: string | undefined): string {
  return days === undefined ? `${date}` : `day ${days}`
}

/**
 * What a configuration does to one object: which rules match it, and its timeline of transitions
 * and expiration under S3's precedence (user guide, "How S3 Lifecycle handles conflicts"):
 * permanent deletion beats transition, the shortest expiration wins, and when two transitions are
 * due the cheaper class wins (Intelligent-Tiering is favoured over all but the Glacier classes).
 * Also applies S3's default 128 KB minimum transition size.
 */
import {
  canTransition,
  CLASS_INFO,
  filterConditions,
  isTransitionClass,
  KB128,
  type LifecycleConfiguration,
  type LifecycleRule,
  ruleLabel,
  type StorageClassName,
  type TransitionClass,
} from './model.js'

export interface ObjectFacts {
  /** Age of the object in days today (0 = written now). */
  ageDays: number
  key: string
  size: number
  /** The class it is in now; STANDARD for new objects. */
  storageClass?: StorageClassName
  tags: Record<string, string>
}

export interface RuleMatch {
  index: number
  label: string
  matches: boolean
  /** Why it matches, or the first condition that fails. */
  reason: string
  ruleId?: string | undefined
}

export type TimelineAction = 'expire' | 'transition'

export interface TimelineEvent {
  action: TimelineAction
  /** Object age in days when it happens. */
  day: number
  from?: StorageClassName
  rule: string
  to?: TransitionClass
}

export interface SkippedAction {
  day: number
  reason: string
  rule: string
  to?: string
}

export interface ObjectTimeline {
  events: TimelineEvent[]
  /** Day the object is deleted, if any rule expires it. */
  expiresDay?: number
  matches: RuleMatch[]
  /** Noncurrent-version actions of matching rules, in words (apply after an overwrite or delete). */
  noncurrent: string[]
  skipped: SkippedAction[]
  startClass: StorageClassName
}

export function matchRule(rule: LifecycleRule, index: number, obj: ObjectFacts): RuleMatch {
  const base = {index, label: ruleLabel(rule, index), ruleId: rule.ID}
  const c = filterConditions(rule)
  if (rule.Status !== 'Enabled') return {...base, matches: false, reason: `status is ${rule.Status || 'missing'}`}
  if (!obj.key.startsWith(c.prefix)) return {...base, matches: false, reason: `key does not start with "${c.prefix}"`}
  for (const t of c.tags) {
    if (obj.tags[t.Key] === undefined) return {...base, matches: false, reason: `object has no tag ${t.Key}`}
    if (obj.tags[t.Key] !== t.Value)
      return {...base, matches: false, reason: `tag ${t.Key} is "${obj.tags[t.Key]}", rule wants "${t.Value}"`}
  }

  if (c.minSize !== undefined && !(obj.size > c.minSize))
    return {...base, matches: false, reason: `size ${obj.size} is not greater than ${c.minSize} bytes`}
  if (c.maxSize !== undefined && !(obj.size < c.maxSize))
    return {...base, matches: false, reason: `size ${obj.size} is not less than ${c.maxSize} bytes`}
  const why = [c.prefix === '' ? 'every key' : `prefix "${c.prefix}"`, ...c.tags.map((t) => `tag ${t.Key}=${t.Value}`)]
  if (c.minSize !== undefined) why.push(`size > ${c.minSize}`)
  if (c.maxSize !== undefined) why.push(`size < ${c.maxSize}`)
  return {...base, matches: true, reason: `matches ${why.join(', ')}`}
}

/** Days from the object's creation to an absolute date (0 if the date is before creation). */
function dayOfDate(date: string, obj: ObjectFacts, now: Date): number {
  const created = now.getTime() - obj.ageDays * 86_400_000
  return Math.max(0, Math.ceil((Date.parse(date) - created) / 86_400_000))
}

export function objectTimeline(config: LifecycleConfiguration, obj: ObjectFacts, now: Date): ObjectTimeline {
  const matches = config.Rules.map((r, i) => matchRule(r, i, obj))
  const matching = matches.filter((m) => m.matches).map((m) => ({label: m.label, rule: config.Rules[m.index]!}))
  const skipped: SkippedAction[] = []
  const startClass = obj.storageClass ?? 'STANDARD'

  // Expiration: the shortest wins.
  let expiresDay: number | undefined
  let expiresBy = ''
  for (const {label, rule} of matching) {
    const e = rule.Expiration
    const day = e?.Days ?? (e?.Date === undefined ? undefined : dayOfDate(e.Date, obj, now))
    if (day !== undefined && (expiresDay === undefined || day < expiresDay)) {
      expiresDay = day
      expiresBy = label
    }
  }

  const candidates = transitionCandidates(config, matching, obj, {now, skipped})
  candidates.sort((a, b) => a.day - b.day || CLASS_INFO[a.cls].costRank - CLASS_INFO[b.cls].costRank)
  const events: TimelineEvent[] = []
  let current: StorageClassName = startClass
  let lastDay = -1
  for (const c of candidates) {
    if (expiresDay !== undefined && c.day >= expiresDay) {
      skipped.push({
        day: c.day,
        reason: `the object is deleted on day ${expiresDay} (${expiresBy}); deletion takes precedence over transition`,
        rule: c.label,
        to: c.cls,
      })
      continue
    }

    if (c.day === lastDay && events.length > 0) {
      skipped.push({
        day: c.day,
        reason: `another transition is due the same day; S3 picks the cheaper class (${current})`,
        rule: c.label,
        to: c.cls,
      })
      continue
    }

    if (c.cls === current) continue
    if (!canTransition(current, c.cls)) {
      skipped.push({
        day: c.day,
        reason: `the object is already in ${current}; S3 does not move ${CLASS_INFO[current].label} to ${CLASS_INFO[c.cls].label}`,
        rule: c.label,
        to: c.cls,
      })
      continue
    }

    events.push({action: 'transition', day: c.day, from: current, rule: c.label, to: c.cls})
    current = c.cls
    lastDay = c.day
  }

  if (expiresDay !== undefined) events.push({action: 'expire', day: expiresDay, from: current, rule: expiresBy})

  const noncurrent = noncurrentNotes(matching)

  return {events, ...(expiresDay === undefined ? {} : {expiresDay}), matches, noncurrent, skipped, startClass}
}

function noncurrentNotes(matching: Array<{label: string; rule: LifecycleRule}>): string[] {
  const notes: string[] = []
  for (const {label, rule} of matching) {
    for (const t of rule.NoncurrentVersionTransitions ?? []) {
      notes.push(
        `${label}: noncurrent versions move to ${t.StorageClass} ${t.NoncurrentDays} days after they become noncurrent${t.NewerNoncurrentVersions ? ` (the ${t.NewerNoncurrentVersions} newest are kept where they are)` : ''}`,
      )
    }

    const nce = rule.NoncurrentVersionExpiration
    if (nce)
      notes.push(
        `${label}: noncurrent versions are deleted ${nce.NoncurrentDays} days after they become noncurrent${nce.NewerNoncurrentVersions ? ` (the ${nce.NewerNoncurrentVersions} newest are kept)` : ''}`,
      )
    if (rule.Expiration?.ExpiredObjectDeleteMarker)
      notes.push(`${label}: a delete marker left with no versions behind it is removed`)
  }

  return notes
}

interface Candidate {
  cls: TransitionClass
  day: number
  label: string
}

/** Every transition of the matching rules, except those S3's default minimum size blocks (noted in `skipped`). */
function transitionCandidates(
  config: LifecycleConfiguration,
  matching: Array<{label: string; rule: LifecycleRule}>,
  obj: ObjectFacts,
  at: {now: Date; skipped: SkippedAction[]},
): Candidate[] {
  const {now, skipped} = at
  const tdm = config.TransitionDefaultMinimumObjectSize ?? 'all_storage_classes_128K'
  // Under 128 KB: varies_by_storage_class still lets objects go to Glacier Flexible / Deep Archive.
  const smallBlocked = (cls: TransitionClass): boolean =>
    obj.size < KB128 && (tdm !== 'varies_by_storage_class' || !CLASS_INFO[cls].flexibleArchive)
  const candidates: Candidate[] = []
  for (const {label, rule} of matching) {
    const c = filterConditions(rule)
    const customSize = c.minSize !== undefined || c.maxSize !== undefined
    for (const t of rule.Transitions ?? []) {
      if (!isTransitionClass(t.StorageClass)) continue
      const day = t.Days ?? (t.Date === undefined ? undefined : dayOfDate(t.Date, obj, now))
      if (day === undefined) continue
      if (!customSize && smallBlocked(t.StorageClass)) {
        skipped.push({
          day,
          reason: `object is under 128 KB: S3's default minimum transition size (${tdm}) keeps it out of ${t.StorageClass}`,
          rule: label,
          to: t.StorageClass,
        })
        continue
      }

      candidates.push({cls: t.StorageClass, day, label})
    }
  }

  return candidates
}

/** The class the object is in at a given age. */
export function classAt(timeline: ObjectTimeline, day: number): 'deleted' | StorageClassName {
  let cls: StorageClassName = timeline.startClass
  for (const e of timeline.events) {
    if (e.day > day) break
    if (e.action === 'expire') return 'deleted'
    cls = e.to!
  }

  return cls
}

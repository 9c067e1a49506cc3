import type {ResolvedPrices} from './prices.js'

/**
 * Cost model of a lifecycle configuration over a horizon: transition request charges, monthly
 * storage per class (with minimum billable sizes and the 40 KB archive overhead), minimum-duration
 * (early deletion/transition) charges and Intelligent-Tiering monitoring, compared with leaving
 * the objects where they are. Source of the rules: reference/redshift-lifecycle.md B5/B6.
 */
import {type Finding, makeFinding} from './findings.js'
import {
  CLASS_INFO,
  filterConditions,
  KB128,
  type LifecycleConfiguration,
  type LifecycleRule,
  ruleLabel,
  type StorageClassName,
  type TransitionClass,
} from './model.js'
import {type ObjectFacts, objectTimeline} from './timeline.js'

const GB = 2 ** 30
const DAYS_PER_MONTH = 30

export interface Cohort extends ObjectFacts {
  /** How many objects this one stands for. */
  count: number
}

export interface ClassMonth {
  cost: number
  gb: number
  objects: number
}

export interface MonthRow {
  byClass: Partial<Record<StorageClassName, ClassMonth>>
  /** 1-based month of the horizon. */
  month: number
  total: number
}

export interface TransitionCharge {
  cost: number
  requests: number
  storageClass: TransitionClass
}

export interface EstimateScenario {
  baseline: {description: string; storage: number}
  bytes: number
  deletedObjects: number
  monthly: MonthRow[]
  name: string
  objects: number
  /** Objects under 128 KB: they do not transition by default, and are billed as 128 KB in IA classes. */
  smallObjects: number
  totals: {earlyDeletion: number; monitoring: number; storage: number; total: number; transitions: number}
  transitions: TransitionCharge[]
}

export interface EstimateResult {
  horizonDays: number
  notes: string[]
  prices: {asOf: string; currency: string; fallbackFrom?: string; region: string; source: string}
  scenarios: EstimateScenario[]
}

/** Storage cost per day of one object in a class: minimum billable size, archive overhead (8 KB at Standard rates, 32 KB at the archive rate). */
export function dailyCost(size: number, cls: StorageClassName, prices: ResolvedPrices['prices']): number {
  const info = CLASS_INFO[cls]
  const perGbDay = (c: StorageClassName): number => prices.storageGbMonth[c] / DAYS_PER_MONTH / GB
  if (info.flexibleArchive) return (size + 32 * 1024) * perGbDay(cls) + 8 * 1024 * perGbDay('STANDARD')
  return Math.max(size, info.minBillableBytes) * perGbDay(cls)
}

function monitoringPerDay(size: number, cls: StorageClassName, prices: ResolvedPrices['prices']): number {
  return cls === 'INTELLIGENT_TIERING' && size >= KB128
    ? prices.intelligentTieringMonitoringPer1000 / 1000 / DAYS_PER_MONTH
    : 0
}

interface Segment {
  cls: StorageClassName
  end: number
  start: number
}

/** Attribute a segment to the months whose last day falls inside it (the class at each month's end). */
/**
 * Add a segment's cost to the month rows whose sampling day (the middle of the month's last day)
 * falls inside it. The rows are found by arithmetic, not by walking the table, so the work per
 * segment does not grow with the horizon.
 */
function addToMonths(
  monthly: MonthRow[],
  s: Segment,
  amount: {count: number; gb: number; perMonth: number},
  horizonDays: number,
): void {
  // Row m (1-based) samples day min(30m, horizon) - 0.5; the last row may be a partial month.
  const first = Math.max(1, Math.ceil((s.start + 0.5) / DAYS_PER_MONTH))
  for (let m = first; m <= monthly.length; m++) {
    const endDay = Math.min(m * DAYS_PER_MONTH, horizonDays) - 0.5
    if (endDay >= s.end) break
    if (endDay < s.start) continue
    const row = monthly[m - 1]!
    const entry = row.byClass[s.cls] ?? {cost: 0, gb: 0, objects: 0}
    entry.objects += amount.count
    entry.gb += amount.gb
    entry.cost += amount.perMonth
    row.total += amount.perMonth
    row.byClass[s.cls] = entry
  }
}

export function estimateScenario(
  name: string,
  config: LifecycleConfiguration,
  cohorts: Cohort[],
  options: {horizonDays: number; monthly?: boolean; now: Date; prices: ResolvedPrices},
): EstimateScenario {
  const {horizonDays, now} = options
  const p = options.prices.prices
  // The totals are computed per segment in closed form; only the month-by-month table grows with the
  // horizon, so a caller that does not show it (explain, whose horizon is the rule's own Days and may
  // be millions of years) skips it.
  const months = options.monthly === false ? 0 : Math.max(1, Math.ceil(horizonDays / DAYS_PER_MONTH))
  const monthly: MonthRow[] = Array.from({length: months}, (_, i) => ({byClass: {}, month: i + 1, total: 0}))
  const transitions = new Map<TransitionClass, TransitionCharge>()
  const totals = {earlyDeletion: 0, monitoring: 0, storage: 0, total: 0, transitions: 0}
  let baseline = 0
  let objects = 0
  let bytes = 0
  let deleted = 0
  let small = 0

  for (const c of cohorts) {
    objects += c.count
    bytes += c.count * c.size
    if (c.size < KB128) small += c.count
    const start = c.storageClass ?? 'STANDARD'
    baseline += c.count * dailyCost(c.size, start, p) * horizonDays
    const tl = objectTimeline(config, c, now)
    // Events in horizon-relative days; those already due (age ≥ day) happen at once, as one transition.
    const segments: Segment[] = []
    let cls: StorageClassName = start
    let enteredAt = -c.ageDays
    let t = 0
    let due: TransitionClass | undefined
    let gone = false
    const charge = (to: TransitionClass): void => {
      const entry = transitions.get(to) ?? {cost: 0, requests: 0, storageClass: to}
      entry.requests += c.count
      entry.cost += (c.count * p.transitionPer1000[to]) / 1000
      transitions.set(to, entry)
    }

    const leave = (at: number): void => {
      const stayed = at - enteredAt
      const min = CLASS_INFO[cls].minDays
      if (stayed < min) totals.earlyDeletion += c.count * dailyCost(c.size, cls, p) * (min - stayed)
    }

    for (const e of tl.events) {
      const rel = e.day - c.ageDays
      if (rel <= 0) {
        if (e.action === 'expire') {
          gone = true
          break
        }

        due = e.to
        continue
      }

      if (due && due !== cls) {
        charge(due)
        leave(0)
        cls = due
        enteredAt = 0
        due = undefined
      }

      if (rel >= horizonDays) break
      segments.push({cls, end: rel, start: t})
      leave(rel)
      t = rel
      if (e.action === 'expire') {
        gone = true
        break
      }

      charge(e.to!)
      cls = e.to!
      enteredAt = rel
    }

    if (due && due !== cls && !gone) {
      charge(due)
      leave(0)
      cls = due
    }

    if (gone) {
      deleted += c.count
    } else if (t < horizonDays) {
      segments.push({cls, end: horizonDays, start: t})
    }

    for (const s of segments) {
      const perDay = dailyCost(c.size, s.cls, p)
      const mon = monitoringPerDay(c.size, s.cls, p)
      totals.storage += c.count * perDay * (s.end - s.start)
      totals.monitoring += c.count * mon * (s.end - s.start)
      addToMonths(
        monthly,
        s,
        {count: c.count, gb: (c.count * c.size) / GB, perMonth: c.count * (perDay + mon) * DAYS_PER_MONTH},
        horizonDays,
      )
    }
  }

  const charges = [...transitions.values()].sort(
    (a, b) => CLASS_INFO[b.storageClass].costRank - CLASS_INFO[a.storageClass].costRank,
  )
  totals.transitions = charges.reduce((s, x) => s + x.cost, 0)
  totals.total = totals.storage + totals.monitoring + totals.transitions + totals.earlyDeletion
  return {
    baseline: {description: 'objects stay in their current class, never deleted', storage: baseline},
    bytes,
    deletedObjects: deleted,
    monthly,
    name,
    objects,
    smallObjects: small,
    totals,
    transitions: charges,
  }
}

/** One representative object per enabled rule: "if N objects of this size fall under the rule". */
export function cohortsForRule(rule: LifecycleRule, objects: number, avgSize: number): Cohort[] {
  const c = filterConditions(rule)
  return [
    {
      ageDays: 0,
      count: objects,
      key: `${c.prefix}example-object`,
      size: avgSize,
      storageClass: 'STANDARD',
      tags: Object.fromEntries(c.tags.map((t) => [t.Key, t.Value])),
    },
  ]
}

export function estimateByRule(
  config: LifecycleConfiguration,
  objects: number,
  avgSize: number,
  options: {horizonDays: number; now: Date; prices: ResolvedPrices},
): EstimateResult {
  const scenarios = config.Rules.map((rule, i) => ({i, rule}))
    .filter(({rule}) => rule.Status === 'Enabled' && (rule.Transitions?.length || rule.Expiration))
    .map(({i, rule}) =>
      estimateScenario(
        `${ruleLabel(rule, i)}: ${objects.toLocaleString('en-US')} objects of ${avgSize} bytes`,
        {...config, Rules: [rule]},
        cohortsForRule(rule, objects, avgSize),
        options,
      ),
    )
  return {horizonDays: options.horizonDays, notes: [], prices: priceInfo(options.prices), scenarios}
}

export function priceInfo(p: ResolvedPrices): EstimateResult['prices'] {
  return {
    asOf: p.asOf,
    currency: p.currency,
    ...(p.fallbackFrom ? {fallbackFrom: p.fallbackFrom} : {}),
    region: p.region,
    source: p.source,
  }
}

/** Warn where transition requests cost more than the lifecycle saves over the horizon. */
export function costFindings(result: EstimateResult): Finding[] {
  const out: Finding[] = []
  for (const s of result.scenarios) {
    if (s.totals.transitions <= 0) continue
    const storageSaved = s.baseline.storage - s.totals.storage - s.totals.monitoring - s.totals.earlyDeletion
    if (s.totals.transitions > storageSaved) {
      out.push(
        makeFinding(
          'transition-request-cost',
          `${s.name}: transition requests cost $${s.totals.transitions.toFixed(2)} but the storage saved over ${result.horizonDays} days is only $${storageSaved.toFixed(2)}${s.smallObjects > 0 ? ` (${s.smallObjects.toLocaleString('en-US')} objects are under 128 KB)` : ''}`,
          {
            suggestion:
              'Transition only large objects (--min-size 128KiB or more), transition later or straight to the final class, or aggregate small files first.',
          },
        ),
      )
    }
  }

  return out
}

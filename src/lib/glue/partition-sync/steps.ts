/** The diff as plan steps (batches of Glue's batch APIs), the drop guard rails, and what a saved plan carries for its reader. */
import type {PlanStep} from '../../core/plan.js'

import {valuesKey} from '../batch.js'
import {
  type AddEntry,
  BATCH_CREATE_MAX,
  BATCH_DELETE_MAX,
  BATCH_UPDATE_MAX,
  type DropEntry,
  type PartitionSyncResult,
  type SyncLists,
  type SyncPlan,
  type SyncStepParams,
  type UpdateEntry,
} from './types.js'

export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

function describeValues(entries: Array<{values: string[]}>): string {
  if (entries.length === 0) return ''
  const first = entries[0]!.values.join('/')
  const last = entries.at(-1)!.values.join('/')
  return entries.length === 1 ? first : `${first} … ${last}`
}

/**
 * Batches per plan step. Within a step, `--concurrency` calls stay in flight; steps run one after
 * the other (the engine's rule), so bigger steps mean fewer pauses, smaller ones finer progress.
 */
export const BATCHES_PER_STEP = 50

/** Steps of the plan: creates, then updates, then drops. */
export function buildSteps(
  lists: SyncLists,
  options: {concurrency: number; repairSchema: boolean},
): Array<PlanStep<SyncStepParams>> {
  const steps: Array<PlanStep<SyncStepParams>> = []
  // A whole number of rounds of --concurrency calls per step, so no round runs half-empty.
  const c = Math.max(1, options.concurrency)
  const per = c * Math.ceil(BATCHES_PER_STEP / c)
  for (const [i, group] of chunk(lists.add, BATCH_CREATE_MAX * per).entries()) {
    steps.push({
      effect: `adds ${group.length} partition(s): ${describeValues(group)}`,
      id: `create-${i + 1}`,
      operation: 'BatchCreatePartition',
      params: {entries: group},
      reason: 'in S3, not in the catalog',
    })
  }

  const updates = new Map<string, UpdateEntry>()
  for (const r of lists.relocate)
    updates.set(valuesKey(r.values), {from: r.from, repair: false, to: r.to, values: r.values})
  if (options.repairSchema) {
    for (const d of lists.drift) {
      const existing = updates.get(valuesKey(d.values))
      if (existing) existing.repair = true
      else updates.set(valuesKey(d.values), {from: d.location, repair: true, values: d.values})
    }
  }

  for (const [i, group] of chunk([...updates.values()], BATCH_UPDATE_MAX * per).entries()) {
    const moves = group.filter((u) => u.to).length
    const repairs = group.filter((u) => u.repair).length
    steps.push({
      effect: `updates ${group.length} partition(s): ${describeValues(group)}`,
      id: `update-${i + 1}`,
      operation: 'BatchUpdatePartition',
      params: {entries: group},
      reason: [
        moves ? `${moves} at another location in S3` : '',
        repairs ? `${repairs} with a storage descriptor unlike the table's (--repair-schema)` : '',
      ]
        .filter(Boolean)
        .join('; '),
    })
  }

  for (const [i, group] of chunk(lists.drop, BATCH_DELETE_MAX * per).entries()) {
    steps.push({
      effect: `drops ${group.length} partition(s): ${describeValues(group)}`,
      id: `drop-${i + 1}`,
      operation: 'BatchDeletePartition',
      params: {entries: group.map((d) => ({location: d.location, values: d.values}))},
      reason: 'in the catalog, no longer in S3 (--prune)',
    })
  }

  return steps
}

/** Guard rails, evaluated at plan time so that a dry run shows what an --apply would refuse. */
export function dropRefusals(drops: DropEntry[], catalogCount: number, maxDropPct: number): string[] {
  const refusals: string[] = []
  if (drops.length === 0) return refusals
  const pct = catalogCount === 0 ? 100 : (drops.length / catalogCount) * 100
  if (pct > maxDropPct)
    refusals.push(
      `would drop ${drops.length} of ${catalogCount} catalog partition(s) (${pct.toFixed(1)} % > --max-drop-pct ${maxDropPct})`,
    )
  const withData = drops.filter((d) => d.hasData)
  if (withData.length > 0)
    refusals.push(
      `${withData.length} partition(s) to drop still hold data under their location, e.g. ${withData[0]!.location}`,
    )
  return refusals
}

/** The result minus the big lists (they are in the steps): what a saved plan carries for the reader. */
export function summaryOf(result: PartitionSyncResult): Record<string, unknown> {
  return {
    ...result,
    counts: {
      add: result.plan.add.length,
      anomalies: result.plan.anomalies.length,
      drift: result.plan.drift.length,
      drop: result.plan.drop.length,
      relocate: result.plan.relocate.length,
    },
    plan: {
      add: [],
      anomalies: result.plan.anomalies,
      drift: result.plan.drift,
      drop: result.plan.drop,
      relocate: result.plan.relocate,
    },
  }
}

/** Rebuild the result of a saved plan (for --plan FILE). */
export function resultFromPlan(plan: SyncPlan): PartitionSyncResult {
  const summary = {...(plan.summary as unknown as PartitionSyncResult & {counts?: unknown})}
  delete summary.counts
  const add = plan.steps
    .filter((s) => s.operation === 'BatchCreatePartition')
    .flatMap((s) => s.params.entries as AddEntry[])
  return {...summary, plan: {...summary.plan, add}}
}

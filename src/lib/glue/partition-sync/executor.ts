/**
 * Applying the plan: the executor for the shared plan engine (observe = GetTable + BatchGetPartition
 * of every planned partition; steps already done are recognised and skipped).
 */
import {
  BatchCreatePartitionCommand,
  BatchDeletePartitionCommand,
  BatchUpdatePartitionCommand,
  type GlueClient,
  type Partition,
  type PartitionInput,
} from '@aws-sdk/client-glue'
import pLimit from 'p-limit'

import type {RunContext} from '../../core/run-context.js'

import {
  type ApplyReport,
  type EntryFailure,
  type PlanExecutor,
  type PlanStep,
  type StartCheck,
  type StepOutcome,
  StepStoppedError,
} from '../../core/plan.js'
import {AMBIGUOUS_ENTRY_CODES, type BatchOp, RETRYABLE_ENTRY_CODES, runBatches, valuesKey} from '../batch.js'
import {abortOpts, BATCH_GET_MAX, batchGetPartitions, readPartitions, readTable} from '../catalog.js'
import {sdDifferences} from '../drift.js'
import {sameLocation, sdHash} from './diff.js'
import {chunk} from './steps.js'
import {
  type AddEntry,
  type ApplyTally,
  BATCH_CREATE_MAX,
  BATCH_DELETE_MAX,
  BATCH_UPDATE_MAX,
  type DropEntry,
  type ExecutorOptions,
  type LiveState,
  type PartitionSyncResult,
  type SyncBaseline,
  type SyncPlan,
  type SyncStepParams,
  type UpdateEntry,
} from './types.js'

/** What an apply did, for the result: counts from the executor, failures from the engine's report. */
export function appliedOf(tally: ApplyTally, report: ApplyReport): NonNullable<PartitionSyncResult['applied']> {
  const failed = [...(report.entryFailures ?? [])]
  if (report.failed) {
    const {message, stepId} = report.failed
    failed.push({
      code: report.failed.code,
      message: `apply stopped at step ${stepId}: ${message}`,
      operation: 'step',
      values: [],
    })
  }

  return {created: tally.created, deleted: tally.deleted, failed, updated: tally.updated}
}

function isDone(step: PlanStep<SyncStepParams>, entry: AddEntry | DropEntry | UpdateEntry, state: LiveState): boolean {
  const live = state.live.get(valuesKey(entry.values))
  switch (step.operation) {
    case 'BatchCreatePartition': {
      return live !== undefined && sameLocation(live.StorageDescriptor?.Location, (entry as AddEntry).location)
    }

    case 'BatchDeletePartition': {
      return live === undefined
    }

    default: {
      const u = entry as UpdateEntry
      if (!live) return false
      if (u.to && !sameLocation(live.StorageDescriptor?.Location, u.to)) return false
      return !u.repair || sdDifferences(state.table.sd, live.StorageDescriptor).length === 0
    }
  }
}

/** Why live state is neither the plan's start nor a state that applying part of it leads to. */
function entryConflict(
  step: PlanStep<SyncStepParams>,
  entry: AddEntry | DropEntry | UpdateEntry,
  state: LiveState,
): string | undefined {
  const live = state.live.get(valuesKey(entry.values))
  const where = live?.StorageDescriptor?.Location
  const name = JSON.stringify(entry.values)
  switch (step.operation) {
    case 'BatchCreatePartition': {
      return live && !sameLocation(where, (entry as AddEntry).location)
        ? `partition ${name} now exists at ${where ?? '(no location)'}`
        : undefined
    }

    case 'BatchDeletePartition': {
      const d = entry as DropEntry
      return live && !sameLocation(where, d.location)
        ? `partition ${name} now points at ${where ?? '(no location)'}, not ${d.location ?? '(none)'}`
        : undefined
    }

    default: {
      const u = entry as UpdateEntry
      if (!live) return `partition ${name} no longer exists`
      return u.to && !sameLocation(where, u.from) && !sameLocation(where, u.to)
        ? `partition ${name} now points at ${where ?? '(no location)'}`
        : undefined
    }
  }
}

type EntryErrorLike = {
  ErrorDetail?: undefined | {ErrorCode?: string | undefined; ErrorMessage?: string | undefined}
  PartitionValueList?: string[] | undefined
  PartitionValues?: string[] | undefined
}

function entryErrors(errors: EntryErrorLike[] | undefined): Array<{code: string; message: string; values: string[]}> {
  return (errors ?? []).map((e) => ({
    code: e.ErrorDetail?.ErrorCode ?? 'Unknown',
    message: e.ErrorDetail?.ErrorMessage ?? '',
    values: e.PartitionValues ?? e.PartitionValueList ?? [],
  }))
}

/** The executor for the shared plan engine: observe = GetTable + BatchGetPartition of every planned partition. */
export class PartitionSyncExecutor implements PlanExecutor<LiveState, SyncBaseline, SyncStepParams> {
  readonly tally: ApplyTally = {created: 0, deleted: 0, updated: 0}
  private readonly glue: GlueClient
  private state: LiveState | undefined

  /** Back-offs wait with `ctx.sleep` (Ctrl-C ends them at once); AWS calls take the engine's signal for the step. */
  constructor(
    clients: {glue: GlueClient},
    private readonly options: ExecutorOptions,
    private readonly ctx: Pick<RunContext, 'sleep'>,
  ) {
    this.glue = clients.glue
  }

  async applyStep(
    step: PlanStep<SyncStepParams>,
    plan: SyncPlan,
    signal: AbortSignal,
  ): Promise<StepOutcome<LiveState>> {
    const state = this.state ?? (await this.observe(plan, signal))
    const pending = step.params.entries.filter((e) => !isDone(step, e, state))
    const target = {database: plan.baseline.database, table: plan.baseline.table}
    const runner = {
      concurrency: this.options.concurrency,
      signal,
      target,
      ...(this.options.baseDelayMs === undefined ? {} : {baseDelayMs: this.options.baseDelayMs}),
      sleep: (ms: number) => this.ctx.sleep(ms),
    }
    const outcome = {done: [] as Array<AddEntry | DropEntry | UpdateEntry>, failed: [] as EntryFailure[], requests: 0}
    try {
      await runBatches(this.glue, this.opFor(step, plan, state), pending, runner, outcome)
    } catch (error) {
      // A step that stopped half-way has still changed the catalog: the engine reports it as partial.
      throw new StepStoppedError(error, outcome.failed, outcome.done.length > 0)
    } finally {
      this.record(step, state, outcome.done)
    }

    return {entryFailures: outcome.failed, state}
  }

  checkStart(plan: SyncPlan, state: LiveState): StartCheck {
    const b = plan.baseline
    if (!sameLocation(state.table.location, b.location))
      return {ok: false, reason: `the table location is now ${state.table.location}, not ${b.location}`}
    const keys = state.table.keys.map((k) => k.name)
    if (keys.join(',') !== b.keys.join(','))
      return {ok: false, reason: `the partition keys are now ${keys.join(', ')}, not ${b.keys.join(', ')}`}
    if (sdHash(state.table) !== b.sdHash)
      return {
        ok: false,
        reason: "the table's storage descriptor (columns, formats or SerDe) changed since the plan was made",
      }
    const conflicts: string[] = []
    for (const step of plan.steps) {
      for (const e of step.params.entries) {
        const c = entryConflict(step, e, state)
        if (c) conflicts.push(c)
      }
    }

    if (conflicts.length > 0)
      return {
        ok: false,
        reason: `${conflicts.length} planned partition(s) changed meanwhile: ${conflicts.slice(0, 3).join('; ')}${conflicts.length > 3 ? '; …' : ''}`,
      }
    return {ok: true}
  }

  isStepDone(step: PlanStep<SyncStepParams>, state: LiveState): boolean {
    return step.params.entries.every((e) => isDone(step, e, state))
  }

  async observe(plan: SyncPlan, signal: AbortSignal): Promise<LiveState> {
    const {database, table} = plan.baseline
    const info = await readTable(this.glue, database, table, signal)
    const values = plan.steps.flatMap((s) => s.params.entries.map((e) => e.values))
    const live = new Map<string, Partition>()
    const summary = plan.summary as {catalog?: {partitions?: number}; scope?: {expression?: string}}
    const known = summary.catalog?.partitions
    if (known !== undefined && values.length > Math.max(BATCH_GET_MAX, 2 * known)) {
      // Many planned partitions, few in the catalog (a backfill): scanning the catalog in 10 segments
      // is cheaper than BatchGetPartition for every planned value.
      const wanted = new Set(values.map((v) => valuesKey(v)))
      const read = await readPartitions(this.glue, {
        database,
        excludeColumnSchema: false,
        expression: summary.scope?.expression,
        segments: 10,
        signal,
        table,
      })
      for (const p of read.partitions) {
        const k = valuesKey(p.values)
        if (wanted.has(k)) live.set(k, {Parameters: p.parameters, StorageDescriptor: p.sd, Values: p.values})
      }

      this.state = {live, table: info}
      return this.state
    }

    const limit = pLimit(Math.max(1, this.options.concurrency))
    await Promise.all(
      chunk(values, BATCH_GET_MAX).map((group) =>
        limit(async () => {
          for (const p of await batchGetPartitions(this.glue, {database, table}, group, {
            signal,
            sleep: (ms) => this.ctx.sleep(ms),
          }))
            live.set(valuesKey(p.Values ?? []), p)
        }),
      ),
    )
    this.state = {live, table: info}
    return this.state
  }

  private opFor(
    step: PlanStep<SyncStepParams>,
    plan: SyncPlan,
    state: LiveState,
  ): BatchOp<AddEntry | DropEntry | UpdateEntry> {
    const {database, table} = plan.baseline
    const {glue} = this
    const common = {
      valuesOf: (e: {values: string[]}) => e.values,
    }
    switch (step.operation) {
      case 'BatchCreatePartition': {
        return {
          ...common,
          check(entry, live) {
            if (!live) return {verdict: 'retry'}
            const e = entry as AddEntry
            return sameLocation(live.StorageDescriptor?.Location, e.location)
              ? {verdict: 'done'}
              : {
                  conflict: `already exists at ${live.StorageDescriptor?.Location ?? '(no location)'}, not ${e.location}; re-run to plan a relocation`,
                  verdict: 'fail',
                }
          },
          maxBatch: BATCH_CREATE_MAX,
          name: 'BatchCreatePartition',
          onEntryError: (code) =>
            code === 'AlreadyExistsException' || AMBIGUOUS_ENTRY_CODES.has(code)
              ? 'recheck'
              : RETRYABLE_ENTRY_CODES.has(code)
                ? 'retry'
                : 'fail',
          async send(batch, signal) {
            const input: PartitionInput[] = (batch as AddEntry[]).map((e) => ({
              Parameters: {},
              StorageDescriptor: {...state.table.sd, Location: e.location},
              Values: e.values,
            }))
            const out = await glue.send(
              new BatchCreatePartitionCommand({DatabaseName: database, PartitionInputList: input, TableName: table}),
              abortOpts(signal),
            )
            return entryErrors(out.Errors)
          },
        }
      }

      case 'BatchDeletePartition': {
        return {
          ...common,
          check: (_entry, live) => (live ? {verdict: 'retry'} : {verdict: 'done'}),
          maxBatch: BATCH_DELETE_MAX,
          name: 'BatchDeletePartition',
          onEntryError: (code) =>
            code === 'EntityNotFoundException'
              ? 'done'
              : AMBIGUOUS_ENTRY_CODES.has(code)
                ? 'recheck'
                : RETRYABLE_ENTRY_CODES.has(code)
                  ? 'retry'
                  : 'fail',
          async send(batch, signal) {
            const out = await glue.send(
              new BatchDeletePartitionCommand({
                DatabaseName: database,
                PartitionsToDelete: batch.map((e) => ({Values: e.values})),
                TableName: table,
              }),
              abortOpts(signal),
            )
            return entryErrors(out.Errors)
          },
        }
      }

      default: {
        return {
          ...common,
          check(entry, live) {
            if (!live) return {conflict: 'the partition no longer exists', verdict: 'fail'}
            const probe: LiveState = {live: new Map([[valuesKey(entry.values), live]]), table: state.table}
            return isDone(step, entry, probe) ? {verdict: 'done'} : {verdict: 'retry'}
          },
          maxBatch: BATCH_UPDATE_MAX,
          name: 'BatchUpdatePartition',
          onEntryError: (code) =>
            AMBIGUOUS_ENTRY_CODES.has(code) ? 'recheck' : RETRYABLE_ENTRY_CODES.has(code) ? 'retry' : 'fail',
          async send(batch, signal) {
            const entries = (batch as UpdateEntry[]).map((u) => {
              const live = state.live.get(valuesKey(u.values))
              const location = u.to ?? live?.StorageDescriptor?.Location
              const sd = u.repair
                ? {...state.table.sd, Location: location}
                : {...live?.StorageDescriptor, Location: location}
              const input: PartitionInput = {
                Parameters: live?.Parameters ?? {},
                StorageDescriptor: sd,
                Values: u.values,
                ...(live?.LastAccessTime ? {LastAccessTime: live.LastAccessTime} : {}),
                ...(live?.LastAnalyzedTime ? {LastAnalyzedTime: live.LastAnalyzedTime} : {}),
              }
              return {PartitionInput: input, PartitionValueList: u.values}
            })
            const out = await glue.send(
              new BatchUpdatePartitionCommand({DatabaseName: database, Entries: entries, TableName: table}),
              abortOpts(signal),
            )
            return entryErrors(out.Errors)
          },
        }
      }
    }
  }

  private record(
    step: PlanStep<SyncStepParams>,
    state: LiveState,
    done: Array<AddEntry | DropEntry | UpdateEntry>,
  ): void {
    for (const e of done) {
      const key = valuesKey(e.values)
      switch (step.operation) {
        case 'BatchCreatePartition': {
          this.tally.created++
          state.live.set(key, {
            Parameters: {},
            StorageDescriptor: {...state.table.sd, Location: (e as AddEntry).location},
            Values: e.values,
          })
          break
        }

        case 'BatchDeletePartition': {
          this.tally.deleted++
          state.live.delete(key)
          break
        }

        default: {
          this.tally.updated++
          const u = e as UpdateEntry
          const live = state.live.get(key)
          const location = u.to ?? live?.StorageDescriptor?.Location
          state.live.set(key, {
            ...live,
            StorageDescriptor: u.repair
              ? {...state.table.sd, Location: location}
              : {...live?.StorageDescriptor, Location: location},
            Values: e.values,
          })
        }
      }
    }
  }
}

/**
 * The plan/apply engine shared by every flow that changes AWS state (docs/architecture.md, "Plan and apply").
 *
 * A plan is plain data: ordered steps with their parameters, reason and predicted effect, plus the
 * starting state ("baseline") it was computed from. A flow supplies an executor (observe, check
 * the start state, is-step-done, apply-step); the engine re-reads live state, skips steps that are
 * already done, applies the rest in order, and reports exactly what happened when it stops early.
 */
import {readFile} from 'node:fs/promises'

import {writeFileAtomic} from './atomic-write.js'
import {AbortedError, classifyError, InputError, PartialApplyError, type PipeopsError, UsageError} from './errors.js'

export const PLAN_FORMAT_VERSION = 1

export interface PlanStep<P = Record<string, unknown>> {
  /** Predicted effect in words, e.g. "shardId-000 → 2 children at 48 % and 51 %". */
  effect?: string
  /** Stable within a plan; used in progress and in partial-apply reports. */
  id: string
  /** The API operation or action, e.g. SplitShard, BatchCreatePartition. */
  operation: string
  params: P
  reason: string
}

export interface Plan<B = unknown, P = Record<string, unknown>> {
  /** The live state the plan was computed from; checked again before a saved plan is applied. */
  baseline: B
  createdAt: string
  formatVersion: typeof PLAN_FORMAT_VERSION
  /** The command that made the plan, e.g. "kinesis reshard". */
  kind: string
  steps: Array<PlanStep<P>>
  /** Flow-specific figures for the reader: counts, before/after, estimated time. */
  summary: Record<string, unknown>
  /** What the plan changes, e.g. {stream: 'orders', region: 'us-east-1'}. */
  target: Record<string, string>
}

export type StartCheck = {ok: false; reason: string} | {ok: true}

/** One entry of a batch step that was not applied while the step's other entries were (e.g. Glue's Errors[]). */
export interface EntryFailure {
  code: string
  message: string
  operation: string
  values: string[]
}

export interface StepOutcome<S> {
  /** Entries of the step that could not be applied; the step itself counts as applied. */
  entryFailures?: EntryFailure[]
  /** The new live state, to save a re-read. */
  state?: S
}

/**
 * Thrown by `applyStep` when a step stopped after changing part of what it covers (a batch step
 * half-way): the apply is then partial (exit 7) even when no earlier step was applied.
 */
export class StepStoppedError extends Error {
  constructor(
    override readonly cause: unknown,
    readonly entryFailures: EntryFailure[] = [],
    /** Did the step change anything before it stopped? If not, the cause is reported as it is. */
    readonly changed = true,
  ) {
    super(cause instanceof Error ? cause.message : String(cause))
    this.name = 'StepStoppedError'
  }
}

/** What a flow supplies to the engine. Every method receives the plan being applied. */
export interface PlanExecutor<S, B = unknown, P = Record<string, unknown>> {
  /** Apply one step. May return the new live state (to save a re-read) and entries that failed. */
  applyStep(step: PlanStep<P>, plan: Plan<B, P>, signal: AbortSignal): Promise<StepOutcome<S> | void>
  /** Is live state the plan's baseline, or a state that applying some of its steps leads to? */
  checkStart(plan: Plan<B, P>, state: S): StartCheck
  isStepDone(step: PlanStep<P>, state: S, plan: Plan<B, P>): boolean
  observe(plan: Plan<B, P>, signal: AbortSignal): Promise<S>
}

export type StepStatus = 'applied' | 'failed' | 'skipped' | 'started'

export interface StepEvent {
  index: number
  status: StepStatus
  step: PlanStep<unknown>
  total: number
}

export interface StepFailure {
  code: string
  message: string
  requestId?: string | undefined
  stepId: string
}

export interface ApplyReport {
  /** Steps this run applied. */
  applied: string[]
  /** Entries of applied (or half-applied) steps that were not applied; present only when there are some. */
  entryFailures?: EntryFailure[]
  failed?: StepFailure
  /** Steps not attempted because the run stopped first. */
  notRun: string[]
  /** Steps found already done in live state (a resumed or repeated run). */
  skipped: string[]
}

export interface ApplyOptions {
  onStep?: (event: StepEvent) => void
  /** The command line that resumes this apply, printed when it stops early. */
  resumeCommand: string
  signal?: AbortSignal
}

export async function applyPlan<S, B, P>(
  plan: Plan<B, P>,
  executor: PlanExecutor<S, B, P>,
  options: ApplyOptions,
): Promise<ApplyReport> {
  const signal = options.signal ?? new AbortController().signal
  const report: ApplyReport = {applied: [], notRun: [], skipped: []}
  const entryFailures = (failures: EntryFailure[] | undefined): void => {
    if (failures?.length) report.entryFailures = [...(report.entryFailures ?? []), ...failures]
  }

  let state: S = await executor.observe(plan, signal)
  const start = executor.checkStart(plan, state)
  if (!start.ok) {
    throw new InputError(`live state no longer matches the plan: ${start.reason}`, {
      code: 'PlanStale',
      suggestions: ['Make a new plan from the current state (run the command without --plan) and review it.'],
    })
  }

  const total = plan.steps.length
  for (const [index, step] of plan.steps.entries()) {
    if (signal.aborted) {
      report.notRun = plan.steps.slice(index).map((s) => s.id)
      throw stoppedEarly(report, options, undefined, true)
    }

    if (executor.isStepDone(step, state, plan)) {
      report.skipped.push(step.id)
      options.onStep?.({index, status: 'skipped', step, total})
      continue
    }

    options.onStep?.({index, status: 'started', step, total})
    try {
      // Steps run strictly in order: each one's preconditions depend on the previous one's result.
      const outcome = await executor.applyStep(step, plan, signal)
      entryFailures(outcome?.entryFailures)
      report.applied.push(step.id)
      options.onStep?.({index, status: 'applied', step, total})
      state = outcome?.state ?? (await executor.observe(plan, signal))
    } catch (error) {
      const halfway = error instanceof StepStoppedError
      if (halfway) entryFailures(error.entryFailures)
      const cause = classifyError(halfway ? error.cause : error)
      report.failed = {code: cause.code, message: cause.message, requestId: cause.requestId, stepId: step.id}
      report.notRun = plan.steps.slice(index + 1).map((s) => s.id)
      options.onStep?.({index, status: 'failed', step, total})
      throw stoppedEarly(report, options, cause, signal.aborted, halfway && error.changed)
    }
  }

  return report
}

function stoppedEarly(
  report: ApplyReport,
  options: ApplyOptions,
  cause: PipeopsError | undefined,
  aborted: boolean,
  changedInStep = false,
): PipeopsError {
  const done = report.applied.length + report.skipped.length
  const summary = `${report.applied.length} step(s) applied, ${report.skipped.length} already done, ${report.failed ? `step ${report.failed.stepId} failed, ` : ''}${report.notRun.length} not run`
  const suggestions = [`Run again to resume: ${options.resumeCommand}`]
  if (aborted) {
    return new AbortedError(`interrupted: ${summary}; state is consistent`, {details: report, suggestions})
  }

  // Nothing was changed: report the underlying error itself (throttling, access denied, …).
  if (done === 0 && !changedInStep && cause) return cause
  return new PartialApplyError(`apply finished partially: ${summary}${cause ? ` (${cause.message})` : ''}`, {
    cause,
    details: report,
    requestId: cause?.requestId,
    suggestions: [...suggestions, ...(cause?.suggestions ?? [])],
  })
}

export async function writePlanFile(file: string, plan: Plan<unknown, unknown>): Promise<void> {
  await writeFileAtomic(file, `${JSON.stringify(plan, null, 2)}\n`, '--plan-out')
}

/** Read a plan saved with --plan-out, checking that it is one and that it belongs to this command. */
export async function readPlanFile<B, P>(file: string, kind: string): Promise<Plan<B, P>> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new InputError(`cannot read plan file ${file}: ${(error as Error).message}`, {
      suggestions: ['Check the path given to --plan; save a plan first with --plan-out FILE.'],
    })
  }

  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw new InputError(`plan file ${file} is not valid JSON: ${(error as Error).message}`, {
      suggestions: ['Save the plan again with --plan-out FILE; do not edit it by hand.'],
    })
  }

  const plan = data as Partial<Plan<B, P>>
  if (typeof plan !== 'object' || plan === null || !Array.isArray(plan.steps) || typeof plan.kind !== 'string') {
    throw new InputError(`${file} is not a pipeops plan (no "kind" and "steps")`, {
      suggestions: ['Save a plan with --plan-out FILE.'],
    })
  }

  if (plan.formatVersion !== PLAN_FORMAT_VERSION) {
    throw new InputError(
      `${file} has plan format ${String(plan.formatVersion)}; this pipeops reads format ${PLAN_FORMAT_VERSION}`,
      {
        suggestions: ['Make the plan again with this version of pipeops.'],
      },
    )
  }

  if (plan.kind !== kind) {
    throw new InputError(`${file} is a plan for "${plan.kind}", not "${kind}"`, {
      suggestions: [`Pass it to: pipeops ${plan.kind} --plan ${file}`],
    })
  }

  for (const [i, step] of plan.steps.entries()) {
    if (typeof step?.id !== 'string' || typeof step.operation !== 'string' || typeof step.params !== 'object') {
      throw new InputError(`${file}: step ${i + 1} is malformed (needs id, operation, params)`, {
        suggestions: ['Save the plan again with --plan-out FILE.'],
      })
    }
  }

  return plan as Plan<B, P>
}

export type ApplyMode = 'confirm' | 'dry-run' | 'proceed'

/**
 * Read-only by default. `--apply` asks on a TTY; without a TTY it needs `--yes`.
 * Returns what to do; throws a usage error (exit 2) for --apply without --yes in a script.
 */
export function decideApplyMode(input: {apply: boolean; interactive: boolean; yes: boolean}): ApplyMode {
  if (!input.apply) return 'dry-run'
  if (input.yes) return 'proceed'
  if (input.interactive) return 'confirm'
  throw new UsageError('refusing to --apply in a non-interactive shell without --yes', {
    code: 'ConfirmationRequired',
    suggestions: ['Review the plan (run without --apply), then re-run with --apply --yes.'],
  })
}

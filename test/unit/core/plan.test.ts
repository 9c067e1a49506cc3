import {mkdtemp, readFile, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import {AbortedError, ExitCode, PartialApplyError, PipeopsError} from '../../../src/lib/core/errors.js'
import {
  applyPlan,
  decideApplyMode,
  type Plan,
  PLAN_FORMAT_VERSION,
  type PlanExecutor,
  readPlanFile,
  StepStoppedError,
  writePlanFile,
} from '../../../src/lib/core/plan.js'

/** A toy world: a set of names; each step adds one. */
function makePlan(names: string[], baseline: string[] = []): Plan<string[], {name: string}> {
  return {
    baseline,
    createdAt: '2026-11-22T00:00:00Z',
    formatVersion: PLAN_FORMAT_VERSION,
    kind: 'toy add',
    steps: names.map((name) => ({id: name, operation: 'Add', params: {name}, reason: `needs ${name}`})),
    summary: {},
    target: {world: 'test'},
  }
}

function makeExecutor(
  world: Set<string>,
  failOn?: {error: unknown; name: string},
): PlanExecutor<Set<string>, string[], {name: string}> & {calls: string[]} {
  const calls: string[] = []
  return {
    async applyStep(step) {
      calls.push(step.params.name)
      if (failOn && failOn.name === step.params.name) throw failOn.error
      world.add(step.params.name)
    },
    calls,
    checkStart(plan, state) {
      // Start state = baseline, possibly with some of the plan's names already added.
      const allowed = new Set([...plan.baseline, ...plan.steps.map((s) => s.params.name)])
      const unexpected = [...state].filter((n) => !allowed.has(n))
      return unexpected.length === 0 ? {ok: true} : {ok: false, reason: `unexpected ${unexpected.join(', ')}`}
    },
    isStepDone: (step, state) => state.has(step.params.name),
    async observe() {
      return new Set(world)
    },
  }
}

describe('applyPlan', () => {
  it('applies every step in order', async () => {
    const world = new Set<string>()
    const exec = makeExecutor(world)
    const events: string[] = []
    const report = await applyPlan(makePlan(['a', 'b', 'c']), exec, {
      onStep: (e) => events.push(`${e.step.id}:${e.status}`),
      resumeCommand: 'toy',
    })
    expect(report).toEqual({applied: ['a', 'b', 'c'], notRun: [], skipped: []})
    expect(exec.calls).toEqual(['a', 'b', 'c'])
    expect(events).toEqual(['a:started', 'a:applied', 'b:started', 'b:applied', 'c:started', 'c:applied'])
  })

  it('skips steps already done (resume after a partial run)', async () => {
    const world = new Set(['a', 'b'])
    const exec = makeExecutor(world)
    const report = await applyPlan(makePlan(['a', 'b', 'c']), exec, {resumeCommand: 'toy'})
    expect(report).toEqual({applied: ['c'], notRun: [], skipped: ['a', 'b']})
    expect(exec.calls).toEqual(['c'])
  })

  it('reports a partial apply with exit 7 and the resume command', async () => {
    const world = new Set<string>()
    const throttle = Object.assign(new Error('Rate exceeded'), {
      $metadata: {requestId: 'r-9'},
      name: 'ThrottlingException',
    })
    const exec = makeExecutor(world, {error: throttle, name: 'b'})
    const error = await applyPlan(makePlan(['a', 'b', 'c']), exec, {resumeCommand: 'pipeops toy --apply'}).catch(
      (error_: unknown) => error_,
    )
    expect(error).toBeInstanceOf(PartialApplyError)
    const e = error as PartialApplyError
    expect(e.exitCode).toBe(ExitCode.Partial)
    expect(e.details).toEqual({
      applied: ['a'],
      failed: {
        code: 'ThrottlingException',
        message: expect.stringContaining('Rate exceeded'),
        requestId: 'r-9',
        stepId: 'b',
      },
      notRun: ['c'],
      skipped: [],
    })
    expect(e.suggestions[0]).toBe('Run again to resume: pipeops toy --apply')
    // Re-running finishes the job.
    const again = await applyPlan(makePlan(['a', 'b', 'c']), makeExecutor(world), {resumeCommand: 'toy'})
    expect(again).toEqual({applied: ['b', 'c'], notRun: [], skipped: ['a']})
  })

  it('reports the underlying error (not "partial") when nothing was changed', async () => {
    const denied = Object.assign(new Error('not allowed'), {name: 'AccessDeniedException'})
    const error = await applyPlan(makePlan(['a']), makeExecutor(new Set(), {error: denied, name: 'a'}), {
      resumeCommand: 'toy',
    }).catch((error_: unknown) => error_)
    expect((error as PipeopsError).exitCode).toBe(ExitCode.Auth)
  })

  it('stops between steps when aborted, exit 8, state consistent', async () => {
    const world = new Set<string>()
    const controller = new AbortController()
    const exec = makeExecutor(world)
    const error = await applyPlan(makePlan(['a', 'b', 'c']), exec, {
      onStep(e) {
        if (e.step.id === 'a' && e.status === 'applied') controller.abort()
      },
      resumeCommand: 'toy',
      signal: controller.signal,
    }).catch((error_: unknown) => error_)
    expect(error).toBeInstanceOf(AbortedError)
    expect((error as AbortedError).details).toEqual({applied: ['a'], notRun: ['b', 'c'], skipped: []})
    expect([...world]).toEqual(['a'])
  })

  it('carries the entries a step could not apply in the report; the step still counts as applied', async () => {
    const world = new Set<string>()
    const exec = makeExecutor(world)
    const failure = {code: 'InvalidInputException', message: 'bad value', operation: 'Add', values: ['b']}
    const report = await applyPlan(
      makePlan(['a', 'b']),
      {
        ...exec,
        async applyStep(step, plan, signal) {
          await exec.applyStep(step, plan, signal)
          return step.id === 'b' ? {entryFailures: [failure]} : undefined
        },
      },
      {resumeCommand: 'toy'},
    )
    expect(report).toEqual({applied: ['a', 'b'], entryFailures: [failure], notRun: [], skipped: []})
  })

  it('reports a step that stopped half-way as partial (exit 7) even when it was the first, with its failed entries', async () => {
    const denied = Object.assign(new Error('not allowed'), {name: 'AccessDeniedException'})
    const failure = {code: 'ResourceNumberLimitExceededException', message: 'limit', operation: 'Add', values: ['x']}
    const halfway = makeExecutor(new Set(), {error: new StepStoppedError(denied, [failure]), name: 'a'})
    const error = await applyPlan(makePlan(['a', 'b']), halfway, {resumeCommand: 'pipeops toy'}).catch(
      (error_: unknown) => error_,
    )
    expect(error).toBeInstanceOf(PartialApplyError)
    expect((error as PartialApplyError).details).toEqual({
      applied: [],
      entryFailures: [failure],
      failed: {code: 'AccessDeniedException', message: expect.stringMatching(/not allowed/), stepId: 'a'},
      notRun: ['b'],
      skipped: [],
    })
    // A step that stopped before changing anything is reported as its cause (access denied, exit 3).
    const untouched = makeExecutor(new Set(), {error: new StepStoppedError(denied, [], false), name: 'a'})
    const cause = await applyPlan(makePlan(['a']), untouched, {resumeCommand: 'toy'}).catch((error_: unknown) => error_)
    expect((cause as PipeopsError).exitCode).toBe(ExitCode.Auth)
  })

  it('hands every executor method the plan being applied', async () => {
    const seen: string[] = []
    const plan = makePlan(['a'])
    const exec = makeExecutor(new Set())
    await applyPlan(
      plan,
      {
        ...exec,
        async applyStep(step, p, signal) {
          seen.push(`applyStep:${p === plan}`)
          return exec.applyStep(step, p, signal)
        },
        async observe(p, signal) {
          seen.push(`observe:${p === plan}`)
          return exec.observe(p, signal)
        },
      },
      {resumeCommand: 'toy'},
    )
    expect(seen).toEqual(['observe:true', 'applyStep:true', 'observe:true'])
  })

  it('refuses a plan whose start state no longer matches (exit 6)', async () => {
    const error = await applyPlan(makePlan(['a']), makeExecutor(new Set(['zzz'])), {resumeCommand: 'toy'}).catch(
      (error_: unknown) => error_,
    )
    expect((error as PipeopsError).exitCode).toBe(ExitCode.InvalidInput)
    expect((error as PipeopsError).code).toBe('PlanStale')
    expect((error as PipeopsError).message).toMatch(/unexpected zzz/)
  })
})

describe('plan files', () => {
  it('round-trips and checks kind and format', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pipeops-plan-'))
    const file = path.join(dir, 'plan.json')
    await writePlanFile(file, makePlan(['a']) as Plan<unknown, unknown>)
    expect((await readPlanFile(file, 'toy add')).steps[0]?.id).toBe('a')
    await expect(readPlanFile(file, 'kinesis reshard')).rejects.toThrow(
      /is a plan for "toy add", not "kinesis reshard"/,
    )
    await writeFile(file, '{not json')
    await expect(readPlanFile(file, 'toy add')).rejects.toThrow(/not valid JSON/)
    await writeFile(file, JSON.stringify({...makePlan(['a']), formatVersion: 99}))
    await expect(readPlanFile(file, 'toy add')).rejects.toThrow(/plan format 99/)
    await writeFile(file, JSON.stringify({hello: 1}))
    await expect(readPlanFile(file, 'toy add')).rejects.toThrow(/not a pipeops plan/)
    await expect(readPlanFile(path.join(dir, 'missing.json'), 'toy add')).rejects.toThrow(/cannot read plan file/)
    expect(JSON.parse(await readFile(path.join(dir, 'missing.json'), 'utf8').catch(() => '"absent"'))).toBe('absent')
  })
})

describe('decideApplyMode', () => {
  it('is read-only by default and needs --yes without a terminal', () => {
    expect(decideApplyMode({apply: false, interactive: true, yes: false})).toBe('dry-run')
    expect(decideApplyMode({apply: false, interactive: false, yes: true})).toBe('dry-run')
    expect(decideApplyMode({apply: true, interactive: true, yes: false})).toBe('confirm')
    expect(decideApplyMode({apply: true, interactive: true, yes: true})).toBe('proceed')
    expect(decideApplyMode({apply: true, interactive: false, yes: true})).toBe('proceed')
    expect(() => decideApplyMode({apply: true, interactive: false, yes: false})).toThrow(/without --yes/)
    try {
      decideApplyMode({apply: true, interactive: false, yes: false})
    } catch (error) {
      expect((error as PipeopsError).exitCode).toBe(ExitCode.Usage)
    }
  })
})

import {Config, Flags} from '@oclif/core'
import {captureOutput} from '@oclif/test'
import {mkdtemp, readFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {beforeAll, describe, expect, it, vi} from 'vitest'

import {BaseCommand, type ErrorEnvelope, planFlags, type SuccessEnvelope} from '../../src/base-command.js'
import {InputError, UsageError} from '../../src/lib/core/errors.js'
import {type Plan, PLAN_FORMAT_VERSION, type PlanExecutor} from '../../src/lib/core/plan.js'

/** A world of names for the plan/apply tests. */
const world = new Set<string>()

class ToyApply extends BaseCommand {
  static override flags = {
    ...planFlags,
    add: Flags.string({multiple: true, required: true}),
    fail: Flags.string(),
    'in-result': Flags.boolean({default: false}),
    'reject-entry': Flags.string(),
  }
  static override iam = []
  static override id = 'toy'

  public async run(): Promise<unknown> {
    const {flags} = await this.parse(ToyApply)
    const executor: PlanExecutor<Set<string>, string[], {name: string}> = {
      async applyStep(step) {
        if (step.params.name === flags.fail)
          throw Object.assign(new Error('Rate exceeded'), {name: 'ThrottlingException'})
        world.add(step.params.name)
        if (step.params.name !== flags['reject-entry']) return
        return {entryFailures: [{code: 'Rejected', message: 'no', operation: 'Add', values: [step.params.name]}]}
      },
      checkStart: () => ({ok: true}),
      isStepDone: (step, state) => state.has(step.params.name),
      observe: async () => new Set(world),
    }
    const run = await this.runPlan({
      executor,
      flags,
      kind: 'toy apply',
      async makePlan(): Promise<Plan<string[], {name: string}>> {
        return {
          baseline: [...world],
          createdAt: new Date().toISOString(),
          formatVersion: PLAN_FORMAT_VERSION,
          kind: 'toy apply',
          steps: flags.add
            .filter((n) => !world.has(n))
            .map((name) => ({id: name, operation: 'Add', params: {name}, reason: 'asked'})),
          summary: {},
          target: {world: 'toy'},
        }
      },
      ...(flags['in-result'] ? {partialInResult: {noun: 'name'}} : {}),
    })
    return {applied: run.report?.applied ?? [], entryFailures: run.report?.entryFailures, mode: run.mode}
  }
}

/** A flow with a guard on saved plans (like Glue's drop guard). */
class ToyGuarded extends BaseCommand {
  static override flags = {...planFlags}
  static override id = 'toy-guarded'

  public async run(): Promise<unknown> {
    const {flags} = await this.parse(ToyGuarded)
    await this.runPlan<Set<string>, string[], {name: string}>({
      executor: {
        async applyStep(step) {
          world.add(step.params.name)
        },
        checkStart: () => ({ok: true}),
        isStepDone: (step, state) => state.has(step.params.name),
        observe: async () => new Set(world),
      },
      flags,
      kind: 'toy apply',
      onSavedPlan(plan) {
        throw new UsageError(`guarded: ${plan.steps.length} step(s)`, {code: 'Guarded'})
      },
    })
    return {}
  }
}

class ToyFindings extends BaseCommand {
  static override flags = {bad: Flags.boolean({default: false}), found: Flags.boolean({default: false})}

  public async run(): Promise<unknown> {
    const {flags} = await this.parse(ToyFindings)
    if (flags.bad)
      throw new InputError('input.csv line 3: unbalanced quote', {suggestions: ['Close the quote on line 3.']})
    this.warnUser('something to know')
    if (flags.found) this.reportFindings()
    return {found: flags.found}
  }
}

/** A big result with awkward strings: the --json document must be exactly JSON.stringify's, quickly. */
class ToyBig extends BaseCommand {
  public async run(): Promise<unknown> {
    await this.parse(ToyBig)
    return {
      items: Array.from({length: 300_000}, (_, i) => ({
        id: i,
        name: `n%s "q" 売上 \\ ${i}`,
        none: null,
        ok: i % 2 === 0,
      })),
    }
  }
}

/** Shows a progress line, then prints a result and a warning: the line must be gone first. */
const progressEvents: string[] = []
class ToyProgress extends BaseCommand {
  public async run(): Promise<unknown> {
    await this.parse(ToyProgress)
    for (const label of ['reading', 'warning']) {
      const progress = this.progress()
      progress.stop = () => progressEvents.push(`stop ${label}`)
      progress.update({label})
      if (label === 'reading') this.log('the result table')
      else this.warnUser('something to know')
    }

    return {}
  }
}

/** A bug: a plain Error, mapped to exit 70. */
class ToyBug extends BaseCommand {
  public async run(): Promise<unknown> {
    await this.parse(ToyBug)
    throw new TypeError("Cannot read properties of undefined (reading 'x')")
  }
}

let config: Config
beforeAll(async () => {
  config = await Config.load(process.cwd())
})

async function run(cmd: typeof BaseCommand, argv: string[]) {
  process.exitCode = undefined
  const out = await captureOutput(async () => (cmd as unknown as typeof ToyFindings).run(argv, config))
  const exitCode =
    (out.error as undefined | {oclif?: {exit?: number}})?.oclif?.exit ??
    (typeof process.exitCode === 'number' ? process.exitCode : 0)
  process.exitCode = undefined
  return {...out, exitCode}
}

describe('BaseCommand envelope and exit codes', () => {
  it('wraps results in {status, command, result, warnings}', async () => {
    const r = await run(ToyFindings, ['--json'])
    expect(r.exitCode).toBe(0)
    const envelope = JSON.parse(r.stdout) as SuccessEnvelope<{found: boolean}>
    expect(envelope).toMatchObject({result: {found: false}, status: 'ok', warnings: ['something to know']})
    expect(r.stderr).toBe('')
  })

  it('reports findings as status "findings" and exit 1', async () => {
    const r = await run(ToyFindings, ['--json', '--found'])
    expect(r.exitCode).toBe(1)
    expect(JSON.parse(r.stdout)).toMatchObject({status: 'findings'})
  })

  it('maps domain errors to their exit code in JSON and in text, without a stack trace', async () => {
    const json = await run(ToyFindings, ['--json', '--bad'])
    expect(json.exitCode).toBe(6)
    expect((JSON.parse(json.stdout) as ErrorEnvelope).error).toEqual({
      code: 'InvalidInput',
      exitCode: 6,
      message: 'input.csv line 3: unbalanced quote',
      suggestions: ['Close the quote on line 3.'],
    })
    const text = await run(ToyFindings, ['--bad'])
    expect(text.exitCode).toBe(6)
    expect(text.stdout).toBe('')
    expect(text.stderr).toContain('Error: input.csv line 3: unbalanced quote')
    expect(text.stderr).toContain('→ Close the quote on line 3.')
    expect(text.stderr).not.toMatch(/at .*\.ts:\d+/)
  })

  it('gives usage errors exit 2, also under --json', async () => {
    const r = await run(ToyFindings, ['--json', '--no-such-flag'])
    expect(r.exitCode).toBe(2)
    expect((JSON.parse(r.stdout) as ErrorEnvelope).error).toMatchObject({code: 'UsageError', exitCode: 2})
  })

  it('prints the --json document as two-space JSON, quickly for a big result', async () => {
    const started = performance.now()
    const r = await run(ToyBig, ['--json'])
    const elapsed = performance.now() - started
    const envelope = JSON.parse(r.stdout) as SuccessEnvelope<{items: unknown[]}>
    expect(envelope.result.items).toHaveLength(300_000)
    const stringifyStarted = performance.now()
    const expected = `${JSON.stringify(envelope, null, 2)}\n`
    const stringify = performance.now() - stringifyStarted
    expect(r.stdout === expected).toBe(true)
    // oclif's own printing re-reads the text token by token: about 3 s for this document on an
    // idle machine, some 30 times a JSON.stringify of it. The bound is relative so that a busy
    // machine slows both sides alike.
    expect(elapsed).toBeLessThan(8 * stringify + 500)
  })

  it('warns on stderr for people and keeps stdout for results', async () => {
    const r = await run(ToyFindings, [])
    expect(r.stderr).toContain('Warning: something to know')
  })
})

describe('BaseCommand.runPlan', () => {
  it('is a dry run by default and changes nothing', async () => {
    world.clear()
    const r = await run(ToyApply, ['--add', 'a', '--add', 'b'])
    expect(r.exitCode).toBe(0)
    expect(r.stdout).toMatch(/Plan: toy apply \(2 steps\)/)
    expect(r.stderr).toMatch(/Dry run: nothing was changed/)
    expect(world.size).toBe(0)
  })

  it('refuses --apply without --yes when not on a terminal (exit 2)', async () => {
    world.clear()
    const r = await run(ToyApply, ['--add', 'a', '--apply', '--json'])
    expect(r.exitCode).toBe(2)
    expect((JSON.parse(r.stdout) as ErrorEnvelope).error.code).toBe('ConfirmationRequired')
    expect(world.size).toBe(0)
  })

  it('applies with --apply --yes, saves the plan, and re-applies a saved plan idempotently', async () => {
    world.clear()
    const dir = await mkdtemp(path.join(tmpdir(), 'pipeops-toy-'))
    const planFile = path.join(dir, 'plan.json')
    const planned = await run(ToyApply, ['--add', 'a', '--add', 'b', '--plan-out', planFile, '--json'])
    expect(JSON.parse(planned.stdout)).toMatchObject({result: {mode: 'dry-run'}})
    expect((JSON.parse(await readFile(planFile, 'utf8')) as Plan).steps.map((s) => s.id)).toEqual(['a', 'b'])
    const applied = await run(ToyApply, ['--add', 'x', '--plan', planFile, '--yes', '--json'])
    expect(JSON.parse(applied.stdout)).toMatchObject({result: {applied: ['a', 'b'], mode: 'applied'}})
    expect([...world].sort()).toEqual(['a', 'b'])
    const again = await run(ToyApply, ['--add', 'x', '--plan', planFile, '--yes', '--json'])
    expect(JSON.parse(again.stdout)).toMatchObject({result: {applied: [], mode: 'applied'}})
  })

  it('exits 7 with the report when an apply stops part-way', async () => {
    world.clear()
    const r = await run(ToyApply, [
      '--add',
      'a',
      '--add',
      'b',
      '--add',
      'c',
      '--fail',
      'b',
      '--apply',
      '--yes',
      '--json',
    ])
    expect(r.exitCode).toBe(7)
    const {error} = JSON.parse(r.stdout) as ErrorEnvelope
    expect(error.details).toMatchObject({
      applied: ['a'],
      failed: {code: 'ThrottlingException', stepId: 'b'},
      notRun: ['c'],
    })
    expect(error.suggestions[0]).toBe('Run again to resume: pipeops toy --add a --add b --add c --fail b --apply')
  })

  it('builds the resume command from the command line, quoted once, without --apply, --yes and --json', async () => {
    world.clear()
    const r = await run(ToyApply, [
      '--add',
      'a',
      '--add',
      "o'brien x",
      '--fail',
      "o'brien x",
      '--apply',
      '-y',
      '--json',
    ])
    expect(r.exitCode).toBe(7)
    expect((JSON.parse(r.stdout) as ErrorEnvelope).error.suggestions[0]).toBe(
      String.raw`Run again to resume: pipeops toy --add a --add 'o'\''brien x' --fail 'o'\''brien x' --apply`,
    )
  })

  it('decides exit 7 itself when entries of an applied step failed: the result, status "findings", a warning', async () => {
    world.clear()
    const r = await run(ToyApply, ['--add', 'a', '--add', 'b', '--reject-entry', 'a', '--apply', '--yes', '--json'])
    expect(r.exitCode).toBe(7)
    const envelope = JSON.parse(r.stdout) as SuccessEnvelope<{applied: string[]; entryFailures: unknown[]}>
    expect(envelope.status).toBe('findings')
    expect(envelope.result.applied).toEqual(['a', 'b'])
    expect(envelope.result.entryFailures).toEqual([{code: 'Rejected', message: 'no', operation: 'Add', values: ['a']}])
    expect(envelope.warnings).toEqual([
      '1 entry(s) were not applied; fix the cause and run again to resume: pipeops toy --add a --add b --reject-entry a --apply',
    ])
  })

  it('returns a stopped apply in the result (exit 7) for a flow that asks for it', async () => {
    world.clear()
    const r = await run(ToyApply, [
      '--add',
      'a',
      '--add',
      'b',
      '--fail',
      'b',
      '--in-result',
      '--apply',
      '--yes',
      '--json',
    ])
    expect(r.exitCode).toBe(7)
    const envelope = JSON.parse(r.stdout) as SuccessEnvelope<{applied: string[]}>
    expect(envelope.status).toBe('findings')
    expect(envelope.result.applied).toEqual(['a'])
    expect(envelope.warnings[0]).toMatch(/^apply finished partially: 1 step\(s\) applied/)
    expect(envelope.warnings[1]).toMatch(/^1 name\(s\) were not applied/)
  })

  it('reads a saved plan once and hands it to onSavedPlan before anything is printed', async () => {
    world.clear()
    const dir = await mkdtemp(path.join(tmpdir(), 'pipeops-toy-'))
    const planFile = path.join(dir, 'plan.json')
    await run(ToyApply, ['--add', 'a', '--plan-out', planFile, '--json'])
    const r = await run(ToyGuarded, ['--plan', planFile, '--yes', '--json'])
    expect(r.exitCode).toBe(2)
    expect((JSON.parse(r.stdout) as ErrorEnvelope).error).toMatchObject({
      code: 'Guarded',
      message: 'guarded: 1 step(s)',
    })
    expect(world.size).toBe(0)
  })
})

describe('BaseCommand progress lines', () => {
  it('stops the progress line before anything else is printed (no spinner frame left on screen)', async () => {
    const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY')
    Object.defineProperty(process.stderr, 'isTTY', {configurable: true, value: true})
    // Record the order of stops and writes; the progress line itself never draws (its stop is replaced).
    const spies = (['stdout', 'stderr'] as const).map((name) =>
      vi.spyOn(process[name], 'write').mockImplementation((chunk) => {
        progressEvents.push(`${name} ${String(chunk).trim()}`)
        return true
      }),
    )
    try {
      await (ToyProgress as unknown as typeof ToyFindings).run([], config)
    } finally {
      for (const spy of spies) spy.mockRestore()
      if (tty) Object.defineProperty(process.stderr, 'isTTY', tty)
      else delete (process.stderr as {isTTY?: boolean}).isTTY
    }

    expect(progressEvents.slice(0, 4)).toEqual([
      'stop reading',
      'stdout the result table',
      'stop warning',
      expect.stringMatching(/^stderr .*something to know/),
    ])
  })
})

describe('BaseCommand internal errors', () => {
  it('ask for DEBUG=1 without it, and show the stack instead of asking again when DEBUG is set', async () => {
    const saved = process.env.DEBUG
    delete process.env.DEBUG
    const plain = await run(ToyBug as never, [])
    expect(plain.exitCode).toBe(70)
    expect(plain.stderr).toMatch(/Run again with DEBUG=1/)
    expect(plain.stderr).not.toMatch(/at .*\.ts:\d+/)
    process.env.DEBUG = '1'
    try {
      const debug = await run(ToyBug as never, [])
      expect(debug.exitCode).toBe(70)
      expect(debug.stderr).not.toMatch(/DEBUG=1/)
      expect(debug.stderr).toMatch(/please report it with the stack trace below/)
      expect(debug.stderr).toMatch(/TypeError: Cannot read properties of undefined/)
    } finally {
      if (saved === undefined) delete process.env.DEBUG
      else process.env.DEBUG = saved
    }
  })
})

import {Command, Errors, Flags, type Interfaces} from '@oclif/core'
import {readFileSync} from 'node:fs'

import type {IamDeclaration} from './lib/aws/iam.js'
import type {RunContext} from './lib/core/run-context.js'

import {AWS_FLAG_NAMES, awsFlags, type AwsFlagValues} from './flags/aws.js'
import {type PlanFlagValues} from './flags/plan.js'
import {type ClientFactory, createClientFactory} from './lib/aws/clients.js'
import {diagnoseCredentialFailure} from './lib/aws/credentials-diagnosis.js'
import {resolveAwsSettings, type ResolvedAwsSettings} from './lib/aws/settings.js'
import {checkWritableFile} from './lib/core/atomic-write.js'
import {
  AbortedError,
  classifyError,
  ExitCode,
  PartialApplyError,
  type PipeopsError,
  UsageError,
} from './lib/core/errors.js'
import {compileJsonQuery, type JsonQuery} from './lib/core/json-query.js'
import {
  applyPlan,
  type ApplyReport,
  decideApplyMode,
  type Plan,
  type PlanExecutor,
  readPlanFile,
  writePlanFile,
} from './lib/core/plan.js'
import {shellQuote} from './lib/core/shell-quote.js'
import {sleep} from './lib/core/sleep.js'
import {paint, setColorEnabled, shouldUseColor} from './ui/color.js'
import {askLine, confirm} from './ui/confirm.js'
import {writeJson} from './ui/json-output.js'
import {renderApplyReport, renderPlan} from './ui/plan-table.js'
import {createProgress, type ProgressReporter} from './ui/progress.js'
import {setTerminalWidth} from './ui/table.js'

export type EnvelopeStatus = 'error' | 'findings' | 'ok'

export interface SuccessEnvelope<T> {
  command: string
  result: T
  status: Exclude<EnvelopeStatus, 'error'>
  warnings: string[]
}

export interface ErrorEnvelope {
  command: string
  error: {code: string; details?: unknown; exitCode: number; message: string; requestId?: string; suggestions: string[]}
  status: 'error'
  warnings: string[]
}

const VERSION: string = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {version: string}
).version

export const PIPEOPS_VERSION = VERSION

/** The --json error envelope of DESIGN.md (also printed by the command-not-found hook). */
export function errorEnvelopeOf(command: string, error: PipeopsError, warnings: string[]): ErrorEnvelope {
  return {
    command,
    error: {
      code: error.code,
      ...(error.details === undefined ? {} : {details: error.details}),
      exitCode: error.exitCode,
      message: error.message,
      ...(error.requestId ? {requestId: error.requestId} : {}),
      suggestions: error.suggestions,
    },
    status: 'error',
    warnings,
  }
}

/** An error for people, as printed on stderr: the message, then each suggestion. */
export function errorText(error: Pick<PipeopsError, 'message' | 'requestId' | 'suggestions'>): string {
  const lines = [`${paint('red', 'Error:')} ${error.message}`]
  for (const s of error.suggestions) lines.push(`  ${paint('dim', '→')} ${s}`)
  if (error.requestId) lines.push(`  ${paint('dim', `AWS request id: ${error.requestId}`)}`)
  return `${lines.join('\n')}\n`
}

// The shared flag sets live in src/flags/; re-exported for the commands that import them from here.
export {hideAwsFlags} from './flags/aws.js'
export {planFlags, type PlanFlagValues} from './flags/plan.js'

export interface PlanRun<B, P> {
  /** What happened: only printed, applied, or nothing to do. */
  mode: 'applied' | 'dry-run' | 'up-to-date'
  plan: Plan<B, P>
  report?: ApplyReport
}

/**
 * The one base class of pipeops commands: shared AWS flags, the --json envelope, the error → exit
 * code map, SIGINT handling, progress on stderr, and the plan/apply flow.
 */
export abstract class BaseCommand extends Command {
  static override baseFlags = {
    color: Flags.boolean({
      allowNo: true,
      default: true,
      helpGroup: 'GLOBAL',
      summary: 'Colour output on a terminal (--no-color, or NO_COLOR, turns it off).',
    }),
    ...awsFlags,
    query: Flags.string({
      helpGroup: 'GLOBAL',
      summary:
        'JMESPath expression applied to the --json result; prints the selected value as JSON (implies --json), like the AWS CLI.',
    }),
  }
  /** False for commands that never call AWS: their AWS flags are hidden and refused (see hideAwsFlags). */
  static callsAws = true
  static override enableJsonFlag = true
  /**
   * True when --format picks a rendering of the result (markdown, a policy syntax, SARIF): it and
   * --json are two outputs, so giving both is refused (exit 2), the same way on every command.
   */
  static formatIsOutput = false
  /** The IAM actions this command may call; read by `iam-policy` and `doctor`. */
  static iam: IamDeclaration = []
  protected readonly abortController = new AbortController()
  /**
   * True: Ctrl-C stops the command with exit 8 (after cleanups). Long-running views (sandbox,
   * --watch) set it to false: Ctrl-C then only aborts `abortController`, and the command returns
   * normally (exit 0).
   */
  protected exitOnInterrupt = true
  /** The clean-ups running now, if any (see runCleanups). */
  private cleaning: Promise<void> | undefined
  private cleanups: Array<() => Promise<void> | void> = []
  private findings = false
  /** False while a plan step is being applied: the first Ctrl-C then waits for the step to finish. */
  private interruptible = true
  /** Progress lines shown so far, cleared before anything else is printed. */
  private readonly liveProgress: ProgressReporter[] = []
  private readonly onSigint = (): void => {
    this.handleSigint().catch(() => {
      // handleSigint never rejects; nothing to report if it did
    })
  }
  /** The compiled --query, when one was given. */
  private query: JsonQuery | undefined
  /** The AWS settings this run resolved (for naming the profile in credential errors). */
  private resolvedAws: ResolvedAwsSettings | undefined
  private sigints = 0
  private readonly warnings: string[] = []

  /** Space-separated id, as users type it: "kinesis hot-shards". */
  protected get commandName(): string {
    return (this.id ?? '').replaceAll(':', ' ')
  }

  /** Build the client factory from the shared flags (profile, region, endpoint, retries). */
  protected async awsClients(flags: AwsFlagValues): Promise<ClientFactory> {
    return this.clientFactory(await this.awsSettings(flags))
  }

  protected async awsSettings(flags: AwsFlagValues): Promise<ResolvedAwsSettings> {
    this.resolvedAws = await resolveAwsSettings({
      endpointUrl: flags['endpoint-url'],
      env: process.env,
      maxAttempts: flags['max-attempts'],
      profile: flags.profile,
      region: flags.region,
    })
    return this.resolvedAws
  }

  protected override async catch(thrown: Error & {exitCode?: number}): Promise<unknown> {
    const diagnosed = this.resolvedAws
      ? await diagnoseCredentialFailure(thrown, this.resolvedAws).catch(() => undefined)
      : undefined
    const error = diagnosed ?? classifyError(thrown)
    process.exitCode = error.exitCode
    if (this.jsonEnabled()) {
      this.logJson(this.errorEnvelope(error))
    } else {
      this.printError(error)
    }

    // Exit quietly with the mapped code: the message is already printed.
    throw new Errors.ExitError(error.exitCode)
  }

  /** A client factory for settings a command adjusted itself (another region, the sandbox's endpoints). */
  protected clientFactory(settings: ResolvedAwsSettings): ClientFactory {
    // An MFA code is asked for only where someone can type it: a terminal, not a script or --json.
    const interactive = Boolean(process.stdin.isTTY && process.stderr.isTTY) && !this.jsonEnabled()
    return createClientFactory(settings, `pipeops/${VERSION}`, {
      mfaCode: interactive
        ? (serial) => {
            this.stopProgress()
            return askLine(`MFA code for ${serial}: `)
          }
        : undefined,
    })
  }

  protected override async finally(err: Error | undefined): Promise<void> {
    process.removeListener('SIGINT', this.onSigint)
    await this.runCleanups()
    return super.finally(err)
  }

  protected override async init(): Promise<void> {
    await super.init()
    process.on('SIGINT', this.onSigint)
    const queryExpression = optionValue(this.argv, '--query')
    if (queryExpression !== undefined) this.query = await compileJsonQuery(queryExpression)
    const colorFlag = !this.argv.includes('--no-color')
    setColorEnabled(
      !this.jsonEnabled() && shouldUseColor({env: process.env, flag: colorFlag, isTTY: Boolean(process.stdout.isTTY)}),
    )
    // Tables fit the terminal they are drawn on; a pipe or a file gets them whole.
    setTerminalWidth(process.stdout.isTTY ? process.stdout.columns : undefined)
    if (!(this.constructor as typeof BaseCommand).callsAws) this.rejectAwsFlags(this.argv, 'this command')
    const formatGiven = this.argv.some((a) => a === '--format' || a.startsWith('--format='))
    if ((this.constructor as typeof BaseCommand).formatIsOutput && formatGiven && this.jsonEnabled()) {
      throw new UsageError('--format and --json are two different outputs: choose one', {
        code: 'FormatWithJson',
        suggestions: [
          '--json prints the whole result as one JSON envelope (for scripts); --format renders it for people or a file.',
        ],
      })
    }
  }

  /** --query implies --json: the selected value is printed as JSON and nothing else. */
  override jsonEnabled(): boolean {
    return super.jsonEnabled() || (this.ctor.enableJsonFlag && optionValue(this.argv, '--query') !== undefined)
  }

  /**
   * Results on stdout end the step a progress line was showing: the line is cleared first, or the
   * terminal keeps its spinner frames (the live line's position no longer matches the screen).
   */
  override log(message?: string, ...args: unknown[]): void {
    this.stopProgress()
    super.log(message, ...args)
  }

  /**
   * The --json document, exactly as oclif prints it (two-space JSON and a newline), without
   * oclif's colouring pass: it re-reads the text with regular expressions token by token (and
   * colours nothing unless the CLI configures a JSON theme, which pipeops does not). On a big
   * result that pass was most of the run: a 60 MB lint report took 6.4–7.8 s and 2 GB, now 1.7 s
   * and 0.8 GB. console.log, like oclif, so a closed pipe (`| head`) is ignored.
   */
  override logJson(json: unknown): void {
    // In chunks: a large result is never one string (see ui/json-output.ts); same bytes as JSON.stringify(json, null, 2).
    writeJson(json, (chunk) => process.stdout.write(chunk))
  }

  /** Register work to run on exit or Ctrl-C (stop child processes, remove temp files). */
  protected onCleanup(fn: () => Promise<void> | void): void {
    this.cleanups.push(fn)
  }

  /** A progress line on stderr; silent under --json and when stderr is not a terminal. */
  protected progress(): ProgressReporter {
    const reporter = createProgress(!this.jsonEnabled() && Boolean(process.stderr.isTTY))
    this.onCleanup(() => reporter.stop())
    this.liveProgress.push(reporter)
    return reporter
  }

  /**
   * A run that makes no AWS call would silently ignore AWS flags: they are refused (exit 2), named,
   * with the reason. `argv` is the command line (before parsing) or the parsed flags.
   */
  protected rejectAwsFlags(argv: Partial<Record<string, unknown>> | string[], why: string): void {
    const names = AWS_FLAG_NAMES
    const given = Array.isArray(argv)
      ? names.filter((n) => argv.some((a) => a === `--${n}` || a.startsWith(`--${n}=`)))
      : names.filter((n) => argv[n] !== undefined)
    if (given.length === 0) return
    throw new UsageError(`${given.map((n) => `--${n}`).join(', ')}: not used by ${why}, which makes no AWS call`, {
      code: 'UnusedFlag',
      suggestions: ['Drop these flags (nothing is sent to AWS here).'],
    })
  }

  /**
   * Mark the result as findings: status "findings" and exit code 1, or `exitCode` when a result
   * stands for several inputs and one of them could not be read (the worst of them, e.g. 6).
   */
  protected reportFindings(found = true, exitCode: number = ExitCode.Findings): void {
    this.findings = found
    process.exitCode = found ? exitCode : process.exitCode === ExitCode.Findings ? undefined : process.exitCode
  }

  /**
   * The command line that repeats this run, as a shell would read it: the command and its
   * arguments, without --apply, --yes and --json (the engine appends --apply).
   */
  protected resumeCommand(): string {
    const dropped = new Set(['--apply', '--json', '--yes', '-y'])
    return ['pipeops', ...(this.id ?? '').split(':').filter(Boolean), ...this.argv.filter((a) => !dropped.has(a))]
      .map((word) => shellQuote(word))
      .join(' ')
  }

  /**
   * The run context handed to lib entry points (`fn(clients, request, ctx)`): Ctrl-C's signal, the
   * clock, an abortable sleep, one progress line, warnings and clean-up, all wired to this command.
   */
  protected runContext(): RunContext {
    const {signal} = this.abortController
    const progress = this.progress()
    return {
      now: () => new Date(),
      onCleanup: (fn) => this.onCleanup(fn),
      progress: (update) => progress.update(update),
      signal,
      sleep: (ms) => sleep(ms, signal),
      warn: (message) => this.warnUser(message),
    }
  }

  /**
   * The plan/apply flow (docs/architecture.md, "Plan and apply"): build (or load with --plan) a plan, save it with --plan-out,
   * print it, and apply it only with --apply (confirmed on a TTY, --yes in scripts). Exit 7 (a partial apply) is decided here.
   */
  protected async runPlan<S, B, P>(options: {
    executor: PlanExecutor<S, B, P>
    flags: PlanFlagValues
    /** The flow's PLAN_KIND; a saved plan of another kind is refused. */
    kind: string
    /** Computes the plan; optional where the command only applies saved plans (--plan FILE). */
    makePlan?: () => Promise<Plan<B, P>>
    /** Checks a plan read with --plan before anything is printed or applied (guards, quotas, where it applies). */
    onSavedPlan?: (plan: Plan<B, P>) => Promise<void> | void
    /**
     * Set when the flow's result shows what happened to each entry: a partial apply (entries that
     * failed, or a step stopped half-way) is then returned in the result with exit 7 and a warning
     * naming how many `noun`s were not applied, instead of an error envelope.
     */
    partialInResult?: {noun: string}
    /** Rendering of the plan for people; defaults to the generic step table. */
    render?: (plan: Plan<B, P>) => string
  }): Promise<PlanRun<B, P>> {
    const {flags} = options
    if (flags['plan-out']) await checkWritableFile(flags['plan-out'], '--plan-out')
    let plan: Plan<B, P>
    if (flags.plan) {
      plan = await readPlanFile<B, P>(flags.plan, options.kind)
      await options.onSavedPlan?.(plan)
    } else if (options.makePlan) {
      plan = await options.makePlan()
    } else {
      throw new Error('runPlan needs makePlan when no --plan FILE is given')
    }

    if (flags['plan-out']) await writePlanFile(flags['plan-out'], plan as Plan<unknown, unknown>)
    this.log((options.render ?? renderPlan)(plan))
    if (flags['plan-out']) this.logToStderr(`Plan saved to ${flags['plan-out']}.`)
    if (plan.steps.length === 0) return {mode: 'up-to-date', plan}
    const mode = decideApplyMode({
      apply: flags.apply || Boolean(flags.plan),
      interactive: Boolean(process.stdin.isTTY && process.stderr.isTTY),
      yes: Boolean(flags.yes),
    })
    if (mode === 'dry-run') {
      this.logToStderr(paint('dim', 'Dry run: nothing was changed. Re-run with --apply to make these changes.'))
      return {mode, plan}
    }

    if (
      mode === 'confirm' &&
      !(await confirm(`Apply ${plan.steps.length} step(s) to ${Object.values(plan.target).join(' / ')}?`))
    ) {
      throw new AbortedError('confirmation declined: nothing was changed')
    }

    return {mode: 'applied', plan, report: await this.applyAndReport(plan, options.executor, options.partialInResult)}
  }

  protected override toErrorJson(err: unknown): unknown {
    return this.errorEnvelope(classifyError(err))
  }

  /** --json's envelope, or with --query only the value the expression selects from its result. */
  protected override toSuccessJson<T>(result: T): unknown {
    if (this.query) {
      try {
        return this.query.select(result)
      } catch (error) {
        // Selection runs after the command's work, outside oclif's error path: the failure is
        // still one JSON document on stdout and the usage exit code.
        const failure = classifyError(error)
        process.exitCode = failure.exitCode
        return this.errorEnvelope(failure)
      }
    }

    const envelope: SuccessEnvelope<T> = {
      command: this.commandName,
      result,
      status: this.findings ? 'findings' : 'ok',
      warnings: this.warnings,
    }
    return envelope
  }

  /**
   * oclif's own warnings (a deprecated flag spelling) go where pipeops' go: stderr for people, the
   * envelope's `warnings` under --json (oclif would drop them there).
   */
  override warn(input: Error | string): Error | string {
    this.warnUser(typeof input === 'string' ? input : input.message)
    return input
  }

  /** A warning: on stderr for people, in the envelope's `warnings` under --json. */
  protected warnUser(message: string): void {
    this.warnings.push(message)
    if (this.jsonEnabled()) return
    this.stopProgress()
    process.stderr.write(`${paint('yellow', 'Warning:')} ${message}\n`)
  }

  /** Apply a confirmed plan, print the report, and mark a partial apply (exit 7): the one place that decides it. */
  private async applyAndReport<S, B, P>(
    plan: Plan<B, P>,
    executor: PlanExecutor<S, B, P>,
    partialInResult: undefined | {noun: string},
  ): Promise<ApplyReport> {
    const progress = this.progress()
    const resumeCommand = `${this.resumeCommand()} --apply`
    let report: ApplyReport
    this.interruptible = false
    try {
      report = await applyPlan(plan, executor, {
        onStep: (e) =>
          progress.update({
            detail: e.step.operation,
            done: e.index + (e.status === 'started' ? 0 : 1),
            label: 'Applying',
            total: e.total,
          }),
        resumeCommand,
        signal: this.abortController.signal,
      })
      progress.stop()
      this.log(renderApplyReport(report))
    } catch (error) {
      if (!partialInResult || !(error instanceof PartialApplyError)) throw error
      report = error.details as ApplyReport
      this.warnUser(error.message)
    } finally {
      progress.stop()
      this.interruptible = true
    }

    const notApplied = (report.entryFailures?.length ?? 0) + (report.failed ? 1 : 0)
    if (notApplied > 0) {
      this.reportFindings()
      process.exitCode = ExitCode.Partial
      this.warnUser(
        `${notApplied} ${partialInResult?.noun ?? 'entry'}(s) were not applied; fix the cause and run again to resume: ${resumeCommand}`,
      )
    }

    return report
  }

  private errorEnvelope(error: PipeopsError): ErrorEnvelope {
    return errorEnvelopeOf(this.commandName, error, this.warnings)
  }

  private async handleSigint(): Promise<void> {
    this.sigints++
    this.abortController.abort()
    if (!this.exitOnInterrupt && this.sigints === 1) return
    if (!this.interruptible && this.sigints === 1) {
      process.stderr.write(
        '\nInterrupted: finishing the current step so state stays consistent (Ctrl-C again to stop now).\n',
      )
      return
    }

    await this.runCleanups()
    const error = new AbortedError('interrupted by Ctrl-C', {
      suggestions: ['Run the command again; apply commands resume where they stopped.'],
    })
    if (this.jsonEnabled()) this.logJson(this.errorEnvelope(error))
    else this.printError(error)
    process.exit(ExitCode.Aborted)
  }

  private printError(error: PipeopsError): void {
    // With DEBUG set the stack follows: "run again with DEBUG=1" would send the user in a circle.
    const suggestions = process.env.DEBUG
      ? error.suggestions.map((x) =>
          x.includes('DEBUG=1') ? 'This is a bug in pipeops: please report it with the stack trace below.' : x,
        )
      : error.suggestions
    process.stderr.write(errorText({message: error.message, requestId: error.requestId, suggestions}))
    if (error.exitCode === ExitCode.Internal && process.env.DEBUG) {
      const cause = error.cause instanceof Error ? error.cause : error
      process.stderr.write(`${cause.stack ?? String(cause)}\n`)
    }
  }

  private async runCleanups(): Promise<void> {
    // Ctrl-C and the command's own end can both ask: the later call waits for the clean-ups already
    // running, so the process never exits half-way through them (e.g. before a folder is removed).
    await this.cleaning
    const pending = this.cleanups.reverse()
    this.cleanups = []
    if (pending.length === 0) return
    this.cleaning = (async () => {
      for (const fn of pending) {
        try {
          await fn()
        } catch {
          // Cleanup is best effort: one failure must not stop the others or hide the real error.
        }
      }
    })()
    await this.cleaning
  }

  private stopProgress(): void {
    for (const p of this.liveProgress.splice(0)) p.stop()
  }
}

export type BaseFlags = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags']>

/** The value of `--name VALUE` or `--name=VALUE` before any `--`; undefined when absent. */
function optionValue(argv: string[], name: string): string | undefined {
  const end = argv.includes('--') ? argv.indexOf('--') : argv.length
  for (let i = 0; i < end; i++) {
    const arg = argv[i]!
    if (arg === name) return argv[i + 1] ?? ''
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1)
  }

  return undefined
}

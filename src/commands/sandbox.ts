import {Flags} from '@oclif/core'
import {spawn} from 'node:child_process'
import {once} from 'node:events'
import {rm} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import type {SandboxResult, TourStep, TourStepResult} from '../lib/sandbox/types.js'

import {BaseCommand, hideAwsFlags} from '../base-command.js'
import {onlyWith} from '../flags/relations.js'
import {resolveAwsSettings} from '../lib/aws/settings.js'
import {prepareOutputDir} from '../lib/core/atomic-write.js'
import {AbortedError, ExitCode, PipeopsError, UsageError} from '../lib/core/errors.js'
import {exportLines, runSeeds, startSandbox} from '../lib/sandbox/sandbox.js'
import {SEEDS} from '../lib/sandbox/seeds/index.js'
import {keepProducing} from '../lib/sandbox/seeds/kinesis.js'
import {TOUR} from '../lib/sandbox/tour.js'
import {paint} from '../ui/color.js'
import {renderSandboxReady, renderTourHeader} from '../ui/sandbox.js'

export default class Sandbox extends BaseCommand {
  // No AWS call: --region, --profile, --endpoint-url, --max-attempts are not offered, and refused if given.
  static override baseFlags = hideAwsFlags(BaseCommand.baseFlags)
  static override callsAws = false
  static override description =
    'Starts kinesis-local (Kinesis), s3rver (S3), dynalite (DynamoDB) and a local STS on 127.0.0.1 only, seeds demo data for every flow, and prints the export lines that point pipeops and the AWS CLI at them. Runs until Ctrl-C, then stops its processes. With --demo it runs a scripted tour of pipeops against the sandbox and exits.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --kinesis-port 14567 --s3-port 14569 --sts-port 14570',
    '<%= config.bin %> <%= command.id %> --demo',
  ]
  static override flags = {
    demo: Flags.boolean({default: false, summary: 'Run the scripted tour against a fresh sandbox, then stop it.'}),
    dir: Flags.string({
      summary:
        "Folder for the sandbox's S3 data and demo files (default: a pipeops-sandbox folder in the temp directory).",
    }),
    'dynamodb-port': Flags.integer({
      max: 65_535,
      min: 0,
      summary: 'Port of the DynamoDB emulator, dynalite (default 4568; 0 = any free port).',
    }),
    keep: Flags.boolean({
      ...onlyWith('demo'),
      summary: "With --demo: keep the demo's temporary folder (removed at the end and on Ctrl-C otherwise).",
    }),
    'kinesis-port': Flags.integer({
      max: 65_535,
      min: 0,
      summary: 'Port of the Kinesis emulator (default 4567; 0 = any free port).',
    }),
    's3-port': Flags.integer({
      max: 65_535,
      min: 0,
      summary: 'Port of the S3 emulator (default 4569; 0 = any free port).',
    }),
    seed: Flags.boolean({
      allowNo: true,
      default: true,
      summary: 'Create the demo data (--no-seed starts empty emulators).',
    }),
    'sts-port': Flags.integer({
      max: 65_535,
      min: 0,
      summary: 'Port of the local STS (default 4570; 0 = any free port).',
    }),
  }
  static override summary = 'Run local Kinesis and S3 emulators with demo data, or a guided demo.'
  protected override exitOnInterrupt = false

  public async run(): Promise<SandboxResult | undefined> {
    const {flags} = await this.parse(Sandbox)
    // The tour uses free ports so it never collides with a sandbox already running.
    const port = (value: number | undefined, fallback: number) => value ?? (flags.demo ? 0 : fallback)
    const workDir = path.resolve(
      flags.dir ?? path.join(tmpdir(), `pipeops-sandbox${flags.demo ? `-demo-${process.pid}` : ''}`),
    )
    const ports = {
      dynamodb: port(flags['dynamodb-port'], 4568),
      kinesis: port(flags['kinesis-port'], 4567),
      s3: port(flags['s3-port'], 4569),
      sts: port(flags['sts-port'], 4570),
    }
    refuseSharedPorts(ports)
    // Ctrl-C stops a demo (exit 8) at once, whatever it is doing: the running tour step is killed,
    // the emulators stopped and the demo folder removed by the clean-ups. A plain sandbox runs until
    // Ctrl-C, which is its normal end (exit 0).
    if (flags.demo) this.exitOnInterrupt = true
    // The folder is checked before anything starts: a read-only one is named, not blamed on ports.
    const {created} = await prepareOutputDir(workDir, flags.dir ? '--dir' : 'the sandbox folder')
    // A demo's own temp folder (about 30 MB) goes when the demo ends or is interrupted, unless --keep.
    // Registered before the emulators' stop, so it runs after it (cleanups run last-registered first).
    if (flags.demo && !flags.keep && !flags.dir && created)
      this.onCleanup(() => rm(workDir, {force: true, recursive: true}))
    const progress = this.progress()
    progress.update({label: 'Starting kinesis-local, s3rver, dynalite and STS on 127.0.0.1'})
    const starting = startSandbox({
      dataDir: workDir,
      env: process.env,
      ports,
      signal: this.abortController.signal,
    })
    // Registered before the start ends, so Ctrl-C during the start waits for the emulators to be gone
    // (and only then removes the demo folder, which s3rver would otherwise recreate).
    this.onCleanup(() =>
      starting.then(
        (s) => s.stop(),
        () => {},
      ),
    )
    const sandbox = await starting.catch((error: unknown) => {
      // Killed by Ctrl-C while starting: an interruption (exit 8), not a failure to start.
      if (this.abortController.signal.aborted) throw new AbortedError('interrupted by Ctrl-C')
      throw new PipeopsError(ExitCode.Usage, `cannot start the sandbox: ${(error as Error).message}`, {
        cause: error,
        code: 'SandboxStartFailed',
        suggestions: [
          'Is another sandbox running? Stop it, or choose other ports with --kinesis-port, --s3-port and --sts-port.',
        ],
      })
    })

    // This process talks to the sandbox like any other client would: through the exported variables.
    Object.assign(process.env, sandbox.env)
    const clients = this.clientFactory(await resolveAwsSettings({env: process.env, maxAttempts: 3}))
    progress.update({label: 'Seeding demo data'})
    const resources = flags.seed
      ? await runSeeds(SEEDS, {
          dynamodb: await clients.create('dynamodb'),
          kinesis: await clients.create('kinesis'),
          log: (message) => progress.update({detail: message, label: 'Seeding demo data'}),
          s3: await clients.create('s3'),
          workDir,
        })
      : []
    progress.stop()
    const result: SandboxResult = {endpoints: sandbox.endpoints, exports: exportLines(sandbox.env), resources, workDir}

    if (flags.demo) {
      result.tour = await this.runTour(TOUR, sandbox.env, workDir)
      const failed = result.tour.filter((s) => !s.ok)
      if (failed.length > 0) {
        throw new PipeopsError(
          ExitCode.Internal,
          `the demo tour failed at: ${failed.map((s) => `"${s.title}" (exit ${s.exitCode})`).join(', ')}`,
          {
            details: result,
            suggestions: [
              'This is a bug in pipeops or its demo data; run the failing command by hand against `pipeops sandbox` to see it.',
            ],
          },
        )
      }

      if (!this.jsonEnabled())
        this.log(paint('green', `\n✔ Tour finished: ${result.tour.length} steps. The sandbox has been stopped.`))
      return result
    }

    if (this.jsonEnabled()) this.logJson(this.toSuccessJson(result))
    else {
      this.log(renderSandboxReady(result))
      process.stderr.write(paint('dim', 'Sandbox running. Press Ctrl-C to stop it.\n'))
    }

    // The demo stream stays hot while the sandbox runs (the producer stops with Ctrl-C).
    const producing = flags.seed
      ? keepProducing(await clients.create('kinesis'), {
          onError: (m) => this.warnUser(m),
          signal: this.abortController.signal,
        })
      : undefined
    if (!this.abortController.signal.aborted) await once(this.abortController.signal, 'abort')
    await producing
    if (!this.jsonEnabled()) process.stderr.write('\nStopping the sandbox…\n')
    // The envelope was printed when the sandbox became ready; nothing more goes to stdout.
    return undefined
  }

  /** Run each tour step as a real `pipeops` process against the sandbox. */
  private async runTour(
    steps: readonly TourStep[],
    env: Record<string, string>,
    workDir: string,
  ): Promise<TourStepResult[]> {
    const results: TourStepResult[] = []
    for (const [i, step] of steps.entries()) {
      const argv = step.argv.map((a) => a.replaceAll('{workDir}', workDir))
      if (!this.jsonEnabled()) this.log(renderTourHeader(i + 1, steps.length, step, argv))
      const started = Date.now()
      // Steps run in order: later ones build on what earlier ones changed (plan, then apply).
      const exitCode = await runCli(
        argv,
        {...process.env, ...env, FORCE_COLOR: process.stdout.isTTY && !this.jsonEnabled() ? '1' : '0'},
        this.jsonEnabled(),
        this.abortController.signal,
      )
      results.push({
        argv,
        durationMs: Date.now() - started,
        exitCode,
        ok: (step.expectExit ?? [0]).includes(exitCode),
        title: step.title,
      })
      if (this.abortController.signal.aborted) break
    }

    return results
  }
}

/** The pipeops entry point of this installation: built bin/run.js, or bin/dev.js with tsx from sources. */
function cliInvocation(): string[] {
  const here = fileURLToPath(import.meta.url)
  const root = path.resolve(path.dirname(here), '..', '..')
  return here.endsWith('.ts')
    ? ['--import', 'tsx', path.join(root, 'bin', 'dev.js')]
    : [path.join(root, 'bin', 'run.js')]
}

async function runCli(
  argv: string[],
  env: Record<string, string | undefined>,
  quiet: boolean,
  abort: AbortSignal,
): Promise<number> {
  const child = spawn(process.execPath, [...cliInvocation(), ...argv], {
    env,
    signal: abort,
    stdio: quiet ? 'ignore' : 'inherit',
  })
  // An aborted spawn emits 'error' (AbortError) beside 'exit': the exit code below is what counts.
  child.on('error', () => {})
  const [code, signal] = (await once(child, 'exit')) as [null | number, NodeJS.Signals | null]
  return code ?? (signal ? 128 : 1)
}

/** Two emulators cannot share a port: the second would answer the first one's clients (raw SDK errors). */
function refuseSharedPorts(ports: {dynamodb: number; kinesis: number; s3: number; sts: number}): void {
  const named = [
    ['--dynamodb-port', ports.dynamodb],
    ['--kinesis-port', ports.kinesis],
    ['--s3-port', ports.s3],
    ['--sts-port', ports.sts],
  ] as const
  for (const [i, [flagA, a]] of named.entries()) {
    const clash = named.slice(i + 1).find(([, b]) => a !== 0 && b === a)
    if (clash) {
      throw new UsageError(`${flagA} and ${clash[0]} are both ${a}: each emulator needs its own port`, {
        code: 'SandboxPortsEqual',
        suggestions: ['Give different ports, or 0 for any free port.'],
      })
    }
  }
}

import {runCommand} from '@oclif/test'

import type {ErrorEnvelope, SuccessEnvelope} from '../../src/base-command.js'

export interface JsonRun<T> {
  envelope: ErrorEnvelope | SuccessEnvelope<T>
  exitCode: number
  stderr: string
  stdout: string
}

/**
 * Run a command with --json through oclif (as the CLI would) and return the parsed envelope and
 * the exit code that the process would exit with.
 */
export async function runJson<T = unknown>(argv: string[]): Promise<JsonRun<T>> {
  process.exitCode = undefined
  const {error, stderr, stdout} = await runCommand([...argv, '--json'])
  const exitCode =
    (error as undefined | {oclif?: {exit?: number}})?.oclif?.exit ??
    (typeof process.exitCode === 'number' ? process.exitCode : 0)
  process.exitCode = undefined
  let envelope: JsonRun<T>['envelope']
  try {
    envelope = JSON.parse(stdout) as JsonRun<T>['envelope']
  } catch {
    throw new Error(
      `stdout is not one JSON document (exit ${exitCode}):\n${stdout}\nstderr:\n${stderr}\nerror: ${String(error?.stack ?? error)}`,
    )
  }

  return {envelope, exitCode, stderr, stdout}
}

export interface TextRun {
  exitCode: number
  stderr: string
  stdout: string
}

/** Run a command for people (no --json) and return its output and exit code. */
export async function runText(argv: string[]): Promise<TextRun> {
  process.exitCode = undefined
  const {error, stderr, stdout} = await runCommand(argv)
  const exitCode =
    (error as undefined | {oclif?: {exit?: number}})?.oclif?.exit ??
    (typeof process.exitCode === 'number' ? process.exitCode : 0)
  process.exitCode = undefined
  return {exitCode, stderr, stdout}
}

/** Narrow an envelope to success and return its result (fails the test otherwise). */
export function resultOf<T>(run: JsonRun<T>): T {
  if (run.envelope.status === 'error') {
    throw new Error(`expected success, got ${JSON.stringify(run.envelope.error, null, 2)}`)
  }

  return run.envelope.result
}

export function errorOf(run: JsonRun<unknown>): ErrorEnvelope['error'] {
  if (run.envelope.status !== 'error')
    throw new Error(`expected an error, got ${JSON.stringify(run.envelope, null, 2)}`)
  return run.envelope.error
}

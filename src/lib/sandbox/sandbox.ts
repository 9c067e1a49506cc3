/**
 * The local sandbox: kinesis-local, s3rver, dynalite and a GetCallerIdentity-only STS, all on 127.0.0.1,
 * plus the environment that points pipeops (and the AWS CLI) at them.
 */
import {mkdir} from 'node:fs/promises'
import path from 'node:path'

import type {Seed, SeedContext, SeededResource} from './types.js'

import {type EmulatorHandle, startDynalite, startKinesisLocal, startS3rver} from './emulators.js'
import {startStsStub, type StsStubHandle} from './sts-stub.js'

export const SANDBOX_REGION = 'us-east-1'

export interface SandboxPorts {
  dynamodb: number
  kinesis: number
  s3: number
  sts: number
}

export interface SandboxEndpoints {
  dynamodb?: string
  kinesis: string
  s3: string
  sts: string
}

export interface RunningSandbox {
  endpoints: SandboxEndpoints
  /** The variables that point every pipeops command and the AWS CLI at this sandbox. */
  env: Record<string, string>
  pids: number[]
  stop(): Promise<void>
}

export async function startSandbox(options: {
  dataDir: string
  env: Readonly<Record<string, string | undefined>>
  onOutput?: (line: string) => void
  ports: SandboxPorts
  /** Ctrl-C: the emulators are killed at once, also while they are still starting. */
  signal?: AbortSignal
}): Promise<RunningSandbox> {
  await mkdir(options.dataDir, {recursive: true})
  const started: Array<EmulatorHandle | StsStubHandle> = []
  const stopAll = async () => {
    await Promise.all(started.map((h) => h.stop()))
  }

  try {
    const childEnv = {HOME: options.env.HOME, PATH: options.env.PATH}
    const [kinesis, s3, sts, dynamodb] = await Promise.all([
      startKinesisLocal({
        env: childEnv,
        onOutput: options.onOutput,
        port: options.ports.kinesis,
        signal: options.signal,
      }).then((h) => {
        started.push(h)
        return h
      }),
      startS3rver({
        directory: path.join(options.dataDir, 's3'),
        env: childEnv,
        onOutput: options.onOutput,
        port: options.ports.s3,
        signal: options.signal,
      }).then((h) => {
        started.push(h)
        return h
      }),
      startStsStub(options.ports.sts).then((h) => {
        started.push(h)
        return h
      }),
      startDynalite({
        env: childEnv,
        onOutput: options.onOutput,
        port: options.ports.dynamodb,
        signal: options.signal,
      }).then((h) => {
        started.push(h)
        return h
      }),
    ])
    const endpoints = {dynamodb: dynamodb.url, kinesis: kinesis.url, s3: s3.url, sts: sts.url}
    return {endpoints, env: sandboxEnv(endpoints), pids: [kinesis.pid, s3.pid, dynamodb.pid], stop: stopAll}
  } catch (error) {
    await stopAll()
    throw error
  }
}

export function sandboxEnv(endpoints: SandboxEndpoints): Record<string, string> {
  return {
    // s3rver accepts only its built-in key pair; kinesis-local and the STS stub accept any.
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_EC2_METADATA_DISABLED: 'true',
    // Every service without an emulator goes to the local stub, which refuses politely: nothing leaves 127.0.0.1.
    AWS_ENDPOINT_URL: endpoints.sts,
    ...(endpoints.dynamodb ? {AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb} : {}),
    AWS_ENDPOINT_URL_KINESIS: endpoints.kinesis,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_STS: endpoints.sts,
    AWS_REGION: SANDBOX_REGION,
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
  }
}

/** `export NAME=value` lines for a POSIX shell (values here never need quoting). */
export function exportLines(env: Record<string, string>): string[] {
  return Object.entries(env).map(([k, v]) => `export ${k}=${v}`)
}

/** Run every seed in order; each is idempotent, so a restarted sandbox converges to the same state. */
export async function runSeeds(
  seeds: readonly Seed[],
  context: SeedContext,
): Promise<Array<SeededResource & {seed: string}>> {
  const resources: Array<SeededResource & {seed: string}> = []
  for (const seed of seeds) {
    // Seeds run one after another: their log lines stay readable and emulators are not flooded.
    for (const r of await seed.run(context)) resources.push({...r, seed: seed.name})
  }

  return resources
}

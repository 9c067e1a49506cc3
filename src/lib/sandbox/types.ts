import type {DynamoDBClient} from '@aws-sdk/client-dynamodb'
import type {KinesisClient} from '@aws-sdk/client-kinesis'
import type {S3Client} from '@aws-sdk/client-s3'

import type {SandboxEndpoints} from './sandbox.js'

/** What a seed gets: clients pointed at the sandbox's emulators and a folder for local demo files. */
export interface SeedContext {
  /** dynalite (absent: the seeds that need DynamoDB do nothing). */
  dynamodb?: DynamoDBClient | undefined
  kinesis: KinesisClient
  /** Progress messages for the person watching (stderr). */
  log: (message: string) => void
  s3: S3Client
  /** The sandbox's own folder (kept between runs): local demo inputs go here. */
  workDir: string
}

export interface SeededResource {
  /** e.g. "Kinesis stream", "S3 bucket", "local file". */
  kind: string
  name: string
  note?: string
}

/** Demo data of one flow. Seeds must be idempotent: a second run leaves the same state. */
export interface Seed {
  name: string
  run(context: SeedContext): Promise<SeededResource[]>
}

/** One stop of `pipeops sandbox --demo`: a real pipeops command line, run against the sandbox. */
export interface TourStep {
  /** pipeops arguments; `{workDir}` is replaced with the sandbox folder. */
  argv: string[]
  /** Exit codes that mean the step worked (1 = findings is the point of many demos). */
  expectExit?: number[]
  explain: string
  title: string
}

/** How one tour step went. */
export interface TourStepResult {
  argv: string[]
  durationMs: number
  exitCode: number
  ok: boolean
  title: string
}

/** What `pipeops sandbox` started and seeded (its --json data; the text view draws it). */
export interface SandboxResult {
  endpoints: SandboxEndpoints
  exports: string[]
  resources: Array<SeededResource & {seed: string}>
  tour?: TourStepResult[]
  workDir: string
}

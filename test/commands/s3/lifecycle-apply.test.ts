import {
  GetBucketLifecycleConfigurationCommand,
  type LifecycleRule,
  PutBucketLifecycleConfigurationCommand,
  type PutBucketLifecycleConfigurationCommandInput,
  S3Client,
} from '@aws-sdk/client-s3'
import {mockClient} from 'aws-sdk-client-mock'
import {existsSync, mkdtempSync, readFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {beforeEach, describe, expect, it} from 'vitest'

import type {BackupFile} from '../../../src/lib/s3/lifecycle/apply.js'

import S3LifecycleGenerate, {type GenerateCommandResult} from '../../../src/commands/s3/lifecycle/generate.js'
import {CLASSIC_GENERATE} from '../../fixtures/s3-lifecycle/classic-argv.js'
import {useTestAwsEnv} from '../../helpers/aws-env.js'
import {expectCallsDeclared} from '../../helpers/iam.js'
import {errorOf, resultOf, runJson, runText} from '../../helpers/run.js'

const s3 = mockClient(S3Client)
const CLASSIC = [...CLASSIC_GENERATE, '--bucket', 'lake']

let stored: undefined | {Rules: LifecycleRule[]; TransitionDefaultMinimumObjectSize?: string}
let dir: string

function noSuch(): Error {
  return Object.assign(new Error('The lifecycle configuration does not exist'), {
    $metadata: {httpStatusCode: 404},
    name: 'NoSuchLifecycleConfiguration',
  })
}

/** A bucket that stores what is PUT and returns it on GET, as S3 does. */
function fakeBucket(initial?: {Rules: LifecycleRule[]}): void {
  stored = initial
  s3.on(GetBucketLifecycleConfigurationCommand).callsFake(() => {
    if (!stored) throw noSuch()
    return {TransitionDefaultMinimumObjectSize: 'all_storage_classes_128K', ...structuredClone(stored)}
  })
  s3.on(PutBucketLifecycleConfigurationCommand).callsFake((input: PutBucketLifecycleConfigurationCommandInput) => {
    stored = {Rules: structuredClone(input.LifecycleConfiguration!.Rules!)}
    return {}
  })
}

const OTHER: LifecycleRule = {Expiration: {Days: 30}, Filter: {Prefix: 'tmp/'}, ID: 'tmp-cleanup', Status: 'Enabled'}
const OLD: LifecycleRule = {
  Filter: {Prefix: 'raw/csv/'},
  ID: 'raw-csv-lifecycle',
  Status: 'Enabled',
  Transitions: [{Days: 90, StorageClass: 'STANDARD_IA'}],
}

describe('s3 lifecycle generate --apply', () => {
  useTestAwsEnv()

  beforeEach(() => {
    s3.reset()
    dir = mkdtempSync(path.join(tmpdir(), 's3lc-apply-'))
  })

  it('treats NoSuchLifecycleConfiguration as empty, backs up "none", PUTs and verifies', async () => {
    fakeBucket()
    const backup = path.join(dir, 'backup.json')
    const run = await runJson<GenerateCommandResult>([...CLASSIC, '--apply', '--yes', '--backup-out', backup])
    expect(run.exitCode).toBe(0)
    const result = resultOf(run)
    expect(result.apply).toMatchObject({
      backupFile: backup,
      bucket: 'lake',
      mode: 'applied',
      rulesAfter: 1,
      verified: true,
    })
    expect(result.apply!.changes.map((c) => [c.id, c.change])).toEqual([['raw-csv-lifecycle', 'add']])
    const saved = JSON.parse(readFileSync(backup, 'utf8')) as BackupFile
    expect(saved).toMatchObject({
      bucket: 'lake',
      configuration: null,
      restore: 'aws s3api delete-bucket-lifecycle --bucket lake',
    })
    expect(s3.commandCalls(PutBucketLifecycleConfigurationCommand)[0]!.args[0].input).toEqual({
      Bucket: 'lake',
      LifecycleConfiguration: {
        Rules: [
          {
            Filter: {Prefix: 'raw/csv/'},
            ID: 'raw-csv-lifecycle',
            Status: 'Enabled',
            Transitions: [
              {Days: 180, StorageClass: 'STANDARD_IA'},
              {Days: 730, StorageClass: 'GLACIER'},
            ],
          },
        ],
      },
    })
    // GET (plan), GET (engine observe), PUT, GET (verify).
    expect(s3.calls().map((c) => (c.args[0] as object).constructor.name)).toEqual([
      'GetBucketLifecycleConfigurationCommand',
      'GetBucketLifecycleConfigurationCommand',
      'PutBucketLifecycleConfigurationCommand',
      'GetBucketLifecycleConfigurationCommand',
    ])
    expect((run.envelope as {warnings: string[]}).warnings.join(' ')).toMatch(/up to 48 hours/)
    expectCallsDeclared(S3LifecycleGenerate.iam, {s3})
  })

  it('merges by rule id: replaces the same id, keeps the others, and backs up the previous configuration', async () => {
    fakeBucket({Rules: [OTHER, OLD]})
    const backup = path.join(dir, 'b.json')
    const result = resultOf(
      await runJson<GenerateCommandResult>([...CLASSIC, '--apply', '--yes', '--backup-out', backup]),
    )
    expect(result.apply!.changes.map((c) => [c.id, c.change])).toEqual([
      ['tmp-cleanup', 'keep'],
      ['raw-csv-lifecycle', 'replace'],
    ])
    expect(result.apply!.changes[1]!.fields).toEqual(['Transitions'])
    const put = s3.commandCalls(PutBucketLifecycleConfigurationCommand)[0]!.args[0].input
    expect(put.LifecycleConfiguration!.Rules!.map((r) => r.ID)).toEqual(['tmp-cleanup', 'raw-csv-lifecycle'])
    expect(put.LifecycleConfiguration!.Rules![1]!.Transitions).toHaveLength(2)
    const saved = JSON.parse(readFileSync(backup, 'utf8')) as BackupFile
    expect(saved.configuration!.Rules.map((r) => r.ID)).toEqual(['tmp-cleanup', 'raw-csv-lifecycle'])
    expect(saved.configuration!.Rules[1]!.Transitions).toEqual([{Days: 90, StorageClass: 'STANDARD_IA'}])
  })

  it('--replace-all drops the rules the new policy does not contain', async () => {
    fakeBucket({Rules: [OTHER, OLD]})
    const result = resultOf(
      await runJson<GenerateCommandResult>([
        ...CLASSIC,
        '--apply',
        '--yes',
        '--replace-all',
        '--backup-out',
        path.join(dir, 'b.json'),
      ]),
    )
    expect(result.apply!.changes.map((c) => c.change)).toEqual(['remove', 'replace'])
    expect(stored!.Rules.map((r) => r.ID)).toEqual(['raw-csv-lifecycle'])
  })

  it('shows the diff without changing anything unless --apply (dry run), and writes no backup', async () => {
    fakeBucket({Rules: [OTHER]})
    const backup = path.join(dir, 'b.json')
    // A backup is written only by an apply: beside --diff, --backup-out would be ignored, so it is refused.
    const refused = await runJson([...CLASSIC, '--diff', '--backup-out', backup])
    expect(refused.exitCode).toBe(2)
    expect(errorOf(refused)).toMatchObject({
      code: 'UnusedFlag',
      message: expect.stringMatching(/^--backup-out is used only with --apply, --plan or --plan-out/),
    })
    const result = resultOf(await runJson<GenerateCommandResult>([...CLASSIC, '--diff']))
    expect(result.apply).toMatchObject({mode: 'dry-run', rulesAfter: 2, verified: false})
    expect(result.apply!.changes.map((c) => c.change)).toEqual(['keep', 'add'])
    expect(s3.commandCalls(PutBucketLifecycleConfigurationCommand)).toHaveLength(0)
    expect(existsSync(backup)).toBe(false)
    const text = await runText([...CLASSIC, '--diff'])
    expect(text.stdout).toMatch(/= keep\s+│ tmp-cleanup\s+│ not in the new policy; kept/)
    expect(text.stdout).toMatch(/\+ add\s+│ raw-csv-lifecycle/)
    expect(text.stdout).toMatch(
      /Plan: PutBucketLifecycleConfiguration on s3:\/\/lake — 2 rule\(s\) after the change: 1 added, 0 replaced, 1 kept, 0 removed/,
    )
    expect(text.stderr).toMatch(/Dry run: nothing was changed/)
  })

  it('does nothing when the bucket already has the rules', async () => {
    fakeBucket({
      Rules: [
        {
          Filter: {Prefix: 'raw/csv/'},
          ID: 'raw-csv-lifecycle',
          Status: 'Enabled',
          Transitions: [
            {Days: 730, StorageClass: 'GLACIER'},
            {Days: 180, StorageClass: 'STANDARD_IA'},
          ],
        },
      ],
    })
    const result = resultOf(
      await runJson<GenerateCommandResult>([...CLASSIC, '--apply', '--yes', '--backup-out', path.join(dir, 'b.json')]),
    )
    expect(result.apply).toMatchObject({mode: 'up-to-date'})
    expect(s3.commandCalls(PutBucketLifecycleConfigurationCommand)).toHaveLength(0)
  })

  it('fails with exit 7 when the configuration read back differs, keeping the backup', async () => {
    fakeBucket({Rules: [OTHER]})
    s3.on(PutBucketLifecycleConfigurationCommand).resolves({})
    const backup = path.join(dir, 'b.json')
    const run = await runJson([...CLASSIC, '--apply', '--yes', '--backup-out', backup])
    expect(run.exitCode).toBe(7)
    expect(errorOf(run)).toMatchObject({code: 'VerificationFailed'})
    expect(errorOf(run).suggestions.join(' ')).toMatch(/previous configuration is saved in/)
    expect(existsSync(backup)).toBe(true)
  })

  it('refuses --apply without --yes when not on a terminal, before any PUT', async () => {
    fakeBucket()
    const run = await runJson([...CLASSIC, '--apply'])
    expect(run.exitCode).toBe(2)
    expect(errorOf(run).code).toBe('ConfirmationRequired')
    expect(s3.commandCalls(PutBucketLifecycleConfigurationCommand)).toHaveLength(0)
  })

  it('refuses a merge that S3 would reject (duplicate of a kept rule by legacy prefix overlap)', async () => {
    fakeBucket({
      Rules: [
        {Expiration: {Days: 30}, ID: 'legacy', Prefix: '', Status: 'Enabled'},
        {Expiration: {Days: 60}, ID: 'raw-csv-lifecycle', Prefix: 'raw/', Status: 'Enabled'},
      ],
    })
    const run = await runJson([
      's3',
      'lifecycle',
      'generate',
      '--id',
      'other',
      '--prefix',
      'x/',
      '--expire-after',
      '40d',
      '--bucket',
      'lake',
      '--apply',
      '--yes',
      '--backup-out',
      path.join(dir, 'b.json'),
    ])
    expect(run.exitCode).toBe(6)
    expect(errorOf(run).code).toBe('MergedPolicyInvalid')
    expect(s3.commandCalls(PutBucketLifecycleConfigurationCommand)).toHaveLength(0)
  })

  it('saves a plan with --plan-out and applies it later with --plan, re-checking live state', async () => {
    fakeBucket({Rules: [OTHER]})
    const planFile = path.join(dir, 'plan.json')
    const backup = path.join(dir, 'b.json')
    resultOf(await runJson([...CLASSIC, '--plan-out', planFile, '--backup-out', backup]))
    expect(s3.commandCalls(PutBucketLifecycleConfigurationCommand)).toHaveLength(0)
    const applied = resultOf(
      await runJson<GenerateCommandResult>(['s3', 'lifecycle', 'generate', '--plan', planFile, '--yes']),
    )
    expect(applied.apply).toMatchObject({backupFile: backup, mode: 'applied', rulesAfter: 2})
    expect(stored!.Rules.map((r) => r.ID)).toEqual(['tmp-cleanup', 'raw-csv-lifecycle'])
    // The bucket changed since: a stale plan is refused.
    stored = {Rules: [OLD]}
    const stale = await runJson(['s3', 'lifecycle', 'generate', '--plan', planFile, '--yes'])
    expect(stale.exitCode).toBe(6)
    expect(errorOf(stale).code).toBe('PlanStale')
  })
})

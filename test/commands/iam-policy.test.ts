import {describe, expect, it} from 'vitest'

import type {IamPolicyResult} from '../../src/commands/iam-policy.js'

import {errorOf, resultOf, runJson, runText} from '../helpers/run.js'

describe('iam-policy', () => {
  it('prints the policy for every command when none is named', async () => {
    const result = resultOf(await runJson<IamPolicyResult>(['iam-policy']))
    const actions = result.policy.Statement.flatMap((s) => s.Action)
    expect(actions).toContain('sts:GetCallerIdentity')
    expect(actions).toContain('cloudtrail:LookupEvents')
    expect(result.commands.map((c) => c.command)).toContain('trail lookup')
  })

  it('limits the policy to the named commands, in any spelling', async () => {
    const result = resultOf(await runJson<IamPolicyResult>(['iam-policy', 'trail', 'lookup']))
    expect(result.commands.map((c) => c.command)).toEqual(['trail lookup'])
    // trail lookup reads event history, or (--athena-table) a trail's table through Athena.
    const actions = result.policy.Statement.flatMap((s) => s.Action)
    expect(actions).toContain('cloudtrail:LookupEvents')
    expect(actions).toContain('athena:StartQueryExecution')
    expect(actions.every((a) => /^(cloudtrail|athena|glue|s3):/.test(a))).toBe(true)
  })

  it('prints Terraform and CloudFormation forms', async () => {
    expect((await runText(['iam-policy', 'doctor', '--format', 'terraform'])).stdout).toContain(
      'data "aws_iam_policy_document"',
    )
    expect((await runText(['iam-policy', 'doctor', '--format', 'cloudformation'])).stdout).toContain(
      'AWS::IAM::ManagedPolicy',
    )
  })

  it('rejects unknown commands with exit 2 and lists the known ones', async () => {
    const run = await runJson(['iam-policy', 'kinesis', 'frobnicate'])
    expect(run.exitCode).toBe(2)
    expect(errorOf(run).message).toMatch(/unknown command "kinesis", "frobnicate"/)
  })
})

describe('--format with --json', () => {
  it('is refused the same way by every command whose --format is an output (exit 2)', async () => {
    for (const argv of [
      ['iam-policy', 'doctor', '--format', 'terraform'],
      ['mwaa', 'triage', '--logs', '.', '--format', 'markdown'],
      ['athena', 'lint-columns', '--ddl', 'x.sql', '--format=table'],
    ]) {
      const run = await runJson(argv)
      expect(run.exitCode).toBe(2)
      expect(errorOf(run)).toMatchObject({code: 'FormatWithJson'})
    }
  })
})

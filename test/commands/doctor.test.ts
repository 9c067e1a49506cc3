import {IAMClient, SimulatePrincipalPolicyCommand} from '@aws-sdk/client-iam'
import {GetCallerIdentityCommand, STSClient} from '@aws-sdk/client-sts'
import {mockClient} from 'aws-sdk-client-mock'
import {beforeEach, describe, expect, it} from 'vitest'

import type {DoctorReport} from '../../src/lib/doctor/doctor.js'

import Doctor from '../../src/commands/doctor.js'
import {useTestAwsEnv} from '../helpers/aws-env.js'
import {expectCallsDeclared} from '../helpers/iam.js'
import {errorOf, resultOf, runJson, runText} from '../helpers/run.js'

const sts = mockClient(STSClient)
const iam = mockClient(IAMClient)

describe('doctor', () => {
  useTestAwsEnv()

  beforeEach(() => {
    sts.reset()
    iam.reset()
  })

  it('reports identity, region and its source', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .resolves({Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/alice', UserId: 'AIDA1'})
    const run = await runJson<DoctorReport>(['doctor'])
    expect(run.exitCode).toBe(0)
    const result = resultOf(run)
    expect(result.identity).toEqual({
      account: '123456789012',
      arn: 'arn:aws:iam::123456789012:user/alice',
      userId: 'AIDA1',
    })
    expect(result.region).toEqual({source: 'AWS_REGION', value: 'us-east-1'})
    expect(run.envelope).toMatchObject({command: 'doctor', status: 'ok', warnings: []})
  })

  it('exits 3 with a suggestion when credentials are missing', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .rejects(
        Object.assign(new Error('Could not load credentials from any providers'), {name: 'CredentialsProviderError'}),
      )
    const run = await runJson(['doctor'])
    expect(run.exitCode).toBe(3)
    const error = errorOf(run)
    expect(error.code).toBe('CredentialsMissing')
    expect(error.suggestions.join(' ')).toMatch(/aws sso login/)
  })

  it('exits 3 on expired tokens and carries the request id', async () => {
    sts.on(GetCallerIdentityCommand).rejects(
      Object.assign(new Error('The security token included in the request is expired'), {
        $metadata: {httpStatusCode: 400, requestId: 'req-42'},
        name: 'ExpiredToken',
      }),
    )
    const run = await runJson(['doctor'])
    expect(run.exitCode).toBe(3)
    expect(errorOf(run)).toMatchObject({code: 'ExpiredToken', exitCode: 3, requestId: 'req-42'})
  })

  it('names the endpoint and source of an override', async () => {
    process.env.AWS_ENDPOINT_URL_KINESIS = 'http://127.0.0.1:4567'
    sts
      .on(GetCallerIdentityCommand)
      .resolves({Account: '000000000000', Arn: 'arn:aws:iam::000000000000:root', UserId: 'x'})
    const result = resultOf(await runJson<DoctorReport>(['doctor']))
    expect(result.endpoints).toEqual([
      {service: 'Kinesis', source: 'AWS_ENDPOINT_URL_KINESIS', url: 'http://127.0.0.1:4567'},
    ])
  })

  it('simulates declared permissions per command with --check-permissions', async () => {
    sts.on(GetCallerIdentityCommand).resolves({
      Account: '123456789012',
      Arn: 'arn:aws:sts::123456789012:assumed-role/Ops/alice',
      UserId: 'AROA1:alice',
    })
    iam.on(SimulatePrincipalPolicyCommand).callsFake((input: {ActionNames: string[]}) => ({
      EvaluationResults: input.ActionNames.map((a) => ({
        EvalActionName: a,
        EvalDecision: a === 'iam:SimulatePrincipalPolicy' ? 'allowed' : 'implicitDeny',
      })),
    }))
    const result = resultOf(await runJson<DoctorReport>(['doctor', '--check-permissions']))
    expect(iam.commandCalls(SimulatePrincipalPolicyCommand)[0]?.args[0].input.PolicySourceArn).toBe(
      'arn:aws:iam::123456789012:role/Ops',
    )
    const doctor =
      result.permissions && 'commands' in result.permissions
        ? result.permissions.commands.find((c) => c.command === 'doctor')
        : undefined
    expect(doctor).toEqual({
      allowed: ['iam:SimulatePrincipalPolicy'],
      command: 'doctor',
      denied: ['sts:GetCallerIdentity'],
    })
    expectCallsDeclared(Doctor.iam, {iam, sts})
  })

  it('prints a readable summary without --json', async () => {
    sts
      .on(GetCallerIdentityCommand)
      .resolves({Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/alice', UserId: 'AIDA1'})
    const run = await runText(['doctor'])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/Region\s+us-east-1 \(AWS_REGION\)/)
    expect(run.stdout).toMatch(/arn:aws:iam::123456789012:user\/alice/)
  })

  it('rejects a malformed region with exit 2', async () => {
    const run = await runJson(['doctor', '--region', 'Frankfurt'])
    expect(run.exitCode).toBe(2)
    expect(errorOf(run).message).toMatch(/"Frankfurt" is not an AWS region name/)
  })
})

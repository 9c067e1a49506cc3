import {GetTableCommand} from '@aws-sdk/client-glue'
import {GetEnvironmentCommand} from '@aws-sdk/client-mwaa'
import {GetCallerIdentityCommand} from '@aws-sdk/client-sts'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {createClientFactory} from '../../../src/lib/aws/clients.js'
import {resolveAwsSettings} from '../../../src/lib/aws/settings.js'
import {classifyError} from '../../../src/lib/core/errors.js'
import {exportLines, sandboxEnv} from '../../../src/lib/sandbox/sandbox.js'
import {SANDBOX_ARN, startStsStub, type StsStubHandle} from '../../../src/lib/sandbox/sts-stub.js'
import {useTestAwsEnv} from '../../helpers/aws-env.js'

describe('sandbox STS and catch-all endpoint', () => {
  let stub: StsStubHandle
  beforeAll(async () => {
    stub = await startStsStub(0)
  })
  afterAll(async () => stub.stop())
  useTestAwsEnv()

  async function clients() {
    return createClientFactory(
      await resolveAwsSettings({env: {AWS_ENDPOINT_URL: stub.url}, region: 'us-east-1'}),
      'pipeops/test',
    )
  }

  it('answers GetCallerIdentity with the sandbox identity', async () => {
    const out = await (await (await clients()).create('sts')).send(new GetCallerIdentityCommand({}))
    expect(out).toMatchObject({Account: '000000000000', Arn: SANDBOX_ARN})
  })

  it.each([
    ['JSON 1.1 (Glue)', 'glue', new GetTableCommand({DatabaseName: 'd', Name: 't'})],
    ['REST-JSON (MWAA)', 'mwaa', new GetEnvironmentCommand({Name: 'env'})],
  ] as const)('refuses %s with a clear client error instead of reaching AWS', async (_label, service, command) => {
    const factory = await clients()
    const error = await ((await factory.create(service)) as {send: (c: unknown) => Promise<unknown>})
      .send(command)
      .catch((error_: unknown) => error_)
    const classified = classifyError(error)
    expect(classified.code).toBe('NotEmulatedInSandbox')
    expect(classified.exitCode).toBe(2)
    expect(classified.message).toMatch(/does not emulate/)
  })

  it('exports the DynamoDB endpoint when dynalite runs', () => {
    const env = sandboxEnv({
      dynamodb: 'http://127.0.0.1:4',
      kinesis: 'http://127.0.0.1:1',
      s3: 'http://127.0.0.1:2',
      sts: 'http://127.0.0.1:3',
    })
    expect(env.AWS_ENDPOINT_URL_DYNAMODB).toBe('http://127.0.0.1:4')
  })

  it('exports every endpoint and the catch-all', () => {
    const env = sandboxEnv({kinesis: 'http://127.0.0.1:1', s3: 'http://127.0.0.1:2', sts: 'http://127.0.0.1:3'})
    expect(exportLines(env)).toEqual([
      'export AWS_ACCESS_KEY_ID=S3RVER',
      'export AWS_EC2_METADATA_DISABLED=true',
      'export AWS_ENDPOINT_URL=http://127.0.0.1:3',
      'export AWS_ENDPOINT_URL_KINESIS=http://127.0.0.1:1',
      'export AWS_ENDPOINT_URL_S3=http://127.0.0.1:2',
      'export AWS_ENDPOINT_URL_STS=http://127.0.0.1:3',
      'export AWS_REGION=us-east-1',
      'export AWS_SECRET_ACCESS_KEY=S3RVER',
    ])
  })
})

import {ListStreamsCommand} from '@aws-sdk/client-kinesis'
import {NodeHttpHandler} from '@smithy/node-http-handler'
import {mkdtemp, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import {createClientFactory, resolveEndpoint} from '../../../src/lib/aws/clients.js'
import {requireRegion, resolveAwsSettings} from '../../../src/lib/aws/settings.js'
import {ExitCode, type PipeopsError} from '../../../src/lib/core/errors.js'

const saved = {config: process.env.AWS_CONFIG_FILE, creds: process.env.AWS_SHARED_CREDENTIALS_FILE}
afterEach(() => {
  process.env.AWS_CONFIG_FILE = saved.config
  process.env.AWS_SHARED_CREDENTIALS_FILE = saved.creds
  if (saved.config === undefined) delete process.env.AWS_CONFIG_FILE
  if (saved.creds === undefined) delete process.env.AWS_SHARED_CREDENTIALS_FILE
})

/** The config files of the current test, as the env given to resolveAwsSettings names them. */
let files: {AWS_CONFIG_FILE?: string; AWS_SHARED_CREDENTIALS_FILE?: string} = {}

async function withConfigFile(text: string): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pipeops-cfg-'))
  process.env.AWS_CONFIG_FILE = path.join(dir, 'config')
  process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, 'credentials')
  files = {
    AWS_CONFIG_FILE: process.env.AWS_CONFIG_FILE,
    AWS_SHARED_CREDENTIALS_FILE: process.env.AWS_SHARED_CREDENTIALS_FILE,
  }
  await writeFile(process.env.AWS_CONFIG_FILE, text)
}

describe('resolveAwsSettings', () => {
  it('takes the region from the flag first, then AWS_REGION, AWS_DEFAULT_REGION, then the profile', async () => {
    await withConfigFile('[default]\nregion = eu-central-1\n[profile prod]\nregion = ap-southeast-2\n')
    const env = {...files, AWS_DEFAULT_REGION: 'us-west-2', AWS_REGION: 'eu-west-1'}
    expect(await resolveAwsSettings({env, region: 'us-east-2'})).toMatchObject({
      region: 'us-east-2',
      regionSource: 'flag --region',
    })
    expect(await resolveAwsSettings({env})).toMatchObject({region: 'eu-west-1', regionSource: 'AWS_REGION'})
    expect(await resolveAwsSettings({env: {...files, AWS_DEFAULT_REGION: 'us-west-2'}})).toMatchObject({
      region: 'us-west-2',
      regionSource: 'AWS_DEFAULT_REGION',
    })
    expect(await resolveAwsSettings({env: {...files}})).toMatchObject({
      region: 'eu-central-1',
      regionSource: 'profile default',
    })
    expect(await resolveAwsSettings({env: {...files, AWS_PROFILE: 'prod'}})).toMatchObject({
      profile: 'prod',
      profileSource: 'AWS_PROFILE',
      region: 'ap-southeast-2',
    })
    expect(await resolveAwsSettings({env: {...files, AWS_PROFILE: 'prod'}, profile: 'default'})).toMatchObject({
      profileSource: 'flag --profile',
      region: 'eu-central-1',
    })
  })

  it('has no region when none is configured, and requireRegion exits 2 with the fix', async () => {
    await withConfigFile('[default]\noutput = json\n')
    const settings = await resolveAwsSettings({env: {...files}})
    expect(settings.region).toBeUndefined()
    try {
      requireRegion(settings)
      expect.unreachable()
    } catch (error) {
      expect((error as PipeopsError).exitCode).toBe(ExitCode.Usage)
      expect((error as PipeopsError).suggestions.join(' ')).toMatch(/--region/)
    }
  })

  it('rejects malformed regions, endpoints and attempt counts', async () => {
    await expect(resolveAwsSettings({env: {}, region: 'mars'})).rejects.toThrow(/"mars" is not an AWS region name/)
    await expect(resolveAwsSettings({endpointUrl: 'localhost:4567', env: {}, region: 'us-east-1'})).rejects.toThrow(
      /--endpoint-url "localhost:4567"/,
    )
    await expect(resolveAwsSettings({env: {}, maxAttempts: 0, region: 'us-east-1'})).rejects.toThrow(/--max-attempts/)
  })
})

describe('endpoint resolution', () => {
  it('uses flag > AWS_ENDPOINT_URL_<SERVICE> > AWS_ENDPOINT_URL', async () => {
    const env = {
      AWS_ENDPOINT_URL: 'http://127.0.0.1:1000',
      AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: 'http://127.0.0.1:3000',
      AWS_ENDPOINT_URL_KINESIS: 'http://127.0.0.1:2000',
    }
    const s = await resolveAwsSettings({env, region: 'us-east-1'})
    expect(resolveEndpoint(s, 'kinesis')).toEqual({source: 'AWS_ENDPOINT_URL_KINESIS', url: 'http://127.0.0.1:2000'})
    expect(resolveEndpoint(s, 'logs')).toEqual({
      source: 'AWS_ENDPOINT_URL_CLOUDWATCH_LOGS',
      url: 'http://127.0.0.1:3000',
    })
    expect(resolveEndpoint(s, 'glue')).toEqual({source: 'AWS_ENDPOINT_URL', url: 'http://127.0.0.1:1000'})
    const flagged = await resolveAwsSettings({endpointUrl: 'http://127.0.0.1:9', env, region: 'us-east-1'})
    expect(resolveEndpoint(flagged, 'kinesis')).toEqual({source: '--endpoint-url', url: 'http://127.0.0.1:9'})
    expect(resolveEndpoint(await resolveAwsSettings({env: {}, region: 'us-east-1'}), 's3')).toBeUndefined()
  })

  it('rejects a malformed endpoint variable naming it', async () => {
    const s = await resolveAwsSettings({env: {AWS_ENDPOINT_URL_S3: 'not a url'}, region: 'us-east-1'})
    expect(() => resolveEndpoint(s, 's3')).toThrow(/AWS_ENDPOINT_URL_S3 "not a url"/)
  })
})

describe('createClientFactory', () => {
  it('configures region, adaptive retries, attempts and the pipeops user agent', async () => {
    const factory = createClientFactory(
      await resolveAwsSettings({env: {}, maxAttempts: 7, region: 'eu-west-1'}),
      'pipeops/9.9.9',
    )
    const kinesis = await factory.create('kinesis')
    expect(await kinesis.config.region()).toBe('eu-west-1')
    expect(await kinesis.config.maxAttempts()).toBe(7)
    expect(((await kinesis.config.retryStrategy()) as object).constructor.name).toBe('AdaptiveRetryStrategy')
    expect(kinesis.config.customUserAgent).toEqual([['pipeops/9.9.9']])
  })

  it('uses HTTP/1.1, path-style S3 and no host prefix when the endpoint is overridden', async () => {
    const factory = createClientFactory(
      await resolveAwsSettings({endpointUrl: 'http://127.0.0.1:4567', env: {}, region: 'us-east-1'}),
      'pipeops/test',
    )
    const kinesis = await factory.create('kinesis')
    expect(kinesis.config.requestHandler).toBeInstanceOf(NodeHttpHandler)
    const s3 = await factory.create('s3')
    expect(s3.config.forcePathStyle).toBe(true)
    const mwaa = await factory.create('mwaa')
    expect(mwaa.config.disableHostPrefix).toBe(true)
    const endpoint = await kinesis.config.endpoint?.()
    expect(endpoint?.hostname).toBe('127.0.0.1')
  })

  it('tags network failures with the endpoint so the message can name it', async () => {
    // Port 9 on loopback (discard) is closed here: the connection is refused at once.
    // Credentials are needed first: signing runs before the request is sent.
    process.env.AWS_ACCESS_KEY_ID = 'AKIDTEST'
    process.env.AWS_SECRET_ACCESS_KEY = 'secret'
    const factory = createClientFactory(
      await resolveAwsSettings({endpointUrl: 'http://127.0.0.1:9', env: {}, maxAttempts: 1, region: 'us-east-1'}),
      'pipeops/test',
    )
    const kinesis = await factory.create('kinesis')
    const error = (await kinesis.send(new ListStreamsCommand({})).catch((error_: unknown) => error_)) as {
      pipeopsEndpoint?: string
      pipeopsService?: string
    }
    expect(error.pipeopsEndpoint).toBe('http://127.0.0.1:9')
    expect(error.pipeopsService).toBe('Kinesis')
    delete process.env.AWS_ACCESS_KEY_ID
    delete process.env.AWS_SECRET_ACCESS_KEY
  })

  it('requires a region before constructing any client', async () => {
    await withConfigFile('')
    const factory = createClientFactory(await resolveAwsSettings({env: {}}), 'pipeops/test')
    await expect(factory.create('kinesis')).rejects.toThrow(/no AWS region is set/)
  })
})

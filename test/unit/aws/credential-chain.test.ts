import type {AddressInfo} from 'node:net'

/**
 * Credentials are resolved as the AWS CLI resolves them (issue "fit the AWS CLI user's habits"):
 * credential_process, source_profile/role_arn chains with an MFA code, sso-session profiles,
 * and environment variables exported by aws-vault or granted. Everything is local: profile files
 * in a temporary HOME, a credential process that is a Node script, and one loopback server that
 * answers STS AssumeRole and the SSO portal's GetRoleCredentials.
 */
import {createHash} from 'node:crypto'
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {createServer, type Server} from 'node:http'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {createClientFactory} from '../../../src/lib/aws/clients.js'
import {resolveAwsSettings} from '../../../src/lib/aws/settings.js'
import {useTestAwsEnv} from '../../helpers/aws-env.js'

const home = mkdtempSync(path.join(tmpdir(), 'pipeops-creds-'))
const configFile = path.join(home, '.aws', 'config')
const credentialsFile = path.join(home, '.aws', 'credentials')
const processScript = path.join(home, 'credential-process.cjs')
let server: Server
let endpoint = ''
const assumeRoleCalls: Array<Record<string, string>> = []
const ssoCalls: Array<{account: string; role: string; token: string}> = []

useTestAwsEnv({
  AWS_ACCESS_KEY_ID: undefined,
  AWS_CONFIG_FILE: configFile,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
})

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost')
      if (url.pathname === '/federation/credentials') {
        ssoCalls.push({
          account: url.searchParams.get('account_id') ?? '',
          role: url.searchParams.get('role_name') ?? '',
          token: String(req.headers['x-amz-sso_bearer_token'] ?? ''),
        })
        res.setHeader('Content-Type', 'application/json')
        res.end(
          JSON.stringify({
            roleCredentials: {
              accessKeyId: 'ASIASSOROLE000000001',
              expiration: Date.now() + 3_600_000,
              secretAccessKey: 'sso-secret',
              sessionToken: 'sso-token',
            },
          }),
        )
        return
      }

      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')))
      assumeRoleCalls.push(params)
      res.setHeader('Content-Type', 'text/xml')
      const expiration = new Date(Date.now() + 3_600_000).toISOString()
      res.end(
        `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials><AccessKeyId>ASIAASSUMEDROLE00001</AccessKeyId><SecretAccessKey>role-secret</SecretAccessKey><SessionToken>role-token</SessionToken><Expiration>${expiration}</Expiration></Credentials><AssumedRoleUser><Arn>${params.RoleArn ?? ''}/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></AssumeRoleResponse>`,
      )
    })
  })
  await new Promise<void>((resolve) => {
    server.listen(0, '127.0.0.1', resolve)
  })
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  mkdirSync(path.join(home, '.aws', 'sso', 'cache'), {recursive: true})
  writeFileSync(
    processScript,
    `process.stdout.write(JSON.stringify({Version: 1, AccessKeyId: 'ASIAPROCESS000000001', SecretAccessKey: 'process-secret', SessionToken: 'process-token', Expiration: new Date(Date.now() + 3600000).toISOString()}))\n`,
  )
  writeFileSync(
    configFile,
    [
      '[default]',
      'region = eu-west-1',
      '[profile proc]',
      `credential_process = ${process.execPath} ${processScript}`,
      '[profile base]',
      'region = eu-west-1',
      '[profile admin]',
      'source_profile = base',
      'role_arn = arn:aws:iam::123456789012:role/admin',
      'region = eu-west-1',
      '[profile admin-mfa]',
      'source_profile = base',
      'role_arn = arn:aws:iam::123456789012:role/admin',
      'mfa_serial = arn:aws:iam::123456789012:mfa/alice',
      'region = eu-west-1',
      '[profile sso]',
      'sso_session = corp',
      'sso_account_id = 111122223333',
      'sso_role_name = DataEngineer',
      'region = eu-west-1',
      '[sso-session corp]',
      'sso_start_url = https://corp.awsapps.com/start',
      'sso_region = eu-west-1',
      '',
    ].join('\n'),
  )
  writeFileSync(
    credentialsFile,
    '[base]\naws_access_key_id = AKIABASEPROFILE00001\naws_secret_access_key = base-secret\n',
  )
  // The SSO token cache of an sso-session is named after the SHA-1 of the session's name.
  writeFileSync(
    path.join(home, '.aws', 'sso', 'cache', `${createHash('sha1').update('corp').digest('hex')}.json`),
    JSON.stringify({
      accessToken: 'cached-sso-access-token',
      expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
      region: 'eu-west-1',
      startUrl: 'https://corp.awsapps.com/start',
    }),
  )
})

afterAll(async () => {
  await new Promise((resolve) => {
    server.close(resolve)
  })
})

beforeEach(() => {
  process.env.HOME = home
  process.env.AWS_ENDPOINT_URL_STS = endpoint
  process.env.AWS_ENDPOINT_URL_SSO = endpoint
  assumeRoleCalls.length = 0
  ssoCalls.length = 0
})

async function credentialsFor(profile: string | undefined, mfaCode?: (serial: string) => Promise<string>) {
  const settings = await resolveAwsSettings({env: process.env, profile})
  const factory = createClientFactory(settings, 'pipeops-test', {mfaCode})
  const clients = [await factory.create('sts'), await factory.create('sts')]
  const identities = await Promise.all(clients.map(async (c) => c.config.credentials()))
  return identities
}

describe('credentials, resolved as the AWS CLI resolves them', () => {
  it('credential_process: the process runs and its keys are used', async () => {
    const [identity] = await credentialsFor('proc')
    expect(identity).toMatchObject({accessKeyId: 'ASIAPROCESS000000001', sessionToken: 'process-token'})
  })

  it('source_profile + role_arn: the base profile assumes the role once for every client of the run', async () => {
    const identities = await credentialsFor('admin')
    expect(identities.map((i) => i.accessKeyId)).toEqual(['ASIAASSUMEDROLE00001', 'ASIAASSUMEDROLE00001'])
    expect(assumeRoleCalls).toHaveLength(1)
    expect(assumeRoleCalls[0]).toMatchObject({Action: 'AssumeRole', RoleArn: 'arn:aws:iam::123456789012:role/admin'})
  })

  it('mfa_serial: the code is asked for once, with the device, and sent with AssumeRole', async () => {
    const asked: string[] = []
    const identities = await credentialsFor('admin-mfa', async (serial) => {
      asked.push(serial)
      return '123456'
    })
    expect(identities[1]!.accessKeyId).toBe('ASIAASSUMEDROLE00001')
    expect(asked).toEqual(['arn:aws:iam::123456789012:mfa/alice'])
    expect(assumeRoleCalls[0]).toMatchObject({SerialNumber: 'arn:aws:iam::123456789012:mfa/alice', TokenCode: '123456'})
  })

  it('mfa_serial without a terminal: refused by the SDK with its reason, nothing prompted', async () => {
    await expect(credentialsFor('admin-mfa')).rejects.toThrow(/MFA|multi-factor/i)
  })

  it('sso-session: the cached token is exchanged at the portal for the role credentials', async () => {
    const [identity] = await credentialsFor('sso')
    expect(identity).toMatchObject({accessKeyId: 'ASIASSOROLE000000001'})
    expect(ssoCalls[0]).toEqual({account: '111122223333', role: 'DataEngineer', token: 'cached-sso-access-token'})
  })

  it('aws-vault / granted: exported keys win over AWS_PROFILE, as in the AWS CLI', async () => {
    process.env.AWS_PROFILE = 'admin'
    process.env.AWS_ACCESS_KEY_ID = 'ASIAEXPORTEDKEY00001'
    process.env.AWS_SECRET_ACCESS_KEY = 'exported-secret'
    process.env.AWS_SESSION_TOKEN = 'exported-token'
    try {
      const [identity] = await credentialsFor(undefined)
      expect(identity).toMatchObject({accessKeyId: 'ASIAEXPORTEDKEY00001', sessionToken: 'exported-token'})
      expect(assumeRoleCalls).toHaveLength(0)
    } finally {
      delete process.env.AWS_PROFILE
      delete process.env.AWS_SESSION_TOKEN
    }
  })

  it('--profile beats exported keys, as in the AWS CLI', async () => {
    process.env.AWS_ACCESS_KEY_ID = 'ASIAEXPORTEDKEY00001'
    process.env.AWS_SECRET_ACCESS_KEY = 'exported-secret'
    const [identity] = await credentialsFor('proc')
    expect(identity!.accessKeyId).toBe('ASIAPROCESS000000001')
  })
})

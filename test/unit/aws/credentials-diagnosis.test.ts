import {STSClient} from '@aws-sdk/client-sts'
import {createHash} from 'node:crypto'
import {mkdir, mkdtemp, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import {diagnoseCredentialFailure} from '../../../src/lib/aws/credentials-diagnosis.js'
import {resolveAwsSettings} from '../../../src/lib/aws/settings.js'
import {classifyError} from '../../../src/lib/core/errors.js'

const savedHome = process.env.HOME
afterEach(() => {
  process.env.HOME = savedHome
})

/** A home folder with ~/.aws/config in the AWS CLI's layout ([profile NAME], [sso-session NAME]). */
async function home(config: string): Promise<{dir: string; env: Record<string, string>}> {
  const dir = await mkdtemp(path.join(tmpdir(), 'pipeops-home-'))
  await mkdir(path.join(dir, '.aws', 'sso', 'cache'), {recursive: true})
  await writeFile(path.join(dir, '.aws', 'config'), config)
  return {dir, env: {HOME: dir}}
}

const CONFIG = `[default]
region = eu-west-1

[profile dev]
sso_session = corp
sso_account_id = 111122223333
sso_role_name = DataEngineer
region = eu-west-1

[sso-session corp]
sso_start_url = https://corp.awsapps.com/start
sso_region = eu-west-1
sso_registration_scopes = sso:account:access

[profile batch]
credential_process = /usr/local/bin/fetch-creds --role batch
`

/** What the SDK's default chain throws for a profile: run through a real client's config. */
async function sdkFailure(dir: string, profile: string): Promise<unknown> {
  const saved = {...process.env}
  for (const name of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE'])
    delete process.env[name]
  Object.assign(process.env, {
    AWS_CONFIG_FILE: path.join(dir, '.aws', 'config'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, '.aws', 'credentials'),
    HOME: dir,
  })
  try {
    await new STSClient({profile, region: 'eu-west-1'}).config.credentials()
    return undefined
  } catch (error) {
    return error
  } finally {
    for (const name of Object.keys(process.env)) if (!(name in saved)) delete process.env[name]
    Object.assign(process.env, saved)
  }
}

describe('credential failures in the words of the user', () => {
  it('--profile nosuch names the profile and both files (exit 3), not "no region"', async () => {
    const {dir, env} = await home(CONFIG)
    await expect(resolveAwsSettings({env, profile: 'nosuch'})).rejects.toMatchObject({
      code: 'ProfileNotFound',
      exitCode: 3,
      message: `profile "nosuch" (flag --profile) is not in ${path.join(dir, '.aws', 'config')} or ${path.join(dir, '.aws', 'credentials')}`,
    })
    await expect(resolveAwsSettings({env: {...env, AWS_PROFILE: 'nosuch'}})).rejects.toMatchObject({
      message: expect.stringMatching(/^profile "nosuch" \(AWS_PROFILE\)/),
    })
    await expect(resolveAwsSettings({env, profile: 'nosuch'})).rejects.toMatchObject({
      suggestions: expect.arrayContaining(['Profiles there: batch, default, dev.']),
    })
    expect((await resolveAwsSettings({env, profile: 'dev'})).region).toBe('eu-west-1')
  })

  it('an expired SSO session says when it expired and how to sign in again', async () => {
    const {dir, env} = await home(CONFIG)
    // The SDK's cache file for an sso-session: ~/.aws/sso/cache/<sha1 of the session name>.json
    const cache = path.join(dir, '.aws', 'sso', 'cache', `${createHash('sha1').update('corp').digest('hex')}.json`)
    await writeFile(
      cache,
      JSON.stringify({
        accessToken: 'x',
        clientId: 'c',
        expiresAt: '2026-12-01T08:00:00Z',
        region: 'eu-west-1',
        startUrl: 'https://corp.awsapps.com/start',
      }),
    )
    process.env.HOME = dir
    const sdkError = Object.assign(
      new Error(
        'The SSO session associated with this profile has expired. To refresh this SSO session run aws sso login with the corresponding profile.',
      ),
      {name: 'CredentialsProviderError'},
    )
    const error = await diagnoseCredentialFailure(sdkError, {env, profile: 'dev'})
    expect(error).toMatchObject({
      code: 'CredentialsExpired',
      exitCode: 3,
      message: 'the SSO session of profile "dev" expired at 2026-12-01T08:00:00.000Z',
      suggestions: ['Sign in again: aws sso login --profile dev'],
    })
    // Without the files (the generic map): "expired", never "credentials not found".
    expect(classifyError(sdkError).message).toMatch(/^AWS credentials have expired/)
  })

  it('expired credential_process output names the process to run', async () => {
    const {env} = await home(CONFIG)
    const error = await diagnoseCredentialFailure(
      new Error('Profile batch credential_process returned expired credentials.'),
      {env, profile: 'batch'},
    )
    expect(error?.message).toBe(
      'the credentials of profile "batch" have expired: its credential_process returned them already expired',
    )
    expect(error?.suggestions[0]).toMatch(/fetch-creds --role batch/)
    expect(classifyError(new Error('Profile batch credential_process returned expired credentials.')).exitCode).toBe(3)
  })

  describe("with the SDK's own errors (its credential chain run on the files)", () => {
    it('an sso-session profile whose token expired: "expired at" the cached time, and the sign-in command', async () => {
      const {dir, env} = await home(CONFIG)
      const cache = path.join(dir, '.aws', 'sso', 'cache', `${createHash('sha1').update('corp').digest('hex')}.json`)
      // As `aws sso login` leaves it, minus the refresh fields: the SDK cannot refresh it.
      await writeFile(cache, JSON.stringify({accessToken: 'x', expiresAt: '2026-12-01T08:00:00Z', region: 'eu-west-1'}))
      const thrown = await sdkFailure(dir, 'dev')
      expect(thrown).toBeInstanceOf(Error)
      process.env.HOME = dir
      const error = await diagnoseCredentialFailure(thrown, {
        env: {...env, AWS_CONFIG_FILE: path.join(dir, '.aws', 'config')},
        profile: 'dev',
      })
      expect(error, (thrown as Error).message).toMatchObject({
        code: 'CredentialsExpired',
        exitCode: 3,
        message: 'the SSO session of profile "dev" expired at 2026-12-01T08:00:00.000Z',
        suggestions: ['Sign in again: aws sso login --profile dev'],
      })
    })

    it('a credential_process that returns expired credentials: the expiry time and the process to run', async () => {
      const script = `console.log(JSON.stringify({Version: 1, AccessKeyId: 'AKIDEXAMPLE', SecretAccessKey: 's', Expiration: '2026-11-30T23:00:00Z'}))`
      const {dir} = await home('')
      const scriptFile = path.join(dir, 'creds.cjs')
      await writeFile(scriptFile, script)
      const config = `[profile batch]\ncredential_process = "${process.execPath}" "${scriptFile}"\n`
      await writeFile(path.join(dir, '.aws', 'config'), config)
      const thrown = await sdkFailure(dir, 'batch')
      // The default chain reports only "Could not load credentials from any providers".
      expect(thrown).toBeInstanceOf(Error)
      const error = await diagnoseCredentialFailure(thrown, {
        env: {AWS_CONFIG_FILE: path.join(dir, '.aws', 'config'), HOME: dir, PATH: process.env.PATH},
        profile: 'batch',
      })
      expect(error?.message).toBe(
        'the credentials of profile "batch" expired at 2026-11-30T23:00:00.000Z: its credential_process returned them already expired',
      )
      expect(error?.suggestions[0]).toContain(scriptFile)
    })
  })
})

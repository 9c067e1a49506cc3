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
      'the credentials of profile "batch" have expired: its credential_process returned an Expiration in the past',
    )
    expect(error?.suggestions[0]).toMatch(/fetch-creds --role batch/)
    expect(classifyError(new Error('Profile batch credential_process returned expired credentials.')).exitCode).toBe(3)
  })
})

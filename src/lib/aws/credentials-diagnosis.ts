/**
 * Say what is wrong with a profile's credentials in the user's terms: which profile, which files it
 * was looked up in, and for expired credentials when they expired and what refreshes them. Reads
 * the shared config files (the paths come from the env given) and the SSO token cache, as the SDK
 * does (AWS CLI layout: [profile NAME] in config, [NAME] in credentials, ~/.aws/sso/cache/<sha1>.json).
 */
import {getSSOTokenFromFile, loadSharedConfigFiles} from '@smithy/shared-ini-file-loader'
import {homedir} from 'node:os'
import path from 'node:path'

import {ExitCode, PipeopsError} from '../core/errors.js'

type Env = Record<string, string | undefined>

export interface ConfigFilePaths {
  config: string
  credentials: string
}

/** Where the SDK looks: AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE, else ~/.aws/config and ~/.aws/credentials. */
export function configFilePaths(env: Env): ConfigFilePaths {
  const home = env.HOME || env.USERPROFILE || homedir()
  return {
    config: env.AWS_CONFIG_FILE || path.join(home, '.aws', 'config'),
    credentials: env.AWS_SHARED_CREDENTIALS_FILE || path.join(home, '.aws', 'credentials'),
  }
}

async function loadProfiles(
  env: Env,
): Promise<{files: ConfigFilePaths; profiles: Record<string, Record<string, string | undefined>>}> {
  const files = configFilePaths(env)
  const loaded = await loadSharedConfigFiles({configFilepath: files.config, filepath: files.credentials})
  return {
    files,
    profiles: {...loaded.credentialsFile, ...loaded.configFile} as Record<string, Record<string, string | undefined>>,
  }
}

/** A profile named with --profile or AWS_PROFILE that neither file has (undefined when it exists). */
export async function profileNotFound(profile: string, source: string, env: Env): Promise<PipeopsError | undefined> {
  const {files, profiles} = await loadProfiles(env)
  if (profiles[profile]) return undefined
  const known = Object.keys(profiles).sort()
  return new PipeopsError(
    ExitCode.Auth,
    `profile "${profile}" (${source}) is not in ${files.config} or ${files.credentials}`,
    {
      code: 'ProfileNotFound',
      details: {files, profile},
      suggestions: [
        known.length > 0 ? `Profiles there: ${known.join(', ')}.` : 'Neither file defines a profile.',
        `Create it with: aws configure --profile ${profile} (or aws configure sso --profile ${profile}).`,
      ],
    },
  )
}

/**
 * A clearer error for a credential failure of the SDK's chain, or undefined when this is not one:
 * an expired SSO session (with its expiry time from the token cache) or expired credential_process
 * output (with the command to run), or a profile the files do not have.
 */
export async function diagnoseCredentialFailure(
  thrown: unknown,
  settings: {env: Env; profile?: string | undefined},
): Promise<PipeopsError | undefined> {
  const message = thrown instanceof Error ? thrown.message : ''
  const name = settings.profile ?? settings.env.AWS_PROFILE ?? 'default'
  if (/could not resolve credentials using profile/i.test(message))
    return profileNotFound(name, settings.profile ? '--profile' : 'AWS_PROFILE', settings.env)
  const sso = /SSO session .*(expired|invalid)/i.test(message)
  const processExpired = /credential_process returned expired credentials/i.test(message)
  if (!sso && !processExpired) return undefined
  const {files, profiles} = await loadProfiles(settings.env).catch(() => ({
    files: configFilePaths(settings.env),
    profiles: {},
  }))
  const profile = (profiles as Record<string, Record<string, string | undefined>>)[name] ?? {}
  if (processExpired) {
    return new PipeopsError(
      ExitCode.Auth,
      `the credentials of profile "${name}" have expired: its credential_process returned an Expiration in the past`,
      {
        cause: thrown,
        code: 'CredentialsExpired',
        suggestions: [
          `Refresh what the credential process reads, then run the command again; the process (in ${files.config}) is: ${profile.credential_process ?? '(not found)'}`,
        ],
      },
    )
  }

  const sessionId = profile.sso_session ?? profile.sso_start_url
  const token = sessionId ? await getSSOTokenFromFile(sessionId).catch(() => undefined) : undefined
  const when = token?.expiresAt ? ` at ${new Date(token.expiresAt).toISOString()}` : ''
  return new PipeopsError(
    ExitCode.Auth,
    /expired/i.test(message)
      ? `the SSO session of profile "${name}" expired${when}`
      : `the SSO session of profile "${name}" is missing or unreadable (no valid token in the SSO cache)`,
    {
      cause: thrown,
      code: 'CredentialsExpired',
      suggestions: [`Sign in again: aws sso login --profile ${name}`],
    },
  )
}

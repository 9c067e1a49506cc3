/**
 * Say what is wrong with a profile's credentials in the user's terms: which profile, which files it
 * was looked up in, and for expired credentials when they expired and what refreshes them. Reads
 * the shared config files (the paths come from the env given) and the SSO token cache, as the SDK
 * does (AWS CLI layout: [profile NAME] in config, [NAME] in credentials, ~/.aws/sso/cache/<sha1>.json).
 */
import {getSSOTokenFromFile, loadSharedConfigFiles} from '@smithy/shared-ini-file-loader'
import {exec} from 'node:child_process'
import {homedir} from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'

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
  // [sso-session X] and [services X] sections come back as 'sso-session.X', 'services.X': not profiles.
  const known = Object.keys(profiles)
    .filter((k) => !/^(sso-session|services)\./.test(k))
    .sort()
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
  // The SDK's words: "The SSO session associated with this profile has expired" (legacy profiles),
  // "Token is expired. To refresh this SSO session run 'aws sso login' …" and "… in SSO Token.
  // Cannot refresh" (sso-session profiles), "… was not found or is invalid" (no token at all).
  const sso =
    /SSO session .*(expired|invalid)/i.test(message) ||
    (/SSO session|SSO Token/i.test(message) && /expired|Cannot refresh/i.test(message))
  // The default chain hides a profile's own failure behind "Could not load credentials from any
  // providers": the profile's credential_process or SSO token is then looked at directly.
  const generic = /Could not load credentials from any providers/i.test(message)
  const processSaysExpired = /credential_process returned expired credentials/i.test(message)
  if (!sso && !generic && !processSaysExpired) return undefined
  const {files, profiles} = await loadProfiles(settings.env).catch(() => ({
    files: configFilePaths(settings.env),
    profiles: {},
  }))
  const profile = (profiles as Record<string, Record<string, string | undefined>>)[name] ?? {}
  const command = profile.credential_process
  if (command && !sso) {
    const expiredAt = await processExpiration(command, settings.env)
    // Behind the generic message, only a time in the past says "expired"; nothing else is guessed.
    const past = expiredAt !== undefined && Date.parse(expiredAt) <= Date.now()
    if (!past && !processSaysExpired) return undefined
    return new PipeopsError(
      ExitCode.Auth,
      `the credentials of profile "${name}" ${past ? `expired at ${expiredAt}` : 'have expired'}: its credential_process returned them already expired`,
      {
        cause: thrown,
        code: 'CredentialsExpired',
        suggestions: [
          `Refresh what the credential process reads, then run the command again; the process (in ${files.config}) is: ${command}`,
        ],
      },
    )
  }

  const sessionId = profile.sso_session ?? profile.sso_start_url
  if (!sessionId) return undefined
  const token = await getSSOTokenFromFile(sessionId).catch(() => undefined)
  const expiresAt = token?.expiresAt ? new Date(token.expiresAt) : undefined
  const expired =
    /expired|Cannot refresh/i.test(message) || (expiresAt !== undefined && expiresAt.getTime() < Date.now())
  if (generic && !expired && token) return undefined
  const when = expiresAt && !Number.isNaN(expiresAt.getTime()) ? ` at ${expiresAt.toISOString()}` : ''
  return new PipeopsError(
    ExitCode.Auth,
    expired
      ? `the SSO session of profile "${name}" expired${when}`
      : `the SSO session of profile "${name}" is missing or unreadable (no valid token in the SSO cache)`,
    {
      cause: thrown,
      code: 'CredentialsExpired',
      suggestions: [`Sign in again: aws sso login --profile ${name}`],
    },
  )
}

/**
 * The Expiration of what a credential_process returns. The SDK's error leaves the time out (or
 * hides the error entirely), so the process is run once more, as the SDK runs it (through the
 * shell, with the same environment); undefined when that gives no time within 10 s.
 */
async function processExpiration(command: string, env: Env): Promise<string | undefined> {
  try {
    const {stdout} = await promisify(exec)(command, {env, timeout: 10_000})
    const expiration = (JSON.parse(stdout.trim()) as {Expiration?: unknown}).Expiration
    const when = typeof expiration === 'string' ? new Date(expiration) : undefined
    return when && !Number.isNaN(when.getTime()) ? when.toISOString() : undefined
  } catch {
    return undefined
  }
}

import {loadSharedConfigFiles} from '@smithy/shared-ini-file-loader'

import {UsageError} from '../core/errors.js'
import {configFilePaths, profileNotFound} from './credentials-diagnosis.js'

/** What the user asked for on the command line; env is passed in so this module never reads process.env. */
export interface AwsSettingsInput {
  endpointUrl?: string | undefined
  env: Readonly<Record<string, string | undefined>>
  maxAttempts?: number | undefined
  profile?: string | undefined
  region?: string | undefined
}

export type RegionSource = 'AWS_DEFAULT_REGION' | 'AWS_REGION' | 'flag --region' | `profile ${string}`

export interface ResolvedAwsSettings {
  /** The endpoint override from --endpoint-url only; per-service env overrides are resolved per client. */
  endpointUrl: string | undefined
  env: Readonly<Record<string, string | undefined>>
  maxAttempts: number
  profile: string | undefined
  profileSource: 'AWS_PROFILE' | 'default' | 'flag --profile'
  region: string | undefined
  regionSource: RegionSource | undefined
}

export const DEFAULT_MAX_ATTEMPTS = 5

/**
 * Resolve profile and region in pipeops' documented order:
 * region = --region > AWS_REGION > AWS_DEFAULT_REGION > the profile's `region` in ~/.aws/config.
 * Missing region is not an error here: commands that call AWS ask for it with requireRegion().
 */
export async function resolveAwsSettings(input: AwsSettingsInput): Promise<ResolvedAwsSettings> {
  const {env} = input
  const profile = nonEmpty(input.profile) ?? nonEmpty(env.AWS_PROFILE)
  const profileSource = nonEmpty(input.profile)
    ? 'flag --profile'
    : nonEmpty(env.AWS_PROFILE)
      ? 'AWS_PROFILE'
      : 'default'
  let region: string | undefined
  let regionSource: RegionSource | undefined
  if (nonEmpty(input.region)) {
    region = input.region
    regionSource = 'flag --region'
  } else if (nonEmpty(env.AWS_REGION)) {
    region = env.AWS_REGION
    regionSource = 'AWS_REGION'
  } else if (nonEmpty(env.AWS_DEFAULT_REGION)) {
    region = env.AWS_DEFAULT_REGION
    regionSource = 'AWS_DEFAULT_REGION'
  } else {
    const profileName = profile ?? 'default'
    region = await regionFromProfile(profileName, env)
    if (region) regionSource = `profile ${profileName}`
  }

  if (region && !/^[a-z]{2}(-[a-z0-9]+)+-\d+$/.test(region)) {
    throw new UsageError(`"${region}" is not an AWS region name (from ${regionSource})`, {
      suggestions: ['Use a region code such as us-east-1 or eu-west-1.'],
    })
  }

  // A profile the user named must exist: otherwise every later message (no region, no credentials) misleads.
  if (profile && profileSource !== 'default') {
    const missing = await profileNotFound(profile, profileSource, env).catch(() => undefined)
    if (missing) throw missing
  }

  const endpointUrl = nonEmpty(input.endpointUrl)
  if (endpointUrl) validateEndpointUrl(endpointUrl, '--endpoint-url')
  const maxAttempts = input.maxAttempts ?? DEFAULT_MAX_ATTEMPTS
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1 || maxAttempts > 20) {
    throw new UsageError(`--max-attempts must be a whole number from 1 to 20, not ${maxAttempts}`)
  }

  return {endpointUrl, env, maxAttempts, profile, profileSource, region, regionSource}
}

/** The region, or a usage error (exit 2) that says how to set one. */
export function requireRegion(settings: ResolvedAwsSettings): string {
  if (settings.region) return settings.region
  throw new UsageError('no AWS region is set', {
    suggestions: [
      'Pass --region, e.g. --region us-east-1.',
      'Or export AWS_REGION=us-east-1, or set `region` in your profile in ~/.aws/config.',
    ],
  })
}

export function validateEndpointUrl(value: string, source: string): URL {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw new UsageError(`${source} "${value}" is not a URL`, {
      suggestions: ['Use a full URL such as http://127.0.0.1:4567.'],
    })
  }

  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`${source} "${value}" must use http or https`, {
      suggestions: ['Use a full URL such as http://127.0.0.1:4567.'],
    })
  }

  return url
}

async function regionFromProfile(
  profile: string,
  env: Record<string, string | undefined>,
): Promise<string | undefined> {
  try {
    const paths = configFilePaths(env)
    const files = await loadSharedConfigFiles({configFilepath: paths.config, filepath: paths.credentials})
    return nonEmpty(files.configFile?.[profile]?.region) ?? nonEmpty(files.credentialsFile?.[profile]?.region)
  } catch {
    // Unreadable config files mean "no region from the profile", as for the SDK itself.
    return undefined
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value && value.trim() !== '' ? value.trim() : undefined
}

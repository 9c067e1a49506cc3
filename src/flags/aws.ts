/**
 * The AWS flag set every command that calls AWS offers (BaseCommand's base flags), and the way a
 * command that never calls AWS hides them (they are still parsed, so BaseCommand can refuse them).
 */
import {Flags} from '@oclif/core'

// In the order refusals name them.
export const AWS_FLAG_NAMES = ['region', 'profile', 'endpoint-url', 'max-attempts'] as const

export const awsFlags = {
  'endpoint-url': Flags.string({
    helpGroup: 'AWS',
    summary:
      'Send AWS calls to this endpoint (LocalStack, emulators). AWS_ENDPOINT_URL_<SERVICE> and AWS_ENDPOINT_URL also work.',
  }),
  'max-attempts': Flags.integer({
    helpGroup: 'AWS',
    max: 20,
    min: 1,
    summary: 'Attempts per AWS call, with adaptive retries (default 5).',
  }),
  profile: Flags.string({
    helpGroup: 'AWS',
    summary: 'AWS shared-config profile (default: AWS_PROFILE, then "default").',
  }),
  region: Flags.string({
    helpGroup: 'AWS',
    summary: 'AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, then the profile).',
  }),
}

/** The AWS flag values, as the client factory reads them. */
export interface AwsFlagValues {
  'endpoint-url'?: string | undefined
  'max-attempts'?: number | undefined
  profile?: string | undefined
  region?: string | undefined
}

/** The shared flags with the AWS ones hidden from help, for commands that never call AWS (they are refused if given). */
export function hideAwsFlags<T extends Record<string, object>>(flags: T): T {
  const names: readonly string[] = AWS_FLAG_NAMES
  const out: Record<string, object> = {}
  for (const [name, flag] of Object.entries(flags)) out[name] = names.includes(name) ? {...flag, hidden: true} : flag
  return out as T
}

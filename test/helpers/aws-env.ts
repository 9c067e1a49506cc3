import {afterEach, beforeEach} from 'vitest'

const KEYS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_PROFILE',
  'AWS_ENDPOINT_URL',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_EC2_METADATA_DISABLED',
]

/**
 * Give each test a known AWS environment: dummy credentials, a region, no profile files and no
 * IMDS, so nothing depends on the machine's own ~/.aws and nothing leaves 127.0.0.1.
 */
export function useTestAwsEnv(overrides: Record<string, string | undefined> = {}): void {
  const saved: Record<string, string | undefined> = {}
  beforeEach(() => {
    for (const k of [...KEYS, ...Object.keys(process.env).filter((k) => k.startsWith('AWS_ENDPOINT_URL_'))]) {
      saved[k] = process.env[k]
      delete process.env[k]
    }

    Object.assign(process.env, {
      AWS_ACCESS_KEY_ID: 'AKIDTEST',
      AWS_CONFIG_FILE: '/nonexistent/pipeops-test-config',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_REGION: 'us-east-1',
      AWS_SECRET_ACCESS_KEY: 'secret-test',
      AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/pipeops-test-credentials',
    })
    for (const [k, v] of Object.entries(overrides)) {
      if (v === undefined) delete process.env[k]
      else process.env[k] = v
    }
  })
  afterEach(() => {
    for (const k of Object.keys(process.env).filter((k) => k.startsWith('AWS_'))) delete process.env[k]
    for (const [k, v] of Object.entries(saved)) if (v !== undefined) process.env[k] = v
  })
}

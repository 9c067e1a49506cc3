import type {STSClient} from '@aws-sdk/client-sts'

import type {ResolvedAwsSettings} from '../aws/settings.js'
import type {PermissionReport} from './permissions.js'

import {resolveEndpoint, type ServiceName, SERVICES} from '../aws/clients.js'
import {classifyError, PipeopsError} from '../core/errors.js'
import {type CallerIdentity, getCallerIdentity} from './identity.js'

export interface DoctorReport {
  endpoints: Array<{service: string; source: string; url: string}>
  identity: CallerIdentity | null
  node: string
  permissions?: PermissionReport | {skipped: string}
  pipeops: string
  profile: {source: string; value: string}
  region: {source: null | string; value: null | string}
}

/** Everything doctor can tell without calling AWS: versions, profile, region and endpoint choices. */
export function describeSetup(
  settings: ResolvedAwsSettings,
  versions: {node: string; pipeops: string},
): Omit<DoctorReport, 'identity'> {
  const endpoints = (Object.keys(SERVICES) as ServiceName[]).flatMap((service) => {
    const e = resolveEndpoint(settings, service)
    return e ? [{service: SERVICES[service].label, source: e.source, url: e.url}] : []
  })
  return {
    endpoints,
    node: versions.node,
    pipeops: versions.pipeops,
    profile: {source: settings.profileSource, value: settings.profile ?? 'default'},
    region: {source: settings.regionSource ?? null, value: settings.region ?? null},
  }
}

/** STS GetCallerIdentity; a failure is classified (exit 3 for credentials) with the setup attached. */
export async function checkIdentity(
  sts: Pick<STSClient, 'send'>,
  setup: Omit<DoctorReport, 'identity'>,
): Promise<CallerIdentity> {
  try {
    return await getCallerIdentity(sts)
  } catch (error) {
    const c = classifyError(error)
    throw new PipeopsError(c.exitCode, c.message, {
      cause: error,
      code: c.code,
      details: {...setup, identity: null},
      requestId: c.requestId,
      suggestions: c.suggestions,
    })
  }
}

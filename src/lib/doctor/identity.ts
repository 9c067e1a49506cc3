import {GetCallerIdentityCommand, type STSClient} from '@aws-sdk/client-sts'

export interface CallerIdentity {
  account: string
  arn: string
  userId: string
}

export async function getCallerIdentity(sts: Pick<STSClient, 'send'>): Promise<CallerIdentity> {
  const out = await sts.send(new GetCallerIdentityCommand({}))
  return {account: out.Account ?? '', arn: out.Arn ?? '', userId: out.UserId ?? ''}
}

/**
 * IAM simulation needs the IAM principal, not the STS session:
 * arn:aws:sts::123:assumed-role/Role/session → arn:aws:iam::123:role/Role.
 * Roles with a path cannot be recovered from the session ARN; their simulation reports NoSuchEntity.
 */
export function principalArnForSimulation(callerArn: string): string | undefined {
  const assumed = /^arn:(aws[\w-]*):sts::(\d{12}):assumed-role\/([^/]+)\/.+$/.exec(callerArn)
  if (assumed) return `arn:${assumed[1]}:iam::${assumed[2]}:role/${assumed[3]}`
  if (/^arn:aws[\w-]*:iam::\d{12}:(user|role)\//.test(callerArn)) return callerArn
  // root, federated users and service principals cannot be simulated.
  return undefined
}

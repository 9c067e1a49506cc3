/**
 * IAM declarations: every command lists the IAM actions it may call. `iam-policy` turns them into
 * a least-privilege policy, `doctor --check-permissions` simulates them, and tests check that each
 * SDK command a flow sends is declared.
 */
import {type ServiceName, SERVICES} from './clients.js'

export interface IamActionDeclaration {
  action: string
  /** When the action is needed, if not always (e.g. "with --apply"). */
  when?: string
}

export type IamDeclaration = ReadonlyArray<IamActionDeclaration | string>

export function normaliseDeclaration(decl: IamDeclaration): IamActionDeclaration[] {
  return decl.map((d) => (typeof d === 'string' ? {action: d} : d))
}

/**
 * S3 and a few other services name IAM actions differently from their API operations.
 * Source: the Service Authorization Reference (actions, resources and condition keys) per service.
 */
const ACTION_OVERRIDES: Partial<Record<ServiceName, Record<string, string>>> = {
  s3: {
    AbortMultipartUpload: 's3:AbortMultipartUpload',
    CompleteMultipartUpload: 's3:PutObject',
    CreateBucket: 's3:CreateBucket',
    CreateMultipartUpload: 's3:PutObject',
    DeleteBucketLifecycle: 's3:PutLifecycleConfiguration',
    DeleteObject: 's3:DeleteObject',
    DeleteObjects: 's3:DeleteObject',
    GetBucketLifecycleConfiguration: 's3:GetLifecycleConfiguration',
    GetBucketLocation: 's3:GetBucketLocation',
    GetBucketNotificationConfiguration: 's3:GetBucketNotification',
    GetBucketVersioning: 's3:GetBucketVersioning',
    GetObject: 's3:GetObject',
    HeadBucket: 's3:ListBucket',
    HeadObject: 's3:GetObject',
    ListBuckets: 's3:ListAllMyBuckets',
    ListObjects: 's3:ListBucket',
    ListObjectsV2: 's3:ListBucket',
    ListObjectVersions: 's3:ListBucketVersions',
    PutBucketLifecycleConfiguration: 's3:PutLifecycleConfiguration',
    PutObject: 's3:PutObject',
    UploadPart: 's3:PutObject',
  },
}

/** `ListShardsCommand` on the Kinesis client → `kinesis:ListShards`. */
export function iamActionForSdkCommand(service: ServiceName, commandName: string): string {
  const operation = commandName.replace(/Command$/, '')
  return ACTION_OVERRIDES[service]?.[operation] ?? `${SERVICES[service].iamPrefix}:${operation}`
}

export interface PolicyStatement {
  Action: string[]
  Effect: 'Allow'
  Resource: '*'
  Sid: string
}

export interface PolicyDocument {
  Statement: PolicyStatement[]
  Version: '2012-10-17'
}

/**
 * One statement per need ("always", "with --apply", …), actions sorted and de-duplicated.
 * Resources are '*': pipeops does not know the names at policy time; scope them down by ARN.
 */
export function buildPolicy(declarations: Array<{commandId: string; iam: IamDeclaration}>): PolicyDocument {
  const groups = new Map<string, Set<string>>()
  for (const {commandId, iam} of declarations) {
    for (const d of normaliseDeclaration(iam)) {
      const key = d.when ? `${commandId} ${d.when}` : 'always'
      const set = groups.get(key) ?? new Set<string>()
      set.add(d.action)
      groups.set(key, set)
    }
  }

  const always = groups.get('always') ?? new Set<string>()
  const statements: PolicyStatement[] = []
  if (always.size > 0) statements.push({Action: [...always].sort(), Effect: 'Allow', Resource: '*', Sid: 'PipeopsRead'})
  for (const [key, actions] of [...groups.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (key === 'always') continue
    const extra = [...actions].filter((a) => !always.has(a)).sort()
    if (extra.length > 0) statements.push({Action: extra, Effect: 'Allow', Resource: '*', Sid: sidFor(key)})
  }

  return {Statement: statements, Version: '2012-10-17'}
}

function sidFor(key: string): string {
  const words = key
    .replace(/[^A-Za-z0-9]+/g, ' ')
    .trim()
    .split(' ')
  return `Pipeops${words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')}`
}

export function allActions(policy: PolicyDocument): string[] {
  return [...new Set(policy.Statement.flatMap((s) => s.Action))].sort()
}

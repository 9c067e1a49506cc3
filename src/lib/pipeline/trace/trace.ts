import type {CloudWatchClient} from '@aws-sdk/client-cloudwatch'
import type {CloudWatchLogsClient} from '@aws-sdk/client-cloudwatch-logs'
import type {EventBridgeClient} from '@aws-sdk/client-eventbridge'
import type {IAMClient} from '@aws-sdk/client-iam'
import type {KMSClient} from '@aws-sdk/client-kms'
import type {LambdaClient} from '@aws-sdk/client-lambda'
import type {PipesClient} from '@aws-sdk/client-pipes'
import type {S3Client} from '@aws-sdk/client-s3'
import type {SFNClient} from '@aws-sdk/client-sfn'
/**
 * `pipeline trace s3://bucket/key`: walks S3 → EventBridge → target → execution for one object
 * and reports each hop as ok / broken (with the fix) / unknown (with what would tell). A call that
 * is denied or fails leaves its hop unknown, never ok.
 *
 * Clients are plain SDK clients passed in (any may be absent: offline inputs replace them).
 */
import type {SNSClient} from '@aws-sdk/client-sns'
import type {SQSClient} from '@aws-sdk/client-sqs'

import type {TrailSearcher} from '../../cloudtrail/athena-lookup.js'
import type {RunContext} from '../../core/run-context.js'
import type {PipeFacts} from './pipes.js'
import type {Hop, ObjectFacts, RuleRecord, TraceResult} from './types.js'

import {reasonOf} from '../../core/error-reason.js'
import {activityHop, executionsHop} from './activity.js'
import {type NotificationDocument, notificationHop} from './notifications.js'
import {addObjectWrites} from './object-writes.js'
import {judgeRule, rulesHop} from './rules.js'
import {buildObjectCreatedEvent} from './s3-event.js'
import {ruleFromSdk} from './saved-rules.js'
import {type KeyFacts, type TargetChecks, targetsHop} from './targets.js'

export interface TraceClients {
  cloudwatch?: CloudWatchClient | undefined
  eventbridge?: EventBridgeClient | undefined
  iam?: IAMClient | undefined
  kms?: KMSClient | undefined
  lambda?: LambdaClient | undefined
  logs?: CloudWatchLogsClient | undefined
  pipes?: PipesClient | undefined
  s3?: S3Client | undefined
  sfn?: SFNClient | undefined
  sns?: SNSClient | undefined
  sqs?: SQSClient | undefined
  /** `--trail-table`: the trail's log files in Athena, for the object's S3 data events. */
  trail?: TrailSearcher | undefined
}

export interface TraceRequest {
  account?: string | undefined
  bucket: string
  bus: string
  /** Offline hop 3: the event itself (its object fields stand for HeadObject). */
  event?: Record<string, unknown> | undefined
  /** When the object was written, if HeadObject cannot tell. */
  eventTime?: Date | undefined
  key: string
  maxExecutions: number
  /** Offline hop 2. */
  notification?: NotificationDocument | undefined
  region?: string | undefined
  /** Offline hops 4–5. */
  rules?: undefined | {lambdaPolicies: Record<string, string>; rules: RuleRecord[]}
  /** Hops 6–7 look from this instant until now, instead of around the object's time. */
  since?: Date | undefined
  size?: number | undefined
}

const OFFLINE = 'offline: no AWS call'

/** The account of the bus, from a rule's ARN (arn:aws:events:REGION:ACCOUNT:rule/…). */
function accountOf(rules: RuleRecord[] | undefined): string | undefined {
  const arn = rules?.find((r) => r.arn)?.arn
  return arn?.split(':')[4] || undefined
}

async function objectHop(
  clients: TraceClients,
  request: TraceRequest,
  ctx: RunContext,
): Promise<{facts: ObjectFacts; hop: Hop}> {
  const facts: ObjectFacts = {bucket: request.bucket, key: request.key, size: request.size}
  const hop: Hop = {evidence: [], fix: [], hop: 1, name: 'The object', status: 'unknown'}
  const detail = (request.event?.detail ?? {}) as {object?: {etag?: string; size?: number; 'version-id'?: string}}
  if (request.event) {
    facts.size ??= detail.object?.size
    facts.etag = detail.object?.etag
    facts.versionId = detail.object?.['version-id']
    if (typeof request.event.time === 'string') facts.lastModified = request.event.time
    hop.evidence.push('from the event given with --event (not read from S3)')
  }

  if (request.eventTime) facts.lastModified = request.eventTime.toISOString()
  if (clients.s3 && !request.event) {
    const {HeadObjectCommand} = await import('@aws-sdk/client-s3')
    try {
      const head = await clients.s3.send(new HeadObjectCommand({Bucket: request.bucket, Key: request.key}), {
        abortSignal: ctx.signal,
      })
      facts.size = head.ContentLength
      facts.etag = head.ETag?.replaceAll('"', '')
      facts.lastModified = head.LastModified?.toISOString()
      facts.storageClass = head.StorageClass ?? 'STANDARD'
      facts.versionId = head.VersionId
      hop.status = 'ok'
      hop.evidence.push(
        `s3://${request.bucket}/${request.key}: ${facts.size} bytes, last modified ${facts.lastModified}, ${facts.storageClass}${facts.versionId ? `, version ${facts.versionId}` : ''}`,
      )
    } catch (error) {
      const {name} = error as {name?: string}
      if (name === 'NotFound' || name === 'NoSuchKey') {
        hop.status = 'broken'
        hop.evidence.push(`s3://${request.bucket}/${request.key} does not exist (HeadObject: ${name})`)
        hop.fix.push(
          `aws s3 ls s3://${request.bucket}/${request.key.split('/').slice(0, -1).join('/')}/ — check the key's spelling and case`,
        )
      } else {
        hop.evidence.push(`HeadObject failed (${reasonOf(error)}); give --event-time and --size to go on`)
      }
    }
  } else if (request.event || request.eventTime || request.size !== undefined) {
    hop.status = facts.lastModified && facts.size !== undefined ? 'ok' : 'unknown'
    if (!request.event) hop.evidence.push('from --event-time / --size (not read from S3)')
  } else {
    hop.evidence.push(`${OFFLINE}; give --event FILE or --event-time and --size`)
  }

  return {facts, hop}
}

async function readNotification(
  clients: TraceClients,
  request: TraceRequest,
  ctx: RunContext,
): Promise<{doc?: NotificationDocument; why?: string}> {
  if (request.notification) return {doc: request.notification}
  if (!clients.s3) return {why: `${OFFLINE}; give --notification-json FILE`}
  const {GetBucketNotificationConfigurationCommand} = await import('@aws-sdk/client-s3')
  try {
    const out = await clients.s3.send(new GetBucketNotificationConfigurationCommand({Bucket: request.bucket}), {
      abortSignal: ctx.signal,
    })
    // Only the configuration (not $metadata): the fix puts this document back whole.
    const doc: NotificationDocument = {}
    if (out.EventBridgeConfiguration) doc.EventBridgeConfiguration = {}
    if (out.LambdaFunctionConfigurations?.length)
      doc.LambdaFunctionConfigurations = out.LambdaFunctionConfigurations as never
    if (out.QueueConfigurations?.length) doc.QueueConfigurations = out.QueueConfigurations as never
    if (out.TopicConfigurations?.length) doc.TopicConfigurations = out.TopicConfigurations as never
    return {doc}
  } catch (error) {
    return {why: `GetBucketNotificationConfiguration failed (${reasonOf(error)})`}
  }
}

async function listRules(
  clients: TraceClients,
  request: TraceRequest,
  ctx: RunContext,
): Promise<{rules?: RuleRecord[]; why?: string}> {
  if (request.rules) return {rules: request.rules.rules}
  if (!clients.eventbridge) return {why: `${OFFLINE}; give --rules-json FILE`}
  const {ListRulesCommand, ListTargetsByRuleCommand} = await import('@aws-sdk/client-eventbridge')
  const rules: RuleRecord[] = []
  try {
    let token: string | undefined
    do {
      const page = await clients.eventbridge.send(new ListRulesCommand({EventBusName: request.bus, NextToken: token}), {
        abortSignal: ctx.signal,
      })
      for (const r of page.Rules ?? []) rules.push(ruleFromSdk(r as Parameters<typeof ruleFromSdk>[0], request.bus))
      token = page.NextToken
    } while (token)
  } catch (error) {
    return {why: `ListRules failed (${reasonOf(error)})`}
  }

  return {rules: await withTargets(rules, clients.eventbridge, ListTargetsByRuleCommand, ctx)}
}

async function withTargets(
  rules: RuleRecord[],
  eventbridge: EventBridgeClient,
  Command: typeof import('@aws-sdk/client-eventbridge').ListTargetsByRuleCommand,
  ctx: RunContext,
): Promise<RuleRecord[]> {
  for (const rule of rules) {
    try {
      const targets: NonNullable<RuleRecord['targets']> = []
      let token: string | undefined
      do {
        const page = await eventbridge.send(
          new Command({EventBusName: rule.eventBusName, NextToken: token, Rule: rule.name}),
          {abortSignal: ctx.signal},
        )
        targets.push(
          ...(page.Targets ?? []).map((t) => ruleFromSdk({Targets: [t]} as never, rule.eventBusName).targets![0]!),
        )
        token = page.NextToken
      } while (token)

      rule.targets = targets
    } catch {
      rule.targets = undefined
    }
  }

  return rules
}

/**
 * DescribeKey (manager, state, the key behind an alias) then GetKeyPolicy. What was read before a
 * call failed is kept; the policy is then undefined, with why.
 */
async function keyFacts(kms: KMSClient | undefined, keyId: string, ctx: RunContext): Promise<KeyFacts> {
  if (!kms) return {why: 'no KMS client'}
  const {DescribeKeyCommand, GetKeyPolicyCommand} = await import('@aws-sdk/client-kms')
  const facts: KeyFacts = {}
  try {
    const {KeyMetadata: meta} = await kms.send(new DescribeKeyCommand({KeyId: keyId}), {abortSignal: ctx.signal})
    facts.keyArn = meta?.Arn
    facts.manager = meta?.KeyManager
    facts.state = meta?.KeyState
  } catch (error) {
    return {why: `DescribeKey failed (${reasonOf(error)})`}
  }

  if (facts.manager === 'AWS') return facts
  try {
    const out = await kms.send(new GetKeyPolicyCommand({KeyId: facts.keyArn ?? keyId, PolicyName: 'default'}), {
      abortSignal: ctx.signal,
    })
    if (out.Policy) facts.policy = out.Policy
    else facts.why = 'GetKeyPolicy returned no policy'
  } catch (error) {
    facts.why = `GetKeyPolicy failed (${reasonOf(error)})`
  }

  return facts
}

/** ListPipes by source (paged), then DescribePipe of each whose source is exactly `sourceArn`. */
async function pipesReading(
  client: PipesClient | undefined,
  sourceArn: string,
  ctx: RunContext,
): Promise<{pipes?: PipeFacts[]; why?: string}> {
  if (!client) return {why: 'no Pipes client'}
  const {DescribePipeCommand, ListPipesCommand} = await import('@aws-sdk/client-pipes')
  try {
    const pipes: PipeFacts[] = []
    let token: string | undefined
    do {
      const page = await client.send(new ListPipesCommand({NextToken: token, SourcePrefix: sourceArn}), {
        abortSignal: ctx.signal,
      })
      for (const listed of page.Pipes ?? []) {
        if (listed.Source !== sourceArn || !listed.Name) continue
        const p = await client.send(new DescribePipeCommand({Name: listed.Name}), {abortSignal: ctx.signal})
        pipes.push({
          arn: p.Arn,
          currentState: p.CurrentState,
          desiredState: p.DesiredState,
          filters: (p.SourceParameters?.FilterCriteria?.Filters ?? []).flatMap((f) => (f.Pattern ? [f.Pattern] : [])),
          inputTemplate: p.TargetParameters?.InputTemplate,
          name: listed.Name,
          source: p.Source,
          stateReason: p.StateReason,
          target: p.Target,
        })
      }

      token = page.NextToken
    } while (token)

    return {pipes}
  } catch (error) {
    return {why: `ListPipes/DescribePipe failed (${reasonOf(error)})`}
  }
}

function targetChecks(clients: TraceClients, request: TraceRequest, ctx: RunContext): TargetChecks | undefined {
  if (request.rules) {
    const policies = request.rules.lambdaPolicies
    return {
      async key() {
        return {why: OFFLINE}
      },
      async lambdaPolicy(arn) {
        const policy = policies[arn] ?? policies[arn.split(':').slice(0, 7).join(':')]
        return policy === undefined ? {why: `no LambdaPolicies entry for ${arn} in --rules-json`} : {policy}
      },
      async pipesReading() {
        return {why: OFFLINE}
      },
      async queue() {
        return {why: OFFLINE}
      },
      async roleAllows() {
        return {why: OFFLINE}
      },
      async topicPolicy() {
        return {why: OFFLINE}
      },
    }
  }

  if (!clients.lambda && !clients.iam && !clients.sqs && !clients.sns && !clients.kms && !clients.pipes)
    return undefined
  return {
    key: async (keyId) => keyFacts(clients.kms, keyId, ctx),
    async lambdaPolicy(arn) {
      if (!clients.lambda) return {why: 'no Lambda client'}
      const {GetPolicyCommand} = await import('@aws-sdk/client-lambda')
      try {
        const out = await clients.lambda.send(new GetPolicyCommand({FunctionName: arn}), {abortSignal: ctx.signal})
        return out.Policy ? {policy: out.Policy} : {why: 'GetPolicy returned no policy'}
      } catch (error) {
        // No policy at all is an answer: nothing may invoke the function.
        if ((error as {name?: string}).name === 'ResourceNotFoundException') return {policy: '{"Statement":[]}'}
        return {why: `GetPolicy failed (${reasonOf(error)})`}
      }
    },
    pipesReading: async (sourceArn) => pipesReading(clients.pipes, sourceArn, ctx),
    async queue(arn) {
      if (!clients.sqs) return {why: 'no SQS client'}
      const {GetQueueAttributesCommand, GetQueueUrlCommand} = await import('@aws-sdk/client-sqs')
      // arn:aws:sqs:REGION:ACCOUNT:NAME
      const parts = arn.split(':')
      const account = parts[4]
      const name = parts[5]
      try {
        const {QueueUrl} = await clients.sqs.send(
          new GetQueueUrlCommand({QueueName: name, QueueOwnerAWSAccountId: account}),
          {abortSignal: ctx.signal},
        )
        const {Attributes: a = {}} = await clients.sqs.send(
          new GetQueueAttributesCommand({
            AttributeNames: ['Policy', 'ApproximateNumberOfMessages', 'KmsMasterKeyId'],
            QueueUrl,
          }),
          {abortSignal: ctx.signal},
        )
        return {
          depth: a.ApproximateNumberOfMessages === undefined ? undefined : Number(a.ApproximateNumberOfMessages),
          kmsKeyId: a.KmsMasterKeyId,
          // A queue with no policy lets no other principal send: an answer, not an unknown.
          policy: a.Policy ?? '{"Statement":[]}',
        }
      } catch (error) {
        return {why: `the queue could not be read (${reasonOf(error)})`}
      }
    },
    async roleAllows(roleArn, action, resource) {
      if (!clients.iam) return {why: 'no IAM client'}
      const {SimulatePrincipalPolicyCommand} = await import('@aws-sdk/client-iam')
      try {
        const out = await clients.iam.send(
          new SimulatePrincipalPolicyCommand({
            ActionNames: [action],
            PolicySourceArn: roleArn,
            ResourceArns: [resource],
          }),
          {abortSignal: ctx.signal},
        )
        const decision = out.EvaluationResults?.[0]?.EvalDecision
        return decision ? {allowed: decision === 'allowed'} : {why: 'SimulatePrincipalPolicy gave no decision'}
      } catch (error) {
        return {why: `SimulatePrincipalPolicy failed (${reasonOf(error)})`}
      }
    },
    async topicPolicy(arn) {
      if (!clients.sns) return {why: 'no SNS client'}
      const {GetTopicAttributesCommand} = await import('@aws-sdk/client-sns')
      try {
        const {Attributes: a = {}} = await clients.sns.send(new GetTopicAttributesCommand({TopicArn: arn}), {
          abortSignal: ctx.signal,
        })
        return {kmsKeyId: a.KmsMasterKeyId, policy: a.Policy ?? '{"Statement":[]}'}
      } catch (error) {
        return {why: `the topic could not be read (${reasonOf(error)})`}
      }
    },
  }
}

export async function tracePipeline(
  clients: TraceClients,
  request: TraceRequest,
  ctx: RunContext,
): Promise<TraceResult> {
  ctx.progress({label: 'object'})
  const {facts, hop: hop1} = await objectHop(clients, request, ctx)
  const objectCalls = clients.trail
    ? await addObjectWrites(clients.trail, facts, hop1, {now: ctx.now(), since: request.since}, ctx)
    : undefined

  ctx.progress({label: 'bucket notifications'})
  const notification = await readNotification(clients, request, ctx)
  const hop2 = notificationHop(notification.doc, request.bucket, request.key, notification.why)

  ctx.progress({label: 'rules'})
  const listed = await listRules(clients, request, ctx)
  const built = request.event
    ? {event: request.event, unknownFields: [] as string[]}
    : buildObjectCreatedEvent(facts, {
        account: request.account ?? accountOf(listed.rules),
        region: request.region,
        time: facts.lastModified,
      })
  const hop3: Hop = {
    evidence: [
      request.event ? 'the event given with --event' : 'built as S3 sends it for this object (see the event in --json)',
      ...(built.unknownFields.length > 0
        ? [
            `fields the trace cannot know (only S3 knows them for this write, or not given), left out: ${built.unknownFields.join(', ')}`,
          ]
        : []),
    ],
    fix: [],
    hop: 3,
    name: 'The event',
    status: facts.size === undefined && !request.event ? 'unknown' : 'ok',
  }

  const verdicts = listed.rules?.map((r) => judgeRule(r, built.event, built.unknownFields))
  const hop4 = rulesHop(verdicts, request.bus, listed.why)
  const firing = (verdicts ?? []).filter((v) => v.verdict === 'match' && v.rule.state !== 'DISABLED').map((v) => v.rule)

  ctx.progress({label: 'targets'})
  const hop5 = await targetsHop(firing, targetChecks(clients, request, ctx), OFFLINE, built.event)

  ctx.progress({label: 'metrics'})
  const objectTime = facts.lastModified ? new Date(facts.lastModified) : undefined
  const window = {objectTime, since: request.since}
  const hop6 = await activityHop(clients.cloudwatch, firing, window, ctx)

  ctx.progress({label: 'executions'})
  const {executions, hop: hop7} = await executionsHop(clients, firing, request.key, window, request.maxExecutions, ctx)

  return {
    event: built.event,
    executions,
    hops: [hop1, hop2, hop3, hop4, hop5, hop6, hop7],
    object: facts,
    ...(objectCalls ? {objectCalls} : {}),
    rules: verdicts ?? [],
    unknownEventFields: built.unknownFields,
  }
}

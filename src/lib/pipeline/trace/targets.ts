/**
 * Hop 5: the targets of each matching rule. Lambda: its resource policy must let
 * events.amazonaws.com invoke it for this rule (GetPolicy). Role-based targets (Step Functions,
 * Kinesis, ECS, Batch, …): the target needs a RoleArn, and the role must allow the action
 * (iam:SimulatePrincipalPolicy when the caller may run it). SQS/SNS: the queue or topic policy
 * must let EventBridge send for this rule, and a queue or topic encrypted with a customer managed
 * KMS key needs that key's policy to let events.amazonaws.com use it (DescribeKey + GetKeyPolicy).
 * Dead-letter queue and retry policy are reported for each.
 */
import type {Hop, RuleRecord, TargetRecord} from './types.js'

import {targetInput} from '../../events/input-transformer.js'
import {type PipeFacts, pipesCheck} from './pipes.js'
import {
  eventBridgeMayDeliver,
  eventBridgeMayInvoke,
  eventBridgeMayUseKey,
  KEY_ACTIONS_FOR_EVENTBRIDGE,
} from './resource-policy.js'

/** A queue's or topic's policy, its KMS key and (queues) how many messages wait in it. */
export interface DestinationFacts {
  depth?: number | undefined
  kmsKeyId?: string | undefined
  policy?: string | undefined
  why?: string | undefined
}

/** A KMS key as DescribeKey and GetKeyPolicy tell it; what could not be read is undefined, with why. */
export interface KeyFacts {
  keyArn?: string | undefined
  /** `AWS` (an AWS managed key, whose policy cannot be changed) or `CUSTOMER`. */
  manager?: string | undefined
  policy?: string | undefined
  /** `Enabled`, `Disabled`, `PendingDeletion`, … */
  state?: string | undefined
  why?: string | undefined
}

export interface TargetChecks {
  /** The KMS key `keyId` (a key or alias ARN) that encrypts a queue or topic. */
  key(keyId: string): Promise<KeyFacts>
  /** The function's resource policy text; undefined = not readable (with why). */
  lambdaPolicy(functionArn: string): Promise<{policy?: string; why?: string}>
  /** The EventBridge pipes whose source is `sourceArn` (ListPipes + DescribePipe); undefined = not listed (with why). */
  pipesReading(sourceArn: string): Promise<{pipes?: PipeFacts[]; why?: string}>
  /** An SQS queue's policy, KMS key and depth (a target or a dead-letter queue). */
  queue(queueArn: string): Promise<DestinationFacts>
  /** Whether the role may run `action` on `resource`; undefined = could not simulate (with why). */
  roleAllows(roleArn: string, action: string, resource: string): Promise<{allowed?: boolean; why?: string}>
  /** An SNS topic's policy and KMS key. */
  topicPolicy(topicArn: string): Promise<DestinationFacts>
}

export function serviceOf(arn: string): string {
  return arn.split(':')[2] ?? ''
}

/** The action a role-based target needs, by service. */
const ROLE_ACTIONS: Record<string, string> = {
  events: 'events:PutEvents',
  firehose: 'firehose:PutRecord',
  kinesis: 'kinesis:PutRecord',
  states: 'states:StartExecution',
}

function describeDelivery(t: TargetRecord): string {
  const retry = t.retryPolicy
  const retries = retry
    ? `retries: ${retry.maximumRetryAttempts ?? 185} attempts within ${retry.maximumEventAgeInSeconds ?? 86_400} s`
    : 'retries: EventBridge defaults (185 attempts within 24 h)'
  return `${retries}; dead-letter queue: ${t.deadLetterArn ?? 'none — an event that cannot be delivered is dropped'}`
}

/** What one check found about one target: evidence (without the target's label), fixes, status. */
interface TargetVerdict {
  evidence: string[]
  fix: string[]
  status: 'broken' | 'ok' | 'unknown'
}

const OK: TargetVerdict = {evidence: [], fix: [], status: 'ok'}

/** What the access checks read with: the live look-ups, or undefined offline (and why). */
interface CheckSources {
  checks: TargetChecks | undefined
  offlineWhy: string
}

export async function targetsHop(
  rules: RuleRecord[],
  checks: TargetChecks | undefined,
  offlineWhy: string,
  event?: Record<string, unknown>,
): Promise<Hop> {
  const hop: Hop = {evidence: [], fix: [], hop: 5, name: 'Targets', status: 'ok'}
  if (rules.length === 0) {
    hop.status = 'unknown'
    hop.evidence.push('no enabled matching rule: no target to check')
    return hop
  }

  const verdicts: TargetVerdict[] = []
  const add = (label: string, verdict: TargetVerdict): void => {
    hop.evidence.push(...verdict.evidence.map((e) => `${label}: ${e}`))
    hop.fix.push(...verdict.fix)
    verdicts.push(verdict)
  }

  for (const rule of rules) {
    if (!rule.targets || rule.targets.length === 0) {
      add(rule.name, listedTargets(rule))
      continue
    }

    for (const t of rule.targets) {
      const label = `${rule.name} → ${t.arn}`
      hop.evidence.push(`${label}: ${describeDelivery(t)}`)
      add(label, await deadLetterCheck(rule, t, checks))
      add(label, inputCheck(rule, t, event))
      add(label, await accessCheck(rule, t, {checks, offlineWhy}))
      if (serviceOf(t.arn) === 'sqs') add(label, await pipesFromQueue(rule, t, checks, event))
    }
  }

  hop.status = verdicts.some((v) => v.status === 'broken')
    ? 'broken'
    : verdicts.some((v) => v.status === 'unknown')
      ? 'unknown'
      : 'ok'
  return hop
}

/** A rule whose targets were not listed (unknown), or that has none (broken: it matches and nothing happens). */
function listedTargets(rule: RuleRecord): TargetVerdict {
  if (!rule.targets) return {evidence: ['targets not listed'], fix: [], status: 'unknown'}
  return {
    evidence: ['the rule has no target — it matches and nothing happens'],
    fix: [
      `aws events put-targets --rule ${rule.name} --event-bus-name ${rule.eventBusName} --targets Id=1,Arn=TARGET_ARN`,
    ],
    status: 'broken',
  }
}

/** What the EventBridge pipes reading a target queue do with this event's message. */
async function pipesFromQueue(
  rule: RuleRecord,
  t: TargetRecord,
  checks: TargetChecks | undefined,
  event: Record<string, unknown> | undefined,
): Promise<TargetVerdict> {
  if (!checks) return OK
  const {pipes, why} = await checks.pipesReading(t.arn)
  if (!pipes) return {evidence: [`EventBridge pipes reading the queue are not checked (${why})`], fix: [], status: 'ok'}
  if (!event)
    return {
      evidence: [`${pipes.length} pipe(s) read the queue; without the event their filters are not evaluated`],
      fix: [],
      status: pipes.length > 0 ? 'unknown' : 'ok',
    }
  return pipesCheck(t.arn, targetInput(event, t, rule).text, pipes)
}

/** The dead-letter queue's depth: messages there are deliveries that failed. */
async function deadLetterCheck(
  rule: RuleRecord,
  t: TargetRecord,
  checks: TargetChecks | undefined,
): Promise<TargetVerdict> {
  if (!t.deadLetterArn || !checks) return OK
  const dlq = await checks.queue(t.deadLetterArn)
  const verdict: TargetVerdict = {evidence: [], fix: [], status: 'ok'}
  if (dlq.depth !== undefined && dlq.depth > 0)
    verdict.evidence.push(
      `the dead-letter queue holds about ${dlq.depth} message(s): deliveries to this target failed (each message says why in its attributes)`,
    )
  else if (dlq.depth === 0) verdict.evidence.push('the dead-letter queue is empty')
  // A dead-letter queue EventBridge cannot write to loses the failed events; the delivery itself
  // is not broken by it, so this is told, with its fix, without breaking the hop.
  if (dlq.kmsKeyId && rule.arn) {
    const key = await keyCheck(
      {arn: t.deadLetterArn, kmsKeyId: dlq.kmsKeyId, noun: 'dead-letter queue'},
      rule.arn,
      checks,
    )
    verdict.evidence.push(...key.evidence)
    if (key.status === 'broken') {
      verdict.evidence.push('failed deliveries would not reach the dead-letter queue')
      verdict.fix.push(...key.fix)
    }
  }

  return verdict
}

/** Where the KMS key named by a queue's or topic's KmsMasterKeyId is: aliases and key ids are in the resource's account and Region. */
export function keyArnFor(kmsKeyId: string, resourceArn: string): string {
  if (kmsKeyId.startsWith('arn:')) return kmsKeyId
  const [, partition, , region, account] = resourceArn.split(':')
  return `arn:${partition}:kms:${region}:${account}:${kmsKeyId.startsWith('alias/') ? kmsKeyId : `key/${kmsKeyId}`}`
}

/**
 * A queue or topic encrypted with KMS: EventBridge must be allowed kms:GenerateDataKey and
 * kms:Decrypt by the key policy (SQS developer guide, "Enable compatibility between AWS services
 * and encrypted queues"; SNS developer guide, the same for topics). An AWS managed key's policy
 * cannot give it; a disabled key or one pending deletion refuses every use.
 */
async function keyCheck(
  {arn, kmsKeyId, noun}: {arn: string; kmsKeyId: string; noun: string},
  ruleArn: string,
  checks: TargetChecks,
): Promise<TargetVerdict> {
  const needs = `kms:GenerateDataKey and kms:Decrypt for events.amazonaws.com`
  const awsManaged = (key: string): TargetVerdict => ({
    evidence: [`the ${noun} is encrypted with the AWS managed key ${key}, whose policy EventBridge cannot be given`],
    fix: [
      `Encrypt ${arn} with a customer managed KMS key whose policy allows ${needs}${serviceOf(arn) === 'sqs' ? ', or with SSE-SQS' : ''}.`,
    ],
    status: 'broken',
  })
  if (/^(arn:[^:]+:kms:[^:]*:[^:]*:)?alias\/aws\/(sqs|sns)$/.test(kmsKeyId)) return awsManaged(kmsKeyId)
  const facts = await checks.key(keyArnFor(kmsKeyId, arn))
  const key = facts.keyArn ?? kmsKeyId
  if (facts.manager === 'AWS') return awsManaged(key)
  if (facts.state !== undefined && facts.state !== 'Enabled')
    return {
      evidence: [`the ${noun} is encrypted with KMS key ${key}, which is ${facts.state}: every delivery fails`],
      fix: [
        facts.state === 'PendingDeletion'
          ? `aws kms cancel-key-deletion --key-id ${key} && aws kms enable-key --key-id ${key}`
          : `aws kms enable-key --key-id ${key}`,
      ],
      status: 'broken',
    }
  if (facts.policy === undefined)
    return {
      evidence: [
        `the ${noun} is encrypted with KMS key ${key}: its key policy is not checked (${facts.why}); it must allow ${needs}`,
      ],
      fix: [],
      status: 'unknown',
    }
  let verdict
  try {
    verdict = eventBridgeMayUseKey(facts.policy, ruleArn)
  } catch (error) {
    return {
      evidence: [`the key policy of ${key} is not checked (not JSON: ${(error as Error).message})`],
      fix: [],
      status: 'unknown',
    }
  }

  if (verdict.missing.length === 0)
    return {evidence: [`the key policy of ${key} allows ${needs}`], fix: [], status: 'ok'}
  if (verdict.undecided.length > 0)
    return {
      evidence: [
        `the key policy of ${key} does not plainly allow ${verdict.missing.join(' and ')} for events.amazonaws.com; ${verdict.undecided.join(', ')} ha${verdict.undecided.length > 1 ? 've' : 's'} conditions this trace does not evaluate`,
      ],
      fix: [],
      status: 'unknown',
    }
  return {
    evidence: [`the key policy of ${key} does not allow ${verdict.missing.join(' and ')} for events.amazonaws.com`],
    fix: [
      `Add to the key policy of ${key} (aws kms get-key-policy --key-id ${key} --policy-name default, add the statement, then aws kms put-key-policy: it replaces the whole policy): {"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":${JSON.stringify(KEY_ACTIONS_FOR_EVENTBRIDGE)},"Resource":"*"}`,
    ],
    status: 'broken',
  }
}

/** What the target is given for this object, since a broken template breaks the target. */
function inputCheck(rule: RuleRecord, t: TargetRecord, event: Record<string, unknown> | undefined): TargetVerdict {
  if (!event || (t.input === undefined && t.inputPath === undefined && !t.inputTransformer)) return OK
  const service = serviceOf(t.arn)
  const given = targetInput(event, t, rule)
  const verdict: TargetVerdict = {
    evidence: [`the target receives (${given.kind}) ${given.text.slice(0, 500)}`, ...given.warnings],
    fix: [],
    status: 'ok',
  }
  // A JSON template that came out broken, or non-JSON input to Step Functions (StartExecution
  // takes JSON only), fails every delivery of this object.
  const jsonTemplate = /^\s*[[{]/.test(t.inputTransformer?.inputTemplate ?? '')
  if (!given.validJson && ((given.kind === 'transformer' && jsonTemplate) || service === 'states')) {
    verdict.status = 'broken'
    verdict.fix.push(
      `Fix the input of ${rule.name} target ${t.id}: for this object it is not valid JSON${service === 'states' ? ', and StartExecution takes JSON input only' : ''}.`,
    )
  }

  return verdict
}

/** May EventBridge call the target: by the target's resource policy (Lambda, SQS, SNS) or its role (the rest). */
async function accessCheck(rule: RuleRecord, t: TargetRecord, sources: CheckSources): Promise<TargetVerdict> {
  const service = serviceOf(t.arn)
  if (service === 'lambda') return lambdaCheck(rule, t.arn, sources)
  if (service === 'sqs' || service === 'sns') return destinationCheck(rule, t.arn, sources)
  return roleCheck(rule, t, sources)
}

/** A Lambda function's resource policy must let events.amazonaws.com invoke it for this rule. */
async function lambdaCheck(rule: RuleRecord, arn: string, {checks, offlineWhy}: CheckSources): Promise<TargetVerdict> {
  if (!checks || !rule.arn)
    return {
      evidence: [`resource policy not checked (${checks ? 'the rule ARN is unknown' : offlineWhy})`],
      fix: [],
      status: 'unknown',
    }
  const {policy, why} = await checks.lambdaPolicy(arn)
  if (policy === undefined) return {evidence: [`resource policy not readable (${why})`], fix: [], status: 'unknown'}
  const verdict = eventBridgeMayInvoke(policy, rule.arn)
  if (verdict.allowed)
    return {evidence: ['the function policy lets events.amazonaws.com invoke it for this rule'], fix: [], status: 'ok'}
  return {
    evidence: [
      `the function policy does not let this rule invoke it${verdict.otherRules.length > 0 ? ` (it names ${verdict.otherRules.join(', ')})` : ''}`,
    ],
    fix: [
      `aws lambda add-permission --function-name ${arn} --statement-id eventbridge-${rule.name} --action lambda:InvokeFunction --principal events.amazonaws.com --source-arn ${rule.arn}`,
    ],
    status: 'broken',
  }
}

/** A role-based target (Step Functions, Kinesis, Firehose, another bus, …): a RoleArn allowing the action. */
async function roleCheck(
  rule: RuleRecord,
  t: TargetRecord,
  {checks, offlineWhy}: CheckSources,
): Promise<TargetVerdict> {
  const service = serviceOf(t.arn)
  const action = ROLE_ACTIONS[service]
  if (!t.roleArn) {
    if (!action) return {evidence: [`${service} targets are not checked by this version`], fix: [], status: 'unknown'}
    return {
      evidence: [`no RoleArn — EventBridge cannot call ${action}`],
      fix: [
        `aws events put-targets --rule ${rule.name} --event-bus-name ${rule.eventBusName} --targets 'Id=${t.id},Arn=${t.arn},RoleArn=ROLE_ARN' (a role trusted by events.amazonaws.com allowing ${action} on ${t.arn})`,
      ],
      status: 'broken',
    }
  }

  if (!action || !checks)
    return {
      evidence: [`role ${t.roleArn} not checked (${checks ? `no known action for ${service}` : offlineWhy})`],
      fix: [],
      status: 'unknown',
    }
  const {allowed, why} = await checks.roleAllows(t.roleArn, action, t.arn)
  if (allowed === undefined) return {evidence: [`role ${t.roleArn} not simulated (${why})`], fix: [], status: 'unknown'}
  if (allowed) return {evidence: [`role ${t.roleArn} allows ${action}`], fix: [], status: 'ok'}
  return {
    evidence: [`role ${t.roleArn} does not allow ${action} on the target`],
    fix: [`Add to ${t.roleArn}: {"Effect":"Allow","Action":"${action}","Resource":"${t.arn}"}`],
    status: 'broken',
  }
}

/**
 * An SQS queue or SNS topic as a target: its policy must let events.amazonaws.com send for this
 * rule, and when it is encrypted with a customer managed KMS key, the key policy must let
 * EventBridge use it (the AWS managed keys cannot be shared with EventBridge).
 */
async function destinationCheck(
  rule: RuleRecord,
  arn: string,
  {checks, offlineWhy}: CheckSources,
): Promise<TargetVerdict> {
  const service = serviceOf(arn) === 'sqs' ? 'sqs' : 'sns'
  const action = service === 'sqs' ? 'sqs:SendMessage' : 'sns:Publish'
  const noun = service === 'sqs' ? 'queue' : 'topic'
  if (!checks || !rule.arn)
    return {
      evidence: [
        `the ${noun} policy is not checked (${checks ? 'the rule ARN is unknown' : offlineWhy}); it must allow ${action} to events.amazonaws.com for ${rule.arn ?? 'this rule'}`,
      ],
      fix: [],
      status: 'unknown',
    }
  const facts = service === 'sqs' ? await checks.queue(arn) : await checks.topicPolicy(arn)
  if (facts.policy === undefined)
    return {evidence: [`the ${noun} policy is not readable (${facts.why})`], fix: [], status: 'unknown'}
  const evidence: string[] = []
  const verdict = eventBridgeMayDeliver(facts.policy, rule.arn, action)
  let status: 'broken' | 'ok' | 'unknown' = 'ok'
  const fix: string[] = []
  if (verdict.allowed) evidence.push(`the ${noun} policy lets events.amazonaws.com ${action} for this rule`)
  else {
    status = 'broken'
    evidence.push(
      `the ${noun} policy does not let this rule ${action}${verdict.otherRules.length > 0 ? ` (it names ${verdict.otherRules.join(', ')})` : ''}`,
    )
    fix.push(
      `Add to the ${noun} policy of ${arn}: {"Effect":"Allow","Principal":{"Service":"events.amazonaws.com"},"Action":"${action}","Resource":"${arn}","Condition":{"ArnEquals":{"aws:SourceArn":"${rule.arn}"}}}`,
    )
  }

  if (facts.kmsKeyId) {
    const key = await keyCheck({arn, kmsKeyId: facts.kmsKeyId, noun}, rule.arn, checks)
    evidence.push(...key.evidence)
    fix.push(...key.fix)
    if (key.status === 'broken' || (key.status === 'unknown' && status === 'ok')) status = key.status
  }

  return {evidence, fix, status}
}

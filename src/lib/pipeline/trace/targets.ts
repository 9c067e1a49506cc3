/**
 * Hop 5: the targets of each matching rule. Lambda: its resource policy must let
 * events.amazonaws.com invoke it for this rule (GetPolicy). Role-based targets (Step Functions,
 * Kinesis, ECS, Batch, …): the target needs a RoleArn, and the role must allow the action
 * (iam:SimulatePrincipalPolicy when the caller may run it). SQS/SNS: the queue or topic policy is
 * not read by this version: unknown. Dead-letter queue and retry policy are reported for each.
 */
import type {Hop, RuleRecord, TargetRecord} from './types.js'

import {targetInput} from '../../events/input-transformer.js'
import {eventBridgeMayDeliver, eventBridgeMayInvoke} from './resource-policy.js'

/** A queue's or topic's policy, its KMS key and (queues) how many messages wait in it. */
export interface DestinationFacts {
  depth?: number | undefined
  kmsKeyId?: string | undefined
  policy?: string | undefined
  why?: string | undefined
}

export interface TargetChecks {
  /** The function's resource policy text; undefined = not readable (with why). */
  lambdaPolicy(functionArn: string): Promise<{policy?: string; why?: string}>
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
      add(label, await deadLetterCheck(t, checks))
      add(label, inputCheck(rule, t, event))
      add(label, await accessCheck(rule, t, {checks, offlineWhy}))
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

/** The dead-letter queue's depth: messages there are deliveries that failed. */
async function deadLetterCheck(t: TargetRecord, checks: TargetChecks | undefined): Promise<TargetVerdict> {
  if (!t.deadLetterArn || !checks) return OK
  const dlq = await checks.queue(t.deadLetterArn)
  if (dlq.depth !== undefined && dlq.depth > 0)
    return {
      evidence: [
        `the dead-letter queue holds about ${dlq.depth} message(s): deliveries to this target failed (each message says why in its attributes)`,
      ],
      fix: [],
      status: 'ok',
    }
  if (dlq.depth === 0) return {evidence: ['the dead-letter queue is empty'], fix: [], status: 'ok'}
  return OK
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
    if (/^alias\/aws\/(sqs|sns)$/.test(facts.kmsKeyId)) {
      status = 'broken'
      evidence.push(
        `the ${noun} is encrypted with the AWS managed key ${facts.kmsKeyId}, whose policy EventBridge cannot be given`,
      )
      fix.push(
        `Encrypt ${arn} with a customer managed KMS key whose policy lets events.amazonaws.com kms:GenerateDataKey and kms:Decrypt, or with SSE-SQS.`,
      )
    } else {
      if (status === 'ok') status = 'unknown'
      evidence.push(
        `the ${noun} is encrypted with KMS key ${facts.kmsKeyId}: its key policy (not read) must let events.amazonaws.com kms:GenerateDataKey and kms:Decrypt`,
      )
    }
  }

  return {evidence, fix, status}
}

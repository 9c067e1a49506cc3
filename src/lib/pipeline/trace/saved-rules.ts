import type {RuleRecord, TargetRecord} from './types.js'

/**
 * Offline rules (`--rules-json`): the output of `aws events list-rules`, each rule optionally with
 * its `Targets` (the output of `aws events list-targets-by-rule --rule NAME`) added, and optionally
 * `LambdaPolicies: {FUNCTION_ARN: POLICY_TEXT}` (the `Policy` of `aws lambda get-policy`), e.g.
 *
 *   {"Rules": [{"Name": "r", "Arn": "…", "EventPattern": "{…}", "State": "ENABLED",
 *               "EventBusName": "default", "Targets": [{"Id": "1", "Arn": "…"}]}],
 *    "LambdaPolicies": {"arn:aws:lambda:…:function:f": "{\"Version\":…}"}}
 */
import {InputError} from '../../core/errors.js'

interface SavedTarget {
  Arn?: string
  DeadLetterConfig?: {Arn?: string}
  Id?: string
  Input?: string
  InputPath?: string
  InputTransformer?: {InputPathsMap?: Record<string, string>; InputTemplate?: string}
  RetryPolicy?: {MaximumEventAgeInSeconds?: number; MaximumRetryAttempts?: number}
  RoleArn?: string
}

interface SavedRule {
  Arn?: string
  EventBusName?: string
  EventPattern?: string
  Name?: string
  ScheduleExpression?: string
  State?: string
  Targets?: SavedTarget[]
}

export function targetFromSdk(t: SavedTarget): TargetRecord {
  return {
    arn: t.Arn ?? '',
    deadLetterArn: t.DeadLetterConfig?.Arn,
    id: t.Id ?? '',
    input: t.Input,
    inputPath: t.InputPath,
    inputTransformer: t.InputTransformer?.InputTemplate
      ? {inputPathsMap: t.InputTransformer.InputPathsMap, inputTemplate: t.InputTransformer.InputTemplate}
      : undefined,
    retryPolicy: t.RetryPolicy
      ? {
          maximumEventAgeInSeconds: t.RetryPolicy.MaximumEventAgeInSeconds,
          maximumRetryAttempts: t.RetryPolicy.MaximumRetryAttempts,
        }
      : undefined,
    roleArn: t.RoleArn,
  }
}

export function ruleFromSdk(r: SavedRule, bus: string, targets?: SavedTarget[]): RuleRecord {
  return {
    arn: r.Arn,
    eventBusName: r.EventBusName ?? bus,
    eventPattern:
      typeof r.EventPattern === 'string'
        ? r.EventPattern
        : r.EventPattern === undefined
          ? undefined
          : JSON.stringify(r.EventPattern),
    name: r.Name ?? '(unnamed)',
    scheduleExpression: r.ScheduleExpression,
    state: r.State,
    targets: (targets ?? r.Targets)?.map((t) => targetFromSdk(t)),
  }
}

export interface SavedRules {
  lambdaPolicies: Record<string, string>
  rules: RuleRecord[]
}

export function readSavedRules(document: unknown, label: string, bus: string): SavedRules {
  const doc = document as {LambdaPolicies?: Record<string, string>; Rules?: SavedRule[]}
  if (typeof doc !== 'object' || doc === null || !Array.isArray(doc.Rules))
    throw new InputError(`${label}: expected the output of \`aws events list-rules\` ({"Rules": [...]})`, {
      suggestions: ['aws events list-rules --event-bus-name default > rules.json, then add "Targets" to each rule.'],
    })
  return {
    lambdaPolicies: doc.LambdaPolicies ?? {},
    rules: doc.Rules.filter((r) => (r.EventBusName ?? bus) === bus).map((r) => ruleFromSdk(r, bus)),
  }
}

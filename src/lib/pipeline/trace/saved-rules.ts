/**
 * Offline rules (`--rules-json`): the output of `aws events list-rules`, each rule optionally with
 * its `Targets` (the output of `aws events list-targets-by-rule --rule NAME`) added, and optionally
 * `LambdaPolicies: {FUNCTION_ARN: POLICY_TEXT}` (the `Policy` of `aws lambda get-policy`), e.g.
 *
 *   {"Rules": [{"Name": "r", "Arn": "…", "EventPattern": "{…}", "State": "ENABLED",
 *               "EventBusName": "default", "Targets": [{"Id": "1", "Arn": "…"}]}],
 *    "LambdaPolicies": {"arn:aws:lambda:…:function:f": "{\"Version\":…}"}}
 */
import {readdir, readFile} from 'node:fs/promises'
import path from 'node:path'

import type {RuleRecord, TargetRecord} from './types.js'

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

/**
 * A folder of saved outputs, as a script that walks a bus writes them: any `*.json` holding
 * `{"Rules": […]}` (`aws events list-rules`), `<RULE>.json` or `<RULE>.targets.json` holding
 * `{"Targets": […]}` (`aws events list-targets-by-rule --rule RULE`), and `{"Policy": "…"}`
 * (`aws lambda get-policy`), keyed by the function ARN its statements name. Subfolders are read
 * one level deep. A file that is none of these is named in the error, not skipped.
 */
export async function readSavedRulesFolder(dir: string, bus: string): Promise<SavedRules> {
  const files: string[] = []
  for (const entry of await readdir(dir, {withFileTypes: true})) {
    if (entry.isFile() && entry.name.endsWith('.json')) files.push(path.join(dir, entry.name))
    else if (entry.isDirectory())
      for (const inner of await readdir(path.join(dir, entry.name)))
        if (inner.endsWith('.json')) files.push(path.join(dir, entry.name, inner))
  }

  const rules: SavedRule[] = []
  const targets = new Map<string, SavedTarget[]>()
  const lambdaPolicies: Record<string, string> = {}
  for (const file of files.sort()) {
    let doc: unknown
    try {
      doc = JSON.parse(await readFile(file, 'utf8'))
    } catch (error) {
      throw new InputError(`${file} is not valid JSON: ${(error as Error).message.split('\n')[0]}`)
    }

    const o = (doc ?? {}) as {Policy?: unknown; Rules?: unknown; Targets?: unknown}
    if (Array.isArray(o.Rules)) rules.push(...(o.Rules as SavedRule[]))
    else if (Array.isArray(o.Targets))
      targets.set(path.basename(file).replace(/(\.targets)?\.json$/, ''), o.Targets as SavedTarget[])
    else if (typeof o.Policy === 'string') {
      const statements = (JSON.parse(o.Policy) as {Statement?: Array<{Resource?: string}>}).Statement ?? []
      const arn = statements.find((s) => typeof s.Resource === 'string')?.Resource
      if (arn) lambdaPolicies[arn] = o.Policy
    } else
      throw new InputError(`${file} is not a saved list-rules, list-targets-by-rule or get-policy output`, {
        suggestions: ['Keep only those outputs in the --rules-json folder (docs/pipeline-trace.md).'],
      })
  }

  if (rules.length === 0)
    throw new InputError(`${dir} holds no \`aws events list-rules\` output ({"Rules": [...]})`, {
      suggestions: [`aws events list-rules --event-bus-name ${bus} > ${dir}/rules.json`],
    })
  return {
    lambdaPolicies,
    rules: rules
      .filter((r) => (r.EventBusName ?? bus) === bus)
      .map((r) => ruleFromSdk(r, bus, r.Targets ?? (r.Name ? targets.get(r.Name) : undefined))),
  }
}

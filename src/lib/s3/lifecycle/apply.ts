import type {S3Client, LifecycleRule as SdkLifecycleRule, TransitionDefaultMinimumObjectSize} from '@aws-sdk/client-s3'

import type {Plan, PlanExecutor, PlanStep} from '../../core/plan.js'
/**
 * Safe apply. PutBucketLifecycleConfiguration replaces the whole configuration, so: GET the
 * current one (NoSuchLifecycleConfiguration = empty), merge by rule ID (or --replace-all), show the
 * diff, and through the plan/apply engine: back up the previous configuration, PUT, GET to verify.
 */
import type {RunContext} from '../../core/run-context.js'

import {abortOpts} from '../../aws/abort.js'
import {writeFileAtomic} from '../../core/atomic-write.js'
import {PipeopsError} from '../../core/errors.js'
import {getBucketConfiguration} from './load.js'
import {canonicalJson, filterConditions, type LifecycleConfiguration, type LifecycleRule} from './model.js'

/** The kind of a lifecycle plan (saved with --plan-out, applied with --plan). */
export const PLAN_KIND = 's3 lifecycle generate'
export type RuleChangeKind = 'add' | 'keep' | 'remove' | 'replace' | 'unchanged'

export interface RuleChange {
  after?: LifecycleRule
  before?: LifecycleRule
  change: RuleChangeKind
  /** Top-level members that differ (for "replace"). */
  fields?: string[]
  id: string
}

export interface MergeResult {
  changes: RuleChange[]
  target: LifecycleConfiguration
}

function ruleKey(rule: LifecycleRule, index: number): string {
  return rule.ID ?? `(rule #${index + 1} without ID)`
}

/** A rule in a form where equal meaning compares equal (filter spelling, order of lists). */
function normalRule(rule: LifecycleRule): unknown {
  const c = filterConditions(rule)
  return {
    abort: rule.AbortIncompleteMultipartUpload?.DaysAfterInitiation,
    expiration: rule.Expiration
      ? {
          ...rule.Expiration,
          Date: rule.Expiration.Date === undefined ? undefined : new Date(rule.Expiration.Date).toISOString(),
        }
      : undefined,
    filter: {
      max: c.maxSize,
      min: c.minSize,
      prefix: c.prefix,
      tags: [...c.tags].sort((a, b) => a.Key.localeCompare(b.Key)),
    },
    id: rule.ID,
    nce: rule.NoncurrentVersionExpiration,
    nct: [...(rule.NoncurrentVersionTransitions ?? [])].sort(
      (a, b) => (a.NoncurrentDays ?? 0) - (b.NoncurrentDays ?? 0),
    ),
    status: rule.Status,
    transitions: [...(rule.Transitions ?? [])]
      .map((t) => ({...t, Date: t.Date === undefined ? undefined : new Date(t.Date).toISOString()}))
      .sort((a, b) => (a.Days ?? 0) - (b.Days ?? 0) || (a.Date ?? '').localeCompare(b.Date ?? '')),
  }
}

export function sameRule(a: LifecycleRule, b: LifecycleRule): boolean {
  return canonicalJson(normalRule(a)) === canonicalJson(normalRule(b))
}

/**
 * Same configuration as far as S3 is concerned. The default-minimum-size setting only counts when
 * `wanted` sets it (S3 reports its default when nobody chose one).
 */
export function sameConfiguration(
  actual: LifecycleConfiguration | undefined,
  wanted: LifecycleConfiguration | undefined,
): boolean {
  const a = actual ?? {Rules: []}
  const w = wanted ?? {Rules: []}
  if (
    w.TransitionDefaultMinimumObjectSize !== undefined &&
    (a.TransitionDefaultMinimumObjectSize ?? 'all_storage_classes_128K') !== w.TransitionDefaultMinimumObjectSize
  )
    return false
  const norm = (c: LifecycleConfiguration): string[] => c.Rules.map((r) => canonicalJson(normalRule(r))).sort()
  return canonicalJson(norm(a)) === canonicalJson(norm(w))
}

const MEMBERS = [
  'Status',
  'Filter',
  'Prefix',
  'Transitions',
  'Expiration',
  'NoncurrentVersionTransitions',
  'NoncurrentVersionExpiration',
  'AbortIncompleteMultipartUpload',
] as const

export function mergeConfigurations(
  current: LifecycleConfiguration | undefined,
  incoming: LifecycleConfiguration,
  options: {replaceAll: boolean},
): MergeResult {
  const existing = current?.Rules ?? []
  const byId = new Map(incoming.Rules.map((r, i) => [ruleKey(r, i), r]))
  const changes: RuleChange[] = []
  const rules: LifecycleRule[] = []
  const used = new Set<string>()
  for (const [i, before] of existing.entries()) {
    const id = ruleKey(before, i)
    const after = byId.get(id)
    if (after) {
      used.add(id)
      rules.push(after)
      if (sameRule(before, after)) changes.push({after, before, change: 'unchanged', id})
      else {
        const fields = MEMBERS.filter(
          (m) =>
            canonicalJson(m === 'Filter' || m === 'Prefix' ? filterConditions(before) : before[m]) !==
            canonicalJson(m === 'Filter' || m === 'Prefix' ? filterConditions(after) : after[m]),
        )
        changes.push({
          after,
          before,
          change: 'replace',
          fields: [...new Set(fields.map((f) => (f === 'Prefix' ? 'Filter' : f)))],
          id,
        })
      }
    } else if (options.replaceAll) {
      changes.push({before, change: 'remove', id})
    } else {
      rules.push(before)
      changes.push({after: before, before, change: 'keep', id})
    }
  }

  for (const [i, r] of incoming.Rules.entries()) {
    const id = ruleKey(r, i)
    if (used.has(id)) continue
    rules.push(r)
    changes.push({after: r, change: 'add', id})
  }

  const target: LifecycleConfiguration = {Rules: rules}
  const tdm =
    incoming.TransitionDefaultMinimumObjectSize ??
    (options.replaceAll ? undefined : current?.TransitionDefaultMinimumObjectSize)
  if (tdm !== undefined) target.TransitionDefaultMinimumObjectSize = tdm
  return {changes, target}
}

export interface ApplyBaseline {
  bucket: string
  /** The rule-by-rule diff, for showing a saved plan. */
  changes: RuleChange[]
  /** The configuration the plan was made from; null = none. */
  current: LifecycleConfiguration | null
}

export interface PutParams extends Record<string, unknown> {
  backupFile: string
  bucket: string
  configuration: LifecycleConfiguration
}

export interface LifecycleState {
  config: LifecycleConfiguration | undefined
}

export function makeApplyPlan(input: {
  backupFile: string
  bucket: string
  current: LifecycleConfiguration | undefined
  merge: MergeResult
  now: Date
  region: string
}): Plan<ApplyBaseline, PutParams> {
  const {merge} = input
  const counts = (k: RuleChangeKind): number => merge.changes.filter((c) => c.change === k).length
  const upToDate = sameConfiguration(input.current, merge.target)
  const steps: Array<PlanStep<PutParams>> = upToDate
    ? []
    : [
        {
          effect: `${merge.target.Rules.length} rule(s) after the change: ${counts('add')} added, ${counts('replace')} replaced, ${counts('keep')} kept, ${counts('remove')} removed`,
          id: 'put-lifecycle-configuration',
          operation: 'PutBucketLifecycleConfiguration',
          params: {backupFile: input.backupFile, bucket: input.bucket, configuration: merge.target},
          reason:
            'PUT replaces the whole configuration, so it carries the merged rules; the previous configuration is saved first',
        },
      ]
  return {
    baseline: {bucket: input.bucket, changes: merge.changes, current: input.current ?? null},
    createdAt: input.now.toISOString(),
    formatVersion: 1,
    kind: PLAN_KIND,
    steps,
    summary: {
      added: counts('add'),
      kept: counts('keep'),
      removed: counts('remove'),
      replaced: counts('replace'),
      rulesAfter: merge.target.Rules.length,
      unchanged: counts('unchanged'),
    },
    target: {bucket: input.bucket, region: input.region},
  }
}

/** The SDK wants Date objects and its own enum types. */
export function toSdkRules(config: LifecycleConfiguration): SdkLifecycleRule[] {
  return config.Rules.map((r) => {
    const rule = structuredClone(r) as unknown as Record<string, unknown>
    if (r.Expiration?.Date) (rule.Expiration as Record<string, unknown>).Date = new Date(r.Expiration.Date)
    if (r.Transitions) rule.Transitions = r.Transitions.map((t) => (t.Date ? {...t, Date: new Date(t.Date)} : t))
    if (!r.Filter && r.Prefix === undefined) rule.Filter = {}
    return rule as unknown as SdkLifecycleRule
  })
}

export interface BackupFile {
  bucket: string
  /** null: the bucket had no lifecycle configuration. */
  configuration: LifecycleConfiguration | null
  restore: string
  savedAt: string
}

/** The bucket a lifecycle plan changes. */
export function planBucket(plan: Plan<ApplyBaseline, PutParams>): string {
  return plan.target.bucket ?? plan.baseline.bucket
}

/** The executor of a lifecycle plan: the bucket is the plan's (its target, else its baseline). */
export function makeExecutor(
  clients: {s3: S3Client},
  ctx: Pick<RunContext, 'now'>,
): PlanExecutor<LifecycleState, ApplyBaseline, PutParams> & {backupWritten?: string} {
  const {s3} = clients
  let observed: LifecycleConfiguration | undefined
  const executor: PlanExecutor<LifecycleState, ApplyBaseline, PutParams> & {backupWritten?: string} = {
    async applyStep(step, _plan, signal) {
      const {backupFile, bucket, configuration} = step.params
      const backup: BackupFile = {
        bucket,
        configuration: observed ?? null,
        restore: observed
          ? `aws s3api put-bucket-lifecycle-configuration --bucket ${bucket} --lifecycle-configuration "$(jq .configuration ${backupFile})"`
          : `aws s3api delete-bucket-lifecycle --bucket ${bucket}`,
        savedAt: ctx.now().toISOString(),
      }
      await writeFileAtomic(backupFile, `${JSON.stringify(backup, null, 2)}\n`, '--backup-out')
      executor.backupWritten = backupFile
      const {PutBucketLifecycleConfigurationCommand} = await import('@aws-sdk/client-s3')
      await s3.send(
        new PutBucketLifecycleConfigurationCommand({
          Bucket: bucket,
          LifecycleConfiguration: {Rules: toSdkRules(configuration)},
          ...(configuration.TransitionDefaultMinimumObjectSize
            ? {
                TransitionDefaultMinimumObjectSize:
                  configuration.TransitionDefaultMinimumObjectSize as TransitionDefaultMinimumObjectSize,
              }
            : {}),
        }),
        abortOpts(signal),
      )
      const after = await getBucketConfiguration(s3, bucket, signal)
      if (!sameConfiguration(after, configuration)) {
        throw new PipeopsError(
          7,
          `S3 accepted the new lifecycle configuration of ${bucket}, but reading it back shows something else`,
          {
            code: 'VerificationFailed',
            details: {read: after ?? null, wanted: configuration},
            suggestions: [
              `Compare with: aws s3api get-bucket-lifecycle-configuration --bucket ${bucket}`,
              `The previous configuration is saved in ${backupFile}.`,
            ],
          },
        )
      }

      observed = after
      return {state: {config: after}}
    },
    checkStart(plan, state) {
      const target = plan.steps[0]?.params.configuration
      const baseline = plan.baseline.current ?? undefined
      if (sameConfiguration(state.config, baseline) && sameConfiguration(baseline, state.config)) return {ok: true}
      if (target && sameConfiguration(state.config, target)) return {ok: true}
      return {
        ok: false,
        reason: `the lifecycle configuration of ${plan.baseline.bucket} changed since the plan was made (${state.config?.Rules.length ?? 0} rule(s) now)`,
      }
    },
    isStepDone(step, state) {
      return sameConfiguration(state.config, step.params.configuration)
    },
    async observe(plan, signal) {
      observed = await getBucketConfiguration(s3, planBucket(plan), signal)
      return {config: observed}
    },
  }
  return executor
}

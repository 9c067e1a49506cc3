/**
 * The lifecycle flows as commands call them: generate, lint, explain, estimate. Each takes plain
 * inputs (already-read files, clients, the time) and returns plain data for the renderers.
 */
import type {S3Client} from '@aws-sdk/client-s3'

import type {LoadedConfiguration} from './load.js'
import type {ResolvedPrices} from './prices.js'

import {InputError, UsageError} from '../../core/errors.js'
import {
  type Cohort,
  costFindings,
  dailyCost,
  estimateByRule,
  type EstimateResult,
  estimateScenario,
  priceInfo,
} from './estimate.js'
import {type Finding, hasErrors} from './findings.js'
import {type OutputFormat, render, s3ApiCommandLine} from './formats.js'
import {CLASS_INFO, type LifecycleConfiguration, type StorageClassName} from './model.js'
import {type BucketSample, sampleBucket} from './sample.js'
import {buildConfiguration, type DayRow, type RuleSpec} from './spec.js'
import {classAt, type ObjectFacts, objectTimeline, type RuleMatch, type SkippedAction} from './timeline.js'
import {notesAsFindings, rulesWithUnknowns, withoutUnknownConsequences} from './unknown-values.js'
import {validateConfiguration} from './validate.js'

export type EstimateSource =
  | {avgSize: number; kind: 'counts'; objects: number}
  | {bucket: string; kind: 'sample'; limit: number; prefix: string; s3: S3Client}

export interface EstimateRequest {
  horizonDays: number
  now: Date
  onProgress?: (listed: number) => void
  prices: ResolvedPrices
  signal?: AbortSignal | undefined
  source: EstimateSource
}

export interface EstimateOutput extends EstimateResult {
  sample?: BucketSample
}

export async function runEstimate(config: LifecycleConfiguration, request: EstimateRequest): Promise<EstimateOutput> {
  const options = {horizonDays: request.horizonDays, now: request.now, prices: request.prices}
  const notes: string[] = []
  if (request.prices.fallbackFrom)
    notes.push(
      `No bundled prices for ${request.prices.fallbackFrom}; ${request.prices.region} prices were used. Pass --prices FILE for exact figures.`,
    )
  notes.push(
    'Intelligent-Tiering is priced at its Frequent Access tier (the most it can cost); retrieval and restore charges are not included.',
  )
  if (request.source.kind === 'counts') {
    const result = estimateByRule(config, request.source.objects, request.source.avgSize, options)
    notes.push('Each rule is estimated as if all the objects fell under it, written today.')
    return {...result, notes: [...notes, ...result.notes]}
  }

  const src = request.source
  const {cohorts, sample} = await sampleBucket(src.s3, src.bucket, {
    limit: src.limit,
    now: request.now,
    onPage: request.onProgress,
    prefix: src.prefix,
    signal: request.signal,
  })
  if (!sample.complete)
    notes.push(
      `The listing stopped at ${sample.objects.toLocaleString('en-US')} objects (--sample-limit): totals cover those objects only.`,
    )
  if (config.Rules.some((r) => (r.Filter?.Tag ?? r.Filter?.And?.Tags?.length) !== undefined)) {
    notes.push(
      'ListObjectsV2 does not return tags: rules with tag filters are treated as not matching sampled objects.',
    )
  }

  const scenario = estimateScenario(
    `s3://${src.bucket}/${src.prefix}: ${sample.objects.toLocaleString('en-US')} sampled objects`,
    config,
    cohorts,
    options,
  )
  return {horizonDays: request.horizonDays, notes, prices: priceInfo(request.prices), sample, scenarios: [scenario]}
}

// ---------------------------------------------------------------- generate

export interface GenerateRequest {
  bucket?: string | undefined
  defaultMinSize?: string | undefined
  format: OutputFormat
  /** Flags (one rule) or a spec file (several). */
  fromFile?: string | undefined
  specs: Array<{spec: RuleSpec; where?: string | undefined}>
  syntax?: 'json' | 'yaml'
  versioned?: boolean | undefined
}

export interface GenerateResult {
  /** The AWS CLI line for the s3api format. */
  commandLine?: string
  configuration: LifecycleConfiguration
  days: DayRow[]
  /** The validator's findings: warnings, and errors when the policy is not valid. */
  findings: Finding[]
  format: OutputFormat
  notes: string[]
  /** The policy in the chosen format; absent when S3 would reject it (it is never printed then). */
  output?: string
  /** False when S3 would reject the policy: exit 1, findings, nothing printed or applied. */
  valid: boolean
}

export function generatePolicy(request: GenerateRequest): GenerateResult {
  const built = buildConfiguration(request.specs, request.defaultMinSize, request.fromFile)
  // Errors first, as lint shows them.
  const findings = validateConfiguration(built.config, {versioned: request.versioned}).sort(
    (a, b) => Number(a.severity === 'warning') - Number(b.severity === 'warning'),
  )
  if (hasErrors(findings)) {
    return {
      configuration: built.config,
      days: built.days,
      findings,
      format: request.format,
      notes: built.notes,
      valid: false,
    }
  }

  const output = render(built.config, request.format, {bucket: request.bucket, syntax: request.syntax ?? 'yaml'})
  return {
    ...(request.format === 's3api'
      ? {commandLine: s3ApiCommandLine(request.bucket ?? 'BUCKET', 'lifecycle.json', built.config)}
      : {}),
    configuration: built.config,
    days: built.days,
    findings,
    format: request.format,
    notes: built.notes,
    output,
    valid: true,
  }
}

// ---------------------------------------------------------------- lint

export interface LintedConfiguration {
  configuration?: LifecycleConfiguration
  errors: number
  findings: Finding[]
  format: LoadedConfiguration['format']
  rules: number
  source: string
  status: 'checked' | 'no-configuration'
  warnings: number
}

const SEVERITY_ORDER = {error: 0, info: 2, warning: 1} as const

export interface LintResult {
  configurations: LintedConfiguration[]
  errors: number
  estimate?: EstimateOutput
  warnings: number
}

export function lintConfigurations(
  loaded: LoadedConfiguration[],
  options: {versioned?: boolean | undefined} = {},
): LintResult {
  const configurations = loaded.map((l): LintedConfiguration => {
    if (!l.config) {
      return {
        errors: 0,
        findings: [...l.findings, ...notesAsFindings(l.notes ?? [])],
        format: l.format,
        rules: 0,
        source: l.source,
        status: 'no-configuration',
        warnings: 0,
      }
    }

    // Errors first, then warnings, then notes, each group in document order (the sort is stable).
    const notes = l.notes ?? []
    const rules = l.config.Rules
    const checked = withoutUnknownConsequences(
      [...l.findings, ...validateConfiguration(l.config, {...options, unknownFilters: rulesWithUnknowns(notes)})],
      notes,
    )
    const findings = [...checked, ...notesAsFindings(notes, rules)]
      .map((f) => ({...f, source: l.source}))
      .sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity])
    return {
      configuration: l.config,
      errors: findings.filter((f) => f.severity === 'error').length,
      findings,
      format: l.format,
      rules: l.config.Rules.length,
      source: l.source,
      status: 'checked',
      warnings: findings.filter((f) => f.severity === 'warning').length,
    }
  })
  return {
    configurations,
    errors: configurations.reduce((s, c) => s + c.errors, 0),
    warnings: configurations.reduce((s, c) => s + c.warnings, 0),
  }
}

/** Add an estimate (and its cost warnings) to a lint result. */
export async function addEstimate(result: LintResult, request: EstimateRequest): Promise<LintResult> {
  const checked = result.configurations.filter((c) => c.configuration)
  if (checked.length !== 1) {
    throw new UsageError(
      `--estimate needs exactly one configuration; ${checked.length === 0 ? 'none was found' : `the input has ${checked.length} (${checked.map((c) => c.source).join(', ')})`}`,
      {
        suggestions: ['Lint a file with one bucket, or lint --bucket NAME --estimate.'],
      },
    )
  }

  const target = checked[0]!
  const estimate = await runEstimate(target.configuration!, request)
  const extra = costFindings(estimate).map((f) => ({...f, source: target.source}))
  target.findings.push(...extra)
  target.warnings += extra.length
  return {...result, estimate, warnings: result.warnings + extra.length}
}

// ---------------------------------------------------------------- explain

export interface ExplainStep {
  action: 'expire' | 'start' | 'transition'
  /** Storage, requests and early charges from day 0 up to this step, per object. */
  costSoFar: number
  day: number
  /** Storage per month per object in the class it enters (0 after deletion). */
  monthlyStorage: number
  /** Transition request charge of this step, per object. */
  requestCost: number
  rule?: string
  storageClass: 'deleted' | StorageClassName
}

export interface ExplainResult {
  /** Class at --age (or "deleted"). */
  atAge: {ageDays: number; storageClass: 'deleted' | StorageClassName}
  horizonDays: number
  matches: RuleMatch[]
  noncurrent: string[]
  object: ObjectFacts
  precedence: string[]
  prices: EstimateResult['prices']
  skipped: SkippedAction[]
  source: string
  steps: ExplainStep[]
  totals: {earlyDeletion: number; perMillionObjects: number; requests: number; storage: number; total: number}
}

export function explainObject(
  loaded: LoadedConfiguration,
  object: ObjectFacts,
  options: {horizonDays: number; now: Date; prices: ResolvedPrices},
): ExplainResult {
  if (!loaded.config) {
    throw new InputError(`${loaded.source} has no lifecycle configuration`, {
      suggestions: ['Nothing applies to the object: it stays in its class until deleted.'],
    })
  }

  const {config} = loaded
  const fromCreation: ObjectFacts = {...object, ageDays: 0}
  const tl = objectTimeline(config, fromCreation, options.now)
  const p = options.prices.prices
  const horizon = Math.max(options.horizonDays, tl.expiresDay ?? 0, object.ageDays)
  const steps: ExplainStep[] = [
    {
      action: 'start',
      costSoFar: 0,
      day: 0,
      monthlyStorage: dailyCost(object.size, tl.startClass, p) * 30,
      requestCost: 0,
      storageClass: tl.startClass,
    },
  ]
  for (const e of tl.events) {
    const cohort: Cohort = {...fromCreation, count: 1}
    const upTo =
      e.day === 0
        ? 0
        : estimateScenario('upto', config, [cohort], {
            horizonDays: e.day,
            monthly: false,
            now: options.now,
            prices: options.prices,
          }).totals.total
    const request = e.action === 'transition' ? p.transitionPer1000[e.to!] / 1000 : 0
    const early =
      e.action === 'transition' || e.action === 'expire' ? earlyCharge(steps.at(-1)!, e.day, object.size, p) : 0
    steps.push({
      action: e.action,
      costSoFar: upTo + request + early,
      day: e.day,
      monthlyStorage: e.action === 'expire' ? 0 : dailyCost(object.size, e.to!, p) * 30,
      requestCost: request,
      rule: e.rule,
      storageClass: e.action === 'expire' ? 'deleted' : e.to!,
    })
  }

  const whole = estimateScenario('whole', config, [{...fromCreation, count: 1}], {
    horizonDays: horizon,
    monthly: false,
    now: options.now,
    prices: options.prices,
  })
  const matching = tl.matches.filter((m) => m.matches)
  const precedence: string[] = []
  if (matching.length > 1) {
    precedence.push(
      `${matching.length} rules match; S3 applies them together: permanent deletion takes precedence over transition, the shortest expiration wins, and when two transitions are due the cheaper class wins (Intelligent-Tiering is favoured over all but the Glacier classes).`,
    )
  }

  return {
    atAge: {ageDays: object.ageDays, storageClass: classAt(tl, object.ageDays)},
    horizonDays: horizon,
    matches: tl.matches,
    noncurrent: tl.noncurrent,
    object,
    precedence,
    prices: priceInfo(options.prices),
    skipped: tl.skipped,
    source: loaded.source,
    steps,
    totals: {
      earlyDeletion: whole.totals.earlyDeletion,
      perMillionObjects: whole.totals.total * 1e6,
      requests: whole.totals.transitions,
      storage: whole.totals.storage + whole.totals.monitoring,
      total: whole.totals.total,
    },
  }
}

function earlyCharge(prev: ExplainStep, day: number, size: number, p: ResolvedPrices['prices']): number {
  if (prev.storageClass === 'deleted') return 0
  const min = CLASS_INFO[prev.storageClass].minDays
  const stayed = day - prev.day
  return stayed < min ? dailyCost(size, prev.storageClass, p) * (min - stayed) : 0
}

/**
 * `mwaa triage`: sources (an environment's log groups, or local files) → classifier → ranked
 * findings → AccessDenied/CloudTrail analysis → optional redaction. Read-only.
 */
import type {CloudTrailClient} from '@aws-sdk/client-cloudtrail'
import type {MWAAClient} from '@aws-sdk/client-mwaa'

import pLimit from 'p-limit'

import type {TrailSearcher} from '../cloudtrail/athena-lookup.js'
import type {RateLimiter} from '../cloudtrail/lookup.js'
import type {RunContext} from '../core/run-context.js'
import type {Budget, EnvironmentGroup, LogsApi} from './cloudwatch.js'
import type {TaskRef} from './streams.js'
import type {AccessDeniedAnalysis, EnvironmentContext, Finding, SourceEvent, TriageResult} from './types.js'

import {InputError} from '../core/errors.js'
import {analyseDenial, parseAccessDenied, type ParsedDenial} from './access-denied.js'
import {Classifier, type Occurrence} from './classify.js'
import {scanLocalInputs} from './input.js'
import {buildFindings, DOC_PREFIX, unclassifiedFindings} from './rank.js'
import {redactDeep, redactText} from './redact.js'

export interface TriageRequest {
  /** Look up AccessDenied in CloudTrail (needs `clients.trail` or `clients.trailTable`). */
  cloudtrail: boolean
  /** Parallel log-group reads with --env (default 3). */
  concurrency?: number | undefined
  env?: string | undefined
  logs?: string[] | undefined
  maxEvents: number
  redact: boolean
  ref?: TaskRef | undefined
  /** Where `--logs -` reads a pasted snippet from. */
  stdin: NodeJS.ReadableStream
  /** Required with env; optional filter for local logs. */
  window?: undefined | {end: Date; start: Date}
}

/** The AWS side, built by the command only when used (an offline triage has none). */
export interface TriageClients {
  /** One limiter for every CloudTrail look-up of the run (2 LookupEvents per second); made on demand when absent. */
  limiter?: RateLimiter | undefined
  logs?: LogsApi | undefined
  mwaa?: Pick<MWAAClient, 'send'> | undefined
  /** The Region of the clients ('' offline). */
  region: string
  trail?: ((region: string) => Pick<CloudTrailClient, 'send'>) | undefined
  /** --trail-table: AccessDenied is searched in the trail's table in Athena instead of Event history. */
  trailTable?: TrailSearcher | undefined
}

const MAX_DENIALS = 5

export async function runTriage(clients: TriageClients, input: TriageRequest, ctx: RunContext): Promise<TriageResult> {
  const warn = (message: string): void => ctx.warn(input.redact ? redactText(message) : message)
  const window = input.window ? {end: input.window.end.getTime(), start: input.window.start.getTime()} : undefined
  const classifier = new Classifier({window: input.env ? undefined : window})
  let environment: EnvironmentContext | undefined
  let groups = 0
  let streams = 0
  let missingTask: undefined | {prefixes: string[]; ref: TaskRef}

  if (input.env) {
    if (!clients.mwaa || !clients.logs || !input.window)
      throw new Error('runTriage: --env needs the MWAA and CloudWatch Logs clients and a window')
    // The AWS side is loaded on demand so offline triage starts fast and stays small.
    const {describeEnvironment} = await import('./cloudwatch.js')
    const info = await describeEnvironment(clients.mwaa, input.env, clients.region, ctx.signal)
    environment = info.context
    for (const w of info.warnings) warn(w)
    const scan = await fetchEnvironmentLogs(info.groups, {classifier, clients, ctx, input, warn})
    groups = scan.groups
    streams = scan.streams
    missingTask = scan.missingTask
  } else if (input.logs && input.logs.length > 0) {
    const summary = await scanLocalInputs(input.logs, classifier, {
      onFile: (file, i, total) => ctx.progress({detail: file, done: i, label: 'Reading logs', total}),
      signal: ctx.signal,
      stdin: input.stdin,
    })
    groups = summary.groups.size
    streams = [...summary.streams.values()].reduce((n, s) => n + s.size, 0)
    // Nothing read is not "nothing wrong": an empty paste or file must not look like an all-clear.
    if (classifier.totals.events === 0) {
      throw new InputError(`--logs ${input.logs.join(' ')}: no log lines were read (the input is empty)`, {
        suggestions: ['Check the files, or paste the log snippet into stdin with --logs -.'],
      })
    }
  }

  const ranked = buildFindings({aggregates: classifier.aggregates, missingTask, signals: classifier.signals})
  // Nothing found is not an answer when the logs hold an error: name the errors no rule knows.
  const findings = ranked.length > 0 ? ranked : unclassifiedFindings(classifier.unclassified)
  await analyseAccessDenied(findings, {classifier, clients, ctx, input, warn}, environment?.executionRoleArn ?? null)
  const result: TriageResult = {
    ...(environment ? {environment} : {}),
    findings,
    scanned: {bytes: classifier.totals.bytes, events: classifier.totals.events, groups, streams},
    window: {
      end: input.window ? input.window.end.toISOString() : null,
      start: input.window ? input.window.start.toISOString() : null,
    },
  }
  return input.redact ? redactDeep(result) : result
}

interface Run {
  classifier: Classifier
  clients: TriageClients
  ctx: RunContext
  input: TriageRequest
  warn: (m: string) => void
}

async function fetchEnvironmentLogs(
  envGroups: EnvironmentGroup[],
  {classifier, clients, ctx, input, warn}: Run,
): Promise<{groups: number; missingTask?: {prefixes: string[]; ref: TaskRef}; streams: number}> {
  const {fetchTaskStreams, filterGroup, MAX_TASK_STREAMS} = await import('./cloudwatch.js')
  const window = input.window!
  const logs = clients.logs!
  const budget: Budget = {remaining: input.maxEvents, truncated: false}
  const limit = pLimit(input.concurrency ?? 3)
  let done = 0
  let fetched = 0
  const report = (detail: string): void =>
    ctx.progress({
      detail: `${fetched.toLocaleString('en-US')} events · ${detail}`,
      done,
      label: 'Fetching logs',
      total: envGroups.length,
    })
  const onEvents = (n: number): void => {
    fetched += n
    report('reading')
  }

  let streams = 0
  let missingTask: undefined | {prefixes: string[]; ref: TaskRef}
  const denied: unknown[] = []
  const taskGroup = envGroups.find((g) => g.kind === 'task')
  if (input.ref && !taskGroup)
    warn("Task logs are disabled, so the task's own log cannot be read; only the other groups were searched.")
  report('starting')
  await Promise.all(
    envGroups.map((g) =>
      limit(async () => {
        let byStream: Map<string, SourceEvent[]>
        const reader = {budget, group: g.name, logs, onEvents, signal: ctx.signal}
        try {
          if (g.kind === 'task' && input.ref) {
            const found = await fetchTaskStreams(reader, input.ref, window)
            byStream = found.streams
            if (found.skipped > 0)
              warn(
                `${found.skipped} more task log streams match; only the ${MAX_TASK_STREAMS} most recent were read. Pass --run and --task to narrow it.`,
              )
            if (found.method === 'filter')
              warn(
                `The task's log streams follow neither naming scheme; found ${found.streams.size} by searching the Task group for the DAG id.`,
              )
            if (found.method === 'none') missingTask = {prefixes: found.prefixes, ref: input.ref}
          } else {
            byStream = await filterGroup(reader, window)
          }
        } catch (error) {
          done++
          const name = (error as {name?: string}).name ?? ''
          if (name === 'ResourceNotFoundException') {
            warn(
              `Log group ${g.name} (${g.logType}) does not exist although logging is enabled; it may have been deleted.`,
            )
            return
          }

          // One unreadable group should not hide what the others show; all unreadable is an error.
          if (/AccessDenied|UnauthorizedOperation/.test(name)) {
            denied.push(error)
            warn(
              `Cannot read log group ${g.name} (${name}): its evidence is missing. Allow logs:FilterLogEvents, logs:GetLogEvents and logs:DescribeLogStreams on it.`,
            )
            return
          }

          throw error
        }

        for (const events of byStream.values()) classifier.scanEvents(events, g.kind)
        streams += byStream.size
        done++
        report(g.name)
      }),
    ),
  )
  if (denied.length > 0 && denied.length === envGroups.length) throw denied[0]
  if (budget.truncated) {
    warn(
      `Stopped reading at --max-events ${input.maxEvents.toLocaleString('en-US')}: the findings cover part of the window. Narrow the window (--since, --start/--end, --dag) or raise --max-events.`,
    )
  }

  return {groups: envGroups.length, streams, ...(missingTask ? {missingTask} : {})}
}

/** Parse each distinct denial, look it up in CloudTrail, and sharpen the finding's text. */
async function analyseAccessDenied(
  findings: Finding[],
  {classifier, clients, ctx, input}: Run,
  executionRoleArn: null | string,
): Promise<void> {
  let {limiter} = clients
  for (const finding of findings) {
    if (finding.category !== 'access-denied') continue
    // One limiter for every look-up of the run: CloudTrail allows 2 LookupEvents per second.
    limiter ??= (await import('../cloudtrail/lookup.js')).createIntervalLimiter()
    const occurrences = classifier.aggregates.get(finding.rule)?.occurrences ?? []
    const distinct = distinctDenials(occurrences)
    const analyses: AccessDeniedAnalysis[] = []
    for (const {denial, occurrence} of distinct.slice(0, MAX_DENIALS)) {
      ctx.progress({
        detail: denial.action ?? denial.operation ?? '',
        done: analyses.length,
        label: 'CloudTrail',
        total: Math.min(distinct.length, MAX_DENIALS),
      })
      // Sequential on purpose: every look-up shares the 2 requests/s limiter.

      analyses.push(
        await analyseDenial(
          {limiter, trail: clients.trail, trailTable: clients.trailTable},
          {
            cloudtrail: input.cloudtrail,
            denial,
            executionRoleArn,
            region: clients.region,
            time: occurrence.timestamp,
          },
          ctx,
        ),
      )
    }

    if (analyses.length > 0) describeDenials(finding, analyses)
  }
}

/** One entry per distinct (action, resource, principal), keeping the latest occurrence: the freshest is likeliest to be in Event history. */
function distinctDenials(occurrences: Occurrence[]): Array<{denial: ParsedDenial; occurrence: Occurrence}> {
  const distinct = new Map<string, {denial: ParsedDenial; occurrence: Occurrence}>()
  for (const o of occurrences) {
    const denial = parseAccessDenied(o.record ?? o.line)
    if (!denial) continue
    const key = `${denial.action ?? denial.operation}|${denial.resource ?? ''}|${denial.principal ?? ''}`
    const prev = distinct.get(key)
    if (!prev || (o.timestamp ?? 0) > (prev.occurrence.timestamp ?? 0)) distinct.set(key, {denial, occurrence: o})
  }

  return [...distinct.values()]
}

function describeDenials(finding: Finding, analyses: AccessDeniedAnalysis[]): void {
  finding.cloudtrail = analyses
  const first = analyses[0]!
  const what = first.action ?? first.eventName ?? 'an AWS call'
  finding.title = `AWS access denied: ${what}${analyses.length > 1 ? ` (+${analyses.length - 1} more)` : ''}`
  finding.cause = `${first.principal ?? 'The caller'} may not call ${what}${first.resource ? ` on ${first.resource}` : ''}${policyPhrase(first.policyType)}.`
  const steps: string[] = []
  for (const a of analyses) {
    if (a.policyStatement)
      steps.push(
        `${a.policyType === 'resource' ? `Add to the resource policy of ${a.resource ?? 'the resource'}` : `Add to ${a.roleArn ?? 'the execution role'}`}:\n${a.policyStatement}`,
      )
    if (a.simulateCommand) steps.push(`Verify: ${a.simulateCommand}`)
  }

  if (steps.length > 0) finding.fix = [...steps, ...finding.fix.filter((f) => f.startsWith(DOC_PREFIX))]
}

function policyPhrase(type: AccessDeniedAnalysis['policyType']): string {
  switch (type) {
    case 'explicit-deny': {
      return ': an explicit Deny blocks it'
    }

    case 'identity': {
      return ': no identity-based policy allows it'
    }

    case 'resource': {
      return ': no resource-based policy allows it'
    }

    default: {
      return ''
    }
  }
}

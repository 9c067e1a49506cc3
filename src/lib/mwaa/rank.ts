import type {Occurrence, RuleAggregate} from './classify.js'
import type {TaskRef} from './streams.js'
import type {Category, Evidence, Finding, Severity} from './types.js'

/**
 * Rank causes, not counts: turn rule aggregates into findings, link findings across log groups
 * (install failure → missing module, worker loss → tasks finished while queued, SIGTERM explained by
 * its neighbours) and add findings for missing evidence (no task log stream at all).
 */
import {ruleById, type SignalId} from './catalogue.js'
import {type ErrorSummary, summariseError} from './unclassified.js'

export interface RankInput {
  aggregates: Map<string, RuleAggregate>
  /** Task streams looked for and not found (only when --dag was given). */
  missingTask?: undefined | {prefixes: string[]; ref: TaskRef}
  signals: Map<SignalId, Occurrence[]>
}

interface Draft {
  finding: Finding
  occurrences: Occurrence[]
  /** Root causes rank above their symptoms. */
  role: 'root' | 'standalone' | 'symptom'
}

const SEVERITY_WEIGHT: Record<Severity, number> = {critical: 3, error: 2, warning: 1}
const NEAR_MS = 10 * 60 * 1000
const MAX_EVIDENCE = 5
/** The last fix step of every finding points at the documentation behind the rule. */
export const DOC_PREFIX = 'Documentation: '

export function iso(t: number | undefined): null | string {
  return t === undefined ? null : new Date(t).toISOString()
}

export function toEvidence(occurrences: Occurrence[], max = MAX_EVIDENCE): Evidence[] {
  const seen = new Set<string>()
  const out: Evidence[] = []
  for (const o of occurrences) {
    const key = o.line.replace(/^\[[^\]]*\]\s*/, '')
    if (seen.has(key)) continue
    seen.add(key)
    out.push({line: o.line, logGroup: o.logGroup, stream: o.stream, timestamp: iso(o.timestamp)})
    if (out.length >= max) break
  }

  return out
}

function fill(template: string, captures: string[]): string {
  return template.replaceAll(/\{(\d)\}/g, (_, n: string) => {
    const v = captures[Number(n) - 1]
    return v ? v.replace(/^'|'$/g, '') : 'it'
  })
}

function draftOf(agg: RuleAggregate): Draft {
  const {rule} = agg
  const firstCaptures = agg.occurrences.find((o) => o.captures.some((c) => c !== ''))?.captures ?? []
  return {
    finding: {
      category: rule.category,
      cause: fill(rule.cause, firstCaptures),
      confidence: rule.confidence,
      count: agg.count,
      evidence: toEvidence(agg.occurrences),
      firstSeen: iso(agg.firstSeen),
      fix: [...rule.fix.map((f) => fill(f, firstCaptures)), `${DOC_PREFIX}${rule.doc}`],
      lastSeen: iso(agg.lastSeen),
      rule: rule.id,
      severity: rule.severity,
      title: rule.title,
    },
    occurrences: agg.occurrences,
    role: 'standalone',
  }
}

function near(a: Occurrence[], b: Occurrence[], windowMs = NEAR_MS): boolean {
  for (const x of a) {
    for (const y of b) {
      if (x.timestamp === undefined || y.timestamp === undefined) return true
      if (Math.abs(x.timestamp - y.timestamp) <= windowMs) return true
    }
  }

  return false
}

function firstTime(occurrences: Occurrence[]): string {
  const t = occurrences.find((o) => o.timestamp !== undefined)?.timestamp
  return t === undefined ? '' : ` at ${new Date(t).toISOString()}`
}

export function buildFindings(input: RankInput): Finding[] {
  const drafts = [...input.aggregates.values()].map((agg) => draftOf(agg))
  const byCategory = (c: Category): Draft[] => drafts.filter((d) => d.finding.category === c)
  // requirements install failure → missing modules / plugin import errors.
  // (A task's own pip install in a virtual environment says nothing about requirements.txt.)
  const installs = byCategory('requirements-install-failure').filter(
    (d) => d.finding.severity !== 'warning' && d.finding.rule !== 'task-pip-install-failed',
  )
  for (const install of installs) {
    const installText = install.occurrences.map((o) => o.line).join('\n')
    for (const missing of [...byCategory('module-not-found'), ...byCategory('plugin-import-error')]) {
      const modules = [...new Set(missing.occurrences.flatMap((o) => (o.captures[1] ? [o.captures[1]] : [])))]
      const named = modules.filter(
        (m) =>
          installText.toLowerCase().includes((m.split('.')[0] ?? m).toLowerCase().replaceAll('_', '-')) ||
          installText.includes(m.split('.')[0] ?? m),
      )
      link(
        install,
        missing,
        {
          root: `This explains the ${missing.finding.title.toLowerCase()} finding (${missing.finding.count}×${modules.length > 0 ? `: ${modules.join(', ')}` : ''}).`,
          symptom: `Linked cause: requirements.txt failed to install${firstTime(install.occurrences)} (${install.finding.rule}); fix the install first and this should go away.`,
        },
        named.length > 0 ? 0.99 : 0.95,
      )
    }
  }

  linkImportErrorsToQueuedTasks(byCategory)

  // worker loss → tasks finished while queued / zombies.
  const workerLoss = byCategory('worker-autoscaling')
  for (const loss of workerLoss) {
    for (const symptom of [...byCategory('queued-stuck'), ...byCategory('zombie-task')]) {
      if (!near(loss.occurrences, symptom.occurrences, 30 * 60 * 1000)) continue
      link(
        loss,
        symptom,
        {
          root: `Workers were lost while tasks were queued or running: this explains the ${symptom.finding.title.toLowerCase()} finding.`,
          symptom: `Linked cause: worker loss${firstTime(loss.occurrences)} (${loss.finding.rule}).`,
        },
        0.9,
      )
    }
  }

  linkBrokerToQueuedTasks(byCategory)

  // OOM → zombies (the killed process stopped heartbeating).
  for (const oom of byCategory('oom-sigkill')) {
    for (const zombie of byCategory('zombie-task')) {
      if (!near(oom.occurrences, zombie.occurrences, 30 * 60 * 1000)) continue
      link(
        oom,
        zombie,
        {
          root: 'Killed task processes stop heartbeating, which explains the zombie tasks.',
          symptom: `Linked cause: out-of-memory kill${firstTime(oom.occurrences)}.`,
        },
        0.9,
      )
    }
  }

  // AccessDenied on CloudWatch Logs → unreadable task logs; on Secrets Manager → secrets backend.
  for (const denied of byCategory('access-denied')) {
    const text = denied.occurrences.map((o) => o.record ?? o.line).join('\n')
    if (/logs:|CreateLogStream|PutLogEvents/.test(text)) {
      for (const remote of byCategory('remote-log-unavailable')) {
        link(
          denied,
          remote,
          {
            root: 'The execution role cannot use CloudWatch Logs, which explains the missing task logs.',
            symptom: 'Linked cause: CloudWatch Logs access denied for the execution role.',
          },
          0.95,
        )
      }
    }

    if (/secretsmanager:|GetSecretValue|kms:Decrypt/.test(text)) {
      for (const secrets of byCategory('secrets-backend')) {
        link(
          denied,
          secrets,
          {
            root: 'This explains the secrets backend failures.',
            symptom: 'Linked cause: the execution role is denied access to Secrets Manager (or its KMS key).',
          },
          0.95,
        )
      }
    }
  }

  // SIGTERM explained by neighbours.
  for (const sigterm of byCategory('sigterm')) explainSigterm(sigterm, drafts, input.signals)

  // database errors are usually a symptom of scheduler trouble (MWAA troubleshooting guide).
  for (const db of byCategory('database-connection')) {
    for (const hb of byCategory('scheduler-heartbeat')) {
      link(
        hb,
        db,
        {
          root: 'Metadata database errors at the same time are usually a consequence of this.',
          symptom:
            'Linked: the scheduler was not heartbeating at the same time; database errors are usually a symptom of scheduler failure, not the root cause.',
        },
        0.9,
      )
    }
  }

  if (input.missingTask) drafts.push(missingTaskDraft(input.missingTask, drafts))

  return drafts
    .sort(
      (a, b) =>
        score(b) - score(a) ||
        b.finding.count - a.finding.count ||
        (a.finding.firstSeen ?? '').localeCompare(b.finding.firstSeen ?? ''),
    )
    .map((d) => ({...d.finding, confidence: Math.round(d.finding.confidence * 100) / 100}))
}

/** An unreachable Celery broker → tasks that never left the queue or ended while queued. */
function linkBrokerToQueuedTasks(byCategory: (c: Category) => Draft[]): void {
  for (const broker of byCategory('network-timeout').filter((d) => d.finding.rule === 'celery-broker-unreachable')) {
    for (const queued of byCategory('queued-stuck')) {
      if (!near(broker.occurrences, queued.occurrences, 30 * 60 * 1000)) continue
      link(
        broker,
        queued,
        {
          root: `The broker was unreachable while tasks were queued: this explains the ${queued.finding.title.toLowerCase()} finding.`,
          symptom: `Linked cause: the Celery broker was unreachable${firstTime(broker.occurrences)} (${broker.finding.rule}).`,
        },
        0.9,
      )
    }
  }
}

/** A DAG or plugin that does not import on the worker → tasks that end while still queued. */
function linkImportErrorsToQueuedTasks(byCategory: (c: Category) => Draft[]): void {
  for (const importError of [
    ...byCategory('module-not-found'),
    ...byCategory('dag-import-error'),
    ...byCategory('plugin-import-error'),
  ]) {
    for (const queued of byCategory('queued-stuck')) {
      if (!['celery-command-failed', 'executor-reports-queued'].includes(queued.finding.rule)) continue
      if (!near(importError.occurrences, queued.occurrences, 30 * 60 * 1000)) continue
      link(
        importError,
        queued,
        {
          root: 'A task whose DAG or plugin does not import on the worker cannot start: this explains the tasks that ended while queued.',
          symptom: `Linked cause: ${importError.finding.title.toLowerCase()}${firstTime(importError.occurrences)} (${importError.finding.rule}).`,
        },
        Math.max(importError.finding.confidence, 0.85),
      )
    }
  }
}

/** Mark `root` as the cause of `symptom` and say so in both findings. */
function link(root: Draft, symptom: Draft, notes: {root: string; symptom: string}, rootConfidence = 0.97): void {
  root.role = 'root'
  if (symptom.role !== 'root') symptom.role = 'symptom'
  root.finding.confidence = Math.max(root.finding.confidence, rootConfidence)
  if (!root.finding.cause.includes(notes.root)) root.finding.cause += ` ${notes.root}`
  if (!symptom.finding.cause.includes(notes.symptom)) symptom.finding.cause += ` ${notes.symptom}`
}

function score(d: Draft): number {
  const base = SEVERITY_WEIGHT[d.finding.severity] * d.finding.confidence
  return base + (d.role === 'root' ? 3 : 0) - (d.role === 'symptom' ? 2 : 0)
}

/**
 * Why a task was stopped from outside (a SIGTERM, or its state changed in the metadata database):
 * the known causes, the ones with evidence in these logs first. "Someone marked it in the UI" is
 * only one of them, and no log line names it, so it is never stated as the cause.
 */
function explainSigterm(sigterm: Draft, drafts: Draft[], signals: Map<SignalId, Occurrence[]>): void {
  const explanations: string[] = []
  const sameStreamOrNear = (others: Occurrence[], ms: number): Occurrence[] =>
    others.filter((o) =>
      sigterm.occurrences.some(
        (s) =>
          s.stream === o.stream ||
          s.timestamp === undefined ||
          o.timestamp === undefined ||
          Math.abs(s.timestamp - o.timestamp) <= ms,
      ),
    )
  const external = sameStreamOrNear(
    [...(signals.get('state-externally-set') ?? []), ...(signals.get('pid-mismatch') ?? [])],
    2 * 60 * 1000,
  )
  const state = external.map((o) => o.captures.find((c) => c !== '')).find(Boolean)
  if (sigterm.finding.rule === 'sigterm-after-success') return
  if (external.length > 0)
    sigterm.finding.evidence = [...sigterm.finding.evidence, ...toEvidence(external, 2)].slice(0, MAX_EVIDENCE + 2)

  const linkTo = (categories: Category[], rules: string[] | undefined, what: string): void => {
    for (const d of drafts) {
      if (d === sigterm) continue
      if (!categories.includes(d.finding.category) || (rules && !rules.includes(d.finding.rule))) continue
      if (!near(d.occurrences, sigterm.occurrences)) continue
      explanations.push(what)
      link(
        d,
        sigterm,
        {root: 'It also explains why the task was stopped from outside.', symptom: `Explained by: ${what}.`},
        Math.max(d.finding.confidence, 0.85),
      )
    }
  }

  linkTo(['task-timeout'], ['dagrun-timeout', 'dagrun-timeout-skipped'], 'the DAG run hit its dagrun_timeout')
  linkTo(
    ['zombie-task', 'scheduler-heartbeat', 'database-connection'],
    undefined,
    'the scheduler failed the task after missed heartbeats (scheduler or metadata-database load)',
  )
  linkTo(['worker-autoscaling'], undefined, 'the worker was scaled in or replaced while the task ran')
  linkTo(['oom-sigkill'], undefined, 'memory pressure on the worker (an out-of-memory kill at the same time)')
  const warm = sameStreamOrNear(signals.get('warm-shutdown') ?? [], 5 * 60 * 1000)
  if (warm.length > 0 && !explanations.some((e) => e.includes('scaled in'))) {
    explanations.push('a worker shut down ("Warm shutdown") at the same time: autoscaling removed it')
    sigterm.finding.evidence = [...sigterm.finding.evidence, ...toEvidence(warm, 2)].slice(0, MAX_EVIDENCE + 2)
  }

  const changed = state ? ` The task state was set to ${state} outside the task.` : ''
  if (explanations.length > 0) {
    sigterm.finding.confidence = 0.85
    const note = `${changed} Explained by: ${[...new Set(explanations)].join('; ')}.`
    if (!sigterm.finding.cause.includes(note)) sigterm.finding.cause += note
  } else {
    sigterm.finding.cause += `${changed} No line here says why. Known causes, most frequent first: missed heartbeats under scheduler or metadata-database load (zombie detection), a dagrun_timeout, a worker scaled in or replaced, a state change made in the UI or API. Check the scheduler log and the worker log at the same time.`
    sigterm.finding.confidence = 0.5
  }
}

function missingTaskDraft(missing: NonNullable<RankInput['missingTask']>, drafts: Draft[]): Draft {
  const {ref} = missing
  const has = (c: Category): boolean => drafts.some((d) => d.finding.category === c)
  const fits: string[] = []
  if (has('queued-stuck'))
    fits.push('the task was queued but never picked up by a worker (see the queued-stuck finding)')
  if (has('worker-autoscaling')) fits.push('the worker it was sent to was lost or scaled in before the task started')
  if (
    drafts.some(
      (d) =>
        d.finding.category === 'access-denied' &&
        /logs:|CreateLogStream|PutLogEvents/.test(d.occurrences.map((o) => o.record ?? o.line).join('\n')),
    )
  ) {
    fits.push('the execution role cannot create task log streams (CloudWatch Logs access denied)')
  }

  if (has('dag-import-error') || has('module-not-found') || has('dagbag-import-timeout'))
    fits.push('the DAG file does not import on the worker, so the task could not start there')
  fits.push(
    'the task has a `queue` argument (in default_args or the operator): MWAA workers only serve the default queue, and such tasks fail without logs',
    'the task never reached the running state in this run (upstream failed, DAG paused, or the run/task id is mistyped)',
  )
  const what = [
    `dag ${ref.dag}`,
    ref.run ? `run ${ref.run}` : '',
    ref.task ? `task ${ref.task}` : '',
    ref.tryNumber === undefined ? '' : `try ${ref.tryNumber}`,
  ]
    .filter(Boolean)
    .join(', ')
  return {
    finding: {
      category: 'remote-log-unavailable',
      cause: `No task log stream exists for ${what}: the task never ran on a worker. Explanations that fit: ${fits.map((f, i) => `(${i + 1}) ${f}`).join('; ')}.`,
      confidence: fits.length > 2 ? 0.8 : 0.7,
      count: 1,
      evidence: [],
      firstSeen: null,
      fix: [
        `Looked for streams starting with: ${missing.prefixes.join(', ')}.`,
        'Check the task instance state and its try number in the Airflow UI.',
        'Remove any `queue=` from default_args and operators.',
        'Check the scheduler findings above for why the task was not started.',
        `${DOC_PREFIX}${ruleById('remote-log-unreadable')?.doc ?? ''}`,
      ],
      lastSeen: null,
      rule: 'no-task-log-stream',
      severity: 'error',
      title: 'No task log stream: the task never ran on a worker',
    },
    occurrences: [],
    role: has('queued-stuck') || has('worker-autoscaling') ? 'symptom' : 'standalone',
  }
}

const UNCLASSIFIED_DOC = 'https://docs.aws.amazon.com/mwaa/latest/userguide/troubleshooting.html'

function describeError(summary: ErrorSummary): string {
  if (!summary.type) return summary.message
  return `${summary.type}${summary.message ? `: ${summary.message}` : ''}`
}

/** One `unclassified-error` finding per distinct error (type and message), most frequent first. */
export function unclassifiedFindings(occurrences: Occurrence[]): Finding[] {
  const groups = new Map<string, {occurrences: Occurrence[]; summary: ErrorSummary}>()
  for (const o of occurrences) {
    const summary = summariseError(o.record ?? o.line)
    const key = `${summary.type ?? ''}|${summary.message}`
    const group = groups.get(key) ?? {occurrences: [], summary}
    group.occurrences.push(o)
    groups.set(key, group)
  }

  return [...groups.values()]
    .sort((a, b) => b.occurrences.length - a.occurrences.length)
    .map(({occurrences: occ, summary}) => {
      const times = occ.flatMap((o) => (o.timestamp === undefined ? [] : [o.timestamp]))
      return {
        category: 'unclassified-error',
        cause: `No known failure signature matched, but the log holds an error: ${describeError(summary)}${summary.raisedAt ? ` (raised at ${summary.raisedAt})` : ''}.`,
        confidence: 0.3,
        count: occ.length,
        evidence: toEvidence(occ),
        firstSeen: iso(times.length > 0 ? Math.min(...times) : undefined),
        fix: [
          'Read the whole traceback around the evidence line: the last frame in your own code (DAG file, plugin, operator arguments) is where to start.',
          'If the exception comes from a provider or library, compare the installed versions with the constraints file of your Airflow version.',
          'Reproduce it locally with aws-mwaa-docker-images (`airflow tasks test <dag_id> <task_id> <date>`, or `python <dag file>` for an import error).',
          `${DOC_PREFIX}${UNCLASSIFIED_DOC}`,
        ],
        lastSeen: iso(times.length > 0 ? Math.max(...times) : undefined),
        rule: 'unclassified-error',
        severity: 'error',
        title: `Unclassified error${summary.type ? `: ${summary.type}` : ''}`,
      }
    })
}

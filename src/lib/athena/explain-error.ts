import {
  type AthenaClient,
  BatchGetQueryExecutionCommand,
  GetQueryExecutionCommand,
  ListQueryExecutionsCommand,
  type QueryExecution,
} from '@aws-sdk/client-athena'

/**
 * `athena explain-error`: match an error message against the catalogue of known Athena / Hive /
 * Trino errors, lint the names the message quotes, and fetch failed queries (one by id, or the
 * last N of a workgroup grouped by cause).
 */
import type {RunContext} from '../core/run-context.js'

import {abortOpts} from '../aws/abort.js'
import {InputError} from '../core/errors.js'
import {KNOWN_ERRORS, type KnownError} from './error-catalogue.js'
import {checkName} from './lint.js'
import {RULE_IDS} from './rules.js'

export interface NameHint {
  name: string
  /** What lint-columns says about the name (rule ids with messages). */
  problems: Array<{message: string; rule: string}>
}

export interface Explanation {
  known: boolean
  match?: {cause: string; fix: string; id: string; rules: string[]; source: string; title: string}
  message: string
  /** Names quoted in the message that lint-columns flags. */
  names: NameHint[]
  /** What to do next when the message is unknown. */
  next?: string
}

const ALL_RULES = new Set(RULE_IDS)

/**
 * The names the message quotes, where the matched entry says it quotes one (an unknown message
 * names nothing it can vouch for): quoted type names, SerDe classes, paths and key=value parts of
 * a message are not names.
 */
function quotedNames(message: string, known: KnownError | undefined): string[] {
  const out = new Set<string>()
  for (const pattern of known?.names ?? []) {
    const found = pattern.exec(message)?.[1]
    if (found === undefined) continue
    // Hive quotes "near" tokens with their type: '_id:struct' → _id
    const name = found.replace(/:(struct|array|map|string|int|bigint|double|boolean)\b.*$/i, '')
    // Punctuation Hive quotes as "near" tokens ('<', '-') is not a name.
    if (name.length > 255 || !/[\p{L}\p{N}_]/u.test(name)) continue
    out.add(name)
  }

  return [...out]
}

/** A `--` comment line in the pasted text (the statement came with the message). */
const HAS_COMMENTS = /(^|\n)\s*--/

function publicMatch(k: KnownError, message: string): NonNullable<Explanation['match']> {
  const cause = k.commentsCause !== undefined && HAS_COMMENTS.test(message) ? k.commentsCause : k.cause
  return {cause, fix: k.fix, id: k.id, rules: k.rules, source: k.source, title: k.title}
}

// eslint-disable-next-line no-control-regex -- control characters are what this counts
const CONTROL = /[\u0000-\u0008\u000E-\u001F\u007F\uFFFD]/g

/**
 * An error message is text: a NUL byte or many control characters / undecodable bytes mean a
 * binary file was given (an export, a screenshot, a gzip file), which is bad input, not a message.
 */
export function checkMessageText(text: string, where: string): void {
  const control = text.match(CONTROL)?.length ?? 0
  if (text.includes('\u0000') || control > Math.max(8, text.length * 0.05)) {
    throw new InputError(`${where} is not text: it has ${control} control or undecodable characters`, {
      suggestions: [
        'Give the error message as text: copy it from the console, or save StateChangeReason with aws athena get-query-execution --query QueryExecution.Status.StateChangeReason --output text.',
      ],
    })
  }
}

/** Explain one message. Unknown messages say so and point at lint-columns. */
export function explainMessage(raw: string): Explanation {
  const message = raw.trim()
  const known = KNOWN_ERRORS.find((k) => k.patterns.some((p) => p.test(message)))
  const names: NameHint[] = []
  for (const name of quotedNames(message, known)) {
    const problems = checkName(name, {kind: 'column', partition: false}, ALL_RULES).filter(
      (h) => !(known?.rules.length && h.rule === 'upper-case' && !known.rules.includes('upper-case')),
    )
    if (problems.length > 0) names.push({name, problems: problems.map((p) => ({message: p.message, rule: p.rule}))})
  }

  const explanation: Explanation = {known: Boolean(known), message, names}
  if (known) explanation.match = publicMatch(known, message)
  else
    explanation.next =
      'This message is not in the catalogue. Generic steps: find the error code (the UPPER_CASE word before the first ":"), get the full reason of the query (pipeops athena explain-error --query-execution-id ID), check the table definition (SHOW CREATE TABLE) and its data location, and if it mentions a column or table, lint it: pipeops athena lint-columns --database DB --table TABLE (or --ddl FILE).'
  return explanation
}

export interface FailedQuery {
  errorCategory?: string | undefined
  errorType?: number | undefined
  query?: string | undefined
  queryExecutionId: string
  reason: string
  retryable?: boolean | undefined
  state: string
  submitted?: string | undefined
  workgroup?: string | undefined
}

export interface QueryExplanation extends FailedQuery {
  explanation?: Explanation
}

const CATEGORY: Record<number, string> = {1: 'SYSTEM', 2: 'USER', 3: 'OTHER'}

function toFailed(q: QueryExecution): FailedQuery {
  const err = q.Status?.AthenaError
  return {
    errorCategory:
      err?.ErrorCategory === undefined ? undefined : (CATEGORY[err.ErrorCategory] ?? String(err.ErrorCategory)),
    errorType: err?.ErrorType,
    query: q.Query,
    queryExecutionId: q.QueryExecutionId ?? '',
    reason: q.Status?.StateChangeReason ?? err?.ErrorMessage ?? '',
    retryable: err?.Retryable,
    state: q.Status?.State ?? 'UNKNOWN',
    submitted: q.Status?.SubmissionDateTime?.toISOString(),
    workgroup: q.WorkGroup,
  }
}

/** GetQueryExecution and explain its failure (a query that did not fail is reported as such). */
export async function explainQueryExecution(
  clients: {athena: AthenaClient},
  request: {queryExecutionId: string},
  ctx: RunContext,
): Promise<QueryExplanation> {
  const id = request.queryExecutionId
  const response = await clients.athena.send(
    new GetQueryExecutionCommand({QueryExecutionId: id}),
    abortOpts(ctx.signal),
  )
  const failed = toFailed(response.QueryExecution ?? {QueryExecutionId: id})
  if (failed.state !== 'FAILED' || failed.reason === '') return failed
  return {...failed, explanation: explainMessage(failed.reason)}
}

export interface CauseGroup {
  cause: string
  count: number
  fix?: string
  id: string
  queries: FailedQuery[]
  rules: string[]
}

export interface RecentReport {
  failed: number
  groups: CauseGroup[]
  /** Query executions looked at (newest first). */
  scanned: number
  /** True when the scan stopped at the page limit before N failures were found. */
  truncated: boolean
  workgroup: null | string
}

/**
 * The last `count` failed queries of a workgroup (ListQueryExecutions, newest first, then
 * BatchGetQueryExecution by 50), grouped by cause: the incident view.
 */
export async function explainRecent(
  clients: {athena: AthenaClient},
  request: {count: number; maxScanned?: number; workgroup?: string | undefined},
  ctx: RunContext,
): Promise<RecentReport> {
  const {athena} = clients
  const options = request
  const maxScanned = options.maxScanned ?? Math.max(500, options.count * 20)
  const failed: FailedQuery[] = []
  let scanned = 0
  let nextToken: string | undefined
  let truncated = false
  do {
    ctx.progress({detail: `${failed.length} failed`, done: scanned, label: 'Reading recent query executions'})
    const page = await athena.send(
      new ListQueryExecutionsCommand({
        MaxResults: 50,
        NextToken: nextToken,
        ...(options.workgroup ? {WorkGroup: options.workgroup} : {}),
      }),
      abortOpts(ctx.signal),
    )
    nextToken = page.NextToken
    const ids = page.QueryExecutionIds ?? []
    if (ids.length === 0) break
    scanned += ids.length
    const batch = await athena.send(new BatchGetQueryExecutionCommand({QueryExecutionIds: ids}), abortOpts(ctx.signal))
    const byId = new Map((batch.QueryExecutions ?? []).map((q) => [q.QueryExecutionId, q]))
    // Keep ListQueryExecutions' order (newest first).
    for (const id of ids) {
      const q = byId.get(id)
      if (q?.Status?.State === 'FAILED') failed.push(toFailed(q))
      if (failed.length >= options.count) break
    }

    if (failed.length >= options.count) break
    if (scanned >= maxScanned && nextToken) {
      truncated = true
      break
    }
  } while (nextToken)

  const groups = new Map<string, CauseGroup>()
  for (const q of failed) {
    const e = explainMessage(q.reason)
    const id = e.match?.id ?? 'unknown'
    let group = groups.get(id)
    if (!group) {
      group = e.match
        ? {cause: e.match.title, count: 0, fix: e.match.fix, id, queries: [], rules: e.match.rules}
        : {cause: 'Not in the catalogue', count: 0, id, queries: [], rules: []}
      groups.set(id, group)
    }

    group.count++
    group.queries.push(q)
  }

  return {
    failed: failed.length,
    groups: [...groups.values()].sort(
      (a, b) => b.count - a.count || (a.id === 'unknown' ? 1 : b.id === 'unknown' ? -1 : a.id.localeCompare(b.id)),
    ),
    scanned,
    truncated,
    workgroup: options.workgroup ?? null,
  }
}

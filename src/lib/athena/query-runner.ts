/**
 * Run one SQL query in Athena and bring back its (small) result: StartQueryExecution in the
 * workgroup, GetQueryExecution polled with backoff, GetQueryResults paged, StopQueryExecution
 * when the run is interrupted. Data scanned and its cost are reported.
 *
 * Facts (reference/athena-scale.md §2, A-MODEL; AUG workgroups-settings-override.html):
 * - the result location comes from the workgroup or from the request's ResultConfiguration; when
 *   the workgroup enforces its configuration (EnforceWorkGroupConfiguration), the request's is
 *   ignored, so it is sent only when the user gave one and the workgroup does not enforce its own;
 * - GetQueryResults pages hold at most 1000 rows, every value a string (VarCharValue; absent =
 *   NULL), and the first row of the first page of a SELECT is the header;
 * - $5 per TB scanned, rounded up to the MB, 10 MB minimum per query; cancelled queries are billed
 *   for what they scanned, failed ones are not.
 */
import type {AthenaClient, QueryExecution} from '@aws-sdk/client-athena'

import type {RunContext} from '../core/run-context.js'

import {AbortedError, InputError, PipeopsError, UsageError} from '../core/errors.js'

/** Athena's list price per TB scanned (us-east-1; https://aws.amazon.com/athena/pricing/). */
export const USD_PER_TB_SCANNED = 5

/**
 * The SDK's command classes load when a query runs, not when a command that merely offers
 * `--athena-table` starts (architecture.md, "Heavy modules load when used").
 */
const athenaSdk = async () => import('@aws-sdk/client-athena')
const MB = 1_048_576
const TB = 1_099_511_627_776
const MIN_BILLED_BYTES = 10 * MB

export interface AthenaQueryRequest {
  catalog?: string | undefined
  database?: string | undefined
  /** s3://… for the result when the workgroup has none (or does not enforce its own). */
  outputLocation?: string | undefined
  /** First and longest wait between polls (ms). */
  poll?: undefined | {firstMs: number; maxMs: number}
  sql: string
  workGroup?: string | undefined
}

export interface AthenaQueryStats {
  /** Cost at the list price, billed bytes = scanned rounded up to the MB, at least 10 MB (0 when failed). */
  costUsd: number
  dataScannedBytes: number
  engineMillis: number | undefined
  outputLocation: string | undefined
  queryExecutionId: string
  state: string
  totalMillis: number | undefined
  workGroup: string
}

export interface AthenaQueryResult {
  columns: string[]
  rows: Array<Array<string | undefined>>
  stats: AthenaQueryStats
}

/** What a finished query cost at the list price (AUG pricing: rounded up to the MB, 10 MB minimum). */
export function queryCostUsd(scannedBytes: number, state: string): number {
  if (state === 'FAILED') return 0
  const billed = Math.max(MIN_BILLED_BYTES, Math.ceil(scannedBytes / MB) * MB)
  return Math.round((billed / TB) * USD_PER_TB_SCANNED * 1e6) / 1e6
}

/** The workgroup's result settings: where results go, and whether the request may choose. */
export async function workGroupResultSettings(
  athena: AthenaClient,
  workGroup: string,
  signal: AbortSignal,
): Promise<{enforced: boolean; managed: boolean; outputLocation: string | undefined}> {
  const {GetWorkGroupCommand} = await athenaSdk()
  const out = await athena.send(new GetWorkGroupCommand({WorkGroup: workGroup}), {abortSignal: signal})
  const conf = out.WorkGroup?.Configuration
  return {
    enforced: conf?.EnforceWorkGroupConfiguration === true,
    managed: conf?.ManagedQueryResultsConfiguration?.Enabled === true,
    outputLocation: conf?.ResultConfiguration?.OutputLocation,
  }
}

function statsOf(q: QueryExecution | undefined, id: string, workGroup: string): AthenaQueryStats {
  const state = q?.Status?.State ?? 'UNKNOWN'
  const scanned = q?.Statistics?.DataScannedInBytes ?? 0
  return {
    costUsd: queryCostUsd(scanned, state),
    dataScannedBytes: scanned,
    engineMillis: q?.Statistics?.EngineExecutionTimeInMillis,
    outputLocation: q?.ResultConfiguration?.OutputLocation,
    queryExecutionId: id,
    state,
    totalMillis: q?.Statistics?.TotalExecutionTimeInMillis,
    workGroup: q?.WorkGroup ?? workGroup,
  }
}

export async function runAthenaQuery(
  athena: AthenaClient,
  request: AthenaQueryRequest,
  ctx: RunContext,
): Promise<AthenaQueryResult> {
  const workGroup = request.workGroup ?? 'primary'
  const settings = await workGroupResultSettings(athena, workGroup, ctx.signal)
  if (!settings.outputLocation && !settings.managed && !request.outputLocation)
    throw new UsageError(`workgroup ${workGroup} has no query result location, and no --output-location was given`, {
      suggestions: [
        'Give --output-location s3://BUCKET/PREFIX/ (a bucket you can write to, in the same Region), or use a workgroup with a result location.',
      ],
    })
  const sendOwnLocation = request.outputLocation !== undefined && !settings.enforced
  const {StartQueryExecutionCommand, StopQueryExecutionCommand} = await athenaSdk()
  const started = await athena.send(
    new StartQueryExecutionCommand({
      QueryExecutionContext: {
        ...(request.catalog ? {Catalog: request.catalog} : {}),
        ...(request.database ? {Database: request.database} : {}),
      },
      QueryString: request.sql,
      ...(sendOwnLocation ? {ResultConfiguration: {OutputLocation: request.outputLocation}} : {}),
      WorkGroup: workGroup,
    }),
    {abortSignal: ctx.signal},
  )
  const id = started.QueryExecutionId!
  ctx.progress({detail: id, label: 'Athena query started'})
  let execution: QueryExecution | undefined
  try {
    execution = await waitForQuery(athena, id, request.poll ?? {firstMs: 250, maxMs: 5000}, ctx)
  } catch (error) {
    if (ctx.signal.aborted || error instanceof AbortedError) {
      // Interrupted: stop the query so it does not go on scanning (and billing) without us.
      await athena.send(new StopQueryExecutionCommand({QueryExecutionId: id})).catch(() => {})
      throw new AbortedError(`interrupted: Athena query ${id} was stopped (StopQueryExecution)`, {
        suggestions: ['A cancelled query is billed for the data it scanned before it stopped.'],
      })
    }

    throw error
  }

  const stats = statsOf(execution, id, workGroup)
  if (stats.state !== 'SUCCEEDED') {
    const err = execution?.Status?.AthenaError
    const reason = execution?.Status?.StateChangeReason ?? err?.ErrorMessage ?? 'no reason given'
    const message = `Athena query ${id} ${stats.state}: ${reason}`
    // ErrorCategory 2 = the user's query or data (AUG error-reference): fix the input; else AWS's side.
    if (err?.ErrorCategory === 2) throw new InputError(message, {code: 'AthenaQueryFailed', details: stats})
    throw new PipeopsError(5, message, {code: 'AthenaQueryFailed', details: stats})
  }

  const {columns, rows} = await readResults(athena, id, ctx)
  return {columns, rows, stats}
}

async function waitForQuery(
  athena: AthenaClient,
  id: string,
  poll: {firstMs: number; maxMs: number},
  ctx: RunContext,
): Promise<QueryExecution | undefined> {
  const {GetQueryExecutionCommand} = await athenaSdk()
  let wait = poll.firstMs
  for (;;) {
    const out = await athena.send(new GetQueryExecutionCommand({QueryExecutionId: id}), {abortSignal: ctx.signal})
    const q = out.QueryExecution
    const state = q?.Status?.State
    if (state === 'SUCCEEDED' || state === 'FAILED' || state === 'CANCELLED') return q
    const scanned = q?.Statistics?.DataScannedInBytes
    ctx.progress({
      detail: scanned === undefined ? (state ?? 'UNKNOWN') : `${state}, ${(scanned / MB).toFixed(0)} MiB scanned`,
      label: 'Athena query',
    })
    await ctx.sleep(wait)
    wait = Math.min(poll.maxMs, Math.round(wait * 1.6))
  }
}

async function readResults(
  athena: AthenaClient,
  id: string,
  ctx: RunContext,
): Promise<{columns: string[]; rows: Array<Array<string | undefined>>}> {
  const rows: Array<Array<string | undefined>> = []
  let columns: string[] = []
  let token: string | undefined
  let first = true
  const {GetQueryResultsCommand} = await athenaSdk()
  do {
    const page = await athena.send(
      new GetQueryResultsCommand({MaxResults: 1000, NextToken: token, QueryExecutionId: id}),
      {abortSignal: ctx.signal},
    )
    if (first) columns = (page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) => c.Name ?? '')
    const pageRows = page.ResultSet?.Rows ?? []
    // The header row: the first row of the first page of a SELECT.
    for (const [i, row] of pageRows.entries()) {
      if (first && i === 0) continue
      rows.push((row.Data ?? []).map((d) => d.VarCharValue))
    }

    first = false
    token = page.NextToken
  } while (token)

  return {columns, rows}
}

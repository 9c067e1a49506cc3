/**
 * One SQL statement through the Redshift Data API: ExecuteStatement → DescribeStatement polled
 * with backoff (abortable: ctx.sleep) → GetStatementResult paged by NextToken. The statement runs
 * asynchronously on the cluster, so each poll needs the previous answer.
 *
 * Targets and authentication (MG data-api.html, data-api-access.html; reference/redshift-load.md §6):
 * a provisioned cluster with a Secrets Manager secret, with a database user (temporary credentials,
 * redshift:GetClusterCredentials) or with the caller's IAM identity; a Serverless workgroup with a
 * secret or the caller's IAM identity (redshift-serverless:GetCredentials). DECIMAL and date/time
 * values arrive as strings (MG data-api.html).
 */
import type {Field, RedshiftDataClient} from '@aws-sdk/client-redshift-data'

import type {RunContext} from '../core/run-context.js'

import {abortOpts} from '../aws/abort.js'
import {InputError, UsageError} from '../core/errors.js'

/** The IAM actions a Data API statement needs, by target and authentication (for a command's `iam`). */
export const DATA_API_IAM = [
  {action: 'redshift-data:ExecuteStatement', when: 'with --cluster or --workgroup'},
  {action: 'redshift-data:DescribeStatement', when: 'with --cluster or --workgroup'},
  {action: 'redshift-data:GetStatementResult', when: 'with --cluster or --workgroup'},
  {action: 'redshift:GetClusterCredentials', when: 'with --cluster and --db-user'},
  {action: 'redshift:GetClusterCredentialsWithIAM', when: 'with --cluster and neither --db-user nor --secret-arn'},
  {action: 'redshift-serverless:GetCredentials', when: 'with --workgroup and no --secret-arn'},
  {action: 'secretsmanager:GetSecretValue', when: 'with --secret-arn'},
]

export type DataApiTarget =
  | {cluster: string; database: string; dbUser?: string | undefined; secretArn?: string | undefined}
  | {database: string; secretArn?: string | undefined; workgroup: string}

export type Cell = boolean | null | number | string

export interface StatementResult {
  columns: string[]
  /** RedshiftQueryId of the statement (to join system tables), when reported. */
  queryId: number | undefined
  rows: Array<Record<string, Cell>>
}

export interface StatementOptions {
  name: string
  parameters?: Array<{name: string; value: string}> | undefined
  /** First poll interval (ms); doubles up to 2 s. */
  pollMs?: number | undefined
  sql: string
  /** Give up after this long (ms). */
  timeoutMs?: number | undefined
}

/** A statement that ran and FAILED/ABORTED: the server's message is the useful part. */
export class StatementFailedError extends InputError {
  constructor(
    readonly status: string,
    readonly serverMessage: string,
  ) {
    super(`the Data API statement ${status}: ${serverMessage}`, {code: 'StatementFailed'})
  }
}

export function targetParams(target: DataApiTarget): Record<string, string> {
  const auth: Record<string, string> = target.secretArn === undefined ? {} : {SecretArn: target.secretArn}
  if ('workgroup' in target) return {Database: target.database, WorkgroupName: target.workgroup, ...auth}
  return {
    ClusterIdentifier: target.cluster,
    Database: target.database,
    ...(target.secretArn === undefined && target.dbUser !== undefined ? {DbUser: target.dbUser} : {}),
    ...auth,
  }
}

export async function runStatement(
  client: RedshiftDataClient,
  target: DataApiTarget,
  statement: StatementOptions,
  ctx: Pick<RunContext, 'signal' | 'sleep'>,
): Promise<StatementResult> {
  const opts = abortOpts(ctx.signal)
  const {DescribeStatementCommand, ExecuteStatementCommand, GetStatementResultCommand} =
    await import('@aws-sdk/client-redshift-data')
  const started = await client.send(
    new ExecuteStatementCommand({
      ...targetParams(target),
      ...(statement.parameters && statement.parameters.length > 0 ? {Parameters: statement.parameters} : {}),
      Sql: statement.sql,
      StatementName: statement.name,
    }),
    opts,
  )
  const id = started.Id
  if (!id) throw new Error('ExecuteStatement returned no statement id')
  const timeoutMs = statement.timeoutMs ?? 120_000
  let waited = 0
  let wait = statement.pollMs ?? 250
  let queryId: number | undefined
  for (;;) {
    const status = await client.send(new DescribeStatementCommand({Id: id}), opts)
    queryId = status.RedshiftQueryId ?? queryId
    if (status.Status === 'FINISHED') {
      if (status.HasResultSet === false) return {columns: [], queryId, rows: []}
      break
    }

    if (status.Status === 'FAILED' || status.Status === 'ABORTED')
      throw new StatementFailedError(status.Status, status.Error ?? 'no error text')
    if (waited >= timeoutMs)
      throw new Error(`statement still ${status.Status ?? 'pending'} after ${Math.round(timeoutMs / 1000)} s`)
    await ctx.sleep(wait)
    waited += wait
    wait = Math.min(wait * 2, 2000)
  }

  let columns: string[] = []
  const rows: Array<Record<string, Cell>> = []
  let nextToken: string | undefined
  do {
    const page = await client.send(new GetStatementResultCommand({Id: id, NextToken: nextToken}), opts)
    if (page.ColumnMetadata && columns.length === 0)
      columns = page.ColumnMetadata.map((c, i) => c.name ?? c.label ?? `col${i}`)
    for (const record of page.Records ?? []) {
      const row: Record<string, Cell> = {}
      for (const [i, field] of record.entries()) row[columns[i] ?? `col${i}`] = cellValue(field)
      rows.push(row)
    }

    nextToken = page.NextToken
  } while (nextToken)

  return {columns, queryId, rows}
}

export function cellValue(field: Field): Cell {
  if (field.isNull) return null
  if (field.stringValue !== undefined) return field.stringValue
  if (field.longValue !== undefined) return field.longValue
  if (field.doubleValue !== undefined) return field.doubleValue
  if (field.booleanValue !== undefined) return field.booleanValue
  return null
}

export interface ConnectionFlags {
  cluster?: string | undefined
  database?: string | undefined
  dbUser?: string | undefined
  secretArn?: string | undefined
  workgroup?: string | undefined
}

/**
 * The Data API target of --cluster/--workgroup, --database, --db-user, --secret-arn; undefined
 * when neither a cluster nor a workgroup is given. `what` names the use in messages.
 */
export function dataApiTarget(flags: ConnectionFlags, what: string): DataApiTarget | undefined {
  if (flags.cluster === undefined && flags.workgroup === undefined) return undefined
  if (flags.database === undefined)
    throw new UsageError(`--database is required with --cluster or --workgroup (${what})`, {
      suggestions: ['Give --database dev (the database that holds the table).'],
    })
  if (flags.workgroup !== undefined) {
    if (flags.dbUser !== undefined)
      throw new UsageError('--db-user is for provisioned clusters; Serverless takes --secret-arn or your IAM identity')
    return {database: flags.database, secretArn: flags.secretArn, workgroup: flags.workgroup}
  }

  return {cluster: flags.cluster!, database: flags.database, dbUser: flags.dbUser, secretArn: flags.secretArn}
}

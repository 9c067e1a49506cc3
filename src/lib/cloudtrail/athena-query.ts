import type {TrailEvent, TrailQuery} from './lookup.js'

/**
 * `trail lookup` as one SQL query over a trail's log files in S3 (the Athena table that
 * `--create-table-ddl` prints, AWS's standard CloudTrail table, or the one the CloudTrail console
 * creates): the same filters as event history (./lookup.ts `matches`), the same event fields,
 * rendered for Athena and, in the tests, for DuckDB from one model (../athena/sql-model.ts).
 *
 * How event history's attributes map onto the log record (AUG cloudtrail-logs.html; the records
 * themselves, e.g. S3 PutObject and Lambda Invoke data events):
 * - EventName / EventSource: `eventname` / `eventsource`;
 * - Username: `useridentity.username` (IAM users), or for an assumed role the session name, the
 *   last segment of `useridentity.arn` (event history shows that as the user name);
 * - ResourceName: an ARN in `resources` equal to the name or ending in `/name`, as the local filter
 *   does; management events often carry no `resources` in the log (event history derives them),
 *   so the name as a JSON string value of `requestparameters` (e.g. "streamName":"orders") counts too;
 * - the window: `eventtime` is ISO-8601 text to the second (yyyy-MM-ddTHH:mm:ssZ), so text order
 *   is time order and the bounds are written the same way.
 */
import {type Dialect, type Expr, type Query, quoteTableName, renderQuery} from '../athena/sql-model.js'

/** Result columns, in order (rows are read back by position). */
export const TRAIL_COLUMNS = [
  'event_id',
  'event_time',
  'event_name',
  'event_source',
  'aws_region',
  'error_code',
  'error_message',
  'request_parameters',
  'source_ip',
  'read_only',
  'identity_type',
  'principal_arn',
  'user_name',
  'access_key_id',
  'session_issuer_arn',
  'resource_arns',
  'resource_types',
] as const

/** Separates the resources' ARNs (and types) in one text column: the unit separator, absent from ARNs. */
const SEP = '\u001F'

export interface TrailQueryModel {
  /** Predicates on the table's partition columns (time push-down), from ../athena/time-partitions.ts. */
  partitionFilters?: Expr[] | undefined
  query: TrailQuery
  /** False for a table whose useridentity has no sessioncontext.sessionissuer (old DDL): NULL instead. */
  sessionIssuer?: boolean | undefined
  /** db.table */
  table: string
}

const col = (column: string): Expr => ({column})
function field(of: Expr, ...path: string[]): Expr {
  let e = of
  for (const f of path) e = {field: f, of: e}
  return e
}

const eq = (left: Expr, value: string): Expr => ({left, op: '=', right: {str: value}})
const or = (left: Expr, right: Expr): Expr => ({left, op: 'OR', right})
const and = (left: Expr, right: Expr): Expr => ({left, op: 'AND', right})

/** An instant as CloudTrail writes eventTime: ISO-8601 to the second, UTC. */
export function trailTimeText(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

export function buildTrailQuery(m: TrailQueryModel): Query {
  const q = m.query
  const identity = col('useridentity')
  const where: Expr[] = [
    // An event at second t is in [start, end) when t*1000 >= start and t*1000 < end.
    {left: col('eventtime'), op: '>=', right: {str: trailTimeText(Math.ceil(q.start.getTime() / 1000) * 1000)}},
    {left: col('eventtime'), op: '<', right: {str: trailTimeText(Math.ceil(q.end.getTime() / 1000) * 1000)}},
    ...(m.partitionFilters ?? []),
  ]
  if (q.eventName) where.push(eq(col('eventname'), q.eventName))
  if (q.eventSource) where.push(eq(col('eventsource'), q.eventSource))
  if (q.user)
    where.push(
      or(
        and({sql: `coalesce("useridentity"."type", '') <> 'AssumedRole'`}, eq(field(identity, 'username'), q.user)),
        and(eq(field(identity, 'type'), 'AssumedRole'), {endsWith: `/${q.user}`, value: field(identity, 'arn')}),
      ),
    )
  if (q.resourceName) {
    const arn: Expr = {column: 'arn', from: 'r'}
    where.push(
      or(
        {
          as: 'r',
          listAny: col('resources'),
          where: or(eq(arn, q.resourceName), {endsWith: `/${q.resourceName}`, value: arn}),
        },
        {
          left: {
            args: [
              {args: [col('requestparameters'), {str: ''}], call: 'coalesce'},
              {str: JSON.stringify(q.resourceName)},
            ],
            call: 'strpos',
          },
          op: '>',
          right: {int: 0},
        },
      ),
    )
  }

  if (q.errorsOnly) where.push({sql: `"errorcode" IS NOT NULL AND "errorcode" <> ''`})
  const sessionIssuerArn: Expr =
    m.sessionIssuer === false
      ? {as: 'varchar', cast: {sql: 'NULL'}}
      : field(identity, 'sessioncontext', 'sessionissuer', 'arn')
  const resourcesJoined = (f: string): Expr => ({
    as: 'r',
    item: {args: [{column: f, from: 'r'}, {str: ''}], call: 'coalesce'},
    listJoin: col('resources'),
    sep: {args: [{int: SEP.codePointAt(0)!}], call: 'chr'},
  })
  return {
    ctes: [],
    select: {
      from: quoteTableName(m.table),
      items: [
        {as: 'event_id', expr: col('eventid')},
        {as: 'event_time', expr: col('eventtime')},
        {as: 'event_name', expr: col('eventname')},
        {as: 'event_source', expr: col('eventsource')},
        {as: 'aws_region', expr: col('awsregion')},
        {as: 'error_code', expr: col('errorcode')},
        {as: 'error_message', expr: col('errormessage')},
        {as: 'request_parameters', expr: col('requestparameters')},
        {as: 'source_ip', expr: col('sourceipaddress')},
        {as: 'read_only', expr: col('readonly')},
        {as: 'identity_type', expr: field(identity, 'type')},
        {as: 'principal_arn', expr: field(identity, 'arn')},
        {as: 'user_name', expr: field(identity, 'username')},
        {as: 'access_key_id', expr: field(identity, 'accesskeyid')},
        {as: 'session_issuer_arn', expr: sessionIssuerArn},
        {as: 'resource_arns', expr: resourcesJoined('arn')},
        {as: 'resource_types', expr: resourcesJoined('type')},
      ],
      // Event history lists the newest first.
      limit: q.limit === undefined ? undefined : q.limit + 1,
      orderBy: ['"eventtime" DESC', '"eventid"'],
      where,
    },
  }
}

export function renderTrailQuery(m: TrailQueryModel, dialect: Dialect): string {
  return renderQuery(buildTrailQuery(m), dialect)
}

function parseJsonText(text: string | undefined): unknown {
  if (text === undefined || text === '') return null
  try {
    return JSON.parse(text) as unknown
  } catch {
    // Kept as text: a field the log wrote that is not JSON is still evidence.
    return text
  }
}

/** The resources' ARNs and types, joined with SEP by the query, as event history's resource list. */
function resourcesOf(arns: string | undefined, types: string | undefined): TrailEvent['resources'] {
  if (arns === undefined || arns === '') return []
  const typeList = types?.split(SEP) ?? []
  return arns.split(SEP).map((name, i) => ({name, type: typeList[i] || null}))
}

/** One result row (strings, NULL = undefined, in TRAIL_COLUMNS order) as event history's event. */
export function trailEventFromRow(cells: ReadonlyArray<string | undefined>): TrailEvent {
  const v = (name: (typeof TRAIL_COLUMNS)[number]): string | undefined =>
    cells[TRAIL_COLUMNS.indexOf(name)] ?? undefined
  const principalArn = v('principal_arn') ?? null
  // Event history's Username of an assumed role is its session name: the ARN's last segment.
  const userName =
    v('identity_type') === 'AssumedRole' && principalArn
      ? (principalArn.split('/').at(-1) ?? null)
      : (v('user_name') ?? null)
  const time = v('event_time') ?? ''
  const readOnly = v('read_only')
  return {
    accessKeyId: v('access_key_id') ?? null,
    errorCode: v('error_code') || null,
    errorMessage: v('error_message') ?? null,
    eventId: v('event_id') ?? '',
    eventName: v('event_name') ?? '',
    eventSource: v('event_source') ?? '',
    eventTime: Number.isNaN(Date.parse(time)) ? time : new Date(time).toISOString(),
    principalArn,
    readOnly: readOnly === undefined ? null : readOnly === 'true',
    region: v('aws_region') ?? null,
    requestParameters: parseJsonText(v('request_parameters')),
    resources: resourcesOf(v('resource_arns'), v('resource_types')),
    sessionIssuerArn: v('session_issuer_arn') || null,
    sourceIp: v('source_ip') ?? null,
    userName,
  }
}

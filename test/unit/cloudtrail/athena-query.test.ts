/**
 * The trail query, rendered for DuckDB and run over generated CloudTrail log records (shaped as the
 * trail writes them: S3 PutObject and Lambda Invoke data events, management events without
 * `resources`, assumed-role and IAM-user and AWS-service identities), must find exactly the events
 * event history's filters find (lookup.ts `matchesTrailQuery`) in the same window, newest first,
 * with the same fields: one SQL model, two dialects.
 */
import {type DuckDBConnection, DuckDBInstance} from '@duckdb/node-api'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {TableDescription} from '../../../src/lib/athena/table-scan.js'

import {planTrailQuery} from '../../../src/lib/cloudtrail/athena-lookup.js'
import {renderTrailQuery, trailEventFromRow} from '../../../src/lib/cloudtrail/athena-query.js'
import {
  matchesTrailQuery,
  normaliseEvent,
  type TrailEvent,
  type TrailQuery,
} from '../../../src/lib/cloudtrail/lookup.js'
import {lcg} from '../../helpers/seeded-random.js'

interface Identity {
  accesskeyid: null | string
  arn: null | string
  invokedby: null | string
  sessionIssuerArn: null | string
  type: string
  username: null | string
}

/** One log record as the trail writes it, with the partition it is filed under and event history's view. */
interface LogRecord {
  awsregion: string
  /** Partition values: the day the log file was delivered (minutes after the call). */
  day: string
  errorcode: null | string
  errormessage: null | string
  eventid: string
  eventname: string
  eventsource: string
  eventtime: string
  /** What event history calls the resources (derived by CloudTrail for management events). */
  historyResources: Array<{ResourceName: string; ResourceType: string}>
  identity: Identity
  month: string
  readonly: string
  requestparameters: null | string
  resources: Array<{arn: string; type: string}> | null
  sourceipaddress: string
  year: string
}

const ACCOUNT = '111122223333'
const KEYS = ['orders/2026/12/07/batch-7.csv', 'orders/2026/12/07/batch_7%.csv', 'raw/été/ünïcode file.json', 'k']
const SESSIONS = ['airflow_worker', 'etl-run-42', 'batch%job', 'i-0abc']

function identityOf(rnd: () => number): Identity {
  const r = rnd()
  if (r < 0.55) {
    const session = SESSIONS[Math.floor(rnd() * SESSIONS.length)]!
    return {
      accesskeyid: 'ASIAEXAMPLEKEY',
      arn: `arn:aws:sts::${ACCOUNT}:assumed-role/pipeline-role/${session}`,
      invokedby: null,
      sessionIssuerArn: `arn:aws:iam::${ACCOUNT}:role/pipeline-role`,
      type: 'AssumedRole',
      username: null,
    }
  }

  if (r < 0.85)
    return {
      accesskeyid: 'AKIAEXAMPLEKEY',
      arn: `arn:aws:iam::${ACCOUNT}:user/ops/deploy-bot`,
      invokedby: null,
      sessionIssuerArn: null,
      type: 'IAMUser',
      username: 'deploy-bot',
    }
  // An AWS service (EventBridge invoking a function): no ARN, no user name.
  return {
    accesskeyid: null,
    arn: null,
    invokedby: 'events.amazonaws.com',
    sessionIssuerArn: null,
    type: 'AWSService',
    username: null,
  }
}

function generate(count: number, seed: number): LogRecord[] {
  const rnd = lcg(seed)
  const start = Date.parse('2026-12-05T22:00:00Z')
  const out: LogRecord[] = []
  for (let i = 0; i < count; i++) {
    // Three days, with events bunched at midnight to test the delivery-day partitions.
    const t =
      i % 10 === 0
        ? Date.parse('2026-12-06T23:50:00Z') + Math.floor(rnd() * 1_200_000)
        : start + Math.floor(rnd() * 3 * 86_400_000)
    const second = Math.floor(t / 1000) * 1000
    const delivered = new Date(second + Math.floor(rnd() * 20 * 60_000))
    const kind = rnd()
    const identity = identityOf(rnd)
    const failed = rnd() < 0.2
    let rec: Omit<LogRecord, 'day' | 'month' | 'year'>
    if (kind < 0.45) {
      const key = KEYS[Math.floor(rnd() * KEYS.length)]!
      const bucket = rnd() < 0.8 ? 'raw-landing' : 'other-bucket'
      const name = rnd() < 0.7 ? 'PutObject' : rnd() < 0.5 ? 'CompleteMultipartUpload' : 'DeleteObject'
      const objectArn = `arn:aws:s3:::${bucket}/${key}`
      rec = {
        awsregion: 'eu-west-1',
        errorcode: failed ? 'AccessDenied' : null,
        errormessage: failed ? 'Access Denied' : null,
        eventid: `s3-${i}`,
        eventname: name,
        eventsource: 's3.amazonaws.com',
        eventtime: new Date(second).toISOString().replace('.000Z', 'Z'),
        historyResources: [
          {ResourceName: objectArn, ResourceType: 'AWS::S3::Object'},
          {ResourceName: `arn:aws:s3:::${bucket}`, ResourceType: 'AWS::S3::Bucket'},
        ],
        identity,
        readonly: 'false',
        requestparameters: JSON.stringify({bucketName: bucket, Host: `${bucket}.s3.eu-west-1.amazonaws.com`, key}),
        resources: [
          {arn: objectArn, type: 'AWS::S3::Object'},
          {arn: `arn:aws:s3:::${bucket}`, type: 'AWS::S3::Bucket'},
        ],
        sourceipaddress: identity.invokedby ?? '198.51.100.7',
      }
    } else if (kind < 0.7) {
      const fn = rnd() < 0.5 ? 'load-orders' : 'audit'
      const fnArn = `arn:aws:lambda:eu-west-1:${ACCOUNT}:function:${fn}`
      rec = {
        awsregion: 'eu-west-1',
        errorcode: null,
        errormessage: null,
        eventid: `lambda-${i}`,
        eventname: 'Invoke',
        eventsource: 'lambda.amazonaws.com',
        eventtime: new Date(second).toISOString().replace('.000Z', 'Z'),
        historyResources: [{ResourceName: fnArn, ResourceType: 'AWS::Lambda::Function'}],
        identity,
        readonly: 'false',
        // A synchronous Invoke by a service logs no request parameters.
        requestparameters:
          identity.type === 'AWSService'
            ? JSON.stringify({
                functionName: `${fnArn}:live`,
                invocationType: 'Event',
                sourceArn: `arn:aws:events:eu-west-1:${ACCOUNT}:rule/on-landing`,
              })
            : null,
        resources: [{arn: fnArn, type: 'AWS::Lambda::Function'}],
        sourceipaddress: identity.invokedby ?? 'states.amazonaws.com',
      }
    } else {
      const stream = rnd() < 0.6 ? 'orders' : 'clicks'
      rec = {
        awsregion: rnd() < 0.5 ? 'eu-west-1' : 'us-east-1',
        errorcode: failed ? 'LimitExceededException' : null,
        errormessage: failed ? 'Rate exceeded for stream orders' : null,
        eventid: `kinesis-${i}`,
        eventname: rnd() < 0.6 ? 'UpdateShardCount' : 'DescribeStreamSummary',
        eventsource: 'kinesis.amazonaws.com',
        eventtime: new Date(second).toISOString().replace('.000Z', 'Z'),
        // Event history names the stream; the log record carries it only in requestParameters.
        historyResources: [{ResourceName: stream, ResourceType: 'AWS::Kinesis::Stream'}],
        identity,
        readonly: 'false',
        requestparameters: JSON.stringify({scalingType: 'UNIFORM_SCALING', streamName: stream, targetShardCount: 4}),
        resources: null,
        sourceipaddress: '198.51.100.9',
      }
    }

    const iso = delivered.toISOString()
    out.push({...rec, day: iso.slice(8, 10), month: iso.slice(5, 7), year: iso.slice(0, 4)})
  }

  return out
}

/** Event history's view of the same record (LookupEvents' Event shape). */
function historyEvent(r: LogRecord): TrailEvent {
  const id = r.identity
  return normaliseEvent({
    AccessKeyId: id.accesskeyid ?? undefined,
    CloudTrailEvent: JSON.stringify({
      awsRegion: r.awsregion,
      ...(r.errorcode ? {errorCode: r.errorcode, errorMessage: r.errormessage} : {}),
      requestParameters: r.requestparameters === null ? null : JSON.parse(r.requestparameters),
      sourceIPAddress: r.sourceipaddress,
      userIdentity: {
        ...(id.arn ? {arn: id.arn} : {}),
        ...(id.sessionIssuerArn ? {sessionContext: {sessionIssuer: {arn: id.sessionIssuerArn}}} : {}),
      },
    }),
    EventId: r.eventid,
    EventName: r.eventname,
    EventSource: r.eventsource,
    EventTime: new Date(r.eventtime),
    ReadOnly: r.readonly,
    Resources: r.historyResources,
    Username: id.type === 'AssumedRole' ? id.arn!.split('/').at(-1) : (id.username ?? undefined),
  })
}

const lit = (v: null | string): string => (v === null ? 'NULL' : `'${v.replaceAll("'", "''")}'`)

function rowSql(r: LogRecord): string {
  const id = r.identity
  const identity = `{'type': ${lit(id.type)}, 'arn': ${lit(id.arn)}, 'accountid': '${ACCOUNT}', 'invokedby': ${lit(id.invokedby)}, 'accesskeyid': ${lit(id.accesskeyid)}, 'username': ${lit(id.username)}, 'sessioncontext': {'sessionissuer': {'type': ${id.sessionIssuerArn ? "'Role'" : 'NULL'}, 'arn': ${lit(id.sessionIssuerArn)}}}}`
  const resources =
    r.resources === null
      ? 'NULL'
      : `[${r.resources.map((x) => `{'arn': ${lit(x.arn)}, 'accountid': '${ACCOUNT}', 'type': ${lit(x.type)}}`).join(', ')}]`
  return `(${[
    lit(r.eventid),
    lit(r.eventtime),
    lit(r.eventname),
    lit(r.eventsource),
    lit(r.awsregion),
    lit(r.errorcode),
    lit(r.errormessage),
    lit(r.requestparameters),
    lit(r.sourceipaddress),
    lit(r.readonly),
    identity,
    resources,
    lit(r.awsregion),
    lit(r.year),
    lit(r.month),
    lit(r.day),
  ].join(', ')})`
}

/** The standard table's layout (AWS's DDL, as `--create-table-ddl` prints it): region/year/month/day. */
const TABLE: TableDescription = {
  columns: [
    ...[
      'eventid',
      'eventtime',
      'eventname',
      'eventsource',
      'awsregion',
      'errorcode',
      'errormessage',
      'requestparameters',
      'sourceipaddress',
      'readonly',
    ].map((name) => ({name, type: 'string'})),
    {
      name: 'useridentity',
      type: 'struct<type:string,arn:string,accountid:string,invokedby:string,accesskeyid:string,username:string,sessioncontext:struct<sessionissuer:struct<type:string,arn:string>>>',
    },
    {name: 'resources', type: 'array<struct<arn:string,accountid:string,type:string>>'},
  ],
  location: 's3://trail-bucket/AWSLogs/111122223333/CloudTrail/',
  parameters: {},
  partitionKeys: ['region', 'year', 'month', 'day'].map((name) => ({name, type: 'string'})),
}

const RECORDS = generate(2400, 25)
let db: DuckDBInstance
let conn: DuckDBConnection

beforeAll(async () => {
  db = await DuckDBInstance.create(':memory:')
  conn = await db.connect()
  await conn.run('CREATE SCHEMA "security"')
  await conn.run(`CREATE TABLE "security"."cloudtrail_logs" (
    eventid VARCHAR, eventtime VARCHAR, eventname VARCHAR, eventsource VARCHAR, awsregion VARCHAR,
    errorcode VARCHAR, errormessage VARCHAR, requestparameters VARCHAR, sourceipaddress VARCHAR, readonly VARCHAR,
    useridentity STRUCT(type VARCHAR, arn VARCHAR, accountid VARCHAR, invokedby VARCHAR, accesskeyid VARCHAR, username VARCHAR,
      sessioncontext STRUCT(sessionissuer STRUCT(type VARCHAR, arn VARCHAR))),
    resources STRUCT(arn VARCHAR, accountid VARCHAR, type VARCHAR)[],
    region VARCHAR, year VARCHAR, month VARCHAR, day VARCHAR)`)
  for (let i = 0; i < RECORDS.length; i += 400)
    await conn.run(
      `INSERT INTO "security"."cloudtrail_logs" VALUES ${RECORDS.slice(i, i + 400)
        .map((r) => rowSql(r))
        .join(',\n')}`,
    )
})

afterAll(() => {
  conn?.closeSync()
})

async function viaDuckDb(query: TrailQuery): Promise<TrailEvent[]> {
  const {sql} = planTrailQuery(TABLE, {table: 'security.cloudtrail_logs'}, query, 'duckdb')
  const reader = await conn.runAndReadAll(sql)
  return reader.getRows().map((row) => trailEventFromRow(row.map((c) => (c === null ? undefined : String(c)))))
}

/** Event history's answer: every event in [start, end) passing the local filters, newest first. */
function viaHistory(query: TrailQuery): TrailEvent[] {
  const all = RECORDS.map((r) => historyEvent(r))
    .filter((e) => {
      const t = Date.parse(e.eventTime)
      return t >= query.start.getTime() && t < query.end.getTime() && matchesTrailQuery(e, query)
    })
    .sort((a, b) =>
      a.eventTime === b.eventTime ? (a.eventId < b.eventId ? -1 : 1) : a.eventTime < b.eventTime ? 1 : -1,
    )
  return query.limit === undefined ? all : all.slice(0, query.limit + 1)
}

/** Event history names a management event's resource by name; the log holds none: compare the rest. */
function comparable(events: TrailEvent[], byId: Map<string, LogRecord>): TrailEvent[] {
  return events.map((e) => (byId.get(e.eventId)?.resources ? e : {...e, resources: []}))
}

const window = {end: new Date('2026-12-07T06:00:00Z'), start: new Date('2026-12-06T03:00:00Z')}
const QUERIES: Array<[string, TrailQuery]> = [
  ['the whole window', {...window}],
  [
    'PutObject of one object (the pipeline trace look-up)',
    {...window, eventName: 'PutObject', resourceName: 'arn:aws:s3:::raw-landing/orders/2026/12/07/batch_7%.csv'},
  ],
  ['an object key by its last segment, a LIKE wildcard in the name', {...window, resourceName: 'ünïcode file.json'}],
  [
    'Lambda Invoke of a function',
    {
      ...window,
      eventName: 'Invoke',
      eventSource: 'lambda.amazonaws.com',
      resourceName: 'arn:aws:lambda:eu-west-1:111122223333:function:load-orders',
    },
  ],
  [
    'UpdateShardCount on a stream named only in requestParameters',
    {...window, eventName: 'UpdateShardCount', resourceName: 'orders'},
  ],
  ['an assumed-role session with a % in its name', {...window, user: 'batch%job'}],
  ['a session name with an underscore', {...window, user: 'airflow_worker'}],
  ['an IAM user, errors only', {...window, errorsOnly: true, user: 'deploy-bot'}],
  ['errors only, from S3', {...window, errorsOnly: true, eventSource: 's3.amazonaws.com'}],
  [
    'a window across midnight (delivery-day partitions)',
    {end: new Date('2026-12-07T00:05:00Z'), eventSource: 's3.amazonaws.com', start: new Date('2026-12-06T23:55:00Z')},
  ],
  [
    'a window with odd milliseconds',
    {end: new Date('2026-12-06T12:00:00.500Z'), start: new Date('2026-12-06T10:00:00.250Z')},
  ],
]

describe('trail query: DuckDB rendering against event history filters', () => {
  const byId = new Map(RECORDS.map((r) => [r.eventid, r] as const))

  it.each(QUERIES)('%s', async (_label, query) => {
    const got = await viaDuckDb(query)
    const want = viaHistory(query)
    expect(want.length).toBeGreaterThan(0)
    expect(comparable(got, byId)).toEqual(comparable(want, byId))
  })

  it('stops one past --limit (the runner reports truncation), newest first', async () => {
    const query: TrailQuery = {...window, eventSource: 's3.amazonaws.com', limit: 25}
    const got = await viaDuckDb(query)
    expect(got).toHaveLength(26)
    expect(comparable(got, byId)).toEqual(comparable(viaHistory(query), byId))
  })

  it('without the delivery-lag padding, the midnight window would miss events filed under the next day', () => {
    const late = RECORDS.filter((r) => r.eventtime.startsWith('2026-12-06T23:5') && r.day === '07')
    expect(late.length).toBeGreaterThan(0)
    const {sql} = planTrailQuery(TABLE, {table: 'security.cloudtrail_logs'}, QUERIES[9]![1], 'duckdb')
    expect(sql).toContain(`"day" = '07'`)
  })
})

/** The query with its list functions (the only dialect nodes it uses) replaced by one symbol each. */
function strip(sql: string): string {
  return sql
    .replaceAll(/any_match\(|\(len\(list_filter\(/g, 'ANY(')
    .replaceAll(/array_join\(transform\(|array_to_string\(list_transform\(/g, 'JOIN(')
    .replaceAll(/\)\) > 0\)/g, ')')
}

describe('trail query rendering', () => {
  const query: TrailQuery = {
    end: new Date('2026-12-07T10:00:00Z'),
    eventName: 'PutObject',
    resourceName: 'arn:aws:s3:::raw-landing/a_b%.csv',
    start: new Date('2026-12-07T09:00:00Z'),
    user: 'etl',
  }

  it('renders the same query for both engines except the list functions', () => {
    const trino = renderTrailQuery({query, table: 'security.cloudtrail_logs'}, 'trino')
    const duck = renderTrailQuery({query, table: 'security.cloudtrail_logs'}, 'duckdb')
    expect(trino).toContain(`any_match("resources", r -> ((r."arn" = 'arn:aws:s3:::raw-landing/a_b%.csv')`)
    expect(trino).toContain(`array_join(transform("resources", r -> coalesce(r."arn", '')), chr(31))`)
    expect(trino).toContain(`LIKE '%/arn:aws:s3:::raw-landing/a\\_b\\%.csv' ESCAPE '\\'`)
    expect(trino).toContain(`"eventtime" >= '2026-12-07T09:00:00Z'`)
    expect(trino).toContain(`"eventtime" < '2026-12-07T10:00:00Z'`)
    expect(duck).toContain('list_filter("resources", r ->')
    expect(strip(duck).replaceAll(/\s+/g, ' ')).toBe(strip(trino).replaceAll(/\s+/g, ' '))
  })

  it('pushes the window down to a projected timestamp partition (yyyy/MM/dd)', () => {
    const projected: TableDescription = {
      ...TABLE,
      parameters: {
        'projection.enabled': 'true',
        'projection.timestamp.format': 'yyyy/MM/dd',
        'projection.timestamp.type': 'date',
      },
      partitionKeys: [{name: 'timestamp', type: 'string'}],
    }
    const plan = planTrailQuery(
      projected,
      {table: 'security.cloudtrail_logs'},
      {end: new Date('2026-12-07T23:30:00Z'), start: new Date('2026-12-06T10:00:00Z')},
    )
    // 23:30 + one hour of delivery lag reaches the 8th.
    expect(plan.sql).toContain(`"timestamp" BETWEEN '2026/12/06' AND '2026/12/08'`)
    expect(plan.partitions).toContain('3 daily partition(s)')
  })

  it('says so when the table has no time partitions (the CloudTrail console creates such a table)', () => {
    const plan = planTrailQuery({...TABLE, partitionKeys: []}, {table: 'security.cloudtrail_logs'}, {...query})
    expect(plan.partitions).toMatch(/not partitioned/)
    expect(plan.sql).not.toContain('"day"')
  })
})

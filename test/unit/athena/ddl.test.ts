import {describe, expect, it} from 'vitest'

import {DdlParseError, parseDdl} from '../../../src/lib/athena/inputs/ddl.js'

const DDL = `-- a comment with a ; in it
/* block
   comment */
CREATE EXTERNAL TABLE IF NOT EXISTS \`web-logs\`.events (
  \`/var/log\` string COMMENT 'the path; really',
  id bigint,
  payload struct<\`_id\`:string, tags:array<struct<Key:string>>>,
  amount decimal(10,2)
)
PARTITIONED BY (dt string, \`_region\` string)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
WITH SERDEPROPERTIES ('case.insensitive' = 'TRUE')
LOCATION 's3://bucket/events/';

CREATE TABLE analytics.daily WITH (format = 'PARQUET', partitioned_by = ARRAY['day']) AS
SELECT "user id", count(*), t.order, CASE WHEN a THEN 1 END, x AS "select", day FROM t;

CREATE OR REPLACE VIEW "123view" AS SELECT "123columnone", b c FROM "234table";
CREATE DATABASE glue-athena;
MSCK REPAIR TABLE events;
CREATE TABLE iceberg_t (id int, ts timestamp) PARTITIONED BY (day(ts), id) LOCATION 's3://b/i/' TBLPROPERTIES ('table_type'='ICEBERG');
`

describe('parseDdl', () => {
  const out = parseDdl(DDL, 'tables.sql')

  it('reads CREATE EXTERNAL TABLE with backticks, comments, nested types and PARTITIONED BY', () => {
    const t = out.tables[0]!
    expect([t.database, t.table, t.kind, t.serde, t.location]).toEqual([
      'web-logs',
      'events',
      'table',
      'org.openx.data.jsonserde.JsonSerDe',
      's3://bucket/events/',
    ])
    expect(t.columns.map((c) => c.name)).toEqual(['/var/log', 'id', 'payload', 'amount'])
    expect(t.partitionKeys.map((c) => c.name)).toEqual(['dt', '_region'])
    expect(t.columns[0]!.position).toEqual({column: 3, file: 'tables.sql', line: 5})
    expect(t.tablePosition).toEqual({column: 48, file: 'tables.sql', line: 4})
    expect(t.databasePosition).toEqual({column: 37, file: 'tables.sql', line: 4})
    const payload = t.columns[2]!.type!
    expect(payload.kind === 'struct' && payload.fields[0]!.position).toEqual({column: 18, file: 'tables.sql', line: 7})
    expect(t.columns[3]!.type).toEqual({kind: 'primitive', name: 'decimal(10,2)'})
  })

  it('reads CTAS output names, partitioned_by, and unaliased expressions as _colN', () => {
    const t = out.tables[1]!
    expect([t.database, t.table]).toEqual(['analytics', 'daily'])
    expect(t.columns.map((c) => c.name)).toEqual(['user id', '_col1', 'order', '_col3', 'select'])
    expect(t.partitionKeys.map((c) => c.name)).toEqual(['day'])
    expect(out.notes.some((n) => /select item 2 of "daily" has no alias/.test(n))).toBe(true)
  })

  it('reads views, databases with hyphens, skips other statements, ignores Iceberg partition transforms', () => {
    expect(out.tables[2]).toMatchObject({kind: 'view', table: '123view'})
    expect(out.tables[2]!.columns.map((c) => c.name)).toEqual(['123columnone', 'c'])
    expect(out.databases.map((d) => d.database)).toEqual(['glue-athena'])
    expect(out.notes.some((n) => /tables.sql:20: skipped a MSCK statement/.test(n))).toBe(true)
    expect(out.tables[3]!.partitionKeys).toEqual([])
    expect(out.tables[3]!.columns.map((c) => c.name)).toEqual(['id', 'ts'])
  })

  it('reads AS (SELECT …) and skips CREATE TABLE … LIKE with a note', () => {
    const out2 = parseDdl(
      'CREATE TABLE t2 AS (SELECT a AS "First Name", b FROM src);\nCREATE TABLE db1.t3 LIKE t2;',
      'x.sql',
    )
    expect(out2.tables.map((t) => [t.table, t.columns.map((c) => c.name)])).toEqual([['t2', ['First Name', 'b']]])
    expect(out2.notes).toEqual([expect.stringMatching(/x.sql:2: "t3" is CREATE TABLE … LIKE/)])
    expect(out2.databases.map((d) => d.database)).toEqual(['db1'])
  })

  it('fails with file:line:column on broken DDL', () => {
    expect(() => parseDdl('CREATE TABLE t (\n  a struct<b:int\n)', 'bad.sql')).toThrow(DdlParseError)
    expect(() => parseDdl('CREATE TABLE t (\n  a struct<b:int\n)', 'bad.sql')).toThrow(/^bad.sql:2:/)
    expect(() => parseDdl("CREATE TABLE t (a int) LOCATION 's3://x", 'bad.sql')).toThrow(
      /bad.sql:1:33: unterminated string/,
    )
    expect(() => parseDdl('SELECT 1', 'q.sql')).toThrow(/no CREATE TABLE/)
  })
})

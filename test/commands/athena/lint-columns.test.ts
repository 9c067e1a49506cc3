import {AthenaClient, GetTableMetadataCommand, ListTableMetadataCommand} from '@aws-sdk/client-athena'
import {GetTableCommand, GetTablesCommand, GlueClient} from '@aws-sdk/client-glue'
import {mockClient} from 'aws-sdk-client-mock'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeEach, describe, expect, it} from 'vitest'

import type {LintColumnsResult} from '../../../src/lib/athena/lint-columns.js'

import AthenaLintColumns from '../../../src/commands/athena/lint-columns.js'
import {writeParquetFooter} from '../../fixtures/athena/parquet-footer.js'
import {useTestAwsEnv} from '../../helpers/aws-env.js'
import {expectCallsDeclared} from '../../helpers/iam.js'
import {errorOf, resultOf, runJson, runText} from '../../helpers/run.js'

const glue = mockClient(GlueClient)
const athena = mockClient(AthenaClient)
const dir = mkdtempSync(path.join(tmpdir(), 'pipeops-athena-lint-'))
afterAll(() => rmSync(dir, {force: true, recursive: true}))
const file = (name: string, data: string): string => {
  const p = path.join(dir, name)
  writeFileSync(p, data)
  return p
}

const DDL = `CREATE EXTERNAL TABLE logs (
  \`/var/log\` string,
  \`date\` string,
  ok string
)
PARTITIONED BY (\`_region\` string)
LOCATION 's3://b/logs/';
`

const glueTable = (name: string, columns: Array<[string, string]>, partitionKeys: Array<[string, string]> = []) => ({
  DatabaseName: 'analytics',
  Name: name,
  PartitionKeys: partitionKeys.map(([Name, Type]) => ({Name, Type})),
  StorageDescriptor: {
    Columns: columns.map(([Name, Type]) => ({Name, Type})),
    SerdeInfo: {SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe'},
  },
})

describe('athena lint-columns', () => {
  useTestAwsEnv()

  beforeEach(() => {
    glue.reset()
    athena.reset()
  })

  it('lints a DDL file: --json has exactly the documented shape, exit 1 on errors', async () => {
    const run = await runJson<LintColumnsResult>(['athena', 'lint-columns', '--ddl', file('logs.sql', DDL)])
    expect(run.exitCode).toBe(1)
    expect(run.envelope.status).toBe('findings')
    const result = resultOf(run)
    expect(Object.keys(result).sort()).toEqual(['findings', 'summary'])
    // `date` and `_region` are in backticks: the DDL works, so they are warnings (later statements must quote them).
    expect(result.summary).toEqual({columns: 4, errors: 1, tables: 1, warnings: 2})
    expect(result.findings.map((f) => Object.keys(f).sort())).toEqual(
      Array.from({length: 3}, () => [
        'column',
        'context',
        'database',
        'message',
        'path',
        'rule',
        'severity',
        'suggestion',
        'table',
      ]),
    )
    expect(result.findings.map((f) => [f.column, f.rule, f.severity, f.context])).toEqual([
      ['/var/log', 'special-character', 'error', 'both'],
      ['date', 'reserved-ddl', 'warning', 'ddl'],
      ['_region', 'leading-underscore', 'warning', 'ddl'],
    ])
    expect(result.findings[2]).toMatchObject({database: null, path: null, table: 'logs'})
    expect(result.findings[2]!.message).toMatch(/MSCK REPAIR TABLE/)
    expect(result.findings[0]!.suggestion).toMatch(/^Rename to "var_log"/)
  })

  it('--ddl accepts a folder of .sql files', async () => {
    const folder = path.join(dir, 'sql')
    mkdirSync(folder)
    writeFileSync(path.join(folder, 'b.sql'), 'CREATE TABLE b (`Select` int);')
    writeFileSync(path.join(folder, 'a.sql'), 'CREATE TABLE a (ok int);')
    writeFileSync(path.join(folder, 'notes.txt'), 'not DDL')
    const result = resultOf(await runJson<LintColumnsResult>(['athena', 'lint-columns', '--ddl', folder]))
    expect(result.summary.tables).toBe(2)
    expect(result.findings.map((f) => [f.table, f.rule])).toEqual([
      ['b', 'upper-case'],
      ['b', 'reserved-ddl'],
      ['b', 'reserved-dml'],
    ])
  })

  it('--context dml, --rules and --ignore select rules', async () => {
    const ddl = file('logs2.sql', DDL)
    const dml = resultOf(await runJson<LintColumnsResult>(['athena', 'lint-columns', '--ddl', ddl, '--context', 'dml']))
    expect(dml.findings.map((f) => f.rule)).toEqual(['special-character'])
    const only = resultOf(
      await runJson<LintColumnsResult>([
        'athena',
        'lint-columns',
        '--ddl',
        ddl,
        '--rules',
        'reserved-ddl,leading-underscore',
      ]),
    )
    expect(only.findings.map((f) => f.rule)).toEqual(['reserved-ddl', 'leading-underscore'])
    const run = await runJson<LintColumnsResult>([
      'athena',
      'lint-columns',
      '--ddl',
      ddl,
      '--ignore',
      'special-character',
      '--ignore',
      'reserved-ddl,leading-underscore',
    ])
    expect(run.exitCode).toBe(0)
    expect(run.envelope.status).toBe('ok')
    expect(resultOf(run).findings).toEqual([])
  })

  it('--fix adds collision-free renames and a view', async () => {
    const result = resultOf(
      await runJson<LintColumnsResult>([
        'athena',
        'lint-columns',
        '--ddl',
        file('logs3.sql', DDL.replace('ok string', 'var_log string')),
        '--fix',
      ]),
    )
    expect(result.fixes?.renames.map((r) => [r.from, r.to])).toEqual([
      ['/var/log', 'var_log_2'],
      ['date', 'date_col'],
      ['_region', 'region'],
    ])
    expect(result.fixes?.views[0]?.sql).toMatch(/"\/var\/log" AS var_log_2/)
  })

  it('--format sarif gives file, line and column for DDL input, and --out writes it', async () => {
    const ddl = file('sarif.sql', DDL)
    const run = await runText(['athena', 'lint-columns', '--ddl', ddl, '--format', 'sarif'])
    expect(run.exitCode).toBe(1)
    const sarif = JSON.parse(run.stdout) as {
      runs: Array<{
        results: Array<{
          level: string
          locations: Array<{
            physicalLocation: {artifactLocation: {uri: string}; region: {startColumn: number; startLine: number}}
          }>
          ruleId: string
        }>
        tool: {driver: {rules: Array<{id: string}>}}
      }>
      version: string
    }
    expect(sarif.version).toBe('2.1.0')
    const [first] = sarif.runs[0]!.results
    expect(first).toMatchObject({level: 'error', ruleId: 'special-character'})
    expect(first!.locations[0]!.physicalLocation).toEqual({
      artifactLocation: {uri: ddl},
      region: {startColumn: 3, startLine: 2},
    })
    expect(sarif.runs[0]!.tool.driver.rules.map((r) => r.id)).toContain('duplicate-name')
    const out = path.join(dir, 'out.sarif')
    const written = await runText(['athena', 'lint-columns', '--ddl', ddl, '--format', 'sarif', '--out', out])
    expect(written.stdout).toBe('')
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({version: '2.1.0'})
  })

  it('prints a table grouped by table for people', async () => {
    const run = await runText(['athena', 'lint-columns', '--ddl', file('people.sql', DDL), '--fix'])
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(/^logs {2}1 error\(s\), 2 warning\(s\)/m)
    expect(run.stdout).toMatch(/special-character/)
    expect(run.stdout).toMatch(/Rename map/)
    expect(run.stdout).toMatch(/CREATE OR REPLACE VIEW "logs_clean" AS/)
  })

  it('reads --glue-json, --csv, --json-sample and --parquet together', async () => {
    const glueJson = file(
      't.json',
      JSON.stringify({
        Table: glueTable('orders', [
          ['Order ID', 'string'],
          ['items', 'array<struct<sku:string,SKU:string>>'],
        ]),
      }),
    )
    const csv = file('export.csv', '\uFEFFa,b\n1,2\n')
    const sample = file('s.jsonl', '{"x":1}\n{"X":2}\n')
    const pq = path.join(dir, 'p.parquet')
    writeParquetFooter(pq, [
      {name: 'fine', type: 'INT32'},
      {name: 'bad col', type: 'STRING'},
    ])
    const result = resultOf(
      await runJson<LintColumnsResult>([
        'athena',
        'lint-columns',
        '--glue-json',
        glueJson,
        '--csv',
        csv,
        '--json-sample',
        sample,
        '--parquet',
        pq,
        '--fix',
      ]),
    )
    expect(result.summary.tables).toBe(4)
    expect(result.findings.map((f) => [f.table, f.path ?? f.column, f.rule])).toEqual([
      ['orders', 'Order ID', 'whitespace'],
      ['orders', 'Order ID', 'upper-case'],
      ['orders', 'items[].SKU', 'upper-case'],
      ['orders', 'items[].SKU', 'duplicate-name'],
      ['export', '\uFEFFa', 'invisible-character'],
      ['s', 'X', 'upper-case'],
      ['s', 'X', 'duplicate-name'],
      ['p', 'bad col', 'whitespace'],
    ])
    expect(result.fixes?.serdeProperties.map((s) => [s.table, s.properties])).toEqual([
      ['orders', {'case.insensitive': 'FALSE', 'mapping.order_id': 'Order ID', 'mapping.sku_2': 'SKU'}],
      ['s', {'case.insensitive': 'FALSE', 'mapping.x_2': 'X'}],
    ])
  })

  it('--compat awswrangler predicts names and flags collisions', async () => {
    const glueJson = file(
      'c.json',
      JSON.stringify({
        TableList: [
          glueTable('t', [
            ['日本語', 'string'],
            ['売上', 'double'],
            ['processedAt', 'timestamp'],
          ]),
        ],
      }),
    )
    const result = resultOf(
      await runJson<LintColumnsResult>(['athena', 'lint-columns', '--glue-json', glueJson, '--compat', 'awswrangler']),
    )
    expect(result.fixes?.compat?.[0]?.columns.find((c) => c.name === 'processedAt')).toEqual({
      awswrangler: 'processedat',
      awswranglerLegacy: 'processed_at',
      name: 'processedAt',
    })
    expect(result.fixes?.compat?.[0]?.collisions[0]).toEqual({from: ['日本語', '売上'], name: '_', version: '>=2.13'})
    expect(result.fixes?.renames.map((r) => r.to)).toEqual(['ribenyu', 'maishang', 'processedat'])
  })

  it('reads a Glue database with GetTables (paginated) and declares its IAM actions', async () => {
    glue
      .on(GetTablesCommand, {DatabaseName: 'analytics', NextToken: undefined})
      .resolves({NextToken: 'p2', TableList: [glueTable('a', [['ok', 'int']])]})
      .on(GetTablesCommand, {DatabaseName: 'analytics', NextToken: 'p2'})
      .resolves({TableList: [glueTable('b', [['doc', 'struct<`_id`:string,n:int>']], [['dt', 'string']])]})
    const run = await runJson<LintColumnsResult>(['athena', 'lint-columns', '--database', 'analytics'])
    expect(run.exitCode).toBe(1)
    const result = resultOf(run)
    expect(glue.commandCalls(GetTablesCommand)).toHaveLength(2)
    expect(result.summary).toEqual({columns: 3, errors: 1, tables: 2, warnings: 0})
    expect(result.findings[0]).toMatchObject({
      column: 'doc',
      database: 'analytics',
      path: 'doc._id',
      rule: 'leading-underscore',
      table: 'b',
    })
    expectCallsDeclared(AthenaLintColumns.iam, {glue})
  })

  it('reads named Glue tables with GetTable; a missing table exits 4', async () => {
    glue
      .on(GetTableCommand, {DatabaseName: 'analytics', Name: 'a'})
      .resolves({Table: glueTable('a', [['Bad Name', 'string']])})
    const result = resultOf(
      await runJson<LintColumnsResult>(['athena', 'lint-columns', '--database', 'analytics', '--table', 'a']),
    )
    expect(result.findings.map((f) => f.rule)).toEqual(['whitespace', 'upper-case'])
    expectCallsDeclared(AthenaLintColumns.iam, {glue})
    glue.on(GetTableCommand, {DatabaseName: 'analytics', Name: 'nope'}).rejects(
      Object.assign(new Error('Table nope not found.'), {
        $metadata: {requestId: 'r-1'},
        name: 'EntityNotFoundException',
      }),
    )
    const missing = await runJson(['athena', 'lint-columns', '--database', 'analytics', '--table', 'nope'])
    expect(missing.exitCode).toBe(4)
  })

  it('reads any Athena catalog with ListTableMetadata / GetTableMetadata and the workgroup', async () => {
    athena.on(ListTableMetadataCommand).resolves({
      TableMetadataList: [
        {
          Columns: [{Name: 'select', Type: 'string'}],
          Name: 'hive_t',
          Parameters: {'serde.serialization.lib': 'org.openx.data.jsonserde.JsonSerDe'},
          PartitionKeys: [{Name: 'Select', Type: 'string'}],
        },
      ],
    })
    athena.on(GetTableMetadataCommand).resolves({TableMetadata: {Columns: [{Name: 'x-y', Type: 'int'}], Name: 'one'}})
    const all = resultOf(
      await runJson<LintColumnsResult>([
        'athena',
        'lint-columns',
        '--catalog',
        'hive',
        '--database',
        'web',
        '--workgroup',
        'analysts',
      ]),
    )
    expect(athena.commandCalls(ListTableMetadataCommand)[0]!.args[0].input).toMatchObject({
      CatalogName: 'hive',
      DatabaseName: 'web',
      WorkGroup: 'analysts',
    })
    expect(all.findings.map((f) => [f.column, f.rule])).toEqual([
      ['select', 'reserved-ddl'],
      ['select', 'reserved-dml'],
      ['Select', 'upper-case'],
      ['Select', 'reserved-ddl'],
      ['Select', 'reserved-dml'],
      ['Select', 'partition-key-duplicates-column'],
    ])
    const one = resultOf(
      await runJson<LintColumnsResult>([
        'athena',
        'lint-columns',
        '--catalog',
        'hive',
        '--database',
        'web',
        '--table',
        'one',
      ]),
    )
    expect(one.findings.map((f) => f.rule)).toEqual(['special-character'])
    expect(athena.commandCalls(GetTableMetadataCommand)[0]!.args[0].input).toEqual({
      CatalogName: 'hive',
      DatabaseName: 'web',
      TableName: 'one',
    })
    expectCallsDeclared(AthenaLintColumns.iam, {athena})
    expect(glue.calls()).toHaveLength(0)
  })

  it('exits 0 with status ok on clean input, and needs no AWS region for local files', async () => {
    delete process.env.AWS_REGION
    const run = await runJson<LintColumnsResult>([
      'athena',
      'lint-columns',
      '--ddl',
      file('clean.sql', 'CREATE TABLE t (id int, name string) PARTITIONED BY (dt string);'),
    ])
    expect(run.exitCode).toBe(0)
    expect(resultOf(run).summary).toEqual({columns: 3, errors: 0, tables: 1, warnings: 0})
  })

  it('bad input: unreadable DDL and missing files exit 6, no input and unknown rules exit 2', async () => {
    const bad = await runJson([
      'athena',
      'lint-columns',
      '--ddl',
      file('bad.sql', 'CREATE TABLE t (\n  a struct<b:int\n)'),
    ])
    expect(bad.exitCode).toBe(6)
    expect(errorOf(bad).message).toMatch(/bad.sql:2:\d+/)
    const missing = await runJson(['athena', 'lint-columns', '--csv', path.join(dir, 'nope.csv')])
    expect(missing.exitCode).toBe(6)
    // A header quote that is never closed: not a column named 'name,x\n1,2\n'.
    const open = await runJson(['athena', 'lint-columns', '--csv', file('open.csv', 'id,"name,x\n1,2\n')])
    expect(open.exitCode).toBe(6)
    expect(errorOf(open).message).toMatch(/open\.csv:1:4: the quote that opens header field 2 is never closed/)
    expect(errorOf(missing).message).toMatch(/nope.csv does not exist/)
    const badJson = await runJson(['athena', 'lint-columns', '--glue-json', file('x.json', '{"Foo": 1}')])
    expect(errorOf(badJson).message).toMatch(/neither "Table".*nor "TableList"/)
    const none = await runJson(['athena', 'lint-columns'])
    expect(none.exitCode).toBe(2)
    expect(errorOf(none).suggestions.join(' ')).toMatch(/--ddl FILE/)
    const rule = await runJson([
      'athena',
      'lint-columns',
      '--ddl',
      file('ok.sql', 'CREATE TABLE t (a int);'),
      '--rules',
      'no-such-rule',
    ])
    expect(rule.exitCode).toBe(2)
    expect(errorOf(rule).suggestions[0]).toMatch(/reserved-ddl/)
  })
})

import {
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data'
import {GetObjectCommand, HeadObjectCommand, S3Client} from '@aws-sdk/client-s3'
import {mockClient} from 'aws-sdk-client-mock'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {Readable} from 'node:stream'
import {gzipSync} from 'node:zlib'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {CopyCheckResult} from '../../../src/lib/redshift/copy-check.js'

import RedshiftCopyCheck from '../../../src/commands/redshift/copy-check.js'
import {useTestAwsEnv} from '../../helpers/aws-env.js'
import {dataApiPage, SVV_COLUMNS, type SvvColumnsRow} from '../../helpers/data-api.js'
import {expectCallsDeclared} from '../../helpers/iam.js'
import {errorOf, resultOf, runJson, runText} from '../../helpers/run.js'

// @oclif/test's runCommand joins argv with spaces and splits it again: a value with spaces is
// passed as --flag="value".
const s3 = mockClient(S3Client)
const data = mockClient(RedshiftDataClient)
let dir: string
let ddl: string
let csv: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pipeops-copy-check-'))
  ddl = path.join(dir, 'sales.sql')
  await writeFile(
    ddl,
    `CREATE TABLE public.sales (
      id BIGINT IDENTITY(1,1),
      sale_id INTEGER NOT NULL ENCODE az64,
      buyer VARCHAR(8) ENCODE zstd,
      sold_on DATE SORTKEY,
      amount DECIMAL(8,2)
    ) DISTSTYLE AUTO;`,
  )
  csv = path.join(dir, 'sales.csv')
  await writeFile(
    csv,
    'sale_id,buyer,sold_on,amount\n1,ana,2026-01-02,10.50\n2,"Zoë Ångström",2026-01-02,1\nx,bo,2026-13-01,2\n3,cy,2026-01-03,3\n',
  )
})
afterAll(async () => rm(dir, {force: true, recursive: true}))
useTestAwsEnv()

describe('redshift copy-check', () => {
  it('reports each bad record with line, column, code and fix; exit 1', async () => {
    const run = await runJson<CopyCheckResult>([
      'redshift',
      'copy-check',
      '--input',
      csv,
      '--table-ddl',
      ddl,
      '--copy-options="CSV IGNOREHEADER 1"',
    ])
    expect(run.exitCode).toBe(1)
    const r = resultOf(run)
    expect(r.records).toBe(4)
    expect(r.badRecords).toBe(2)
    expect(r.errors.map((e) => [e.line, e.column, e.code])).toEqual([
      [3, 'buyer', 1204],
      [4, 'sale_id', 1207],
    ])
    expect(r.errors[0]!.fix).toMatch(/15 byte\(s\) in UTF-8 \(12 character\(s\)\) for a column of 8 bytes/)
  })

  it('exit 0 when every record loads, with the text report', async () => {
    const good = path.join(dir, 'good.csv.gz')
    await writeFile(good, gzipSync('1,ana,2026-01-02,10.50\n'))
    const run = await runText([
      'redshift',
      'copy-check',
      '--input',
      good,
      '--table-ddl',
      ddl,
      '--copy-options="CSV GZIP"',
    ])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/every record would load/)
  })

  it('refuses an unknown COPY option (exit 2) and an unreadable DDL (exit 6)', async () => {
    const bad = await runJson([
      'redshift',
      'copy-check',
      '--input',
      csv,
      '--table-ddl',
      ddl,
      '--copy-options="CSV NOPE"',
    ])
    expect(bad.exitCode).toBe(2)
    expect(errorOf(bad)).toMatchObject({
      code: 'InvalidCopyOptions',
      message: '--copy-options: NOPE is not a COPY option',
    })
    const missing = await runJson(['redshift', 'copy-check', '--input', csv, '--table-ddl', path.join(dir, 'none.sql')])
    expect(missing.exitCode).toBe(6)
    expect(errorOf(missing).code).toBe('DdlUnreadable')
  })

  it('without --input shows the columns and options it read', async () => {
    const run = await runJson<{tables: Array<{columns: unknown[]}>}>([
      'redshift',
      'copy-check',
      '--table-ddl',
      ddl,
      `--copy-options="COPY public.sales FROM 's3://b/p' IAM_ROLE default CSV"`,
    ])
    expect(run.exitCode).toBe(0)
    expect(resultOf(run).tables[0]!.columns).toHaveLength(5)
  })

  it('reads an s3:// input with GetObject (declared)', async () => {
    s3.reset()
    s3.on(HeadObjectCommand).resolves({ContentLength: 30, ETag: '"e"'})
    s3.on(GetObjectCommand).callsFake(() => ({
      // A plain stream is all the reader iterates.
      Body: Readable.from([Buffer.from('1,ana,2026-01-02,10.50\n')]) as never,
    }))
    const run = await runJson<CopyCheckResult>([
      'redshift',
      'copy-check',
      '--input',
      's3://bucket/sales.csv',
      '--table-ddl',
      ddl,
      '--copy-options="CSV"',
      '--region',
      'eu-west-1',
    ])
    expect(run.exitCode).toBe(0)
    expect(resultOf(run).records).toBe(1)
    expectCallsDeclared(RedshiftCopyCheck.iam, {s3})
  })

  it('--table with --workgroup reads the columns from SVV_COLUMNS (declared) and checks against them', async () => {
    data.reset()
    data.on(ExecuteStatementCommand).resolves({Id: 'c1'})
    data.on(DescribeStatementCommand).resolves({HasResultSet: true, Status: 'FINISHED'})
    const rows: SvvColumnsRow[] = [
      ['public', 'sales', 'id', 1, 'bigint', null, 64, 0, 'NO', '"identity"(1, 0, \'1,1\'::text)'],
      ['public', 'sales', 'sale_id', 2, 'integer', null, 32, 0, 'NO', null],
      ['public', 'sales', 'buyer', 3, 'character varying', 8, null, null, 'YES', null],
      ['public', 'sales', 'sold_on', 4, 'date', null, null, null, 'YES', null],
      ['public', 'sales', 'amount', 5, 'numeric', null, 8, 2, 'YES', null],
    ]
    data.on(GetStatementResultCommand).resolves(dataApiPage(SVV_COLUMNS, rows))
    const run = await runJson<CopyCheckResult>([
      'redshift',
      'copy-check',
      '--input',
      csv,
      '--table',
      'public.sales',
      '--workgroup',
      'etl',
      '--database',
      'dev',
      '--copy-options="CSV IGNOREHEADER 1"',
    ])
    expect(run.exitCode).toBe(1)
    expect(resultOf(run).errors.map((e) => [e.line, e.column, e.code])).toEqual([
      [3, 'buyer', 1204],
      [4, 'sale_id', 1207],
    ])
    expect(data.commandCalls(ExecuteStatementCommand)[0]!.args[0].input).toMatchObject({
      Database: 'dev',
      WorkgroupName: 'etl',
    })
    expectCallsDeclared(RedshiftCopyCheck.iam, {'redshift-data': data})
  })

  it('--table alone says where the columns come from (exit 2); --cluster without --database too', async () => {
    const alone = await runJson(['redshift', 'copy-check', '--input', csv, '--table', 'public.sales'])
    expect(alone.exitCode).toBe(2)
    expect(errorOf(alone).message).toMatch(/where the table's columns come from/)
    const noDb = await runJson(['redshift', 'copy-check', '--input', csv, '--table', 'public.sales', '--cluster', 'c'])
    expect(noDb.exitCode).toBe(2)
    expect(errorOf(noDb).message).toMatch(/--database is required/)
  })

  it("checks JSON with a local JSONPaths file named in FORMAT JSON '…'", async () => {
    const paths = path.join(dir, 'paths.json')
    await writeFile(paths, JSON.stringify({jsonpaths: ['$.sale.id', '$.who', '$.on', '$.amount']}))
    const input = path.join(dir, 'sales.json')
    await writeFile(
      input,
      '{"sale": {"id": 1}, "who": "ana", "on": "2026-01-02", "amount": 3}\n{"sale": {}, "who": "bo"}\n',
    )
    const run = await runJson<CopyCheckResult>([
      'redshift',
      'copy-check',
      '--input',
      input,
      '--table-ddl',
      ddl,
      `--copy-options="FORMAT JSON '${paths}'"`,
    ])
    expect(run.exitCode).toBe(1)
    expect(resultOf(run).errors.map((e) => [e.line, e.column, e.code])).toEqual([[2, 'sale_id', 1213]])
    const badPaths = await runJson([
      'redshift',
      'copy-check',
      '--input',
      input,
      '--table-ddl',
      ddl,
      `--copy-options="JSON '${input}.nope'"`,
    ])
    expect(badPaths.exitCode).toBe(6)
    expect(errorOf(badPaths).message).toMatch(/JSONPaths file .* cannot be read/)
  })

  it('checks a FIXEDWIDTH file: a bad date and a short line (exit 1); a spec of the wrong length is exit 2', async () => {
    const input = path.join(dir, 'sales.fw')
    await writeFile(input, '0001ana     2026-01-02   10.50\n0002bo      2026-13-01    2.00\n0003\n')
    const run = await runJson<CopyCheckResult>([
      'redshift',
      'copy-check',
      '--input',
      input,
      '--table-ddl',
      ddl,
      `--copy-options="FIXEDWIDTH 'sale:4,buyer:8,on:10,amt:8'"`,
    ])
    expect(run.exitCode).toBe(1)
    expect(resultOf(run).errors.map((e) => [e.line, e.column, e.code])).toEqual([
      [2, 'sold_on', 1205],
      [3, 'buyer', 1214],
    ])
    const short = await runJson([
      'redshift',
      'copy-check',
      '--input',
      input,
      '--table-ddl',
      ddl,
      `--copy-options="FIXEDWIDTH 'sale:4,buyer:8,on:10'"`,
    ])
    expect(short.exitCode).toBe(2)
    expect(errorOf(short)).toMatchObject({code: 'InvalidCopyOptions'})
  })

  it('reads a bzip2 input (two streams) to its end', async () => {
    const rowsDdl = path.join(dir, 'rows.sql')
    await writeFile(rowsDdl, 'CREATE TABLE r (id INT NOT NULL, name VARCHAR(8), day DATE);')
    const input = new URL('../../fixtures/redshift/rows-two-streams.csv.bz2', import.meta.url).pathname
    const run = await runJson<CopyCheckResult>([
      'redshift',
      'copy-check',
      '--input',
      input,
      '--table-ddl',
      rowsDdl,
      '--copy-options="CSV IGNOREHEADER 1 BZIP2"',
    ])
    expect(run.exitCode).toBe(1)
    // name-1000 … name-1999 are 9 bytes for VARCHAR(8), in the second stream only.
    expect(resultOf(run)).toMatchObject({badRecords: 1000, byCode: {1204: 1000}, records: 2000})
    expect(resultOf(run).errors[0]).toMatchObject({column: 'name', line: 1002})
  })
})

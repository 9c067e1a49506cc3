import {
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data'
import {mockClient} from 'aws-sdk-client-mock'
import {mkdtemp, readdir, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {CopySplitResult} from '../../../src/lib/redshift/copy-split.js'

import {useTestAwsEnv} from '../../helpers/aws-env.js'
import {dataApiPage, SVV_COLUMNS, type SvvColumnsRow} from '../../helpers/data-api.js'
import {errorOf, resultOf, runJson} from '../../helpers/run.js'

const data = mockClient(RedshiftDataClient)
useTestAwsEnv()

let dir: string
let ddl: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pipeops-copy-split-check-'))
  ddl = path.join(dir, 'events.sql')
  await writeFile(ddl, 'CREATE TABLE events (id INT NOT NULL, kind VARCHAR(4), at DATE) DISTSTYLE EVEN;')
})
afterAll(async () => rm(dir, {force: true, recursive: true}))

describe('redshift copy-split --check-table', () => {
  it('splits when every record would load', async () => {
    const input = path.join(dir, 'good.csv')
    await writeFile(input, 'id,kind,at\n1,a,2026-01-01\n2,"b,c",2026-01-02\n')
    const out = path.join(dir, 'out-good')
    const run = await runJson<CopySplitResult>([
      'redshift',
      'copy-split',
      '--input',
      input,
      '--out',
      out,
      '--slices',
      '2',
      '--check-table',
      ddl,
    ])
    expect(run.exitCode).toBe(0)
    expect(resultOf(run).input.records).toBe(2)
    expect(await readdir(out)).toContain('manifest.json')
  })

  it('exit 6 before the manifest when a record would be rejected, with the line of the file', async () => {
    const input = path.join(dir, 'bad.csv')
    await writeFile(input, 'id,kind,at\n1,a,2026-01-01\n2,toolong,2026-01-02\n')
    const out = path.join(dir, 'out-bad')
    const run = await runJson([
      'redshift',
      'copy-split',
      '--input',
      input,
      '--out',
      out,
      '--slices',
      '2',
      '--check-table',
      ddl,
    ])
    expect(run.exitCode).toBe(6)
    const error = errorOf(run)
    expect(error.code).toBe('CopyCheckFailed')
    expect(error.message).toMatch(/line 3, column kind, code 1204/)
    await expect(readdir(out)).rejects.toMatchObject({code: 'ENOENT'})
  })

  it('applies --check-options (DATEFORMAT)', async () => {
    const input = path.join(dir, 'dates.csv')
    await writeFile(input, 'id,kind,at\n1,a,01/31/2026\n')
    const plain = await runJson([
      'redshift',
      'copy-split',
      '--input',
      input,
      '--out',
      path.join(dir, 'o1'),
      '--slices',
      '1',
      '--check-table',
      ddl,
    ])
    expect(plain.exitCode).toBe(6)
    const withFormat = await runJson([
      'redshift',
      'copy-split',
      '--input',
      input,
      '--out',
      path.join(dir, 'o2'),
      '--slices',
      '1',
      '--check-table',
      ddl,
      `--check-options="DATEFORMAT 'MM/DD/YYYY'"`,
    ])
    expect(withFormat.exitCode).toBe(0)
  })

  it('--check-table schema.table reads the columns from the cluster (Serverless) and fails a bad record', async () => {
    data.reset()
    data.on(ExecuteStatementCommand).resolves({Id: 'c1'})
    data.on(DescribeStatementCommand).resolves({HasResultSet: true, Status: 'FINISHED'})
    const rows: SvvColumnsRow[] = [
      ['public', 'events', 'id', 1, 'integer', null, 32, 0, 'NO', null],
      ['public', 'events', 'kind', 2, 'character varying', 4, null, null, 'YES', null],
      ['public', 'events', 'at', 3, 'date', null, null, null, 'YES', null],
    ]
    data.on(GetStatementResultCommand).resolves(dataApiPage(SVV_COLUMNS, rows))
    const input = path.join(dir, 'bad-cluster.csv')
    await writeFile(input, 'id,kind,at\n1,a,2026-01-01\n,b,2026-01-02\n')
    const out = path.join(dir, 'out-cluster')
    const run = await runJson([
      'redshift',
      'copy-split',
      '--input',
      input,
      '--out',
      out,
      '--workgroup',
      'etl',
      '--database',
      'dev',
      '--check-table',
      'public.events',
    ])
    expect(run.exitCode).toBe(6)
    expect(errorOf(run).message).toMatch(/line 3, column id, code 1213/)
    expect(data.commandCalls(ExecuteStatementCommand)[0]!.args[0].input.Parameters).toEqual([
      {name: 'table_name', value: 'events'},
      {name: 'table_schema', value: 'public'},
    ])
  })

  it('checks JSON records too: auto by default, auto ignorecase or a JSONPaths file from --check-options', async () => {
    const input = path.join(dir, 'events.json')
    await writeFile(input, '{"id": 1, "kind": "a", "at": "2026-01-01"}\n{"ID": 2, "Kind": "toolong"}\n')
    const split = (name: string, ...extra: string[]) =>
      runJson([
        'redshift',
        'copy-split',
        '--input',
        input,
        '--input-format',
        'json',
        '--out',
        path.join(dir, name),
        '--slices',
        '1',
        '--check-table',
        ddl,
        ...extra,
      ])
    // 'auto' matches lower-case keys only: "ID" is no key of column id, so the NOT NULL id is NULL.
    const auto = await split('j1')
    expect(auto.exitCode).toBe(6)
    expect(errorOf(auto).message).toMatch(/line 2, column id, code 1213/)
    // 'auto ignorecase' finds "ID" and "Kind": now the VARCHAR(4) is too long.
    const ignoreCase = await split('j2', `--check-options="JSON 'auto ignorecase'"`)
    expect(errorOf(ignoreCase).message).toMatch(/line 2, column kind, code 1204/)
    // A JSONPaths file that maps only keys that load: the near miss splits.
    const paths = path.join(dir, 'paths.json')
    await writeFile(paths, JSON.stringify({jsonpaths: ['$.id', '$.k', '$.at']}))
    const good = path.join(dir, 'good.json')
    await writeFile(good, '{"id": 1, "at": "2026-01-01"}\n{"id": 2}\n')
    const mapped = await runJson<CopySplitResult>([
      'redshift',
      'copy-split',
      '--input',
      good,
      '--input-format',
      'json',
      '--out',
      path.join(dir, 'j3'),
      '--slices',
      '1',
      '--check-table',
      ddl,
      `--check-options="JSON '${paths}'"`,
    ])
    expect(mapped.exitCode).toBe(0)
    expect(resultOf(mapped).input.records).toBe(2)
  })
})

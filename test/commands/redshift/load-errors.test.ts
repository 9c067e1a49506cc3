import {
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data'
import {S3Client} from '@aws-sdk/client-s3'
import {mockClient} from 'aws-sdk-client-mock'
import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {gzipSync} from 'node:zlib'
import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import type {LoadErrorsResult} from '../../../src/lib/redshift/load-errors.js'

import RedshiftLoadErrors from '../../../src/commands/redshift/load-errors.js'
import {useTestAwsEnv} from '../../helpers/aws-env.js'
import {expectCallsDeclared} from '../../helpers/iam.js'
import {errorOf, resultOf, runJson, runText} from '../../helpers/run.js'
import {serveObjects} from '../../helpers/s3-objects.js'

const data = mockClient(RedshiftDataClient)
const s3 = mockClient(S3Client)
let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pipeops-load-errors-'))
})
afterAll(async () => rm(dir, {force: true, recursive: true}))
beforeEach(() => data.reset())
useTestAwsEnv()

/** The shape of get-statement-result (JSON format), as the Data API and the AWS CLI return it. */
const STL_RESULT = {
  ColumnMetadata: [
    'query',
    'table_name',
    'filename',
    'line_number',
    'colname',
    'type',
    'col_length',
    'raw_field_value',
    'err_code',
    'err_reason',
  ].map((name) => ({name})),
  Records: [
    [
      {longValue: 51},
      {stringValue: 'public.users'},
      {stringValue: 's3://b/users.txt'},
      {longValue: 4},
      {stringValue: 'city'},
      {stringValue: 'varchar'},
      {stringValue: '10'},
      {stringValue: 'Saint-Étienne-du-Rouvray'},
      {longValue: 1204},
      {stringValue: 'String length exceeds DDL length'},
    ],
    [
      {longValue: 51},
      {stringValue: 'public.users'},
      {stringValue: 's3://b/users.txt'},
      {longValue: 9},
      {stringValue: 'city'},
      {stringValue: 'varchar'},
      {stringValue: '10'},
      {stringValue: 'Rio de Janeiro'},
      {longValue: 1204},
      {stringValue: 'String length exceeds DDL length'},
    ],
  ],
  TotalNumRows: 2,
}

describe('redshift load-errors', () => {
  it('offline: explains a saved get-statement-result, exit 1 (findings)', async () => {
    const file = path.join(dir, 'errors.json')
    await writeFile(file, JSON.stringify(STL_RESULT))
    const run = await runJson<LoadErrorsResult>(['redshift', 'load-errors', '--errors-file', file])
    expect(run.exitCode).toBe(1)
    const [group] = resultOf(run).groups
    expect(group).toMatchObject({code: 1204, column: 'city', count: 2})
    expect(group!.examples[0]).toMatchObject({bytes: 25, line: 4})
    const text = await runText(['redshift', 'load-errors', '--errors-file', file])
    expect(text.stdout).toMatch(/25 B/)
  })

  it('refuses an unreadable errors file (exit 6) and flags that --errors-file does not use (exit 2)', async () => {
    const file = path.join(dir, 'junk.csv')
    await writeFile(file, 'a,b\n1,2\n')
    const junk = await runJson(['redshift', 'load-errors', '--errors-file', file])
    expect(junk.exitCode).toBe(6)
    expect(errorOf(junk).code).toBe('InvalidErrorsFile')
    const unused = await runJson(['redshift', 'load-errors', '--errors-file', file, '--query-id', '3'])
    expect(unused.exitCode).toBe(2)
  })

  it('Serverless: SYS_LOAD_ERROR_DETAIL through the Data API with the workgroup; calls declared', async () => {
    data.on(ExecuteStatementCommand).resolves({Id: 'a'})
    data.on(DescribeStatementCommand).resolves({HasResultSet: true, Status: 'FINISHED'})
    data.on(GetStatementResultCommand).resolves({ColumnMetadata: [{name: 'query_id'}], Records: [], TotalNumRows: 0})
    const run = await runJson<LoadErrorsResult>([
      'redshift',
      'load-errors',
      '--workgroup',
      'etl',
      '--database',
      'dev',
      '--since',
      '1h',
      '--region',
      'eu-west-1',
    ])
    expect(run.exitCode).toBe(0)
    expect(resultOf(run).source).toBe('SYS_LOAD_ERROR_DETAIL')
    const {input} = data.commandCalls(ExecuteStatementCommand)[0]!.args[0]
    expect(input).toMatchObject({Database: 'dev', WorkgroupName: 'etl'})
    expect(input.Sql).toMatch(/FROM sys_load_error_detail/)
    expectCallsDeclared(RedshiftLoadErrors.iam, {'redshift-data': data})
  })

  it('a statement that fails comes back as exit 6 with the server message', async () => {
    data.on(ExecuteStatementCommand).resolves({Id: 'f'})
    data
      .on(DescribeStatementCommand)
      .resolves({Error: 'ERROR: relation "sys_load_error_detail" does not exist', Status: 'FAILED'})
    const run = await runJson([
      'redshift',
      'load-errors',
      '--cluster',
      'old',
      '--database',
      'dev',
      '--db-user',
      'u',
      '--region',
      'eu-west-1',
    ])
    expect(run.exitCode).toBe(6)
    expect(errorOf(run).message).toMatch(/does not exist/)
  })

  it('--fetch-lines reads each example line from S3 and marks the logged value (declared)', async () => {
    const file = path.join(dir, 'stl-fetch.csv')
    await writeFile(
      file,
      'query,filename,line_number,colname,type,col_length,raw_field_value,err_code,err_reason\n' +
        '9,s3://bkt/users.txt.gz   ,3,city,varchar,10,Saint-Étienne-du-Rouvray,1204,String length exceeds DDL length\n' +
        '9,s3://bkt/users.txt.gz   ,-1,city,varchar,10,Lyon-Part-Dieu-Sud,1204,String length exceeds DDL length\n',
    )
    s3.reset()
    serveObjects(s3, {'users.txt.gz': gzipSync('id|city\n1|Paris\n2|Saint-Étienne-du-Rouvray\n3|Nice\n')})
    const run = await runText(['redshift', 'load-errors', '--errors-file', file, '--fetch-lines'])
    expect(run.exitCode).toBe(1)
    expect(run.stdout).toMatch(/line: 2\|»Saint-Étienne-du-Rouvray«/)
    expect(run.stdout).toMatch(/line not read: no line number/)
    expectCallsDeclared(RedshiftLoadErrors.iam, {s3})
  })
})

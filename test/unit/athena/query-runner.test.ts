import {
  AthenaClient,
  type ColumnInfo,
  GetQueryExecutionCommand,
  type GetQueryExecutionCommandOutput,
  GetQueryResultsCommand,
  GetWorkGroupCommand,
  type QueryExecutionState,
  type QueryExecutionStatus,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena'
import {mockClient} from 'aws-sdk-client-mock'
import {beforeEach, describe, expect, it} from 'vitest'

import {queryCostUsd, runAthenaQuery} from '../../../src/lib/athena/query-runner.js'
import {testRunContext} from '../../../src/lib/core/run-context.js'

const athena = mockClient(AthenaClient)
const client = new AthenaClient({region: 'us-east-1'})
const ID = 'c0ffee00-1111-2222-3333-444455556666'

/** GetQueryExecution as the SDK model shapes it (Status, Statistics, ResultConfiguration, WorkGroup). */
function execution(
  state: QueryExecutionState,
  extra: Partial<QueryExecutionStatus> = {},
): Pick<GetQueryExecutionCommandOutput, 'QueryExecution'> {
  return {
    QueryExecution: {
      EngineVersion: {EffectiveEngineVersion: 'Athena engine version 3', SelectedEngineVersion: 'AUTO'},
      Query: 'SELECT 1',
      QueryExecutionContext: {Catalog: 'awsdatacatalog', Database: 'streams'},
      QueryExecutionId: ID,
      ResultConfiguration: {OutputLocation: `s3://results-bucket/athena/${ID}.csv`},
      StatementType: 'DML',
      Statistics: {
        DataScannedInBytes: state === 'RUNNING' ? 1_048_576 : 3_221_225_472,
        EngineExecutionTimeInMillis: 4100,
        QueryQueueTimeInMillis: 120,
        TotalExecutionTimeInMillis: 4400,
      },
      Status: {State: state, SubmissionDateTime: new Date('2026-12-07T10:00:00Z'), ...extra},
      WorkGroup: 'analytics',
    },
  }
}

const header = {Data: [{VarCharValue: 'kind'}, {VarCharValue: 'partition_key'}]}
const columnInfo: ColumnInfo[] = [
  {
    CaseSensitive: false,
    CatalogName: 'hive',
    Label: 'kind',
    Name: 'kind',
    Nullable: 'UNKNOWN',
    Precision: 10,
    Scale: 0,
    SchemaName: '',
    TableName: '',
    Type: 'integer',
  },
  {
    CaseSensitive: true,
    CatalogName: 'hive',
    Label: 'partition_key',
    Name: 'partition_key',
    Nullable: 'UNKNOWN',
    Precision: 2_147_483_647,
    Scale: 0,
    SchemaName: '',
    TableName: '',
    Type: 'varchar',
  },
]

beforeEach(() => {
  athena.reset()
  athena.on(GetWorkGroupCommand).resolves({
    WorkGroup: {
      Configuration: {
        EnforceWorkGroupConfiguration: false,
        ResultConfiguration: {
          EncryptionConfiguration: {EncryptionOption: 'SSE_KMS', KmsKey: 'arn:aws:kms:us-east-1:111122223333:key/x'},
          OutputLocation: 's3://results-bucket/athena/',
        },
      },
      Name: 'analytics',
      State: 'ENABLED',
    },
  })
  athena.on(StartQueryExecutionCommand).resolves({QueryExecutionId: ID})
})

describe('runAthenaQuery', () => {
  it('polls with growing waits, pages the results past the header, and prices the scan', async () => {
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(execution('QUEUED'))
      .resolvesOnce(execution('RUNNING'))
      .resolves(execution('SUCCEEDED', {CompletionDateTime: new Date('2026-12-07T10:00:05Z')}))
    athena
      .on(GetQueryResultsCommand, {NextToken: undefined})
      .resolves({
        NextToken: 'page2',
        ResultSet: {ResultSetMetadata: {ColumnInfo: columnInfo}, Rows: [header, {Data: [{VarCharValue: '7'}, {}]}]},
        UpdateCount: 0,
      })
      .on(GetQueryResultsCommand, {NextToken: 'page2'})
      .resolves({
        ResultSet: {
          ResultSetMetadata: {ColumnInfo: columnInfo},
          Rows: [{Data: [{VarCharValue: '3'}, {VarCharValue: 'whale'}]}],
        },
      })
    const waits: number[] = []
    const out = await runAthenaQuery(
      client,
      {database: 'streams', poll: {firstMs: 200, maxMs: 300}, sql: 'SELECT 1', workGroup: 'analytics'},
      testRunContext({
        async sleep(ms) {
          waits.push(ms)
        },
      }),
    )
    expect(waits).toEqual([200, 300])
    expect(out.columns).toEqual(['kind', 'partition_key'])
    expect(out.rows).toEqual([
      ['7', undefined],
      ['3', 'whale'],
    ])
    expect(out.stats).toMatchObject({
      costUsd: 0.014_648,
      dataScannedBytes: 3_221_225_472,
      state: 'SUCCEEDED',
      workGroup: 'analytics',
    })
    // The workgroup has a result location: none is sent with the query.
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input).toEqual({
      QueryExecutionContext: {Database: 'streams'},
      QueryString: 'SELECT 1',
      WorkGroup: 'analytics',
    })
  })

  it('sends --output-location only when the workgroup does not enforce its own, and refuses when there is none', async () => {
    athena.on(GetWorkGroupCommand).resolves({WorkGroup: {Configuration: {}, Name: 'primary'}})
    await expect(runAthenaQuery(client, {sql: 'SELECT 1'}, testRunContext())).rejects.toMatchObject({
      exitCode: 2,
      message: 'workgroup primary has no query result location, and no --output-location was given',
    })
    athena.on(GetQueryExecutionCommand).resolves(execution('SUCCEEDED'))
    athena.on(GetQueryResultsCommand).resolves({ResultSet: {Rows: [header]}})
    await runAthenaQuery(client, {outputLocation: 's3://mine/q/', sql: 'SELECT 1'}, testRunContext())
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input.ResultConfiguration).toEqual({
      OutputLocation: 's3://mine/q/',
    })
    athena.on(GetWorkGroupCommand).resolves({
      WorkGroup: {
        Configuration: {EnforceWorkGroupConfiguration: true, ResultConfiguration: {OutputLocation: 's3://wg/'}},
        Name: 'locked',
      },
    })
    await runAthenaQuery(
      client,
      {outputLocation: 's3://mine/q/', sql: 'SELECT 1', workGroup: 'locked'},
      testRunContext(),
    )
    expect(athena.commandCalls(StartQueryExecutionCommand)[1]!.args[0].input.ResultConfiguration).toBeUndefined()
  })

  it('stops the query on Ctrl-C (StopQueryExecution) and exits 8', async () => {
    const controller = new AbortController()
    athena.on(GetQueryExecutionCommand).resolves(execution('RUNNING'))
    athena.on(StopQueryExecutionCommand).resolves({})
    const ctx = testRunContext({
      signal: controller.signal,
      async sleep() {
        controller.abort()
        throw new Error('aborted')
      },
    })
    await expect(runAthenaQuery(client, {sql: 'SELECT 1'}, ctx)).rejects.toMatchObject({exitCode: 8})
    expect(athena.commandCalls(StopQueryExecutionCommand)[0]!.args[0].input).toEqual({QueryExecutionId: ID})
  })

  it("a failed query names Athena's reason; a user error exits 6", async () => {
    athena.on(GetQueryExecutionCommand).resolves(
      execution('FAILED', {
        AthenaError: {
          ErrorCategory: 2,
          ErrorMessage: "line 3:8: Column 'pk' cannot be resolved",
          ErrorType: 1006,
          Retryable: false,
        },
        StateChangeReason: "COLUMN_NOT_FOUND: line 3:8: Column 'pk' cannot be resolved",
      }),
    )
    await expect(runAthenaQuery(client, {sql: 'SELECT pk'}, testRunContext({async sleep() {}}))).rejects.toMatchObject({
      code: 'AthenaQueryFailed',
      exitCode: 6,
      message: `Athena query ${ID} FAILED: COLUMN_NOT_FOUND: line 3:8: Column 'pk' cannot be resolved`,
    })
  })

  it('prices as Athena bills: rounded up to the MB, 10 MB minimum, failed queries free', () => {
    expect(queryCostUsd(0, 'SUCCEEDED')).toBe(0.000_048)
    expect(queryCostUsd(1_099_511_627_776, 'SUCCEEDED')).toBe(5)
    expect(queryCostUsd(1_099_511_627_776, 'CANCELLED')).toBe(5)
    expect(queryCostUsd(1_099_511_627_776, 'FAILED')).toBe(0)
  })
})

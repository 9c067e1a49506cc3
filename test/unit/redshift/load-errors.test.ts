import {
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data'
import {mockClient} from 'aws-sdk-client-mock'
import {beforeEach, describe, expect, it} from 'vitest'

import {testRunContext} from '../../../src/lib/core/run-context.js'
import {runStatement} from '../../../src/lib/redshift/data-api.js'
import {normaliseRow, parseErrorsFile} from '../../../src/lib/redshift/load-error-rows.js'
import {correctCopy, groupErrors, loadErrors, reasonPattern} from '../../../src/lib/redshift/load-errors.js'

const data = mockClient(RedshiftDataClient)
const ctx = testRunContext({async sleep() {}})
beforeEach(() => data.reset())

/** A get-statement-result page as the Data API returns it (JSON format). */
function page(columns: string[], rows: Array<Array<null | number | string>>, nextToken?: string) {
  return {
    ColumnMetadata: columns.map((name) => ({name, typeName: 'varchar'})),
    NextToken: nextToken,
    Records: rows.map((r) =>
      r.map((v) => (v === null ? {isNull: true} : typeof v === 'number' ? {longValue: v} : {stringValue: v})),
    ),
    TotalNumRows: rows.length,
  }
}

const SYS_COLUMNS = [
  'query_id',
  'table_name',
  'start_time',
  'file_name',
  'line_number',
  'column_name',
  'column_type',
  'column_length',
  'position',
  'error_code',
  'error_message',
]

describe('runStatement', () => {
  it('polls until FINISHED and pages GetStatementResult to the end', async () => {
    data.on(ExecuteStatementCommand).resolves({Id: 's1'})
    data
      .on(DescribeStatementCommand)
      .resolvesOnce({Status: 'SUBMITTED'})
      .resolvesOnce({Status: 'STARTED'})
      .resolves({HasResultSet: true, RedshiftQueryId: 77, Status: 'FINISHED'})
    data
      .on(GetStatementResultCommand)
      .resolvesOnce(page(['n'], [[1], [2]], 't2'))
      .resolves({...page(['n'], [[3]]), ColumnMetadata: undefined})
    const r = await runStatement(
      new RedshiftDataClient({}),
      {database: 'dev', workgroup: 'wg'},
      {name: 'x', sql: 'select 1'},
      ctx,
    )
    expect(r.rows.map((row) => row.n)).toEqual([1, 2, 3])
    expect(r.queryId).toBe(77)
    expect(data.commandCalls(DescribeStatementCommand)).toHaveLength(3)
    expect(data.commandCalls(GetStatementResultCommand)[1]!.args[0].input.NextToken).toBe('t2')
    // Serverless: the workgroup, no DbUser.
    expect(data.commandCalls(ExecuteStatementCommand)[0]!.args[0].input).toMatchObject({
      Database: 'dev',
      WorkgroupName: 'wg',
    })
  })

  it("a FAILED statement raises the server's message", async () => {
    data.on(ExecuteStatementCommand).resolves({Id: 's2'})
    data
      .on(DescribeStatementCommand)
      .resolves({Error: 'ERROR: permission denied for relation stl_load_errors', Status: 'FAILED'})
    await expect(
      runStatement(
        new RedshiftDataClient({}),
        {cluster: 'c', database: 'dev', dbUser: 'u'},
        {name: 'x', sql: 'select 1'},
        ctx,
      ),
    ).rejects.toThrow(/permission denied for relation stl_load_errors/)
  })
})

describe('loadErrors through the Data API', () => {
  it('provisioned, SYS_LOAD_ERROR_DETAIL: groups rows, reads the load and its COPY, and corrects the COPY', async () => {
    data.on(ExecuteStatementCommand).callsFake((input: {Sql: string}) => ({
      Id: input.Sql.includes('sys_load_error_detail') ? 'e' : input.Sql.includes('sys_load_history') ? 'h' : 'q',
    }))
    data.on(DescribeStatementCommand).resolves({HasResultSet: true, Status: 'FINISHED'})
    data.on(GetStatementResultCommand, {Id: 'e'}).resolves(
      page(SYS_COLUMNS, [
        [
          9,
          'public.sales',
          '2026-12-01 10:00:00',
          's3://b/sales/part-0000.gz',
          12,
          'saledate',
          'date',
          '0',
          0,
          1205,
          'Invalid Date Format - length must be 10 or more',
        ],
        [
          9,
          'public.sales',
          '2026-12-01 10:00:00',
          's3://b/sales/part-0000.gz',
          40,
          'saledate',
          'date',
          '0',
          0,
          1205,
          'Invalid Date Format - length must be 10 or more',
        ],
        [
          9,
          'public.sales',
          '2026-12-01 10:00:00',
          's3://b/sales/part-0001.gz',
          7,
          'qty',
          'int4',
          '0',
          3,
          1207,
          "Invalid digit, Value '.', Pos 3, Type: Integer",
        ],
      ]),
    )
    data
      .on(GetStatementResultCommand, {Id: 'h'})
      .resolves(
        page(
          ['query_id', 'status', 'table_name', 'data_source', 'loaded_rows', 'error_count'],
          [[9, 'aborted', 'sales', 's3://b/sales/', 0, 3]],
        ),
      )
    data
      .on(GetStatementResultCommand, {Id: 'q'})
      .resolves(page(['sequence', 'text'], [[0, "COPY public.sales FROM 's3://b/sales/' IAM_ROLE default CSV GZIP"]]))
    const r = await loadErrors(
      {data: () => new RedshiftDataClient({})},
      {limit: 100, queryId: 9, source: 'sys', target: {cluster: 'c1', database: 'dev', dbUser: 'loader'}},
      ctx,
    )
    expect(r.groups.map((g) => [g.code, g.column, g.count])).toEqual([
      [1205, 'saledate', 2],
      [1207, 'qty', 1],
    ])
    expect(r.groups[1]!.examples[0]).toMatchObject({bytes: 1, line: 7, value: '.'})
    expect(r.loads[0]).toMatchObject({errorCount: 3, status: 'aborted'})
    expect(r.correctedCopy).toContain("DATEFORMAT 'auto'")
    expect(r.correctedCopy).not.toMatch(/MAXERROR/)
    const sql = data.commandCalls(ExecuteStatementCommand)[0]!.args[0].input
    expect(sql).toMatchObject({ClusterIdentifier: 'c1', DbUser: 'loader', Parameters: [{name: 'query_id', value: '9'}]})
  })

  it('refuses --source stl on Serverless (no STL tables there)', async () => {
    await expect(
      loadErrors(
        {data: () => new RedshiftDataClient({})},
        {limit: 10, source: 'stl', target: {database: 'dev', workgroup: 'wg'}},
        ctx,
      ),
    ).rejects.toThrow(/Serverless has no STL_LOAD_ERRORS/)
  })
})

describe('offline rows and explanations', () => {
  it('reads get-statement-result JSON, CSV, TSV, psql tables and expanded output', () => {
    const json = JSON.stringify(page(['err_code', 'err_reason'], [[1214, 'Delimiter not found']]))
    expect(parseErrorsFile(json)).toEqual([{err_code: 1214, err_reason: 'Delimiter not found'}])
    expect(parseErrorsFile('err_code,err_reason\n1204,"String length exceeds DDL length"\n')[0]).toMatchObject({
      err_code: '1204',
    })
    expect(parseErrorsFile('err_code\terr_reason\n1204\tx\n')[0]).toMatchObject({err_reason: 'x'})
    const psql =
      ' err_code |     err_reason\n----------+--------------------\n     1214 | Delimiter not found\n(1 row)\n'
    expect(parseErrorsFile(psql)).toEqual([{err_code: '1214', err_reason: 'Delimiter not found'}])
    const expanded = '-[ RECORD 1 ]---+------\nerr_code   | 1207\nerr_reason | Invalid digit\n'
    expect(parseErrorsFile(expanded)).toEqual([{err_code: '1207', err_reason: 'Invalid digit'}])
    expect(() => parseErrorsFile('a,b\n1,2\n')).toThrow(/does not name/)
  })

  it('takes the raw value from a SYS message, and explains by the reason when the code does not fit it', () => {
    const row = normaliseRow({error_code: 1207, error_message: "Invalid digit, Value 'a', Pos 0, Type: Integer"})
    expect(row.rawValue).toBe('a')
    const [byReason] = groupErrors([normaliseRow({err_code: '8001', err_reason: 'Value too long for character type'})])
    expect(byReason!.meaning).toMatch(/exceeded the acceptable range/)
    const [noCode] = groupErrors([
      normaliseRow({
        err_reason: 'String contains invalid or unsupported UTF8 codepoints. Bad UTF8 hex sequence: ef bf bf (error 7)',
      }),
    ])
    expect(noCode!.meaning).toMatch(/UTF-8/)
  })

  it('groups by reason pattern (values and positions taken out) and shows byte lengths', () => {
    expect(reasonPattern("Invalid digit, Value 'x', Pos 12, Type: Long")).toBe(
      "Invalid digit, Value '…', Pos n, Type: Long",
    )
    const groups = groupErrors(
      ['日本語テキスト', 'abc'].map((v) =>
        normaliseRow({
          col_length: '12',
          colname: 'name',
          err_code: 1204,
          err_reason: 'String length exceeds DDL length',
          raw_field_value: v,
          type: 'varchar',
        }),
      ),
    )
    expect(groups).toHaveLength(1)
    expect(groups[0]!.examples[0]!.bytes).toBe(21)
    expect(groups[0]!.fix).toMatch(/21 byte\(s\) in UTF-8 \(7 character\(s\)\) for a column of 12 bytes/)
  })

  it('never proposes MAXERROR; IGNOREHEADER when line 1 is a header', () => {
    const groups = groupErrors([
      normaliseRow({
        err_code: 1207,
        err_reason: "Invalid digit, Value 'id', Pos 0, Type: Integer",
        line_number: 1,
        raw_field_value: 'id',
      }),
    ])
    const fixed = correctCopy("COPY t FROM 's3://b/p' IAM_ROLE default CSV MAXERROR 0", groups)
    expect(fixed).toContain('IGNOREHEADER 1')
    expect(fixed).not.toMatch(/MAXERROR [1-9]/)
  })

  it('keeps FIXEDWIDTH (the spec as written) in the corrected COPY', () => {
    const groups = groupErrors([
      normaliseRow({
        err_code: 1220,
        err_reason: 'String contains invalid or unsupported UTF8 codepoints',
        line_number: 1,
      }),
      normaliseRow({err_code: 1205, err_reason: 'Invalid Date Format - length must be 10 or more', line_number: 4}),
    ])
    const fixed = correctCopy(
      "copy customer from 's3://b/load/customer-fw.tbl' iam_role default fixedwidth 'c_custkey:10, c_region :12' maxerror 10",
      groups,
    )
    expect(fixed).toContain("FIXEDWIDTH 'c_custkey:10, c_region :12'")
    expect(fixed).toContain('ACCEPTINVCHARS')
    expect(fixed).toContain("DATEFORMAT 'auto'")
    expect(fixed).not.toMatch(/DELIMITER|CSV/)
  })
})

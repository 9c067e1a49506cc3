import {
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data'
import {mockClient} from 'aws-sdk-client-mock'
import {beforeEach, describe, expect, it} from 'vitest'

import {testRunContext} from '../../../src/lib/core/run-context.js'
import {StatementFailedError} from '../../../src/lib/redshift/data-api.js'
import {catalogColumn, identityOf, readTableColumns, splitTableName} from '../../../src/lib/redshift/table-columns.js'
import {parseColumnType} from '../../../src/lib/redshift/table-ddl.js'
import {dataApiPage, SVV_COLUMNS, type SvvColumnsRow} from '../../helpers/data-api.js'

const data = mockClient(RedshiftDataClient)
const ctx = testRunContext({async sleep() {}})
beforeEach(() => data.reset())

const page = (rows: SvvColumnsRow[], nextToken?: string) => dataApiPage(SVV_COLUMNS, rows, nextToken)
const row = (dataType: string, len: null | number, prec: null | number, scale: null | number) =>
  Object.fromEntries(SVV_COLUMNS.map((c, i) => [c, ['s', 't', 'c', 1, dataType, len, prec, scale, 'YES', null][i]!]))

// A table as SVV_COLUMNS shows it: lengths apart from data_type, integer precision in bits,
// IDENTITY as a default expression.
const ORDERS: SvvColumnsRow[] = [
  ['shop', 'orders', 'order_key', 1, 'bigint', null, 64, 0, 'NO', '"identity"(412233, 0, \'1,1\'::text)'],
  ['shop', 'orders', 'customer', 2, 'character varying', 256, null, null, 'NO', null],
  ['shop', 'orders', 'total', 3, 'numeric', null, 12, 2, 'YES', null],
  ['shop', 'orders', 'placed_at', 4, 'timestamp without time zone', null, null, null, 'YES', null],
  ['shop', 'orders', 'country', 5, 'character', 2, null, null, 'YES', "'NO'::bpchar"],
  ['shop', 'orders', 'paid', 6, 'boolean', null, null, null, 'YES', null],
  ['shop', 'orders', 'shape', 7, 'geometry', null, null, null, 'YES', null],
]

function finished() {
  data.on(ExecuteStatementCommand).resolves({Id: 'cols-1'})
  data.on(DescribeStatementCommand).resolvesOnce({Status: 'STARTED'}).resolves({HasResultSet: true, Status: 'FINISHED'})
}

describe('readTableColumns', () => {
  it('reads a provisioned table, paged, into the same shape a CREATE TABLE gives', async () => {
    finished()
    data
      .on(GetStatementResultCommand)
      .resolvesOnce(page(ORDERS.slice(0, 4), 'next'))
      .resolves(page(ORDERS.slice(4)))
    const table = await readTableColumns(
      new RedshiftDataClient({}),
      {table: 'Shop.Orders', target: {cluster: 'analytics', database: 'dev', dbUser: 'loader'}},
      ctx,
    )
    expect(table.name).toBe('shop.orders')
    expect(table.columns.map((c) => [c.name, c.kind, c.length, c.precision, c.scale, c.notNull, c.identity])).toEqual([
      ['order_key', 'bigint', undefined, undefined, undefined, true, 'always'],
      ['customer', 'varchar', 256, undefined, undefined, true, undefined],
      ['total', 'decimal', undefined, 12, 2, false, undefined],
      ['placed_at', 'timestamp', undefined, undefined, undefined, false, undefined],
      ['country', 'char', 2, undefined, undefined, false, undefined],
      ['paid', 'boolean', undefined, undefined, undefined, false, undefined],
      ['shape', 'unchecked', undefined, undefined, undefined, false, undefined],
    ])
    const execute = data.commandCalls(ExecuteStatementCommand)[0]!.args[0].input
    expect(execute).toMatchObject({ClusterIdentifier: 'analytics', Database: 'dev', DbUser: 'loader'})
    expect(execute.Sql).toMatch(/FROM svv_columns/)
    expect(execute.Parameters).toEqual([
      {name: 'table_name', value: 'orders'},
      {name: 'table_schema', value: 'shop'},
    ])
  })

  it('on Serverless, a bare name searches every schema and must be found in exactly one', async () => {
    finished()
    data
      .on(GetStatementResultCommand)
      .resolves(page([...ORDERS.slice(0, 1), ['archive', ...ORDERS[0]!.slice(1)] as SvvColumnsRow]))
    await expect(
      readTableColumns(new RedshiftDataClient({}), {table: 'orders', target: {database: 'dev', workgroup: 'etl'}}, ctx),
    ).rejects.toThrow(/exists in several schemas \(archive, shop\): give schema\.table/)
    const execute = data.commandCalls(ExecuteStatementCommand)[0]!.args[0].input
    expect(execute).toMatchObject({Database: 'dev', WorkgroupName: 'etl'})
    expect(execute.Parameters).toEqual([{name: 'table_name', value: 'orders'}])
    expect(execute.Sql).not.toMatch(/table_schema =/)
  })

  it('a table that is not there is an input error naming it, not an empty table', async () => {
    finished()
    data.on(GetStatementResultCommand).resolves(page([]))
    await expect(
      readTableColumns(
        new RedshiftDataClient({}),
        {table: 'shop.nope', target: {database: 'dev', workgroup: 'etl'}},
        ctx,
      ),
    ).rejects.toThrow(/table shop\.nope was not found in SVV_COLUMNS of database dev/)
  })

  it('a statement that fails carries the server message', async () => {
    data.on(ExecuteStatementCommand).resolves({Id: 'f'})
    data
      .on(DescribeStatementCommand)
      .resolves({Error: 'ERROR: permission denied for relation svv_columns', Status: 'FAILED'})
    const error = await readTableColumns(
      new RedshiftDataClient({}),
      {table: 'shop.orders', target: {cluster: 'c', database: 'dev'}},
      ctx,
    ).catch((error_: unknown) => error_)
    expect(error).toBeInstanceOf(StatementFailedError)
    expect((error as Error).message).toMatch(/permission denied/)
  })
})

describe('catalog types', () => {
  it('reads format_type spellings as the DDL reader does', () => {
    expect(parseColumnType('character varying(256)')).toMatchObject({kind: 'varchar', length: 256})
    expect(parseColumnType('numeric(12,2)')).toMatchObject({kind: 'decimal', precision: 12, scale: 2})
    expect(parseColumnType('timestamp without time zone')).toMatchObject({kind: 'timestamp'})
    expect(parseColumnType('timestamp with time zone')).toMatchObject({kind: 'timestamptz'})
    expect(parseColumnType('double precision')).toMatchObject({kind: 'double'})
    expect(() => parseColumnType('integer not null')).toThrow(/not a column type/)
  })

  it('keeps a data_type that already carries its length, and leaves integer precision (bits) alone', () => {
    expect(catalogColumn(row('character varying(40)', 40, null, null))).toMatchObject({kind: 'varchar', length: 40})
    expect(catalogColumn(row('integer', null, 32, 0))).toMatchObject({kind: 'integer'})
    expect(catalogColumn(row('integer', null, 32, 0))).not.toHaveProperty('precision')
    expect(catalogColumn(row('numeric', null, 38, 10))).toMatchObject({precision: 38, scale: 10})
  })

  it('tells IDENTITY from GENERATED BY DEFAULT AS IDENTITY by the default text', () => {
    expect(identityOf(`"identity"(412233, 0, '1,1'::text)`)).toBe('always')
    expect(identityOf(`"identity"(674435, 0, ('5,3'::character varying)::text)`)).toBe('always')
    expect(identityOf(`default_identity(963861, 1, '1,2'::text)`)).toBe('by-default')
    expect(identityOf(`"default_identity"(963861, 1, '1,6'::text)`)).toBe('by-default')
    // Near misses: ordinary defaults that only mention the word.
    expect(identityOf(`'identity'::character varying`)).toBeUndefined()
    expect(identityOf('nextval_identity_like(1)')).toBeUndefined()
    expect(identityOf('')).toBeUndefined()
    const byDefault = Object.fromEntries(
      SVV_COLUMNS.map((c, i) => [
        c,
        ['s', 't', 'id', 1, 'bigint', null, 64, 0, 'NO', `default_identity(1, 0, '1,1'::text)`][i]!,
      ]),
    )
    expect(catalogColumn(byDefault)).toMatchObject({identity: 'by-default', kind: 'bigint', notNull: true})
  })

  it('splits names as Redshift folds them', () => {
    expect(splitTableName('Public.Sales')).toEqual({schema: 'public', table: 'sales'})
    expect(splitTableName('"Mixed"."Case.Name"')).toEqual({schema: 'Mixed', table: 'Case.Name'})
    expect(splitTableName('sales')).toEqual({schema: '', table: 'sales'})
    expect(() => splitTableName('a.b.c')).toThrow(/not a table name/)
  })
})

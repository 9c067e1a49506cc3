/**
 * Athena mocked as it answers a CloudTrail look-up (`--athena-table` / `--trail-table`): the
 * standard CloudTrail table's metadata (GetTableMetadata as the Glue catalog returns it), a
 * workgroup with a result location, one succeeded query, and the given events as result rows.
 */
import {
  type AthenaClientResolvedConfig,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  GetTableMetadataCommand,
  GetWorkGroupCommand,
  type ServiceInputTypes,
  type ServiceOutputTypes,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena'
import {type AwsStub} from 'aws-sdk-client-mock'

import {TRAIL_COLUMNS} from '../../src/lib/cloudtrail/athena-query.js'

export type TrailRow = Partial<Record<(typeof TRAIL_COLUMNS)[number], string | undefined>>

export const TRAIL_QUERY_ID = '0b7c2e64-5d1f-4a8e-9c3b-2f6a1d0e9b44'

const STRING_COLUMNS = [
  'eventversion',
  'eventtime',
  'eventsource',
  'eventname',
  'awsregion',
  'sourceipaddress',
  'useragent',
  'errorcode',
  'errormessage',
  'requestparameters',
  'responseelements',
  'additionaleventdata',
  'requestid',
  'eventid',
  'eventtype',
  'apiversion',
  'readonly',
  'recipientaccountid',
]

export function cloudTrailTableMetadata() {
  return {
    TableMetadata: {
      Columns: [
        ...STRING_COLUMNS.map((Name) => ({Name, Type: 'string'})),
        {
          Name: 'useridentity',
          Type: 'struct<type:string,principalid:string,arn:string,accountid:string,invokedby:string,accesskeyid:string,username:string,onbehalfof:struct<userid:string,identitystorearn:string>,sessioncontext:struct<attributes:struct<mfaauthenticated:string,creationdate:string>,sessionissuer:struct<type:string,principalid:string,arn:string,accountid:string,username:string>,ec2roledelivery:string,webidfederationdata:struct<federatedprovider:string,attributes:map<string,string>>>>',
        },
        {Name: 'resources', Type: 'array<struct<arn:string,accountid:string,type:string>>'},
      ],
      Name: 'cloudtrail_logs',
      Parameters: {
        EXTERNAL: 'TRUE',
        inputformat: 'com.amazon.emr.cloudtrail.CloudTrailInputFormat',
        location: 's3://trail-bucket/AWSLogs/111122223333/CloudTrail/',
        outputformat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
        'serde.serialization.lib': 'org.apache.hive.hcatalog.data.JsonSerDe',
      },
      PartitionKeys: ['region', 'year', 'month', 'day'].map((Name) => ({Name, Type: 'string'})),
      TableType: 'EXTERNAL_TABLE',
    },
  }
}

export function mockTrailQuery(
  athena: AwsStub<ServiceInputTypes, ServiceOutputTypes, AthenaClientResolvedConfig>,
  rows: TrailRow[],
  scanned = 734_003_200,
): void {
  athena.on(GetTableMetadataCommand).resolves(cloudTrailTableMetadata())
  athena.on(GetWorkGroupCommand).resolves({
    WorkGroup: {Configuration: {ResultConfiguration: {OutputLocation: 's3://athena-results/'}}, Name: 'primary'},
  })
  athena.on(StartQueryExecutionCommand).resolves({QueryExecutionId: TRAIL_QUERY_ID})
  athena.on(GetQueryExecutionCommand).resolves({
    QueryExecution: {
      EngineVersion: {EffectiveEngineVersion: 'Athena engine version 3', SelectedEngineVersion: 'AUTO'},
      QueryExecutionId: TRAIL_QUERY_ID,
      ResultConfiguration: {OutputLocation: `s3://athena-results/${TRAIL_QUERY_ID}.csv`},
      StatementType: 'DML',
      Statistics: {DataScannedInBytes: scanned, EngineExecutionTimeInMillis: 5300, TotalExecutionTimeInMillis: 5600},
      Status: {State: 'SUCCEEDED'},
      WorkGroup: 'primary',
    },
  })
  athena.on(GetQueryResultsCommand).resolves({
    ResultSet: {
      ResultSetMetadata: {ColumnInfo: TRAIL_COLUMNS.map((Name) => ({Name, Type: 'varchar'}))},
      Rows: [
        {Data: TRAIL_COLUMNS.map((c) => ({VarCharValue: c}))},
        ...rows.map((r) => ({Data: TRAIL_COLUMNS.map((c) => (r[c] === undefined ? {} : {VarCharValue: r[c]}))})),
      ],
    },
  })
}

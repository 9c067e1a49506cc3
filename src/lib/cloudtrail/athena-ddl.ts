/**
 * The Athena table over a trail's log files in S3 (`trail lookup --create-table-ddl`), in the two
 * forms AWS documents (reference/athena-scale.md §5; AUG create-cloudtrail-table.html,
 * create-cloudtrail-table-partition-projection.html):
 *
 * - partition projection on one `timestamp` key (yyyy/MM/dd): no partitions to maintain, but the
 *   location template fixes one account and one Region per table;
 * - catalog partitions region/year/month/day under the account's CloudTrail folder, added with
 *   ALTER TABLE ADD PARTITION (or `glue partition-sync`).
 *
 * Organization trails add the organization id after AWSLogs/.
 */
import {UsageError} from '../core/errors.js'
import {parseS3Uri} from '../core/parse/s3-uri.js'

export interface CloudTrailDdlRequest {
  accountId: string
  /** s3://bucket[/prefix] the trail delivers to. */
  bucket: string
  organizationId?: string | undefined
  /** Partition projection (one account and Region per table) instead of catalog partitions. */
  projection: boolean
  /** First day of the projection range, yyyy/MM/dd. */
  projectionStart?: string | undefined
  /** Needed with projection: the template names one Region. */
  region?: string | undefined
  /** db.table or table */
  table: string
}

const COLUMNS = `  eventversion STRING,
  useridentity STRUCT<
    type: STRING,
    principalid: STRING,
    arn: STRING,
    accountid: STRING,
    invokedby: STRING,
    accesskeyid: STRING,
    username: STRING,
    onbehalfof: STRUCT<userid: STRING, identitystorearn: STRING>,
    sessioncontext: STRUCT<
      attributes: STRUCT<mfaauthenticated: STRING, creationdate: STRING>,
      sessionissuer: STRUCT<type: STRING, principalid: STRING, arn: STRING, accountid: STRING, username: STRING>,
      ec2roledelivery: STRING,
      webidfederationdata: STRUCT<federatedprovider: STRING, attributes: MAP<STRING, STRING>>>>,
  eventtime STRING,
  eventsource STRING,
  eventname STRING,
  awsregion STRING,
  sourceipaddress STRING,
  useragent STRING,
  errorcode STRING,
  errormessage STRING,
  requestparameters STRING,
  responseelements STRING,
  additionaleventdata STRING,
  requestid STRING,
  eventid STRING,
  resources ARRAY<STRUCT<arn: STRING, accountid: STRING, type: STRING>>,
  eventtype STRING,
  apiversion STRING,
  readonly STRING,
  recipientaccountid STRING,
  serviceeventdetails STRING,
  sharedeventid STRING,
  vpcendpointid STRING,
  vpcendpointaccountid STRING,
  eventcategory STRING,
  addendum STRUCT<reason: STRING, updatedfields: STRING, originalrequestid: STRING, originaleventid: STRING>,
  sessioncredentialfromconsole STRING,
  edgedevicedetails STRING,
  tlsdetails STRUCT<tlsversion: STRING, ciphersuite: STRING, clientprovidedhostheader: STRING>`

const STORAGE = `ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
STORED AS INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'
OUTPUTFORMAT 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat'`

function quoteTable(name: string): string {
  return name
    .split('.')
    .map((p) => `\`${p.replaceAll('`', '``')}\``)
    .join('.')
}

export function cloudTrailTableDdl(r: CloudTrailDdlRequest): string {
  if (!/^\d{12}$/.test(r.accountId))
    throw new UsageError(`--account-id must be a 12-digit AWS account id, not "${r.accountId}"`)
  const loc = parseS3Uri(r.bucket, '--trail-bucket')
  const prefix = loc.key === '' || loc.key.endsWith('/') ? loc.key : `${loc.key}/`
  const base = `s3://${loc.bucket}/${prefix}AWSLogs/${r.organizationId ? `${r.organizationId}/` : ''}${r.accountId}/CloudTrail/`
  const head = `CREATE EXTERNAL TABLE ${quoteTable(r.table)} (\n${COLUMNS}\n)`
  if (!r.projection)
    return `${head}
PARTITIONED BY (region STRING, year STRING, month STRING, day STRING)
${STORAGE}
LOCATION '${base}';
-- Add partitions as logs arrive, e.g.:
-- ALTER TABLE ${quoteTable(r.table)} ADD PARTITION (region='us-east-1', year='2026', month='12', day='07') LOCATION '${base}us-east-1/2026/12/07/';`
  if (!r.region)
    throw new UsageError('a partition-projected CloudTrail table covers one Region: give --trail-region', {
      suggestions: [
        'e.g. --trail-region us-east-1 (one table per Region), or drop --projection for region partitions.',
      ],
    })
  const start = r.projectionStart ?? '2020/01/01'
  if (!/^\d{4}\/\d{2}\/\d{2}$/.test(start))
    throw new UsageError(`--projection-start must be yyyy/MM/dd, not "${start}"`)
  const location = `${base}${r.region}`
  return `${head}
PARTITIONED BY (\`timestamp\` STRING)
${STORAGE}
LOCATION '${location}'
TBLPROPERTIES (
  'projection.enabled'='true',
  'projection.timestamp.format'='yyyy/MM/dd',
  'projection.timestamp.interval'='1',
  'projection.timestamp.interval.unit'='DAYS',
  'projection.timestamp.range'='${start},NOW',
  'projection.timestamp.type'='date',
  'storage.location.template'='${location}/\${timestamp}'
);`
}

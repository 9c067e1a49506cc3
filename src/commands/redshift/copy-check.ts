import type {RedshiftDataClient} from '@aws-sdk/client-redshift-data'
import type {S3Client} from '@aws-sdk/client-s3'

import {Flags} from '@oclif/core'

import type {ClientFactory} from '../../lib/aws/clients.js'

import {BaseCommand} from '../../base-command.js'
import {isS3Uri} from '../../lib/core/parse/s3-uri.js'
import {pickTable, readCopyOptions, readTableDdl, resolveCheckTable} from '../../lib/redshift/check-inputs.js'
import {checkSupported, copyCheck, type CopyCheckResult} from '../../lib/redshift/copy-check.js'
import {DATA_API_IAM, dataApiTarget} from '../../lib/redshift/data-api.js'
import {findZstd, inputSpecFrom} from '../../lib/redshift/input.js'
import {renderCheckSetup, renderCopyCheck} from '../../ui/redshift-copy-check.js'

export default class RedshiftCopyCheck extends BaseCommand {
  static override description = `Reads a CSV, delimited-text, fixed-width or JSON file (local, s3://, or - for stdin; gzip, zstd, bzip2 or plain) in one streaming pass and checks every record against the target table's columns with COPY's own conversion rules: field count and quoting, NOT NULL, integer ranges, DECIMAL(p,s) digits, REAL/DOUBLE, BOOLEAN literals, DATE/TIMESTAMP with DATEFORMAT/TIMEFORMAT (incl. 'auto'), CHAR/VARCHAR lengths in bytes, invalid UTF-8, NULL AS, EMPTYASNULL, BLANKSASNULL, ACCEPTINVCHARS, TRUNCATECOLUMNS, ESCAPE, REMOVEQUOTES, FILLRECORD, IGNOREHEADER. JSON: FORMAT JSON 'auto', 'auto ignorecase' or a JSONPaths file (a local path or s3://), one object per record (it may span lines). FIXEDWIDTH 'label:width,…': widths in bytes, as the COPY reference says; a line may end inside its last field.

Each bad record is reported as COPY would log it: line, column, load error code (12xx), the raw value and the fix. The columns come from a CREATE TABLE file (--table-ddl), or from the cluster (--table schema.table with --cluster or --workgroup: SVV_COLUMNS through the Data API); the options from the COPY you run (--copy-options, the options text or the whole statement; without it COPY's defaults apply: pipe-delimited text).

Without --input, prints what was read from the DDL (or the catalog) and the options.`
  static override examples = [
    {
      command: `<%= config.bin %> <%= command.id %> --input sales.csv.gz --table-ddl sales.sql --copy-options "CSV IGNOREHEADER 1 DATEFORMAT 'auto' GZIP"`,
      description: 'Check a gzip CSV before loading it:',
    },
    {
      command: `<%= config.bin %> <%= command.id %> --input s3://my-bucket/loads/events.txt --table-ddl schema.sql --table public.events --max-errors 1000 --json`,
      description:
        'Check a pipe-delimited file in S3 against one table of a schema file, listing up to 1,000 bad records:',
    },
    {
      command: `<%= config.bin %> <%= command.id %> --input sales.csv --table public.sales --workgroup etl --database dev --copy-options "CSV IGNOREHEADER 1"`,
      description: "Check against the table's columns as they are on Redshift Serverless:",
    },
    {
      command: `<%= config.bin %> <%= command.id %> --table-ddl sales.sql --copy-options "COPY sales FROM 's3://b/p' IAM_ROLE default CSV EMPTYASNULL"`,
      description: 'Show how the DDL and a pasted COPY statement are read (no input):',
    },
  ]
  static override flags = {
    cluster: Flags.string({
      exclusive: ['workgroup', 'table-ddl'],
      helpGroup: 'TABLE FROM THE CLUSTER',
      summary: 'Provisioned cluster to read the --table columns from (Data API).',
    }),
    'copy-options': Flags.string({
      summary: "The COPY's options as text (\"CSV DELIMITER ',' DATEFORMAT 'auto'\"), or the whole COPY statement.",
    }),
    database: Flags.string({
      helpGroup: 'TABLE FROM THE CLUSTER',
      summary: 'Database that holds --table (with --cluster or --workgroup).',
    }),
    'db-user': Flags.string({
      exclusive: ['secret-arn', 'workgroup'],
      helpGroup: 'TABLE FROM THE CLUSTER',
      summary: 'Database user (temporary credentials; provisioned only).',
    }),
    input: Flags.string({char: 'i', summary: 'File to check: a local path, s3://bucket/key, or - for stdin.'}),
    'max-errors': Flags.integer({
      default: 100,
      min: 0,
      summary: 'List at most this many bad records (all are counted).',
    }),
    'secret-arn': Flags.string({
      helpGroup: 'TABLE FROM THE CLUSTER',
      summary: 'Secrets Manager secret with the database credentials.',
    }),
    table: Flags.string({
      summary:
        'The table to check against: schema.table on the cluster (with --cluster/--workgroup), or one of the --table-ddl file.',
    }),
    'table-ddl': Flags.string({summary: 'File with the CREATE TABLE of the target table.'}),
    workgroup: Flags.string({
      exclusive: ['cluster', 'table-ddl'],
      helpGroup: 'TABLE FROM THE CLUSTER',
      summary: 'Redshift Serverless workgroup to read the --table columns from (Data API).',
    }),
  }
  static override iam = [{action: 's3:GetObject', when: 'with an s3:// --input or JSONPaths file'}, ...DATA_API_IAM]
  static override summary = 'Check a file against a Redshift table with COPY’s conversion rules, before loading it.'

  public async run(): Promise<CopyCheckResult | {options: unknown; skipped: string[]; tables: unknown}> {
    const {flags} = await this.parse(RedshiftCopyCheck)
    const copy = readCopyOptions(flags['copy-options'])
    const ddlFile = flags['table-ddl']
    const target = dataApiTarget(
      {
        cluster: flags.cluster,
        database: flags.database,
        dbUser: flags['db-user'],
        secretArn: flags['secret-arn'],
        workgroup: flags.workgroup,
      },
      'where --table is',
    )
    if (flags.input === undefined && ddlFile !== undefined) {
      const parsed = await readTableDdl(ddlFile)
      const skipped = parsed.skipped.map((s) => `${s.name} (line ${s.line}): ${s.reason}`)
      const tables = flags.table === undefined ? parsed.tables : [pickTable(parsed, ddlFile, flags.table)]
      if (!this.jsonEnabled()) this.log(renderCheckSetup(tables, copy, skipped))
      return {options: copy, skipped, tables}
    }

    const aws =
      target !== undefined ||
      (flags.input !== undefined && isS3Uri(flags.input)) ||
      (copy.format === 'json' && copy.formatArgument?.startsWith('s3://'))
        ? await this.awsClients(flags)
        : undefined
    const table = await resolveCheckTable(
      {ddlFile, table: flags.table, target},
      await dataClient(target === undefined ? undefined : aws),
      this.runContext(),
    )
    if (flags.input === undefined) {
      if (!this.jsonEnabled()) this.log(renderCheckSetup([table], copy, []))
      return {options: copy, skipped: [], tables: [table]}
    }

    checkSupported(copy)
    const zstd = findZstd()
    const {result, warnings} = await copyCheck(
      await s3Client(
        isS3Uri(flags.input) || (copy.format === 'json' && copy.formatArgument?.startsWith('s3://')) ? aws : undefined,
      ),
      {
        copy,
        input: inputSpecFrom(flags.input, process.stdin),
        maxErrors: flags['max-errors'],
        table,
        zstdPath: 'path' in zstd ? zstd.path : undefined,
      },
      this.runContext(),
    )
    for (const w of warnings) this.warnUser(w)
    if (result.badRecords > 0) this.reportFindings()
    if (!this.jsonEnabled()) this.log(renderCopyCheck(result))
    return result
  }
}

// The S3 SDK loads only for an s3:// input.
async function s3Client(aws: ClientFactory | undefined): Promise<{s3?: () => S3Client}> {
  if (!aws) return {}
  const s3 = await aws.create('s3')
  return {s3: () => s3}
}

// The Data API SDK loads only when the table's columns come from the cluster.
async function dataClient(aws: ClientFactory | undefined): Promise<(() => RedshiftDataClient) | undefined> {
  if (!aws) return undefined
  const data = await aws.create('redshift-data')
  return () => data
}

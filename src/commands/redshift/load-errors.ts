import {Flags} from '@oclif/core'
import {readFile} from 'node:fs/promises'

import type {ClientFactory} from '../../lib/aws/clients.js'

import {BaseCommand} from '../../base-command.js'
import {InputError, UsageError} from '../../lib/core/errors.js'
import {durationToMs, parseDuration} from '../../lib/core/parse/duration.js'
import {DATA_API_IAM, type DataApiTarget, dataApiTarget} from '../../lib/redshift/data-api.js'
import {findZstd} from '../../lib/redshift/input.js'
import {loadErrors, type LoadErrorsClients, type LoadErrorsResult} from '../../lib/redshift/load-errors.js'
import {renderLoadErrors} from '../../ui/redshift-load-errors.js'

export default class RedshiftLoadErrors extends BaseCommand {
  static override description = `Reads the load errors of a failed COPY — SYS_LOAD_ERROR_DETAIL (provisioned and Serverless) or STL_LOAD_ERRORS (provisioned, --source stl) through the Redshift Data API, or a saved result with --errors-file — groups them by table, column, error code and reason, and explains each: what the code means, why it happens, and the fix (the COPY option, or the change to the data or the column; byte lengths of the offending values, since VARCHAR lengths count bytes).

With --fetch-lines, each example's line is read from its S3 object (ranged GETs that stop at the line; gzip and zstd are decompressed on the way) and the logged value is marked in it.

With one load, it also reads the load's SYS_LOAD_HISTORY row and its COPY text (SYS_QUERY_TEXT), and prints a corrected COPY for review. It never runs anything but SELECTs; MAXERROR is never suggested as a fix (it discards the rows).`
  static override examples = [
    {
      command:
        '<%= config.bin %> <%= command.id %> --cluster analytics --database dev --db-user loader --query-id 184723',
      description: 'Explain why COPY query 184723 failed (provisioned, temporary credentials):',
    },
    {
      command: '<%= config.bin %> <%= command.id %> --workgroup etl --database dev --table public.sales --since 6h',
      description: 'Errors of the last 6 hours on one table, Redshift Serverless:',
    },
    {
      command: '<%= config.bin %> <%= command.id %> --errors-file stl_load_errors.csv',
      description: 'Offline, from a saved export (get-statement-result JSON, CSV/TSV, or psql output):',
    },
  ]
  static override flags = {
    cluster: Flags.string({exclusive: ['workgroup', 'errors-file'], summary: 'Provisioned cluster identifier.'}),
    database: Flags.string({summary: 'Database to connect to (Data API).'}),
    'db-user': Flags.string({
      exclusive: ['secret-arn', 'workgroup'],
      summary: 'Database user (temporary credentials; provisioned only).',
    }),
    'errors-file': Flags.string({
      summary:
        'Offline: a saved result of STL_LOAD_ERRORS / SYS_LOAD_ERROR_DETAIL (get-statement-result JSON, CSV/TSV, psql).',
    }),
    'fetch-lines': Flags.boolean({
      default: false,
      summary:
        'Read each example line from its S3 object (ranged GETs, stopping at the line; gzip/zstd decompressed) and mark the logged value in it.',
    }),
    limit: Flags.integer({default: 1000, max: 100_000, min: 1, summary: 'Most error rows to read (newest first).'}),
    'query-id': Flags.integer({min: 1, summary: 'The COPY query id (from the error or SYS_LOAD_HISTORY).'}),
    'secret-arn': Flags.string({summary: 'Secrets Manager secret with the database credentials.'}),
    since: Flags.string({summary: 'Only errors newer than this (e.g. 1h, 30m, 2d).'}),
    source: Flags.string({
      default: 'sys',
      options: ['sys', 'stl'],
      summary:
        'sys: SYS_LOAD_ERROR_DETAIL (provisioned and Serverless); stl: STL_LOAD_ERRORS (provisioned; has the raw line and value).',
    }),
    table: Flags.string({summary: 'Only errors of this table (schema.table or table).'}),
    workgroup: Flags.string({exclusive: ['cluster', 'errors-file'], summary: 'Redshift Serverless workgroup.'}),
  }
  static override iam = [...DATA_API_IAM, {action: 's3:GetObject', when: 'with --fetch-lines'}]
  static override summary =
    'Explain why a Redshift COPY failed, with the fix for each error, from the load error tables.'

  public async run(): Promise<LoadErrorsResult> {
    const {flags} = await this.parse(RedshiftLoadErrors)
    const since =
      flags.since === undefined ? undefined : new Date(Date.now() - durationToMs(parseDuration(flags.since, '--since')))
    let errorsFile: undefined | {content: string; name: string}
    let target: DataApiTarget | undefined
    if (flags['errors-file'] === undefined) {
      target = dataApiTarget(
        {
          cluster: flags.cluster,
          database: flags.database,
          dbUser: flags['db-user'],
          secretArn: flags['secret-arn'],
          workgroup: flags.workgroup,
        },
        'the COPY ran there',
      )
      if (target === undefined)
        throw new UsageError('say where the errors are: --cluster ID, --workgroup NAME, or --errors-file FILE', {
          suggestions: [
            'Offline: save the rows with aws redshift-data get-statement-result … > errors.json and give --errors-file errors.json.',
          ],
        })
    } else {
      const unused = (['database', 'db-user', 'secret-arn', 'query-id', 'table', 'since'] as const).filter(
        (n) => flags[n] !== undefined,
      )
      if (unused.length > 0)
        throw new UsageError(
          `${unused.map((n) => `--${n}`).join(', ')}: not used with --errors-file (the file holds the rows)`,
          {
            code: 'UnusedFlag',
            suggestions: ['Filter the rows when you export them, or drop these flags.'],
          },
        )
      if (!flags['fetch-lines']) this.rejectAwsFlags(this.argv, '--errors-file')
      const name = flags['errors-file']
      const content = await readFile(name, 'utf8').catch((error: unknown) => {
        throw new InputError(`--errors-file ${name} cannot be read (${(error as {code?: string}).code})`, {
          cause: error,
        })
      })
      errorsFile = {content, name}
    }

    const aws = target === undefined && !flags['fetch-lines'] ? undefined : await this.awsClients(flags)
    const zstd = flags['fetch-lines'] ? findZstd() : undefined
    const result = await loadErrors(
      {
        ...(await dataClient(target === undefined ? undefined : aws)),
        ...(await s3Client(flags['fetch-lines'] ? aws : undefined)),
      },
      {
        errorsFile,
        fetchLines: flags['fetch-lines'],
        limit: flags.limit,
        queryId: flags['query-id'],
        since,
        source: flags.source as 'stl' | 'sys',
        table: flags.table,
        target,
        zstdPath: zstd && 'path' in zstd ? zstd.path : undefined,
      },
      this.runContext(),
    )
    if (result.groups.length > 0) this.reportFindings()
    if (!this.jsonEnabled()) this.log(renderLoadErrors(result))
    return result
  }
}

// The S3 SDK loads only for --fetch-lines.
async function s3Client(aws: ClientFactory | undefined): Promise<LoadErrorsClients> {
  if (!aws) return {}
  const s3 = await aws.create('s3')
  return {s3: () => s3}
}

// The Data API SDK loads (in the client factory) only when a cluster or workgroup is asked.
async function dataClient(aws: ClientFactory | undefined): Promise<LoadErrorsClients> {
  if (!aws) return {}
  const data = await aws.create('redshift-data')
  return {data: () => data}
}

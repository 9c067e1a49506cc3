import type {S3Client} from '@aws-sdk/client-s3'

import {Flags} from '@oclif/core'

import type {ClientFactory} from '../../lib/aws/clients.js'

import {BaseCommand} from '../../base-command.js'
import {renamedFrom} from '../../flags/output.js'
import {UsageError} from '../../lib/core/errors.js'
import {isS3Uri, parseS3Uri} from '../../lib/core/parse/s3-uri.js'
import {parseSize} from '../../lib/core/parse/size.js'
import {checkTableSource, readCopyOptions, resolveCheckTable} from '../../lib/redshift/check-inputs.js'
import {copySplit, type CopySplitResult, type OutputSpec} from '../../lib/redshift/copy-split.js'
import {dataApiTarget} from '../../lib/redshift/data-api.js'
import {findZstd, inputSpecFrom} from '../../lib/redshift/input.js'
import {resolveSlices, type SliceClients} from '../../lib/redshift/slices.js'
import {renderCopySplit} from '../../ui/redshift-copy-split.js'

/** AWS's lower bound for the files of a COPY (1 MB); below it a split only makes many tiny files. */
const MIN_TARGET_SIZE = 1_000_000

export default class RedshiftCopySplit extends BaseCommand {
  static override description = `Redshift loads a single gzip file on one slice. This command splits it, in one streaming pass, into a number of files that is a multiple of the cluster's slices, each holding whole records (CSV quoting, escapes and CRLF respected) and of about equal compressed size, compresses them in parallel, writes them to a directory or S3, writes the COPY manifest last, and prints the COPY statement.

The slice count comes from --slices, from the live cluster (--cluster: SELECT COUNT(*) FROM stv_slices through the Redshift Data API, falling back to DescribeClusters and the documented node table, flagged as an estimate), from --node-type/--nodes offline, or, for Serverless (--workgroup), the files are planned by size.

Every part is verified: the records each compressor counted must add up to the records read. A failed run leaves no manifest and no partial file under a final name. To S3, the parts go under a sub-prefix derived from the input and settings, so a re-run skips parts already uploaded with the same size and checksum.`
  static override examples = [
    {
      command:
        '<%= config.bin %> <%= command.id %> --input events.csv.gz --out s3://my-bucket/loads/events/ --cluster analytics --database dev --db-user loader --table public.events --iam-role arn:aws:iam::123456789012:role/RedshiftCopy',
      description: 'Count the slices of a cluster, split a local gzip file into S3 and print the COPY:',
    },
    {
      command:
        '<%= config.bin %> <%= command.id %> --input s3://my-bucket/raw/events.csv.gz --out s3://my-bucket/loads/events/ --slices 16 --dry-run',
      description: 'Plan only (how many files, how big), for a 16-slice cluster:',
    },
    {
      command: String.raw`zcat big.tsv.gz | <%= config.bin %> <%= command.id %> --input - --input-format text --delimiter "\t" --out ./parts --node-type ra3.4xlarge --nodes 4 --upload-prefix s3://my-bucket/loads/big/`,
      description: 'From stdin, tab-delimited text with backslash escapes, to a local directory, for 4 × ra3.4xlarge:',
    },
    {
      command:
        '<%= config.bin %> <%= command.id %> --input events.json.gz --input-format json --out ./parts --workgroup analytics --codec zstd',
      description: 'JSON lines for Redshift Serverless, zstd parts, planned by size:',
    },
  ]
  static override flags = {
    'check-options': Flags.string({
      dependsOn: ['check-table'],
      summary:
        "COPY conversion options for --check-table (\"DATEFORMAT 'auto' EMPTYASNULL\"); format, delimiter and quote come from this command's flags; with --input-format json, FORMAT JSON 'auto ignorecase' or a JSONPaths file given here is used ('auto' otherwise).",
    }),
    'check-table': Flags.string({
      summary:
        "CREATE TABLE file, or schema.table on the --cluster/--workgroup (with --database): check every record with COPY's conversion rules in the same pass; a bad record fails the split (exit 6) before the manifest.",
    }),
    cluster: Flags.string({
      exclusive: ['slices', 'workgroup', 'node-type'],
      helpGroup: 'SLICES',
      summary: 'Provisioned cluster id: count its slices (Data API, else DescribeClusters × node table).',
    }),
    codec: Flags.string({default: 'gzip', options: ['gzip', 'zstd', 'none'], summary: 'Compression of the parts.'}),
    database: Flags.string({
      helpGroup: 'SLICES',
      summary: 'Database for the Data API (the slice query with --cluster; --check-table schema.table).',
    }),
    'db-user': Flags.string({
      exclusive: ['secret-arn'],
      helpGroup: 'SLICES',
      summary: 'Database user for the Data API (temporary credentials; needs redshift:GetClusterCredentials).',
    }),
    delimiter: Flags.string({summary: String.raw`Field delimiter (default "," for csv, "|" for text; \t for tab).`}),
    'dry-run': Flags.boolean({
      default: false,
      summary: 'Print the plan (slices, file count, sizes, COPY) and stop; reads only the first 64 KiB.',
    }),
    'files-per-slice': Flags.integer({min: 1, summary: 'Files per slice, instead of planning by --target-size.'}),
    header: Flags.string({
      default: 'auto',
      options: ['auto', 'strip', 'repeat', 'none'],
      summary: 'First record: auto (detect; repeat if found), strip, repeat in every part, or none.',
    }),
    'iam-role': Flags.string({summary: 'IAM role ARN for the printed COPY statement.'}),
    input: Flags.string({
      char: 'i',
      required: true,
      summary: 'Input: a local file, s3://bucket/key, or - for stdin (gzip, zstd or plain).',
    }),
    'input-format': Flags.string({
      ...renamedFrom('format'),
      default: 'csv',
      options: ['csv', 'text', 'json'],
      summary:
        'Record format: csv (RFC 4180 quoting), text (delimiter + backslash ESCAPE), json (one object per line).',
    }),
    level: Flags.integer({summary: 'Compression level (gzip 1–9, default 6; zstd 1–19, default 3).'}),
    'node-type': Flags.string({
      dependsOn: ['nodes'],
      exclusive: ['slices', 'workgroup', 'cluster'],
      helpGroup: 'SLICES',
      summary: 'Node type, offline (slices from the documented table; an estimate).',
    }),
    nodes: Flags.integer({
      dependsOn: ['node-type'],
      helpGroup: 'SLICES',
      min: 1,
      summary: 'Number of nodes (with --node-type).',
    }),
    out: Flags.string({
      ...renamedFrom('output'),
      char: 'o',
      summary: 'Output: a local directory, or s3://bucket/prefix/ (parts go under a run sub-prefix).',
    }),
    quote: Flags.string({default: '"', summary: 'Quote character for csv.'}),
    'run-id': Flags.string({
      summary: 'Name of the S3 run sub-prefix (default: derived from the input and settings, so re-runs reuse it).',
    }),
    'secret-arn': Flags.string({
      helpGroup: 'SLICES',
      summary: 'Secrets Manager secret for the Data API (instead of --db-user).',
    }),
    slices: Flags.integer({
      exclusive: ['cluster', 'workgroup', 'node-type'],
      helpGroup: 'SLICES',
      min: 1,
      summary: 'Slice count, if you know it (SELECT COUNT(*) FROM stv_slices).',
    }),
    table: Flags.string({summary: 'Target table for the printed COPY statement.'}),
    'target-size': Flags.string({
      default: '100MB',
      summary: 'Largest compressed part to aim for (AWS: 1 MB – 1 GB, ideally ≤ 125 MB).',
    }),
    'upload-prefix': Flags.string({
      summary: 'With a local --out: the s3://bucket/prefix/ you will upload the parts to (for the manifest URLs).',
    }),
    workers: Flags.integer({min: 1, summary: 'Compression threads (default: the number of CPUs).'}),
    workgroup: Flags.string({
      exclusive: ['slices', 'cluster', 'node-type'],
      helpGroup: 'SLICES',
      summary: 'Redshift Serverless workgroup: no slices, files are planned by size.',
    }),
  }
  static override iam = [
    // Grouped by when they are needed (one policy statement each). S3 output: ListBucket finds an
    // earlier run's parts, AbortMultipartUpload cleans up a failure, DeleteObject removes an earlier
    // manifest first. The Data API gets temporary database credentials (--db-user) or reads the secret.
    {action: 's3:GetObject', when: 'with an s3:// --input'},
    {action: 's3:ListBucket', when: 'with an s3:// --out'},
    {action: 's3:PutObject', when: 'with an s3:// --out'},
    {action: 's3:AbortMultipartUpload', when: 'with an s3:// --out'},
    {action: 's3:DeleteObject', when: 'with an s3:// --out'},
    {action: 'redshift:DescribeClusters', when: 'with --cluster'},
    {action: 'redshift-data:ExecuteStatement', when: 'with --cluster and --database'},
    {action: 'redshift-data:DescribeStatement', when: 'with --cluster and --database'},
    {action: 'redshift-data:GetStatementResult', when: 'with --cluster and --database'},
    {action: 'redshift:GetClusterCredentials', when: 'with --cluster and --db-user'},
    {action: 'secretsmanager:GetSecretValue', when: 'with --cluster and --secret-arn'},
  ]
  static override summary = 'Split a big gzip file into record-correct, equal parts for a parallel Redshift COPY.'

  public async run(): Promise<CopySplitResult> {
    const {flags} = await this.parse(RedshiftCopySplit)
    const checkSource =
      flags['check-table'] === undefined
        ? undefined
        : checkTableSource(
            flags['check-table'],
            flags.table,
            flags.database === undefined
              ? undefined
              : dataApiTarget(
                  {
                    cluster: flags.cluster,
                    database: flags.database,
                    dbUser: flags['db-user'],
                    secretArn: flags['secret-arn'],
                    workgroup: flags.workgroup,
                  },
                  'where --check-table is',
                ),
          )
    const checkConversion = checkSource === undefined ? undefined : readCopyOptions(flags['check-options'])
    const needsAws =
      isS3Uri(flags.input) ||
      // A JSONPaths file on S3 for a JSON --check-table.
      (checkConversion?.format === 'json' && checkConversion.formatArgument?.startsWith('s3://')) ||
      (flags.out !== undefined && isS3Uri(flags.out)) ||
      flags.cluster !== undefined ||
      checkSource?.target !== undefined
    const aws: ClientFactory | undefined = needsAws ? await this.awsClients(flags) : undefined
    const region = aws?.settings.region ?? (await this.awsSettings(flags).catch(() => {}))?.region
    if (
      flags.slices === undefined &&
      flags.cluster === undefined &&
      flags.workgroup === undefined &&
      flags['node-type'] === undefined
    ) {
      throw new UsageError('say how many slices the cluster has', {
        suggestions: [
          'Give --slices N, --cluster ID (with --database and --db-user or --secret-arn), --node-type T --nodes N, or --workgroup W for Serverless.',
        ],
      })
    }

    if (flags['run-id'] !== undefined && !/^[\w.=-]{1,128}$/.test(flags['run-id'])) {
      throw new UsageError(
        `--run-id "${flags['run-id']}" must be 1–128 letters, digits, dots, dashes, underscores or =`,
        {suggestions: ['For example --run-id 2026-11-22.']},
      )
    }

    const targetSize = parseSize(flags['target-size'], '--target-size')
    if (targetSize < MIN_TARGET_SIZE) {
      throw new UsageError(`--target-size ${flags['target-size']} is below 1 MB`, {
        suggestions: [
          'AWS recommends compressed files of 1 MB to 1 GB (ideally about 100 MB): give --target-size 100MB, or --files-per-slice N.',
        ],
      })
    }

    if (!flags['dry-run'] && flags.out === undefined)
      throw new UsageError('--out is required (a directory or s3://bucket/prefix/), unless --dry-run is given')
    const ctx = this.runContext()
    const {slices, warnings: sliceWarnings} = await resolveSlices(
      await redshiftClients(aws, flags.cluster !== undefined),
      {
        cluster: flags.cluster,
        database: flags.database,
        dbUser: flags['db-user'],
        nodes: flags.nodes,
        nodeType: flags['node-type'],
        secretArn: flags['secret-arn'],
        slices: flags.slices,
        workgroup: flags.workgroup,
      },
      ctx,
    )
    for (const w of sliceWarnings) this.warnUser(w)
    const codec = flags.codec as 'gzip' | 'none' | 'zstd'
    const zstd = findZstd()
    if (codec === 'zstd' && 'problem' in zstd) {
      throw new UsageError(`--codec zstd is not available: ${zstd.problem}`, {
        suggestions: [
          'Use --codec gzip (the default), or add the binding (an optional dependency that needs a C compiler): npm install zstd-napi where pipeops is installed, or npm rebuild zstd-napi when it is installed but not built.',
        ],
      })
    }

    const format = flags['input-format'] as 'csv' | 'json' | 'text'
    const check =
      checkSource === undefined || checkConversion === undefined
        ? undefined
        : {
            conversion: checkConversion,
            maxErrors: 100,
            table: await resolveCheckTable(
              checkSource,
              checkSource.target === undefined ? undefined : (await redshiftClients(aws, true)).data,
              ctx,
            ),
          }
    const progress = this.progress()
    const {notes, result, warnings} = await copySplit(
      {
        check,
        codec,
        delimiter: parseDelimiter(flags.delimiter ?? (format === 'text' ? '|' : ',')),
        dryRun: flags['dry-run'],
        filesPerSlice: flags['files-per-slice'],
        format,
        header: flags.header as 'auto' | 'none' | 'repeat' | 'strip',
        iamRole: flags['iam-role'],
        input: inputSpecFrom(flags.input, process.stdin),
        level: flags.level ?? (codec === 'zstd' ? 3 : 6),
        now: () => performance.now(),
        onCleanup: (fn) => this.onCleanup(fn),
        onProgress: (p) =>
          progress.update({
            detail: `${(p.plainBytes / 1e6).toFixed(0)} MB read, ${p.records.toLocaleString('en-US')} records`,
            label: 'Splitting',
            ...(p.inputBytes === undefined ? {} : {done: p.compressedRead, total: p.inputBytes}),
          }),
        output: flags.out === undefined ? undefined : outputSpec(flags.out, flags['upload-prefix']),
        quote: flags.quote,
        region,
        runId: flags['run-id'],
        signal: this.abortController.signal,
        slices,
        table: flags.table,
        targetSize,
        workers: flags.workers,
        zstdPath: 'path' in zstd ? zstd.path : undefined,
      },
      await s3Client(aws),
    )
    progress.stop()
    for (const w of warnings) this.warnUser(w)
    if (!this.jsonEnabled()) this.log(renderCopySplit(result, notes, flags['dry-run']))
    return result
  }
}

// The SDK clients are loaded only when AWS is used: a local split does not pay their start-up
// time (about 0.1 s) and memory (about 35 MB).
async function redshiftClients(aws: ClientFactory | undefined, cluster: boolean): Promise<SliceClients> {
  if (!aws || !cluster) return {}
  const [data, redshift] = await Promise.all([aws.create('redshift-data'), aws.create('redshift')])
  return {data: () => data, redshift: () => redshift}
}

async function s3Client(aws: ClientFactory | undefined): Promise<{s3: (() => S3Client) | undefined}> {
  if (!aws) return {s3: undefined}
  const s3 = await aws.create('s3')
  return {s3: () => s3}
}

function parseDelimiter(text: string): string {
  if (text === String.raw`\t` || text.toLowerCase() === 'tab') return '\t'
  return text
}

function outputSpec(text: string, uploadPrefix: string | undefined): OutputSpec {
  if (isS3Uri(text)) {
    if (uploadPrefix) throw new UsageError('--upload-prefix applies only to a local --out')
    return {kind: 's3', location: parseS3Uri(text, '--out')}
  }

  if (uploadPrefix !== undefined) {
    const loc = parseS3Uri(uploadPrefix, '--upload-prefix')
    const key = loc.key === '' || loc.key.endsWith('/') ? loc.key : `${loc.key}/`
    return {kind: 'dir', path: text, urlPrefix: `s3://${loc.bucket}/${key}`}
  }

  return {kind: 'dir', path: text}
}

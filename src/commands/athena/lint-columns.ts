import {Flags} from '@oclif/core'

import {BaseCommand, PIPEOPS_VERSION} from '../../base-command.js'
import {lintColumnsRequest} from '../../flags/athena-lint-columns.js'
import {renamedFrom} from '../../flags/output.js'
import {onlyWith} from '../../flags/relations.js'
import {lintColumns, type LintColumnsResult} from '../../lib/athena/lint-columns.js'
import {RULE_IDS} from '../../lib/athena/rules.js'
import {toSarif} from '../../lib/athena/sarif.js'
import {checkWritableFile, writeFileAtomic} from '../../lib/core/atomic-write.js'
import {UsageError} from '../../lib/core/errors.js'
import {renderLintReport} from '../../ui/athena-lint.js'

export default class AthenaLintColumns extends BaseCommand {
  static override description = `Checks database, table, column, partition-key and nested field names against Athena's rules before a query fails: reserved words of the DDL (Hive, backticks) and SELECT (Trino, double quotes) lists, characters outside [a-z0-9_], upper case, leading digits and underscores, names over 255 UTF-8 bytes, whitespace, BOMs and invisible characters, dots and colons, non-ASCII, case-insensitive duplicates and partition keys that repeat a data column.

Inputs (any number, combined): a Glue database (--database [--table ...]), any Athena data catalog (--catalog C --database D, read with the Athena API), DDL files, \`aws glue get-table(s)\` JSON, CSV headers, JSON Lines samples and Parquet footers.

Rules: ${RULE_IDS.join(', ')}.

--fix prints a collision-free rename map and ready-to-run artefacts: a CREATE OR REPLACE VIEW with clean names, and for JSON tables the OpenX SerDe mapping.* properties. Exit 1 when any error-severity finding exists.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --ddl tables.sql',
    '<%= config.bin %> <%= command.id %> --database analytics --table events --table clicks --fix',
    '<%= config.bin %> <%= command.id %> --catalog my_hive_catalog --database web --workgroup analysts',
    '<%= config.bin %> <%= command.id %> --json-sample events.jsonl --fix --compat awswrangler',
    '<%= config.bin %> <%= command.id %> --csv export.csv --parquet part-0000.parquet --context dml',
    '<%= config.bin %> <%= command.id %> --ddl tables.sql --format sarif --out athena-names.sarif',
  ]
  static override flags = {
    catalog: Flags.string({
      dependsOn: ['database'],
      helpGroup: 'INPUT',
      summary:
        'Athena data catalog to read with the Athena API (ListTableMetadata/GetTableMetadata); needs --database.',
    }),
    compat: Flags.string({
      helpGroup: 'FIX',
      options: ['awswrangler'],
      summary: 'Also predict the names awswrangler would produce (≥ 2.13 and legacy ≤ 2.12) and flag its collisions.',
    }),
    context: Flags.string({
      default: 'both',
      options: ['ddl', 'dml', 'both'],
      summary: 'Lint for DDL (Hive, backticks), DML (Trino, double quotes) or both.',
    }),
    csv: Flags.string({
      helpGroup: 'INPUT',
      multiple: true,
      summary: 'CSV file: lint its header row (a byte-order mark is detected). Gzip is fine.',
    }),
    'csv-delimiter': Flags.string({
      ...onlyWith('csv'),
      helpGroup: 'INPUT',
      summary: 'CSV field delimiter (default: detected from the header).',
    }),
    database: Flags.string({
      helpGroup: 'INPUT',
      summary: 'Glue database to read (GetTables, paginated), or with --catalog the database in that catalog.',
    }),
    ddl: Flags.string({
      helpGroup: 'INPUT',
      multiple: true,
      summary: 'DDL file: CREATE [EXTERNAL] TABLE, CREATE TABLE AS SELECT, CREATE VIEW, CREATE DATABASE.',
    }),
    fix: Flags.boolean({
      default: false,
      helpGroup: 'FIX',
      summary:
        'Print a collision-free rename map, a CREATE OR REPLACE VIEW with clean names, and OpenX SerDe mappings.',
    }),
    format: Flags.string({
      default: 'table',
      options: ['table', 'sarif'],
      summary: 'Output for people (table) or SARIF 2.1.0 for CI code scanning (use --json for the JSON envelope).',
    }),
    'glue-json': Flags.string({
      helpGroup: 'INPUT',
      multiple: true,
      summary: 'Output of `aws glue get-table` or `aws glue get-tables` saved to a file.',
    }),
    ignore: Flags.string({multiple: true, summary: 'Rule ids to skip (comma-separated or repeated).'}),
    'json-sample': Flags.string({
      helpGroup: 'INPUT',
      multiple: true,
      summary: 'JSON Lines sample: every key path at every depth, case-only duplicate keys. Gzip is fine.',
    }),
    out: Flags.string({
      ...renamedFrom('output'),
      summary: 'With --format sarif: write the SARIF file here (atomically) instead of stdout.',
    }),
    parquet: Flags.string({
      helpGroup: 'INPUT',
      multiple: true,
      summary: 'Parquet file: lint the schema in its footer (no data is read).',
    }),
    rules: Flags.string({multiple: true, summary: 'Only these rule ids (comma-separated or repeated).'}),
    table: Flags.string({
      dependsOn: ['database'],
      helpGroup: 'INPUT',
      multiple: true,
      summary: 'Only this table of --database (GetTable / GetTableMetadata); repeatable.',
    }),
    workgroup: Flags.string({
      dependsOn: ['catalog'],
      helpGroup: 'INPUT',
      summary: 'Athena workgroup for --catalog calls.',
    }),
  }
  static override formatIsOutput = true
  static override iam = [
    {action: 'glue:GetTables', when: 'with --database (Glue)'},
    {action: 'glue:GetTable', when: 'with --database --table (Glue)'},
    {action: 'athena:ListTableMetadata', when: 'with --catalog'},
    {action: 'athena:GetTableMetadata', when: 'with --catalog and --table'},
  ]
  static override summary = 'Lint Athena database, table and column names; propose collision-free fixes.'

  public async run(): Promise<LintColumnsResult> {
    const {flags} = await this.parse(AthenaLintColumns)
    const local = [flags.ddl, flags['glue-json'], flags.csv, flags['json-sample'], flags.parquet].some(
      (list) => (list ?? []).length > 0,
    )
    if (!local && !flags.database) {
      throw new UsageError('nothing to lint: give at least one input', {
        suggestions: [
          'Pass --database D [--table T], --catalog C --database D, --ddl FILE, --glue-json FILE, --csv FILE, --json-sample FILE or --parquet FILE.',
        ],
      })
    }

    if (flags.format === 'sarif' && this.jsonEnabled())
      throw new UsageError('--format sarif and --json are two different outputs: choose one')
    if (flags.out && flags.format !== 'sarif')
      throw new UsageError('--out is for --format sarif', {suggestions: ['Add --format sarif, or redirect stdout.']})
    if (flags.out) await checkWritableFile(flags.out, '--out')
    const needsAws = Boolean(flags.database)
    if (!needsAws) this.rejectAwsFlags(flags, 'a lint of local files')
    const aws = needsAws ? await this.awsClients(flags) : undefined
    const outcome = await lintColumns(
      {
        // The SDKs are loaded only to read a catalog (linting files does not need them).
        athena: aws && flags.catalog ? await aws.create('athena') : undefined,
        glue: aws && !flags.catalog ? await aws.create('glue') : undefined,
      },
      lintColumnsRequest(flags),
      this.runContext(),
    )
    const {result} = outcome
    if (result.summary.errors > 0) this.reportFindings()
    if (flags.format === 'sarif') {
      const sarif = `${JSON.stringify(toSarif(outcome.located, PIPEOPS_VERSION), null, 2)}\n`
      if (flags.out) {
        await writeFileAtomic(flags.out, sarif, '--out')
        this.logToStderr(`SARIF with ${result.findings.length} result(s) written to ${flags.out}.`)
      } else process.stdout.write(sarif)
    } else if (!this.jsonEnabled()) {
      this.log(renderLintReport(result))
    }

    return result
  }
}

/** `athena lint-columns` flags → the request its library takes. */
import type {LintColumnsOptions} from '../lib/athena/lint-columns.js'

import {parseCommaList} from '../lib/core/parse/lists.js'

export interface LintColumnsFlags {
  catalog?: string | undefined
  compat?: string | undefined
  context: string
  csv?: string[] | undefined
  'csv-delimiter'?: string | undefined
  database?: string | undefined
  ddl?: string[] | undefined
  fix: boolean
  'glue-json'?: string[] | undefined
  ignore?: string[] | undefined
  'json-sample'?: string[] | undefined
  parquet?: string[] | undefined
  rules?: string[] | undefined
  table?: string[] | undefined
  workgroup?: string | undefined
}

export function lintColumnsRequest(flags: LintColumnsFlags): LintColumnsOptions {
  const tables = parseCommaList(flags.table)
  return {
    compat: flags.compat === 'awswrangler' ? 'awswrangler' : undefined,
    // --compat predicts awswrangler's names, which only a fix report shows.
    fix: flags.fix || Boolean(flags.compat),
    inputs: {
      athena:
        flags.catalog && flags.database
          ? {catalog: flags.catalog, database: flags.database, tables, workgroup: flags.workgroup}
          : undefined,
      csv: flags.csv ?? [],
      // A shell hands `\t` over as two characters; it means a tab.
      csvDelimiter: flags['csv-delimiter'] === String.raw`\t` ? '\t' : flags['csv-delimiter'],
      ddl: flags.ddl ?? [],
      glue: !flags.catalog && flags.database ? {database: flags.database, tables} : undefined,
      glueJson: flags['glue-json'] ?? [],
      jsonSample: flags['json-sample'] ?? [],
      parquet: flags.parquet ?? [],
    },
    selection: {
      context: flags.context as 'both' | 'ddl' | 'dml',
      ignore: parseCommaList(flags.ignore),
      only: parseCommaList(flags.rules),
    },
  }
}

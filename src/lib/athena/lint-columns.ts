import type {AthenaClient} from '@aws-sdk/client-athena'
import type {GlueClient} from '@aws-sdk/client-glue'

import {readdir, readFile, stat} from 'node:fs/promises'
import path from 'node:path'

/**
 * `athena lint-columns`: read every input into one schema model, lint it, and build the fixes.
 */
import type {RunContext} from '../core/run-context.js'
import type {Finding, LocatedFinding, SchemaInput} from './model.js'

import {InputError, UsageError} from '../core/errors.js'
import {buildFixes, type FixReport} from './fix.js'
import {GlueJsonError, readAthenaCatalog, readGlueCatalog, readGlueJson} from './inputs/catalog.js'
import {DdlParseError, parseDdl} from './inputs/ddl.js'
import {FileInputError, readCsvHeader, readJsonSample, readParquetSchema} from './inputs/files.js'
import {lintSchema} from './lint.js'
import {activeRules, RULE_IDS, type RuleSelection, UnknownRuleError} from './rules.js'

export interface LintInputs {
  athena?: undefined | {catalog: string; database: string; tables: string[]; workgroup?: string | undefined}
  csv: string[]
  csvDelimiter?: string | undefined
  ddl: string[]
  glue?: undefined | {catalogId?: string | undefined; database: string; tables: string[]}
  glueJson: string[]
  jsonSample: string[]
  parquet: string[]
}

export interface LintColumnsOptions {
  compat?: 'awswrangler' | undefined
  fix: boolean
  inputs: LintInputs
  selection: RuleSelection
}

export interface LintColumnsResult {
  findings: Finding[]
  fixes?: FixReport
  summary: {columns: number; errors: number; tables: number; warnings: number}
}

export interface LintColumnsOutcome {
  /** Findings with positions (for SARIF). */
  located: LocatedFinding[]
  /** Things the readers skipped, for warnings. */
  notes: string[]
  result: LintColumnsResult
}

export function resolveRules(selection: RuleSelection): Set<string> {
  try {
    return activeRules(selection)
  } catch (error) {
    if (error instanceof UnknownRuleError) {
      throw new UsageError(`unknown rule "${error.ruleId}"`, {suggestions: [`Rule ids: ${RULE_IDS.join(', ')}.`]})
    }

    throw error
  }
}

async function readBytes(file: string): Promise<Buffer> {
  try {
    return await readFile(file)
  } catch (error) {
    throw fileError(file, error)
  }
}

/**
 * The bytes, decoded in one go: readFile(file, 'utf8') decodes chunk by chunk into a string of
 * pieces that the parser then copies into one (same text, twice the work on a big file).
 */
async function readText(file: string): Promise<string> {
  return (await readBytes(file)).toString('utf8')
}

function fileError(file: string, error: unknown): InputError {
  const {code} = error as NodeJS.ErrnoException
  if (code === 'ENOENT')
    return new InputError(`${file} does not exist`, {
      suggestions: ['Check the path; it is relative to the current directory.'],
    })
  if (code === 'EISDIR') return new InputError(`${file} is a directory, not a file`)
  return new InputError(`cannot read ${file}: ${(error as Error).message}`)
}

async function wrap<T>(file: string, fn: () => Promise<T>, hint: string): Promise<T> {
  try {
    return await fn()
  } catch (error) {
    if (error instanceof InputError) throw error
    if (error instanceof DdlParseError)
      throw new InputError(`cannot read the DDL: ${error.message}`, {
        details: {position: error.position},
        suggestions: [hint],
      })
    if (error instanceof FileInputError || error instanceof GlueJsonError)
      throw new InputError(error.message, {suggestions: [hint]})
    if ((error as NodeJS.ErrnoException).code) throw fileError(file, error)
    throw error
  }
}

/** A folder given to --ddl stands for its *.sql, *.ddl and *.hql files (sorted, not recursive). */
async function expandDdlPaths(paths: string[]): Promise<string[]> {
  const out: string[] = []
  for (const p of paths) {
    let isDir = false
    try {
      isDir = (await stat(p)).isDirectory()
    } catch (error) {
      throw fileError(p, error)
    }

    if (!isDir) {
      out.push(p)
      continue
    }

    const files = (await readdir(p)).filter((f) => /\.(sql|ddl|hql)$/i.test(f)).sort()
    if (files.length === 0)
      throw new InputError(`${p} has no .sql, .ddl or .hql files`, {
        suggestions: ['Pass the DDL files themselves, or a folder that holds them.'],
      })
    out.push(...files.map((f) => path.join(p, f)))
  }

  return out
}

/** Read all inputs into one schema. */
export async function readInputs(
  inputs: LintInputs,
  clients: {athena?: AthenaClient | undefined; glue?: GlueClient | undefined},
): Promise<SchemaInput> {
  const parts: SchemaInput[] = []
  for (const file of await expandDdlPaths(inputs.ddl)) {
    parts.push(
      await wrap(
        file,
        async () => parseDdl(await readText(file), file),
        'The DDL reader understands CREATE [EXTERNAL] TABLE, CREATE TABLE AS SELECT, CREATE [OR REPLACE] VIEW and CREATE DATABASE; fix the statement at that line.',
      ),
    )
  }

  for (const file of inputs.glueJson) {
    parts.push(
      await wrap(
        file,
        async () => readGlueJson(await readBytes(file), file),
        'Save it with: aws glue get-table --database-name D --name T > table.json (or get-tables).',
      ),
    )
  }

  for (const file of inputs.csv) {
    parts.push(
      await wrap(
        file,
        () => readCsvHeader(file, {delimiter: inputs.csvDelimiter}),
        'Pass a CSV file whose first row is the header (gzip is fine).',
      ),
    )
  }

  for (const file of inputs.jsonSample) {
    parts.push(
      await wrap(file, () => readJsonSample(file), 'Pass JSON Lines: one JSON object per line (gzip is fine).'),
    )
  }

  for (const file of inputs.parquet) {
    parts.push(
      await wrap(file, () => readParquetSchema(file), 'Pass a Parquet file (the schema is read from its footer).'),
    )
  }

  if (inputs.glue) {
    if (!clients.glue) throw new Error('a Glue client is needed for --database')
    parts.push(await readGlueCatalog(clients.glue, inputs.glue))
  }

  if (inputs.athena) {
    if (!clients.athena) throw new Error('an Athena client is needed for --catalog')
    parts.push(await readAthenaCatalog(clients.athena, inputs.athena))
  }

  return {
    databases: parts.flatMap((p) => p.databases),
    notes: parts.flatMap((p) => p.notes),
    tables: parts.flatMap((p) => p.tables),
  }
}

/** Lint an already-read schema (pure; also what the benchmark times after reading). */
export function lintAndFix(schema: SchemaInput, options: Omit<LintColumnsOptions, 'inputs'>): LintColumnsOutcome {
  const active = resolveRules(options.selection)
  const outcome = lintSchema(schema, active)
  // LocatedFinding keeps its location in private fields: it serialises to exactly the Finding shape.
  const {findings} = outcome
  const result: LintColumnsResult = {findings, summary: outcome.summary}
  if (options.fix) {
    const duplicateTables = new Set<string>()
    for (const f of outcome.findings)
      if (f.rule === 'duplicate-name') duplicateTables.add(`${f.database ?? ''}\u0000${f.table ?? ''}`)
    result.fixes = buildFixes(schema, outcome.renames, {
      compat: options.compat,
      duplicateTables,
      plainNames: outcome.plainNames,
    })
  }

  return {located: outcome.findings, notes: schema.notes, result}
}

/** The lint-columns flow: read every input, lint, fix. Notes on the inputs go to `ctx.warn` (and stay in the outcome). */
export async function lintColumns(
  clients: {athena?: AthenaClient | undefined; glue?: GlueClient | undefined},
  request: LintColumnsOptions,
  ctx: Pick<RunContext, 'warn'>,
): Promise<LintColumnsOutcome> {
  resolveRules(request.selection)
  const schema = await readInputs(request.inputs, clients)
  const outcome = lintAndFix(schema, request)
  for (const note of outcome.notes) ctx.warn(note)
  return outcome
}

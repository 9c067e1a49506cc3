/**
 * Reading the Glue Data Catalog: GetTable, GetPartitions (MaxResults 1000, ExcludeColumnSchema, up
 * to 10 parallel Segments, pushed-down Expression), GetTables (for the nested-table guard),
 * BatchGetPartition (re-checks), and the offline equivalents: the JSON printed by
 * `aws glue get-table`, `aws glue get-partitions` and `aws glue get-tables`.
 */
import {
  BatchGetPartitionCommand,
  GetPartitionsCommand,
  GetTableCommand,
  GetTablesCommand,
  type GlueClient,
  type Partition,
  type StorageDescriptor,
  type Table,
} from '@aws-sdk/client-glue'

import {abortOpts} from '../aws/abort.js'
import {ExitCode, InputError, PipeopsError} from '../core/errors.js'
import {sleep as abortableSleep} from '../core/sleep.js'

/** SDK send options with an abort signal, if there is one. */
export {abortOpts} from '../aws/abort.js'

export interface TableInfo {
  database: string
  keys: Array<{name: string; type: string}>
  location: string
  name: string
  parameters: Record<string, string>
  sd: StorageDescriptor
  tableType?: string | undefined
}

export interface CatalogPartition {
  location?: string | undefined
  parameters?: Record<string, string> | undefined
  sd?: StorageDescriptor | undefined
  values: string[]
}

export interface OtherTable {
  location: string
  name: string
}

export function tableInfoFromApi(table: Table, source: string): TableInfo {
  const location = table.StorageDescriptor?.Location
  if (!location) {
    throw new InputError(
      `table ${table.DatabaseName ?? '?'}.${table.Name ?? '?'} (${source}) has no StorageDescriptor.Location`,
      {
        suggestions: [
          'partition-sync needs the table root in S3; set the table LOCATION (ALTER TABLE … SET LOCATION) first.',
        ],
      },
    )
  }

  return {
    database: table.DatabaseName ?? '',
    keys: (table.PartitionKeys ?? []).map((k) => ({name: k.Name ?? '', type: (k.Type ?? 'string').toLowerCase()})),
    location,
    name: table.Name ?? '',
    parameters: table.Parameters ?? {},
    sd: table.StorageDescriptor ?? {},
    tableType: table.TableType,
  }
}

export function partitionFromApi(p: Partition): CatalogPartition {
  return {
    location: p.StorageDescriptor?.Location,
    parameters: p.Parameters,
    sd: p.StorageDescriptor,
    values: p.Values ?? [],
  }
}

export async function readTable(
  glue: GlueClient,
  database: string,
  table: string,
  signal?: AbortSignal,
): Promise<TableInfo> {
  const out = await glue.send(new GetTableCommand({DatabaseName: database, Name: table}), abortOpts(signal))
  if (!out.Table)
    throw new PipeopsError(ExitCode.NotFound, `table ${database}.${table} not found`, {code: 'EntityNotFoundException'})
  return tableInfoFromApi(out.Table, `${database}.${table}`)
}

export interface ReadPartitionsOptions {
  database: string
  excludeColumnSchema: boolean
  expression?: string | undefined
  onPage?: (partitions: number, requests: number) => void
  /** 1–10 parallel segments. */
  segments: number
  signal?: AbortSignal | undefined
  table: string
}

export interface PartitionsRead {
  partitions: CatalogPartition[]
  requests: number
}

export async function readPartitions(glue: GlueClient, options: ReadPartitionsOptions): Promise<PartitionsRead> {
  const total = Math.min(10, Math.max(1, options.segments))
  let requests = 0
  const partitions: CatalogPartition[] = []
  await Promise.all(
    Array.from({length: total}, async (_, segment) => {
      let token: string | undefined
      do {
        options.signal?.throwIfAborted()
        requests++
        const page = await glue.send(
          new GetPartitionsCommand({
            DatabaseName: options.database,
            ExcludeColumnSchema: options.excludeColumnSchema,
            MaxResults: 1000,
            NextToken: token,
            TableName: options.table,
            ...(options.expression ? {Expression: options.expression} : {}),
            ...(total > 1 ? {Segment: {SegmentNumber: segment, TotalSegments: total}} : {}),
          }),
          abortOpts(options.signal),
        )
        for (const p of page.Partitions ?? []) partitions.push(partitionFromApi(p))
        options.onPage?.(partitions.length, requests)
        token = page.NextToken
      } while (token)
    }),
  )
  return {partitions, requests}
}

/** Other tables of the database with an S3 location (for the nested-table guard). */
export async function readOtherTables(
  glue: GlueClient,
  database: string,
  except: string,
  signal?: AbortSignal,
): Promise<OtherTable[]> {
  const out: OtherTable[] = []
  let token: string | undefined
  do {
    const page = await glue.send(new GetTablesCommand({DatabaseName: database, NextToken: token}), abortOpts(signal))
    for (const t of page.TableList ?? []) {
      const location = t.StorageDescriptor?.Location
      if (location && t.Name && t.Name.toLowerCase() !== except.toLowerCase())
        out.push({location, name: `${t.DatabaseName ?? database}.${t.Name}`})
    }

    token = page.NextToken
  } while (token)

  return out
}

export const BATCH_GET_MAX = 1000

/**
 * BatchGetPartition for any number of value lists: 1000 per call, UnprocessedKeys re-requested,
 * and a loop that makes no progress three times in a row fails instead of spinning.
 * Missing partitions are simply absent from the answer (Glue's behaviour).
 */
export async function batchGetPartitions(
  glue: GlueClient,
  target: {database: string; table: string},
  valuesList: string[][],
  options: {signal?: AbortSignal | undefined; sleep?: (ms: number) => Promise<void>} = {},
): Promise<Partition[]> {
  const found: Partition[] = []
  // The one abortable sleep: Ctrl-C ends a back-off at once (exit 8).
  const sleep = options.sleep ?? ((ms: number) => abortableSleep(ms, options.signal))
  for (let i = 0; i < valuesList.length; i += BATCH_GET_MAX) {
    let pending = valuesList.slice(i, i + BATCH_GET_MAX)
    let stalls = 0
    while (pending.length > 0) {
      options.signal?.throwIfAborted()
      const out = await glue.send(
        new BatchGetPartitionCommand({
          DatabaseName: target.database,
          PartitionsToGet: pending.map((v) => ({Values: v})),
          TableName: target.table,
        }),
        abortOpts(options.signal),
      )
      found.push(...(out.Partitions ?? []))
      const unprocessed = (out.UnprocessedKeys ?? []).map((k) => k.Values ?? [])
      if (unprocessed.length >= pending.length) {
        stalls++
        if (stalls >= 3) {
          throw new PipeopsError(
            ExitCode.Throttled,
            `BatchGetPartition made no progress on ${unprocessed.length} partition(s) after ${stalls} tries`,
            {
              code: 'NoProgress',
              suggestions: ['Glue is overloaded or throttling; wait a minute and run the command again (it resumes).'],
            },
          )
        }

        await sleep(200 * 2 ** stalls)
      } else {
        stalls = 0
      }

      pending = unprocessed
    }
  }

  return found
}

// ---- offline input -------------------------------------------------------------------------

/** The AWS CLI command whose output each offline flag takes. */
const EXPORT_COMMANDS: Record<string, string> = {
  '--partitions-json': 'aws glue get-partitions --database-name D --table-name T --output json > partitions.json',
  '--table-json': 'aws glue get-table --database-name D --name T --output json > table.json',
  '--tables-json': 'aws glue get-tables --database-name D --output json > tables.json',
}

async function readJson(file: string, flag: string): Promise<unknown> {
  const {readFile} = await import('node:fs/promises')
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new InputError(`${flag}: cannot read ${file}: ${(error as Error).message}`, {
      suggestions: [`Check the path given to ${flag}.`],
    })
  }

  try {
    return JSON.parse(text) as unknown
  } catch (error) {
    throw new InputError(`${flag}: ${file} is not valid JSON: ${(error as Error).message}`, {
      suggestions: [`Save it again with the AWS CLI: ${EXPORT_COMMANDS[flag] ?? 'aws glue … --output json'}`],
    })
  }
}

/** The output of `aws glue get-table` ({"Table": {...}}) or a bare Table object. */
export async function loadTableJson(file: string): Promise<TableInfo> {
  const data = (await readJson(file, '--table-json')) as Table & {Table?: Table}
  const table = data && typeof data === 'object' ? (data.Table ?? data) : undefined
  if (!table || typeof table !== 'object' || typeof table.Name !== 'string') {
    throw new InputError(`--table-json: ${file} is not a Glue table (no "Table.Name")`, {
      suggestions: ['Use the output of: aws glue get-table --database-name D --name T --output json'],
    })
  }

  return tableInfoFromApi(table, file)
}

/** The output of `aws glue get-partitions` ({"Partitions": [...]}) or an array of partitions. */
export async function loadPartitionsJson(file: string): Promise<CatalogPartition[]> {
  const data = (await readJson(file, '--partitions-json')) as Partition[] | {Partitions?: Partition[]}
  const list = Array.isArray(data) ? data : data && typeof data === 'object' ? data.Partitions : undefined
  if (!Array.isArray(list)) {
    throw new InputError(`--partitions-json: ${file} has no "Partitions" array`, {
      suggestions: ['Use the output of: aws glue get-partitions --database-name D --table-name T --output json'],
    })
  }

  return list.map((p, i) => {
    if (!p || !Array.isArray(p.Values) || p.Values.some((v) => typeof v !== 'string')) {
      throw new InputError(`--partitions-json: partition ${i + 1} in ${file} has no "Values" list of strings`, {
        suggestions: ['Export the partitions again with aws glue get-partitions.'],
      })
    }

    return partitionFromApi(p)
  })
}

/** The output of `aws glue get-tables` ({"TableList": [...]}). */
export async function loadTablesJson(file: string, except: string): Promise<OtherTable[]> {
  const data = (await readJson(file, '--tables-json')) as Table[] | {TableList?: Table[]}
  const list = Array.isArray(data) ? data : data?.TableList
  if (!Array.isArray(list)) {
    throw new InputError(`--tables-json: ${file} has no "TableList" array`, {
      suggestions: ['Use the output of: aws glue get-tables --database-name D --output json'],
    })
  }

  return list
    .filter((t) => t?.StorageDescriptor?.Location && t.Name && t.Name.toLowerCase() !== except.toLowerCase())
    .map((t) => ({location: t.StorageDescriptor!.Location!, name: `${t.DatabaseName ?? ''}.${t.Name}`}))
}

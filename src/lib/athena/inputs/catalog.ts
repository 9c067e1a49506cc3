/**
 * Catalog inputs: Glue tables (GetTables / GetTable, or the JSON that `aws glue get-table(s)`
 * prints) and any Athena data catalog through the Athena API (ListTableMetadata /
 * GetTableMetadata, honouring the workgroup). Column type strings are parsed into nested fields.
 */
import {
  type AthenaClient,
  GetTableMetadataCommand,
  paginateListTableMetadata,
  type TableMetadata,
} from '@aws-sdk/client-athena'
import {GetTableCommand, type GlueClient, paginateGetTables} from '@aws-sdk/client-glue'

import type {ColumnDef, HiveType, SchemaInput, SourceKind, TableDef} from '../model.js'

import {parseHiveType, TypeParseError} from '../type-string.js'

export interface GlueColumnLike {
  Name?: string | undefined
  Type?: string | undefined
}

export interface GlueTableLike {
  DatabaseName?: string | undefined
  Name?: string | undefined
  Parameters?: Record<string, string> | undefined
  PartitionKeys?: GlueColumnLike[] | undefined
  StorageDescriptor?:
    | undefined
    | {
        Columns?: GlueColumnLike[] | undefined
        Location?: string | undefined
        SerdeInfo?: undefined | {SerializationLibrary?: string | undefined}
      }
  TableType?: string | undefined
}

/** Primitive types are shared: most columns of a big catalog are `string`, `bigint`, … */
const PRIMITIVES = new Map<string, HiveType>()
const SIMPLE_TYPE = /^[A-Za-z]\w*$/

function primitive(typeName: string): HiveType {
  let type = PRIMITIVES.get(typeName)
  if (!type) {
    type = {kind: 'primitive', name: typeName.toLowerCase()}
    PRIMITIVES.set(typeName, type)
  }

  return type
}

function toColumn(c: GlueColumnLike, where: () => string, notes: string[]): ColumnDef {
  const name = c.Name ?? ''
  const {Type} = c
  if (!Type) return {name}
  // Most columns have a type seen before: one map look-up, no pattern test.
  const known = PRIMITIVES.get(Type)
  if (known) return {name, type: known}
  if (SIMPLE_TYPE.test(Type)) return {name, type: primitive(Type)}
  try {
    return {name, type: parseHiveType(Type)}
  } catch (error) {
    if (!(error instanceof TypeParseError)) throw error
    notes.push(
      `${where()}: the type of column "${name}" could not be read (${error.message}); nested names in it were not linted`,
    )
    return {name, type: {kind: 'primitive', name: Type}}
  }
}

/**
 * The columns of one Glue column list (primitive types shared). The array is made at its final
 * size by `new Array`, so V8 can allocate it (and its elements) straight into the old generation
 * once it sees they all live on: the parsed document is still young while the schema is built,
 * and every young collection during the build would copy it.
 */
function toColumns(list: GlueColumnLike[] | undefined, where: () => string, notes: string[]): ColumnDef[] {
  if (!list) return []
  // eslint-disable-next-line unicorn/no-new-array -- see above: the allocation is the point
  const columns = new Array<ColumnDef>(list.length)
  for (let i = 0; i < list.length; i++) columns[i] = toColumn(list[i]!, where, notes)
  return columns
}

/** One Glue `Table` structure → our model. */
export function tableFromGlue(
  t: GlueTableLike,
  source: {file?: string | undefined; kind: SourceKind},
  notes: string[],
  fallbackDatabase: null | string = null,
): TableDef {
  const table = t.Name ?? ''
  const database = t.DatabaseName ?? fallbackDatabase
  // Only needed for notes about unreadable types.
  const where = (): string => `${source.file ? `${source.file}: ` : ''}${database ? `${database}.` : ''}${table}`
  return {
    columns: toColumns(t.StorageDescriptor?.Columns, where, notes),
    database,
    kind: t.TableType === 'VIRTUAL_VIEW' ? 'view' : 'table',
    location: t.StorageDescriptor?.Location,
    partitionKeys: toColumns(t.PartitionKeys, where, notes),
    serde: t.StorageDescriptor?.SerdeInfo?.SerializationLibrary,
    source,
    table,
  }
}

export class GlueJsonError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'GlueJsonError'
  }
}

/**
 * The output of `aws glue get-table` (`{"Table": …}`), `get-tables` (`{"TableList": […]}`), or a
 * bare table / array of tables.
 */
export function readGlueJson(text: string, file: string): SchemaInput {
  let doc: unknown
  try {
    doc = JSON.parse(text.startsWith('\uFEFF') ? text.slice(1) : text)
  } catch (error) {
    throw new GlueJsonError(`${file} is not valid JSON: ${(error as Error).message}`)
  }

  let list: unknown[]
  if (Array.isArray(doc)) list = doc
  else if (
    doc &&
    typeof doc === 'object' &&
    'TableList' in doc &&
    Array.isArray((doc as {TableList: unknown}).TableList)
  )
    list = (doc as {TableList: unknown[]}).TableList
  else if (doc && typeof doc === 'object' && 'Table' in doc) list = [(doc as {Table: unknown}).Table]
  else if (doc && typeof doc === 'object' && 'Name' in doc) list = [doc]
  else
    throw new GlueJsonError(`${file} holds neither "Table" (aws glue get-table) nor "TableList" (aws glue get-tables)`)
  const notes: string[] = []
  const tables = list.map((t, i) => {
    if (!t || typeof t !== 'object' || typeof (t as GlueTableLike).Name !== 'string')
      throw new GlueJsonError(`${file}: table ${i + 1} has no "Name"`)
    return tableFromGlue(t as GlueTableLike, {file, kind: 'glue-json'}, notes)
  })
  return {databases: [], notes, tables}
}

/** Tables of a Glue database: all (GetTables, paginated) or the named ones (GetTable). */
export async function readGlueCatalog(
  glue: GlueClient,
  options: {catalogId?: string | undefined; database: string; tables: string[]},
): Promise<SchemaInput> {
  const notes: string[] = []
  const source = {kind: 'glue' as const}
  const tables: TableDef[] = []
  const catalog = options.catalogId ? {CatalogId: options.catalogId} : {}
  if (options.tables.length > 0) {
    for (const name of options.tables) {
      const response = await glue.send(new GetTableCommand({...catalog, DatabaseName: options.database, Name: name}))
      if (response.Table) tables.push(tableFromGlue(response.Table, source, notes, options.database))
    }
  } else {
    for await (const page of paginateGetTables(
      {client: glue, pageSize: 100},
      {...catalog, DatabaseName: options.database},
    )) {
      for (const t of page.TableList ?? []) tables.push(tableFromGlue(t, source, notes, options.database))
    }
  }

  return {databases: [{database: options.database, source}], notes, tables}
}

function tableFromAthena(t: TableMetadata, database: string, notes: string[]): TableDef {
  const params = t.Parameters ?? {}
  return {
    ...tableFromGlue(
      {
        DatabaseName: database,
        Name: t.Name,
        PartitionKeys: t.PartitionKeys,
        StorageDescriptor: {
          Columns: t.Columns,
          Location: params.location,
          SerdeInfo: {SerializationLibrary: params['serde.serialization.lib']},
        },
        TableType: t.TableType,
      },
      {kind: 'athena'},
      notes,
      database,
    ),
  }
}

/** Tables of any Athena data catalog (federated, Hive metastore, Glue) via the Athena API. */
export async function readAthenaCatalog(
  athena: AthenaClient,
  options: {catalog: string; database: string; tables: string[]; workgroup?: string | undefined},
): Promise<SchemaInput> {
  const notes: string[] = []
  const tables: TableDef[] = []
  const wg = options.workgroup ? {WorkGroup: options.workgroup} : {}
  if (options.tables.length > 0) {
    for (const name of options.tables) {
      const response = await athena.send(
        new GetTableMetadataCommand({
          CatalogName: options.catalog,
          DatabaseName: options.database,
          TableName: name,
          ...wg,
        }),
      )
      if (response.TableMetadata) tables.push(tableFromAthena(response.TableMetadata, options.database, notes))
    }
  } else {
    for await (const page of paginateListTableMetadata(
      {client: athena, pageSize: 50},
      {CatalogName: options.catalog, DatabaseName: options.database, ...wg},
    )) {
      for (const t of page.TableMetadataList ?? []) tables.push(tableFromAthena(t, options.database, notes))
    }
  }

  return {databases: [{database: options.database, source: {kind: 'athena'}}], notes, tables}
}

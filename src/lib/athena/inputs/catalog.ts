/**
 * Catalog inputs: Glue tables (GetTables / GetTable, or the JSON that `aws glue get-table(s)`
 * prints) and any Athena data catalog through the Athena API (ListTableMetadata /
 * GetTableMetadata, honouring the workgroup). Column type strings are parsed into nested fields.
 */
// The SDKs are imported when a catalog is read: linting files does not load them (~130 ms, 25 MB).
import type {AthenaClient, TableMetadata} from '@aws-sdk/client-athena'
import type {GlueClient} from '@aws-sdk/client-glue'

import type {ColumnDef, HiveType, SchemaInput, SourceKind, TableDef} from '../model.js'

import {parseHiveType, TypeParseError} from '../type-string.js'
import {scanGlueJson, ScannedColumns} from './glue-json-scan.js'

export interface GlueColumnLike {
  Name?: string | undefined
  Type?: string | undefined
}

export interface GlueTableLike {
  DatabaseName?: string | undefined
  Name?: string | undefined
  Parameters?: Record<string, string> | undefined
  PartitionKeys?: GlueColumnLike[] | ScannedColumns | undefined
  StorageDescriptor?:
    | undefined
    | {
        Columns?: GlueColumnLike[] | ScannedColumns | undefined
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

/**
 * What the tables of one read share: a catalogue repeats struct types across its tables (copies
 * of a table, one table per day or per source). The model is never changed after reading, so an
 * equal type can be one tree, parsed once.
 */
export class SharedColumns {
  /** Parsed nested types by their text. */
  readonly nestedTypes = new Map<string, HiveType>()
}

function toColumn(
  name: string,
  Type: string | undefined,
  shared: SharedColumns,
  onError: (message: string) => void,
): ColumnDef {
  if (!Type) return {name}
  // Most columns have a type seen before: one map look-up, no pattern test.
  const known = PRIMITIVES.get(Type) ?? (SIMPLE_TYPE.test(Type) ? primitive(Type) : undefined)
  if (known) return {name, type: known}

  let type = shared.nestedTypes.get(Type)
  if (type === undefined) {
    try {
      type = parseHiveType(Type)
    } catch (error) {
      if (!(error instanceof TypeParseError)) throw error
      onError(`the type of column "${name}" could not be read (${error.message}); nested names in it were not linted`)
      return {name, type: {kind: 'primitive', name: Type}}
    }

    shared.nestedTypes.set(Type, type)
  }

  return {name, type}
}

/**
 * The columns of one Glue column list. The array is made at its final size by `new Array`, so V8
 * can allocate it (and its elements) straight into the old generation once it sees they all live
 * on: every young collection while the schema is built would copy it.
 */
function toColumns(
  list: GlueColumnLike[] | ScannedColumns | undefined,
  shared: SharedColumns,
  onError: (message: string) => void,
): ColumnDef[] {
  if (!list) return []
  if (list instanceof ScannedColumns) {
    const {names, types} = list
    // eslint-disable-next-line unicorn/no-new-array -- see above: the allocation is the point
    const columns = new Array<ColumnDef>(names.length)
    for (let i = 0; i < names.length; i++) columns[i] = toColumn(names[i]!, types[i], shared, onError)
    return columns
  }

  // eslint-disable-next-line unicorn/no-new-array -- see above: the allocation is the point
  const columns = new Array<ColumnDef>(list.length)
  // A plain index loop: entries() would allocate a pair per column.
  // eslint-disable-next-line unicorn/no-for-loop -- see above
  for (let i = 0; i < list.length; i++) {
    const c = list[i]!
    columns[i] = toColumn(c.Name ?? '', c.Type, shared, onError)
  }

  return columns
}

/** One Glue `Table` structure → our model; `shared` is shared by the tables of one read. */
// eslint-disable-next-line max-params -- internal to the catalog readers
export function tableFromGlue(
  t: GlueTableLike,
  source: {file?: string | undefined; kind: SourceKind},
  notes: string[],
  shared: SharedColumns,
  fallbackDatabase: null | string = null,
): TableDef {
  const table = t.Name ?? ''
  const database = t.DatabaseName ?? fallbackDatabase
  // Notes about unreadable types name the table.
  const onError = (message: string): void => {
    notes.push(`${source.file ? `${source.file}: ` : ''}${database ? `${database}.` : ''}${table}: ${message}`)
  }

  return {
    columns: toColumns(t.StorageDescriptor?.Columns, shared, onError),
    database,
    kind: t.TableType === 'VIRTUAL_VIEW' ? 'view' : 'table',
    location: t.StorageDescriptor?.Location,
    partitionKeys: toColumns(t.PartitionKeys, shared, onError),
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
export function readGlueJson(input: Buffer | string, file: string): SchemaInput {
  if (typeof input !== 'string') {
    const source = {file, kind: 'glue-json' as const}
    const shared = new SharedColumns()
    // Each table keeps its own notes: the scanner may finish a table the document does not list.
    const scanned = scanGlueJson(input, (t) => {
      const notes: string[] = []
      return {notes, table: tableFromGlue(t, source, notes, shared)}
    })
    if (scanned) return {databases: [], notes: scanned.flatMap((t) => t.notes), tables: scanned.map((t) => t.table)}
  }

  // The general path: every shape and every error (the scanner leaves those to JSON.parse).
  const text = typeof input === 'string' ? input : input.toString('utf8')
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
  const shared = new SharedColumns()
  const tables = list.map((t, i) => {
    if (!t || typeof t !== 'object' || typeof (t as GlueTableLike).Name !== 'string')
      throw new GlueJsonError(`${file}: table ${i + 1} has no "Name"`)
    return tableFromGlue(t as GlueTableLike, {file, kind: 'glue-json'}, notes, shared)
  })
  return {databases: [], notes, tables}
}

/** Tables of a Glue database: all (GetTables, paginated) or the named ones (GetTable). */
export async function readGlueCatalog(
  glue: GlueClient,
  options: {catalogId?: string | undefined; database: string; tables: string[]},
): Promise<SchemaInput> {
  const {GetTableCommand, paginateGetTables} = await import('@aws-sdk/client-glue')
  const notes: string[] = []
  const source = {kind: 'glue' as const}
  const shared = new SharedColumns()
  const tables: TableDef[] = []
  const catalog = options.catalogId ? {CatalogId: options.catalogId} : {}
  if (options.tables.length > 0) {
    for (const name of options.tables) {
      const response = await glue.send(new GetTableCommand({...catalog, DatabaseName: options.database, Name: name}))
      if (response.Table) tables.push(tableFromGlue(response.Table, source, notes, shared, options.database))
    }
  } else {
    for await (const page of paginateGetTables(
      {client: glue, pageSize: 100},
      {...catalog, DatabaseName: options.database},
    )) {
      for (const t of page.TableList ?? []) tables.push(tableFromGlue(t, source, notes, shared, options.database))
    }
  }

  return {databases: [{database: options.database, source}], notes, tables}
}

function tableFromAthena(t: TableMetadata, database: string, notes: string[], shared: SharedColumns): TableDef {
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
      shared,
      database,
    ),
  }
}

/** Tables of any Athena data catalog (federated, Hive metastore, Glue) via the Athena API. */
export async function readAthenaCatalog(
  athena: AthenaClient,
  options: {catalog: string; database: string; tables: string[]; workgroup?: string | undefined},
): Promise<SchemaInput> {
  const {GetTableMetadataCommand, paginateListTableMetadata} = await import('@aws-sdk/client-athena')
  const notes: string[] = []
  const shared = new SharedColumns()
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
      if (response.TableMetadata) tables.push(tableFromAthena(response.TableMetadata, options.database, notes, shared))
    }
  } else {
    for await (const page of paginateListTableMetadata(
      {client: athena, pageSize: 50},
      {CatalogName: options.catalog, DatabaseName: options.database, ...wg},
    )) {
      for (const t of page.TableMetadataList ?? []) tables.push(tableFromAthena(t, options.database, notes, shared))
    }
  }

  return {databases: [{database: options.database, source: {kind: 'athena'}}], notes, tables}
}

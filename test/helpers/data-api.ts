/** Redshift Data API results in the shape GetStatementResult returns (JSON format). */
export type CellValue = null | number | string

export function dataApiCell(v: CellValue) {
  return v === null ? {isNull: true} : typeof v === 'number' ? {longValue: v} : {stringValue: v}
}

export function dataApiPage(columns: string[], rows: CellValue[][], nextToken?: string) {
  return {
    ColumnMetadata: columns.map((name) => ({label: name, name, typeName: 'varchar'})),
    NextToken: nextToken,
    Records: rows.map((r) => r.map((v) => dataApiCell(v))),
    TotalNumRows: rows.length,
  }
}

/** The columns copy-check reads from SVV_COLUMNS, in order. */
export const SVV_COLUMNS = [
  'table_schema',
  'table_name',
  'column_name',
  'ordinal_position',
  'data_type',
  'character_maximum_length',
  'numeric_precision',
  'numeric_scale',
  'is_nullable',
  'column_default',
]

/** One SVV_COLUMNS row: schema, table, column, position, data_type, length, precision, scale, is_nullable, default. */
export type SvvColumnsRow = [
  string,
  string,
  string,
  number,
  string,
  null | number,
  null | number,
  null | number,
  string,
  null | string,
]

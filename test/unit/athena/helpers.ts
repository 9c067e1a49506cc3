import type {ColumnDef, LocatedFinding, SchemaInput, TableDef} from '../../../src/lib/athena/model.js'

import {lintSchema} from '../../../src/lib/athena/lint.js'
import {activeRules} from '../../../src/lib/athena/rules.js'
import {parseHiveType} from '../../../src/lib/athena/type-string.js'

export const ALL = activeRules({context: 'both', ignore: [], only: []})

export function col(name: string, type?: string): ColumnDef {
  return type ? {name, type: parseHiveType(type)} : {name}
}

export function table(columns: ColumnDef[], extra: Partial<TableDef> = {}): TableDef {
  return {columns, database: 'db', kind: 'table', partitionKeys: [], source: {kind: 'glue'}, table: 't', ...extra}
}

export function schema(...tables: TableDef[]): SchemaInput {
  return {databases: [], notes: [], tables}
}

/** Lint one table and return [rule, name-or-path] pairs. */
export function lintTable(t: TableDef, active: ReadonlySet<string> = ALL): LocatedFinding[] {
  return lintSchema(schema(t), active).findings
}

export function rulesFor(findings: LocatedFinding[], name: string): string[] {
  return findings.filter((f) => (f.path ?? f.column ?? f.table) === name).map((f) => f.rule)
}

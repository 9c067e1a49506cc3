/**
 * A small typed SQL model, rendered for two dialects: Athena (engine v3 = Trino) and DuckDB (the
 * embedded engine the tests run the same query on). Only what differs between the two is a node
 * of its own (the MD5 of a string as hex, a string's UTF-8 length, epoch seconds, hex → number,
 * double literals); the rest is SQL both engines read alike. One model, two renderings, never
 * two hand-written copies of a query (docs/scale.md).
 *
 * Facts (reference/athena-scale.md §1, §6): Trino's `md5` takes varbinary only, so
 * `to_hex(md5(to_utf8(k)))` (uppercase hex); DuckDB's `md5(k)` hashes the UTF-8 bytes and returns
 * lowercase hex. A decimal literal with a point is DECIMAL in DuckDB, so doubles are cast.
 */

export type Dialect = 'duckdb' | 'trino'

export type TimeFormat = 'epoch-ms' | 'epoch-s' | 'timestamp'

/**
 * An expression. The nodes that are not plain SQL:
 * - `caseWhen`: CASE WHEN caseWhen THEN thenValue ELSE elseValue END;
 * - `listAny`: true when some element of the list satisfies `where` (the element is the lambda variable `as`);
 * - `listJoin`: the list's elements mapped through `item` and joined with `sep` (NULL list → NULL);
 * - `endsWith`: `value LIKE '%suffix'`, the suffix's wildcards escaped.
 */
export type Expr =
  | {args: Expr[]; call: string}
  | {as: 'bigint' | 'double' | 'varchar'; cast: Expr}
  | {as: string; item: Expr; listJoin: Expr; sep: Expr}
  | {as: string; listAny: Expr; where: Expr}
  | {caseWhen: Expr; elseValue: Expr; thenValue: Expr}
  | {column: string; from?: string}
  | {double: number}
  | {endsWith: string; value: Expr}
  | {epochMs: number; format: TimeFormat; timeAtOrAfter: Expr}
  | {epochMs: number; format: TimeFormat; timeBefore: Expr}
  | {epochSecond: Expr; format: TimeFormat}
  | {field: string; of: Expr}
  | {hexToDouble: Expr}
  | {int: bigint | number}
  | {left: Expr; op: '*' | '+' | '-' | '/' | '<' | '<=' | '=' | '>' | '>=' | 'AND' | 'OR'; right: Expr}
  | {md5Hex: Expr}
  | {sql: string}
  | {str: string}
  | {utf8Length: Expr}

/** Quote an identifier for either engine (both use double quotes, doubled inside). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`
}

/** `db.table` or `table` → quoted parts. */
export function quoteTableName(name: string): string {
  return name
    .split('.')
    .map((p) => quoteIdent(p))
    .join('.')
}

export function quoteString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

function timeLiteral(epochMs: number, format: TimeFormat, dialect: Dialect): string {
  if (format === 'epoch-ms') return String(epochMs)
  if (format === 'epoch-s') return String(Math.floor(epochMs / 1000))
  const iso = new Date(epochMs).toISOString().replace('T', ' ').replace('Z', '')
  return dialect === 'trino' ? `TIMESTAMP ${quoteString(iso)}` : `CAST(${quoteString(iso)} AS TIMESTAMP)`
}

/** The nodes over lists (lambdas) and text suffixes, where the two engines spell things apart. */
function renderListOrText(
  e: Extract<Expr, {endsWith: string} | {listAny: Expr} | {listJoin: Expr}>,
  d: Dialect,
): string {
  const r = (x: Expr): string => renderExpr(x, d)
  // Trino: any_match / transform + array_join; DuckDB: list_filter / list_transform + array_to_string.
  if ('listAny' in e)
    return d === 'trino'
      ? `any_match(${r(e.listAny)}, ${e.as} -> ${r(e.where)})`
      : `(len(list_filter(${r(e.listAny)}, ${e.as} -> ${r(e.where)})) > 0)`
  if ('listJoin' in e)
    return d === 'trino'
      ? `array_join(transform(${r(e.listJoin)}, ${e.as} -> ${r(e.item)}), ${r(e.sep)})`
      : `array_to_string(list_transform(${r(e.listJoin)}, ${e.as} -> ${r(e.item)}), ${r(e.sep)})`
  return `(${r(e.value)} LIKE ${quoteString(`%${e.endsWith.replaceAll(/[\\%_]/g, (c) => `\\${c}`)}`)} ESCAPE '\\')`
}

export function renderExpr(e: Expr, d: Dialect): string {
  const r = (x: Expr): string => renderExpr(x, d)
  if ('sql' in e) return e.sql
  if ('column' in e) return e.from ? `${e.from}.${quoteIdent(e.column)}` : quoteIdent(e.column)
  if ('str' in e) return quoteString(e.str)
  if ('int' in e) return String(e.int)
  // The shortest round-trip text of the double, parsed by the engine as a DOUBLE (never DECIMAL).
  if ('double' in e) return `CAST(${quoteString(String(e.double))} AS DOUBLE)`
  if ('call' in e) return `${e.call}(${e.args.map((a) => r(a)).join(', ')})`
  if ('cast' in e) return `CAST(${r(e.cast)} AS ${e.as.toUpperCase()})`
  if ('caseWhen' in e) return `CASE WHEN ${r(e.caseWhen)} THEN ${r(e.thenValue)} ELSE ${r(e.elseValue)} END`
  if ('op' in e) return `(${r(e.left)} ${e.op} ${r(e.right)})`
  if ('field' in e) return `${r(e.of)}.${quoteIdent(e.field)}`
  if ('listAny' in e || 'listJoin' in e || 'endsWith' in e) return renderListOrText(e, d)
  if ('md5Hex' in e) return d === 'trino' ? `to_hex(md5(to_utf8(${r(e.md5Hex)})))` : `upper(md5(${r(e.md5Hex)}))`
  if ('utf8Length' in e) return d === 'trino' ? `length(to_utf8(${r(e.utf8Length)}))` : `strlen(${r(e.utf8Length)})`
  if ('hexToDouble' in e)
    return d === 'trino'
      ? `CAST(from_base(${r(e.hexToDouble)}, 16) AS DOUBLE)`
      : `CAST(CAST(('0x' || ${r(e.hexToDouble)}) AS UBIGINT) AS DOUBLE)`
  if ('epochSecond' in e) {
    const v = r(e.epochSecond)
    if (e.format === 'epoch-ms') return `CAST(floor(${v} / CAST(1000 AS DOUBLE)) AS BIGINT)`
    if (e.format === 'epoch-s') return `CAST(floor(${v}) AS BIGINT)`
    return d === 'trino'
      ? `CAST(floor(to_unixtime(${v})) AS BIGINT)`
      : `CAST(floor(epoch_ms(${v}) / CAST(1000 AS DOUBLE)) AS BIGINT)`
  }

  if ('timeAtOrAfter' in e) return `${r(e.timeAtOrAfter)} >= ${timeLiteral(e.epochMs, e.format, d)}`
  return `${r(e.timeBefore)} < ${timeLiteral(e.epochMs, e.format, d)}`
}

export interface SelectItem {
  as: string
  expr: Expr
}

/** One SELECT block: the parts both engines share, each an expression or a name. */
export interface Select {
  from: string
  groupBy?: string | undefined
  items: SelectItem[]
  joins?: Array<{on: Expr; table: string; type: 'INNER' | 'LEFT'}> | undefined
  limit?: number | undefined
  orderBy?: string[] | undefined
  where?: Expr[] | undefined
}

export interface Query {
  /** Common table expressions, in order. */
  ctes: Array<{body: Select | {values: Expr[][]}; columns?: string[] | undefined; name: string}>
  select: Select
  /** Further blocks joined to `select` with UNION ALL (same columns, in order); `select`'s ORDER BY is not allowed then. */
  unionAll?: Select[] | undefined
}

function renderSelect(s: Select, d: Dialect, indent: string): string {
  const lines = [
    `${indent}SELECT ${s.items.map((i) => `${renderExpr(i.expr, d)} AS ${quoteIdent(i.as)}`).join(`,\n${indent}       `)}`,
    `${indent}FROM ${s.from}`,
  ]
  for (const j of s.joins ?? []) lines.push(`${indent}${j.type} JOIN ${j.table} ON ${renderExpr(j.on, d)}`)
  if (s.where && s.where.length > 0)
    lines.push(`${indent}WHERE ${s.where.map((w) => renderExpr(w, d)).join(`\n${indent}  AND `)}`)
  if (s.groupBy) lines.push(`${indent}GROUP BY ${s.groupBy}`)
  if (s.orderBy && s.orderBy.length > 0) lines.push(`${indent}ORDER BY ${s.orderBy.join(', ')}`)
  if (s.limit !== undefined) lines.push(`${indent}LIMIT ${s.limit}`)
  return lines.join('\n')
}

/** The query as text for one dialect: runnable by hand in the Athena console or the DuckDB shell. */
export function renderQuery(q: Query, d: Dialect): string {
  const ctes = q.ctes.map((c) => {
    const cols = c.columns ? ` (${c.columns.map((x) => quoteIdent(x)).join(', ')})` : ''
    const body =
      'values' in c.body
        ? `  VALUES\n${c.body.values.map((row) => `    (${row.map((x) => renderExpr(x, d)).join(', ')})`).join(',\n')}`
        : renderSelect(c.body, d, '  ')
    return `${quoteIdent(c.name)}${cols} AS (\n${body}\n)`
  })
  const head = ctes.length > 0 ? `WITH ${ctes.join(',\n')}\n` : ''
  const blocks = [q.select, ...(q.unionAll ?? [])].map((s) => renderSelect(s, d, ''))
  return `${head}${blocks.join('\nUNION ALL\n')}`
}

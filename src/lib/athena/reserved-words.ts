/**
 * Reserved words, kept verbatim as data.
 *
 * - ATHENA_DDL_RESERVED and ATHENA_DML_RESERVED: the two lists of
 *   https://docs.aws.amazon.com/athena/latest/ug/reserved-words.html (DDL: escape with backticks;
 *   SELECT / views: escape with double quotes). Quirks of the page kept as published (e.g. CASHE).
 * - TRINO_RESERVED: trinodb/trino docs/src/main/sphinx/language/reserved.md (Trino is the engine behind
 *   Athena DML); words in it but not in Athena's SELECT list are reported as warnings.
 */

export const ATHENA_DDL_RESERVED: readonly string[] = [
  'ALL', 'ALTER', 'AND', 'ARRAY', 'AS', 'AUTHORIZATION', 'BETWEEN', 'BIGINT', 'BINARY', 'BOOLEAN', 'BOTH',
  'BY', 'CASE', 'CASHE', 'CAST', 'CHAR', 'COLUMN', 'CONF', 'CONSTRAINT', 'COMMIT', 'CREATE', 'CROSS', 'CUBE',
  'CURRENT', 'CURRENT_DATE', 'CURRENT_TIMESTAMP', 'CURSOR', 'DATABASE', 'DATE', 'DAYOFWEEK', 'DECIMAL',
  'DELETE', 'DESCRIBE', 'DISTINCT', 'DIV', 'DOUBLE', 'DROP', 'ELSE', 'END', 'EXCHANGE', 'EXISTS', 'EXTENDED',
  'EXTERNAL', 'EXTRACT', 'FALSE', 'FETCH', 'FLOAT', 'FLOOR', 'FOLLOWING', 'FOR', 'FOREIGN', 'FROM', 'FULL',
  'FUNCTION', 'GRANT', 'GROUP', 'GROUPING', 'HAVING', 'IF', 'IMPORT', 'IN', 'INNER', 'INSERT', 'INT',
  'INTEGER', 'INTERSECT', 'INTERVAL', 'INTO', 'IS', 'JOIN', 'LATERAL', 'LEFT', 'LESS', 'LIKE', 'LOCAL',
  'MACRO', 'MAP', 'MORE', 'NONE', 'NOT', 'NULL', 'NUMERIC', 'OF', 'ON', 'ONLY', 'OR', 'ORDER', 'OUT', 'OUTER',
  'OVER', 'PARTIALSCAN', 'PARTITION', 'PERCENT', 'PRECEDING', 'PRECISION', 'PRESERVE', 'PRIMARY', 'PROCEDURE',
  'RANGE', 'READS', 'REDUCE', 'REGEXP', 'REFERENCES', 'REVOKE', 'RIGHT', 'RLIKE', 'ROLLBACK', 'ROLLUP', 'ROW',
  'ROWS', 'SELECT', 'SET', 'SMALLINT', 'START', 'TABLE', 'TABLESAMPLE', 'THEN', 'TIME', 'TIMESTAMP', 'TO',
  'TRANSFORM', 'TRIGGER', 'TRUE', 'TRUNCATE', 'UNBOUNDED', 'UNION', 'UNIQUEJOIN', 'UPDATE', 'USER', 'USING',
  'UTC_TIMESTAMP', 'VALUES', 'VARCHAR', 'VIEWS', 'WHEN', 'WHERE', 'WINDOW', 'WITH',
]

export const ATHENA_DML_RESERVED: readonly string[] = [
  'ALTER', 'AND', 'AS', 'BETWEEN', 'BY', 'CASE', 'CAST', 'CONSTRAINT', 'CREATE', 'CROSS', 'CUBE',
  'CURRENT_CATALOG', 'CURRENT_DATE', 'CURRENT_PATH', 'CURRENT_SCHEMA', 'CURRENT_TIME', 'CURRENT_TIMESTAMP',
  'CURRENT_USER', 'DEALLOCATE', 'DELETE', 'DESCRIBE', 'DISTINCT', 'DROP', 'ELSE', 'END', 'ESCAPE', 'EXCEPT',
  'EXECUTE', 'EXISTS', 'EXTRACT', 'FALSE', 'FIRST', 'FOR', 'FROM', 'FULL', 'GROUP', 'GROUPING', 'HAVING',
  'IN', 'INNER', 'INSERT', 'INTERSECT', 'INTO', 'IS', 'JOIN', 'JSON_ARRAY', 'JSON_EXISTS', 'JSON_OBJECT',
  'JSON_QUERY', 'JSON_TABLE', 'JSON_VALUE', 'LAST', 'LEFT', 'LIKE', 'LISTAGG', 'LOCALTIME', 'LOCALTIMESTAMP',
  'NATURAL', 'NORMALIZE', 'NOT', 'NULL', 'OF', 'ON', 'OR', 'ORDER', 'OUTER', 'PREPARE', 'RECURSIVE', 'RIGHT',
  'ROLLUP', 'SELECT', 'SKIP', 'TABLE', 'THEN', 'TRIM', 'TRUE', 'UESCAPE', 'UNION', 'UNNEST', 'USING',
  'VALUES', 'WHEN', 'WHERE', 'WITH',
]

export const TRINO_RESERVED: readonly string[] = [
  'ALTER', 'AND', 'AS', 'AUTO', 'BETWEEN', 'BY', 'CASE', 'CAST', 'CONSTRAINT', 'CREATE', 'CROSS', 'CUBE',
  'CURRENT_CATALOG', 'CURRENT_DATE', 'CURRENT_PATH', 'CURRENT_ROLE', 'CURRENT_SCHEMA', 'CURRENT_TIME',
  'CURRENT_TIMESTAMP', 'CURRENT_USER', 'DEALLOCATE', 'DELETE', 'DESCRIBE', 'DISTINCT', 'DROP', 'ELSE', 'END',
  'ESCAPE', 'EXCEPT', 'EXISTS', 'EXTRACT', 'FALSE', 'FOR', 'FROM', 'FULL', 'GROUP', 'GROUPING', 'HAVING',
  'IN', 'INNER', 'INSERT', 'INTERSECT', 'INTO', 'IS', 'JOIN', 'JSON_ARRAY', 'JSON_EXISTS', 'JSON_OBJECT',
  'JSON_QUERY', 'JSON_TABLE', 'JSON_VALUE', 'LEFT', 'LIKE', 'LISTAGG', 'LOCALTIME', 'LOCALTIMESTAMP',
  'NATURAL', 'NORMALIZE', 'NOT', 'NULL', 'ON', 'OR', 'ORDER', 'OUTER', 'PREPARE', 'PRIMARY', 'RECURSIVE',
  'RIGHT', 'ROLLUP', 'SELECT', 'SKIP', 'TABLE', 'THEN', 'TRIM', 'TRUE', 'UESCAPE', 'UNION', 'UNNEST', 'USING',
  'VALUES', 'WHEN', 'WHERE', 'WITH',
]

const DDL = new Set(ATHENA_DDL_RESERVED)
const DML = new Set(ATHENA_DML_RESERVED)
const TRINO_ONLY = new Set(TRINO_RESERVED.filter((w) => !DML.has(w)))

/** Which lists a name (any case) appears in. */
export function reservedLists(name: string): {ddl: boolean; dml: boolean; trinoOnly: boolean} {
  const upper = name.toUpperCase()
  return {ddl: DDL.has(upper), dml: DML.has(upper), trinoOnly: TRINO_ONLY.has(upper)}
}

const ANY_LOWER = new Set([...DDL, ...DML, ...TRINO_ONLY].map((w) => w.toLowerCase()))

/** Fast check for a name already in lower case (the clean-name path of the linter). */
export function isReservedLowerCase(name: string): boolean {
  return ANY_LOWER.has(name)
}

/** True when the word is in any of the lists (fixes never produce such a name). */
export function isReservedAnywhere(name: string): boolean {
  const upper = name.toUpperCase()
  return DDL.has(upper) || DML.has(upper) || TRINO_ONLY.has(upper)
}

/**
 * What Athena does with each reserved word written unquoted, per parser, and the evidence for it:
 * the data behind the severities of the reserved-ddl / reserved-dml / reserved-trino rules.
 *
 * - `ddl`: CREATE/ALTER TABLE, CREATE DATABASE (Athena's Hive-grammar DDL parser). `rejected`: the
 *   statement fails unless the word is in backticks; `accepted`: AWS's own published DDL uses it
 *   unquoted, so the parser takes it although the DDL list names it; `unlisted`: not on the DDL list.
 * - `dml`: SELECT, CTAS, views (Trino grammar). `rejected`: reserved in Trino and on Athena's SELECT
 *   list; `accepted`: on Athena's SELECT list but not reserved in Trino's grammar (it parses
 *   unquoted); `newer-trino`: reserved in current Trino, not on Athena's list; `unlisted`: neither.
 *
 * The documented lists are the guide; published DDL and AWS's own examples are the evidence that
 * overrides them (sources below, one or more per word).
 */

export type DdlVerdict = 'accepted' | 'rejected' | 'unlisted'
export type DmlVerdict = 'accepted' | 'newer-trino' | 'rejected' | 'unlisted'

export interface ReservedVerdict {
  ddl: DdlVerdict
  dml: DmlVerdict
  sources: readonly string[]
}

const DDL_LIST =
  'https://docs.aws.amazon.com/athena/latest/ug/reserved-words.html DDL list: "If you use them without escaping them, Athena issues an error"'
const SELECT_LIST_AND_TRINO =
  'https://docs.aws.amazon.com/athena/latest/ug/reserved-words.html SELECT list; reserved in Trino (trinodb/trino docs/src/main/sphinx/language/reserved.md)'
const SELECT_LIST_NOT_TRINO =
  "https://docs.aws.amazon.com/athena/latest/ug/reserved-words.html SELECT list, but not reserved in Trino's grammar (trinodb/trino reserved.md; SqlBase.g4 nonReserved): parses unquoted"
const TRINO_ONLY =
  "Reserved in current Trino (trinodb/trino reserved.md), not on Athena's SELECT list: unknown whether Athena's engine version reserves it"
const EVIDENCE_TIME =
  'Published unquoted: application-load-balancer-logs.html (time string), networkloadbalancer-classic-logs.html, grok-serde.html; creating-tables.html (Time STRING)'
const EVIDENCE_TIMESTAMP =
  'Published unquoted: elasticloadbalancer-classic-logs.html (timestamp string), grok-serde.html (timestamp STRING), querying-network-firewall-logs.html (struct field timestamp:string)'
const EVIDENCE_DAYOFWEEK =
  'Published unquoted: lazy-simple-serde.html, parquet-serde.html, orc-serde.html, ion-serde-using-create-table.html (flight tables: dayofweek INT)'
const EVIDENCE_START =
  'Published unquoted: vpc-flow-logs.html (start bigint) next to a backticked `end`; querying-network-firewall-logs.html (start:string)'
const EVIDENCE_END = 'vpc-flow-logs.html quotes `end` while leaving start unquoted in the same statement'
const EVIDENCE_PARTITION_DATE =
  'reserved-words.html example: CREATE EXTERNAL TABLE `partition` (`date` INT, …) escapes both; every published DDL backticks date'
const EVIDENCE_USER = 'openx-json-serde.html backticks `user` in its published DDL'
const EVIDENCE_FIRST_LAST = 'partitions.html publishes first string, last string unquoted (DDL)'

export const RESERVED_VERDICTS: Readonly<Record<string, ReservedVerdict>> = {
  ALL: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  ALTER: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  AND: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  ARRAY: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  AS: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  AUTHORIZATION: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  AUTO: {ddl: 'unlisted', dml: 'newer-trino', sources: [TRINO_ONLY]},
  BETWEEN: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  BIGINT: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  BINARY: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  BOOLEAN: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  BOTH: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  BY: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  CASE: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  CASHE: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  CAST: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  CHAR: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  COLUMN: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  COMMIT: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  CONF: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  CONSTRAINT: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  CREATE: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  CROSS: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  CUBE: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  CURRENT: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  CURRENT_CATALOG: {ddl: 'unlisted', dml: 'rejected', sources: [SELECT_LIST_AND_TRINO]},
  CURRENT_DATE: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  CURRENT_PATH: {ddl: 'unlisted', dml: 'rejected', sources: [SELECT_LIST_AND_TRINO]},
  CURRENT_ROLE: {ddl: 'unlisted', dml: 'newer-trino', sources: [TRINO_ONLY]},
  CURRENT_SCHEMA: {ddl: 'unlisted', dml: 'rejected', sources: [SELECT_LIST_AND_TRINO]},
  CURRENT_TIME: {ddl: 'unlisted', dml: 'rejected', sources: [SELECT_LIST_AND_TRINO]},
  CURRENT_TIMESTAMP: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  CURRENT_USER: {ddl: 'unlisted', dml: 'rejected', sources: [SELECT_LIST_AND_TRINO]},
  CURSOR: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  DATABASE: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  DATE: {ddl: 'rejected', dml: 'unlisted', sources: [EVIDENCE_PARTITION_DATE, DDL_LIST]},
  DAYOFWEEK: {ddl: 'accepted', dml: 'unlisted', sources: [EVIDENCE_DAYOFWEEK, DDL_LIST]},
  DEALLOCATE: {ddl: 'unlisted', dml: 'rejected', sources: [SELECT_LIST_AND_TRINO]},
  DECIMAL: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  DELETE: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  DESCRIBE: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  DISTINCT: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  DIV: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  DOUBLE: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  DROP: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  ELSE: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  END: {ddl: 'rejected', dml: 'rejected', sources: [EVIDENCE_END, DDL_LIST, SELECT_LIST_AND_TRINO]},
  ESCAPE: {ddl: 'unlisted', dml: 'rejected', sources: [SELECT_LIST_AND_TRINO]},
  EXCEPT: {ddl: 'unlisted', dml: 'rejected', sources: [SELECT_LIST_AND_TRINO]},
  EXCHANGE: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  EXECUTE: {ddl: 'unlisted', dml: 'accepted', sources: [SELECT_LIST_NOT_TRINO]},
  EXISTS: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  EXTENDED: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  EXTERNAL: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  EXTRACT: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  FALSE: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  FETCH: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  FIRST: {ddl: 'unlisted', dml: 'accepted', sources: [EVIDENCE_FIRST_LAST, SELECT_LIST_NOT_TRINO]},
  FLOAT: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  FLOOR: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  FOLLOWING: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  FOR: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  FOREIGN: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  FROM: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  FULL: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  FUNCTION: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  GRANT: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  GROUP: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  GROUPING: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  HAVING: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  IF: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  IMPORT: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  IN: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  INNER: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  INSERT: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  INT: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  INTEGER: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  INTERSECT: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  INTERVAL: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  INTO: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  IS: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  JOIN: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  JSON_ARRAY: {ddl: 'unlisted', dml: 'rejected', sources: [SELECT_LIST_AND_TRINO]},
  JSON_EXISTS: {ddl: 'unlisted', dml: 'rejected', sources: [SELECT_LIST_AND_TRINO]},
  JSON_OBJECT: {ddl: 'unlisted', dml: 'rejected', sources: [SELECT_LIST_AND_TRINO]},
  JSON_QUERY: {ddl: 'unlisted', dml: 'rejected', sources: [SELECT_LIST_AND_TRINO]},
  JSON_TABLE: {ddl: 'unlisted', dml: 'rejected', sources: [SELECT_LIST_AND_TRINO]},
  JSON_VALUE: {ddl: 'unlisted', dml: 'rejected', sources: [SELECT_LIST_AND_TRINO]},
  LAST: {ddl: 'unlisted', dml: 'accepted', sources: [EVIDENCE_FIRST_LAST, SELECT_LIST_NOT_TRINO]},
  LATERAL: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  LEFT: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  LESS: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  LIKE: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  LISTAGG: {ddl: 'unlisted', dml: 'rejected', sources: [SELECT_LIST_AND_TRINO]},
  LOCAL: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  LOCALTIME: {ddl: 'unlisted', dml: 'rejected', sources: [SELECT_LIST_AND_TRINO]},
  LOCALTIMESTAMP: {ddl: 'unlisted', dml: 'rejected', sources: [SELECT_LIST_AND_TRINO]},
  MACRO: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  MAP: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  MORE: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  NATURAL: {ddl: 'unlisted', dml: 'rejected', sources: [SELECT_LIST_AND_TRINO]},
  NONE: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  NORMALIZE: {ddl: 'unlisted', dml: 'rejected', sources: [SELECT_LIST_AND_TRINO]},
  NOT: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  NULL: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  NUMERIC: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  OF: {ddl: 'rejected', dml: 'accepted', sources: [DDL_LIST, SELECT_LIST_NOT_TRINO]},
  ON: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  ONLY: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  OR: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  ORDER: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  OUT: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  OUTER: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  OVER: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  PARTIALSCAN: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  PARTITION: {ddl: 'rejected', dml: 'unlisted', sources: [EVIDENCE_PARTITION_DATE, DDL_LIST]},
  PERCENT: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  PRECEDING: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  PRECISION: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  PREPARE: {ddl: 'unlisted', dml: 'rejected', sources: [SELECT_LIST_AND_TRINO]},
  PRESERVE: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  PRIMARY: {ddl: 'rejected', dml: 'newer-trino', sources: [DDL_LIST, TRINO_ONLY]},
  PROCEDURE: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  RANGE: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  READS: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  RECURSIVE: {ddl: 'unlisted', dml: 'rejected', sources: [SELECT_LIST_AND_TRINO]},
  REDUCE: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  REFERENCES: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  REGEXP: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  REVOKE: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  RIGHT: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  RLIKE: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  ROLLBACK: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  ROLLUP: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  ROW: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  ROWS: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  SELECT: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  SET: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  SKIP: {ddl: 'unlisted', dml: 'rejected', sources: [SELECT_LIST_AND_TRINO]},
  SMALLINT: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  START: {ddl: 'accepted', dml: 'unlisted', sources: [EVIDENCE_START, DDL_LIST]},
  TABLE: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  TABLESAMPLE: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  THEN: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  TIME: {ddl: 'accepted', dml: 'unlisted', sources: [EVIDENCE_TIME, DDL_LIST]},
  TIMESTAMP: {ddl: 'accepted', dml: 'unlisted', sources: [EVIDENCE_TIMESTAMP, DDL_LIST]},
  TO: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  TRANSFORM: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  TRIGGER: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  TRIM: {ddl: 'unlisted', dml: 'rejected', sources: [SELECT_LIST_AND_TRINO]},
  TRUE: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  TRUNCATE: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  UESCAPE: {ddl: 'unlisted', dml: 'rejected', sources: [SELECT_LIST_AND_TRINO]},
  UNBOUNDED: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  UNION: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  UNIQUEJOIN: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  UNNEST: {ddl: 'unlisted', dml: 'rejected', sources: [SELECT_LIST_AND_TRINO]},
  UPDATE: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  USER: {ddl: 'rejected', dml: 'unlisted', sources: [EVIDENCE_USER, DDL_LIST]},
  USING: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  UTC_TIMESTAMP: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  VALUES: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  VARCHAR: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  VIEWS: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  WHEN: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  WHERE: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
  WINDOW: {ddl: 'rejected', dml: 'unlisted', sources: [DDL_LIST]},
  WITH: {ddl: 'rejected', dml: 'rejected', sources: [DDL_LIST, SELECT_LIST_AND_TRINO]},
}

const NONE: ReservedVerdict = {ddl: 'unlisted', dml: 'unlisted', sources: []}

/** The verdict for a word (any case); `unlisted` twice for words on no list. */
export function reservedVerdict(word: string): ReservedVerdict {
  return RESERVED_VERDICTS[word.toUpperCase()] ?? NONE
}

/**
 * Known Athena / Hive / Trino error messages: what causes them, how to fix them, and which
 * lint-columns rule would have caught the cause. Sources are in each entry (the texts were read
 * from AWS documentation, engine source code and public issue threads; see
 * shared/reference/glue-athena.md part B and A1).
 */

export interface KnownError {
  cause: string
  fix: string
  id: string
  /** Regular expressions tried against the message (case-insensitive). */
  patterns: RegExp[]
  /** The lint-columns rule(s) that would have caught it, if any. */
  rules: string[]
  source: string
  title: string
}

export const KNOWN_ERRORS: readonly KnownError[] = [
  {
    cause:
      'Two JSON keys differ only in case (e.g. "URL" and "Url"). The OpenX JSON SerDe is case-insensitive by default, so it sees the same key twice.',
    fix: 'Add SERDEPROPERTIES "case.insensitive" = "FALSE" and map each variant to its own column ("mapping.url1" = "URL", "mapping.url2" = "Url"); `lint-columns --json-sample FILE --fix` prints them.',
    id: 'json-duplicate-key',
    patterns: [/JSONException:\s*Duplicate key/i, /Row is not a valid JSON Object.*Duplicate key/i],
    rules: ['duplicate-name'],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/openx-json-serde.html',
    title: 'Duplicate JSON key (case-only duplicates)',
  },
  {
    cause: 'The table has two columns whose names are equal ignoring case (Glue stored both; Athena lower-cases them).',
    fix: "Rename or drop one of the columns in Glue (or the crawler's source keys); `lint-columns --database D --table T --fix` proposes collision-free names.",
    id: 'multiple-entries-same-key',
    patterns: [/Multiple entries with same key/i],
    rules: ['duplicate-name'],
    source: 'https://github.com/aws-solutions-library-samples/cloud-intelligence-dashboards-data-collection/issues/350',
    title: 'Case-only duplicate columns in the catalog',
  },
  {
    cause: 'A partition key has the same name as a data column, or the table lists a column twice.',
    fix: 'Remove the column from the data columns (partition values come from the path) or rename the partition key.',
    id: 'duplicate-columns',
    patterns: [/Table descriptor contains duplicate columns/i, /HIVE_INVALID_METADATA.*duplicate column/i],
    rules: ['partition-key-duplicates-column', 'duplicate-name'],
    source: 'https://github.com/aws-solutions/automated-data-analytics-on-aws/issues/41',
    title: 'Duplicate columns in the table descriptor',
  },
  {
    cause:
      'An unquoted name with a hyphen (or other special character) in DDL; Hive stops parsing at the "-" (e.g. a database named glue-athena).',
    fix: 'Enclose the name in backticks in DDL (`glue-athena`), or better rename it to letters, digits and underscores.',
    id: 'missing-eof-hyphen',
    patterns: [/missing EOF at '-'/i, /ParseException.*missing EOF at/i],
    rules: ['special-character'],
    source: 'https://github.com/aws/aws-sdk-pandas/issues/118',
    title: 'DDL parse error at a hyphen',
  },
  {
    cause: 'A name that starts with a digit is used unquoted in SELECT, CTAS or a view.',
    fix: 'Double-quote it ("1st_col") or rename it so it starts with a letter.',
    id: 'leading-digit',
    patterns: [/identifiers must not start with a digit/i],
    rules: ['leading-digit'],
    source: 'trinodb/trino core/trino-parser SqlParser.java',
    title: 'Identifier starts with a digit',
  },
  {
    cause:
      'Backticks were used in a query; Athena queries run on Trino, which quotes identifiers with double quotes (backticks are Hive DDL only).',
    fix: 'Use double quotes in SELECT, CTAS and views: "my column"; keep backticks for CREATE/ALTER TABLE.',
    id: 'backquoted-identifier',
    patterns: [/backquoted identifiers are not supported/i],
    rules: ['special-character', 'reserved-dml'],
    source: 'trinodb/trino core/trino-parser SqlParser.java',
    title: 'Backticks in a query',
  },
  {
    cause: 'A name contains ":" (or "."), which Hive and Trino read as a separator.',
    fix: 'Rename the column; for JSON data keep the key and map it with OpenX "mapping.<clean>" = "<key:with:colons>".',
    id: 'colon-in-identifier',
    patterns: [/identifiers must not contain ':'/i],
    rules: ['dot-or-colon'],
    source: 'prestodb/presto presto-parser TestSqlParser.java',
    title: 'Colon in an identifier',
  },
  {
    cause:
      'An empty quoted identifier ("") reached the query, often from an empty column name (CSV header with an empty field).',
    fix: 'Give the column a name.',
    id: 'zero-length-identifier',
    patterns: [/Zero-length delimited identifier not allowed/i],
    rules: ['empty-name'],
    source: 'trinodb/trino core/trino-parser SqlParser.java',
    title: 'Empty identifier',
  },
  {
    cause:
      'Hive could not parse a column or nested field name in DDL: a reserved word, a name starting with "_" (e.g. struct<_id:…>) or a special character left unquoted.',
    fix: 'Enclose the name in backticks (struct<`_id`:string>, `date` string) or rename it; `lint-columns --ddl FILE` shows which name and rule.',
    id: 'cannot-recognize-input',
    patterns: [/cannot recognize input near/i, /ParseException line \d+:\d+ mismatched input/i],
    rules: ['leading-underscore', 'reserved-ddl', 'special-character'],
    source: 'https://github.com/awslabs/aws-glue-catalog-sync-agent-for-hive/issues/19',
    title: 'Hive DDL parse error',
  },
  {
    cause:
      'A type string in the catalog cannot be parsed: usually a nested field name with a space, hyphen, colon or other special character in struct<…> (or a non-Hive type name).',
    fix: 'Rename the nested field (or set the type with backticked field names); `lint-columns --database D --table T` lists nested names with their path.',
    id: 'type-string-position',
    patterns: [
      /expected at the position \d+ of '.*' but '.*' is found/i,
      /Error: [: ]*(type|name) expected at the position/i,
    ],
    rules: ['special-character', 'dot-or-colon', 'whitespace'],
    source: 'https://github.com/dacort/metabase-athena-driver/issues/13',
    title: 'Unparsable column type string',
  },
  {
    cause: 'A reserved word (e.g. order, group, select) was used unquoted as a column name in a query.',
    fix: 'Double-quote the name in queries ("order"); `lint-columns` flags reserved words for both DDL and DML.',
    id: 'reserved-word-query',
    patterns: [/mismatched input '[^']+'\. Expecting/i, /Queries of this type are not supported/i],
    rules: ['reserved-dml', 'reserved-trino'],
    source: 'https://github.com/Tomme/dbt-athena/issues/116',
    title: 'Reserved word used unquoted in a query',
  },
  {
    cause:
      'The query names a column the table does not have as written: a typo, a case or whitespace difference, or an invisible character in the stored name (a CSV byte-order mark shows as "?" in the first column).',
    fix: 'Compare with SHOW COLUMNS; lint the table: invisible characters, whitespace and upper case are flagged with the exact stored name.',
    id: 'column-cannot-be-resolved',
    patterns: [/Column '.*' cannot be resolved/i, /COLUMN_NOT_FOUND/i],
    rules: ['invisible-character', 'whitespace', 'upper-case'],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/troubleshooting-athena.html',
    title: 'Column cannot be resolved',
  },
  {
    cause:
      'A partition was registered with a different schema (types) than the table, typically by a crawler sampling one partition.',
    fix: 'Make the partition schemas inherit from the table (crawler "Partitions": {"AddOrUpdateBehavior": "InheritFromTable"}) or update the partitions (`pipeops glue partition-sync`).',
    id: 'partition-schema-mismatch',
    patterns: [/HIVE_PARTITION_SCHEMA_MISMATCH/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/glue/latest/dg/glue-best-practices.html',
    title: 'Partition schema differs from the table',
  },
  {
    cause: "The number of partition values registered does not match the table's partition keys.",
    fix: 'Re-register the broken partitions with one value per partition key.',
    id: 'partition-values-filters',
    patterns: [/Number of partition values does not match number of filters/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/troubleshooting-athena.html',
    title: 'Partition values vs filters',
  },
  {
    cause: 'ALTER TABLE ADD PARTITION for a partition that is already in the catalog.',
    fix: "Use ALTER TABLE … ADD IF NOT EXISTS PARTITION; check the existing partition's location is right.",
    id: 'partition-already-exists',
    patterns: [/Partition already exists/i, /AlreadyExistsException/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/partitions.html',
    title: 'Partition already exists',
  },
  {
    cause:
      'Partitions are in the catalog but their S3 prefixes were deleted; MSCK REPAIR TABLE never removes partitions.',
    fix: 'Drop the missing partitions (ALTER TABLE DROP PARTITION, or `pipeops glue partition-sync`).',
    id: 'partitions-missing',
    patterns: [/Partitions missing from filesystem/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/msck-repair-table.html',
    title: 'Partitions missing from S3',
  },
  {
    cause:
      'The table was created by the Glue API or CloudFormation without a TableType, which MSCK REPAIR TABLE needs.',
    fix: 'Set TableType (e.g. EXTERNAL_TABLE) on the table.',
    id: 'name-is-null',
    patterns: [/NullPointerException Name is null/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/msck-repair-table.html',
    title: 'MSCK: Name is null',
  },
  {
    cause:
      'A JSON record is not a single-line JSON object (pretty-printed JSON, a top-level array, or a non-JSON line).',
    fix: 'Store one JSON object per line (JSON Lines); with OpenX, "ignore.malformed.json" = "TRUE" skips bad lines.',
    id: 'json-not-object',
    patterns: [/Row is not a valid JSON Object(?!.*Duplicate key)/i, /JSONObject text must begin with '\{'/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/openx-json-serde.html',
    title: 'Row is not a valid JSON object',
  },
  {
    cause:
      "A value in the data cannot be read as the column's declared type (e.g. text in an int column, or a number larger than the type allows).",
    fix: 'Fix the column type (string, or a wider type) or clean the data; for JSON consider OpenX "ignore.malformed.json".',
    id: 'hive-bad-data',
    patterns: [/HIVE_BAD_DATA/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/troubleshooting-athena.html',
    title: 'Bad data for the declared type',
  },
  {
    cause:
      'Athena could not open a data file: missing S3 permissions (or KMS), a file deleted during the query, or an unreadable/corrupt file.',
    fix: 'Check s3:GetObject (and kms:Decrypt) on the table location and that no job rewrites the files while queries run.',
    id: 'cannot-open-split',
    patterns: [/HIVE_CANNOT_OPEN_SPLIT/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/troubleshooting-athena.html',
    title: 'Cannot open a data file',
  },
  {
    cause:
      'The query needs more memory or time than Athena gives it at this scale (large joins, ORDER BY without LIMIT, huge GROUP BY, many partitions).',
    fix: 'Filter on partition keys, put the larger table on the left of joins, add LIMIT to ORDER BY, or use approximate functions.',
    id: 'exhausted-resources',
    patterns: [/Query exhausted resources at this scale factor/i, /EXCEEDED_MEMORY_LIMIT/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/performance-tuning.html',
    title: 'Query exhausted resources',
  },
  {
    cause:
      'The table or database named in the query does not exist in the catalog (or a special character split the name).',
    fix: 'Check the name and the database in the query context; quote names with special characters ("my-db"."my-table").',
    id: 'table-not-found',
    patterns: [
      /TABLE_NOT_FOUND/i,
      /Table '?[^ ]+'? does not exist/i,
      /SCHEMA_NOT_FOUND/i,
      /Schema '[^']+' does not exist/i,
    ],
    rules: ['special-character'],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/troubleshooting-athena.html',
    title: 'Table or database not found',
  },
  {
    cause:
      'Athena could not write query results: the workgroup or client has no output location, or no permission on it.',
    fix: 'Set a query result location in the workgroup (or pass one) and allow s3:PutObject and s3:GetBucketLocation on it.',
    id: 'output-location',
    patterns: [/Unable to verify\/create output bucket/i, /No output location provided/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/querying.html',
    title: 'Query result location',
  },
  {
    cause: 'Too many partitions are written at once by a CTAS or INSERT INTO (limit 100 open partitions per query).',
    fix: 'Split the CTAS/INSERT into several statements that each write at most 100 partitions.',
    id: 'too-many-open-partitions',
    patterns: [/HIVE_TOO_MANY_OPEN_PARTITIONS/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/ctas-insert-into.html',
    title: 'Too many open partitions',
  },
]

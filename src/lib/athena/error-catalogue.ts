/**
 * Known Athena / Hive / Trino error messages: what causes them, how to fix them, and which
 * lint-columns rule would have caught the cause. The first entry whose pattern matches wins, so
 * specific messages come before the generic code of their family (GENERIC_INTERNAL_ERROR,
 * HIVE_CURSOR_ERROR …) and the wrappers that hide the real message come last. Sources are in each entry (the texts were read
 * from AWS documentation, engine source code and public issue threads; see
 * shared/reference/glue-athena.md part B and A1).
 */

export interface KnownError {
  cause: string
  /** The cause to give instead when the message text has `--` comments (pasted with the statement). */
  commentsCause?: string
  fix: string
  id: string
  /**
   * Where the message quotes a name (capture group 1): only these are linted. Entries without it
   * quote no names (type names, SerDe classes, paths and key=value fragments are not names).
   */
  names?: RegExp[]
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
    names: [/Duplicate key "([^"]+)"/],
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
      'More than one statement was sent in one query execution (e.g. "USE db; SHOW TABLES;"): Athena and Hive run one statement at a time, so the parser stops at the first ";".',
    fix: 'Send one statement per execution; qualify names (db.table) instead of a USE statement.',
    id: 'multiple-statements',
    patterns: [/missing EOF at ';'/i],
    rules: [],
    source: 'https://github.com/sodadata/soda-core/issues/320',
    title: 'Several statements in one execution',
  },
  {
    cause:
      'A CREATE TABLE AS SELECT (also the one a client such as awswrangler wraps around a query) needs a name for every column: a select item without an alias (max(date), count(*)) has none.',
    fix: "Give every expression an alias (SELECT max(date) AS max_date …), or run the query without the client's CTAS wrapper.",
    id: 'column-name-not-specified',
    patterns: [/Column name not specified at position \d+/i],
    rules: [],
    source: 'https://github.com/aws/aws-sdk-pandas/issues/239',
    title: 'Select item without a name in a CTAS',
  },
  {
    cause:
      'An unquoted name with a hyphen (or other special character) in DDL; Hive stops parsing at the "-" (e.g. a database named glue-athena).',
    fix: 'Enclose the name in backticks in DDL (`glue-athena`), or better rename it to letters, digits and underscores.',
    id: 'missing-eof-hyphen',
    names: [/near '([^']+)'/],
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
      'A CREATE TABLE … WITH (external_location = …, format = …) AS SELECT (Trino CTAS syntax) was parsed as Hive DDL: the WITH properties only exist in Athena CTAS, so something routed the statement to a Hive parser (a local emulator, a Hive client, or text before CREATE).',
    fix: 'Run the CTAS in Athena itself (engine v3) with nothing before CREATE, or write it as Hive DDL (CREATE EXTERNAL TABLE … STORED AS … LOCATION …).',
    id: 'ctas-sent-to-hive',
    patterns: [
      /cannot recognize input near 'WITH' '\(' '(external_location|format|partitioned_by|write_compression|table_type)'/i,
    ],
    rules: [],
    source: 'https://github.com/localstack/localstack/issues/7414',
    title: 'CTAS parsed as Hive DDL',
  },
  {
    cause:
      'Hive read a clause keyword (ROW FORMAT SERDE, STORED AS, LOCATION …) where it expected a column or its type, so the column list did not end where it seems to. The usual cause is `--` comments pasted into the console editor, which can swallow the rest of the statement; otherwise a missing ")" or an unquoted reserved word or "_" name earlier in the column list.',
    commentsCause:
      'The statement contains `--` comments: remove them first (the console editor can turn a comment into the rest of the statement); if it still fails, look for a missing ")" or an unquoted reserved word earlier in the column list.',
    fix: 'Delete the `--` comments (or move them after the statement) and run it again; `lint-columns --ddl FILE` checks the column names.',
    id: 'parse-exception-comments',
    patterns: [
      /cannot recognize input near '(FORMAT|SERDE|ROW|STORED|LOCATION|TBLPROPERTIES|PARTITIONED|CLUSTERED)' .* in column (type|specification)/i,
      /cannot recognize input near '\/' '\*'/i,
      /cannot recognize input near '-' '-'/i,
    ],
    rules: ['reserved-ddl', 'leading-underscore'],
    source: 'https://github.com/secdatabase/SEC-XBRL-Financial-Statement-Dataset/issues/1',
    title: 'DDL parse error after comments or an unclosed column list',
  },
  {
    cause:
      'Hive could not parse a column or nested field name in DDL: a reserved word, a name starting with "_" (e.g. struct<_id:…>) or a special character left unquoted; or `--` comments pasted into the console swallowed part of the statement.',
    commentsCause:
      'The statement contains `--` comments: remove them first (pasted into the console they can swallow the rest of the statement); if it still fails, a reserved word, a name starting with "_" or a special character is unquoted at that position.',
    fix: 'Enclose the name in backticks (struct<`_id`:string>, `date` string) or rename it; `lint-columns --ddl FILE` shows which name and rule.',
    id: 'cannot-recognize-input',
    names: [/cannot recognize input near '([^']+)'/i],
    patterns: [/cannot recognize input near/i, /ParseException line \d+:\d+ mismatched input/i],
    rules: ['leading-underscore', 'reserved-ddl', 'special-character'],
    source: 'https://github.com/awslabs/aws-glue-catalog-sync-agent-for-hive/issues/19',
    title: 'Hive DDL parse error',
  },
  {
    cause:
      'A Hive DDL statement (CREATE EXTERNAL TABLE, MSCK REPAIR TABLE) reached the Trino parser that runs queries: the query text holds more than one statement, or something before the DDL (a comment, a blank statement, a tool-added prefix) made Athena treat it as a query.',
    fix: 'Run one statement per query execution (the console runs only the selected statement; APIs take one statement each).',
    id: 'ddl-in-trino-parser',
    patterns: [/mismatched input '(EXTERNAL|MSCK)'\. Expecting/i],
    rules: [],
    source: 'https://github.com/OvertureMaps/data/issues/32',
    title: 'DDL sent to the query parser',
  },
  {
    cause:
      "The catalog stores a type name that Hive does not know: 'bool' (Hive: boolean), 'integer'/'int32' (int), 'long'/'int64' (bigint), 'text'/'str' (string), 'datetime' (timestamp), 'json' or 'object' (string or a struct). Glue accepts any text as a type; Athena fails when it parses it.",
    fix: 'Change the column type in Glue to the Hive name (boolean, int, bigint, double, string, timestamp); the writer or crawler configuration that produced it needs the same fix.',
    id: 'type-name-not-hive',
    names: [],
    patterns: [
      /type expected at the position \d+ of '[^']*' but '(bool|integer|int32|int64|long|text|str|datetime|json|object|number|float64|float32)' is found/i,
    ],
    rules: [],
    source: 'https://github.com/dacort/metabase-athena-driver/issues/13',
    title: 'Type name that Hive does not know',
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
    cause:
      'Athena could not tell what kind of statement this is. Usually a name it cannot parse at the start of the query: a table or column name that starts with a digit (e.g. a CUR table named after an account id) or a reserved word, unquoted; sometimes a statement type Athena does not run.',
    fix: 'Double-quote names that start with a digit or are reserved words ("0123456789_cur", "order"); check the statement type is supported.',
    id: 'queries-not-supported',
    patterns: [/Queries of this type are not supported/i],
    rules: ['leading-digit', 'reserved-dml'],
    source: 'https://github.com/aws-solutions-library-samples/cloud-intelligence-dashboards-framework/issues/135',
    title: 'Statement not recognised',
  },
  {
    cause:
      'The query parser stopped at the quoted word: a reserved word (order, group, end …) used unquoted as a name, a name that starts with a digit (after a "." too, e.g. db.0123_cur), or a quote or comma missing just before it.',
    fix: 'Double-quote the name in queries ("order"); `lint-columns` flags reserved words for both DDL and DML.',
    id: 'reserved-word-query',
    names: [/mismatched input '\.?([^'.]+)'/i],
    patterns: [/mismatched input '[^']+'\.? Expecting/i],
    rules: ['reserved-dml', 'reserved-trino', 'leading-digit'],
    source: 'https://github.com/Tomme/dbt-athena/issues/116',
    title: 'Syntax error at a word (reserved word or bad name)',
  },
  {
    cause:
      'The query names a column the table does not have as written: a typo, a case or whitespace difference, or an invisible character in the stored name (a CSV byte-order mark shows as "?" in the first column). COLUMN_NOT_FOUND "… or requester is not authorized" can also mean Lake Formation hides the column from the caller.',
    fix: 'Compare with SHOW COLUMNS; lint the table: invisible characters, whitespace and upper case are flagged with the exact stored name.',
    id: 'column-cannot-be-resolved',
    names: [/Column '([^']+)' cannot be resolved/i],
    patterns: [/Column '.*' cannot be resolved/i, /COLUMN_NOT_FOUND/i],
    rules: ['invisible-character', 'whitespace', 'upper-case'],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/troubleshooting-athena.html',
    title: 'Column cannot be resolved',
  },
  {
    cause:
      'The query calls a function that Athena (its engine version) does not have, or calls it with a name it does not know.',
    fix: 'Check the function list of your engine version (SHOW FUNCTIONS); use the Trino equivalent or a UDF.',
    id: 'function-not-registered',
    patterns: [/Function [^ ]+ not registered/i, /FUNCTION_NOT_FOUND/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/troubleshooting-athena.html',
    title: 'Function not registered',
  },
  {
    cause:
      'A function was called with argument types it has no signature for (e.g. concat on numbers, date functions on strings).',
    fix: 'CAST the arguments to the types in the "Expected:" list of the message (e.g. CAST(x AS varchar)).',
    id: 'unexpected-parameters',
    patterns: [/Unexpected parameters \(.*\) for function/i],
    rules: [],
    source: 'https://github.com/open-metadata/OpenMetadata/issues/4332',
    title: 'Function argument types',
  },
  {
    cause:
      'The statement has a "?" that Athena reads as an execution parameter, with no value given: a prepared statement from a client, or a "?" inside a quoted name or a comment.',
    fix: 'Pass the parameter values (ExecutionParameters), or rename the column without "?"; check the client does not prepare the query.',
    id: 'incorrect-number-of-parameters',
    patterns: [/Incorrect number of parameters: expected \d+ but found \d+/i],
    rules: ['special-character'],
    source: 'https://github.com/metabase/metabase/issues/44915',
    title: 'Parameter placeholder without a value',
  },
  {
    cause: 'A function call has more than 127 arguments, the limit of Athena engine version 3.',
    fix: 'Split the call (nested concat, several map_from_entries …) so that each call has at most 127 arguments.',
    id: 'too-many-arguments',
    patterns: [/TOO_MANY_ARGUMENTS/i, /Too many arguments for function call/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/troubleshooting-athena.html',
    title: 'Too many arguments',
  },
  {
    cause:
      'A value cannot be converted to the target type: text in a numeric column, a badly formatted date. With CSV data it often means columns are shifted (a field with an embedded newline or delimiter), so text lands in a numeric column.',
    fix: 'Use TRY_CAST (NULL instead of a failure) to find the rows; for CSV, use OpenCSVSerde with quoting and check for embedded newlines.',
    id: 'invalid-cast-argument',
    patterns: [/INVALID_CAST_ARGUMENT/i, /Cannot cast '.*' to [A-Z]/i],
    rules: [],
    source: 'https://github.com/ministryofjustice/analytical-platform/issues/2148',
    title: 'Value cannot be cast',
  },
  {
    cause:
      'A function got an argument value it cannot use (e.g. fewer than two concatenation arguments, an invalid format string, a negative size).',
    fix: 'Read the text after INVALID_FUNCTION_ARGUMENT: it names the function and the bad value; guard the input or use the try() function.',
    id: 'invalid-function-argument',
    patterns: [/INVALID_FUNCTION_ARGUMENT/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/troubleshooting-athena.html',
    title: 'Invalid function argument',
  },
  {
    cause:
      'A partition was registered with a different schema (types) than the table, typically by a crawler sampling one partition.',
    fix: 'Make the partition schemas inherit from the table (crawler "Partitions": {"AddOrUpdateBehavior": "InheritFromTable"}) or update the partitions (`pipeops glue partition-sync`).',
    id: 'partition-schema-mismatch',
    names: [/The column '([^']+)' in table/i],
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
      'A JSON record ends inside a string: the file was truncated (an interrupted upload or a writer that died), or one record is split over several lines.',
    fix: 'Find the file from the query (the "$path" column) and rewrite or remove it; with OpenX, "ignore.malformed.json" = "TRUE" skips the broken line.',
    id: 'json-unterminated-string',
    patterns: [/JSONException: Unterminated string/i],
    rules: [],
    source: 'https://github.com/openaq/openaq-fetch/issues/635',
    title: 'Truncated JSON record',
  },
  {
    cause:
      'The table declares a struct (or map/array) for a field whose JSON value is a plain string (or the other way round) in some records.',
    fix: 'Declare the column as string and parse it with json_extract, or fix the data so every record has the same shape.',
    id: 'json-string-cast',
    patterns: [/java\.lang\.String cannot be cast to org\.openx\.data\.jsonserde\.json\.JSON(Object|Array)/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/troubleshooting-athena.html',
    title: 'JSON string where the table has a struct',
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
      'The Parquet files store a column with another type than the table declares (e.g. INT64 in the file, string in the table): a writer changed types, or the table was declared by hand.',
    fix: 'Declare the column with the type in the files (or a compatible one), or rewrite the files; check every writer uses the same schema.',
    id: 'parquet-type-mismatch',
    names: [/Field ([A-Za-z_][\w$]*)'s type/],
    patterns: [/in parquet is incompatible with type/i, /HIVE_BAD_DATA: Field .* type .* in parquet/i],
    rules: [],
    source: 'https://github.com/aws/aws-sdk-pandas/issues/57',
    title: 'Parquet type differs from the table',
  },
  {
    cause: "A numeric column of a CSV/text table has empty fields: Hive's text readers cannot read '' as a number.",
    fix: "Declare the column as string and CAST it in queries (with a default for ''), or use OpenCSVSerde, which reads empty fields as NULL for string columns.",
    id: 'bad-data-empty-value',
    patterns: [/HIVE_BAD_DATA: Error parsing field value '' for field/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/troubleshooting-athena.html',
    title: 'Empty value in a numeric column',
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
      'A file listed when the query started was gone when Athena read it: another job deleted or rewrote it during the query, or (Iceberg) an S3 lifecycle rule deleted metadata or data files the table still references.',
    fix: 'Rerun; schedule jobs that delete or overwrite files away from queries (write new files instead); for Iceberg, never expire table files with S3 lifecycle rules: use VACUUM / expire snapshots.',
    id: 's3-key-not-found',
    patterns: [/The specified key does not exist/i, /NoSuchKey/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/troubleshooting-athena.html',
    title: 'File deleted while the query ran',
  },
  {
    cause: 'A data file is empty or corrupted (typically a truncated gzip file).',
    fix: 'Find the file ("$path" column) and check it (gzip -t); replace or remove it.',
    id: 'unexpected-end-of-input',
    patterns: [/Unexpected end of input stream/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/troubleshooting-athena.html',
    title: 'Empty or truncated data file',
  },
  {
    cause:
      'A Parquet file could not be read: a transient S3 read failure (the query then succeeds when rerun), or a file that is not valid Parquet (a partial write, another format in the same folder).',
    fix: 'Rerun once; if it fails again on the same file, check it (parquet-tools) and remove files that are not Parquet from the table location.',
    id: 'hive-cursor-parquet',
    patterns: [
      /HIVE_CURSOR_ERROR: Failed to read Parquet file/i,
      /HIVE_CANNOT_OPEN_SPLIT.*(not a Parquet file|is not a valid Parquet)/i,
    ],
    rules: [],
    source: 'https://github.com/trinodb/trino/issues/19225',
    title: 'Parquet file could not be read',
  },
  {
    cause: 'A file changed between query planning and reading: a PUT replaced it in place while the query ran.',
    fix: 'Write new files instead of replacing existing ones, or schedule overwrites when no query runs.',
    id: 'incorrect-file-size',
    patterns: [/Incorrect fileSize \d+ for file/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/troubleshooting-athena.html',
    title: 'File replaced during the query',
  },
  {
    cause:
      'A nested Parquet column (struct, array or map in the file) is declared with a primitive type (e.g. string) in the table.',
    fix: 'Declare the column with its nested type (compare with the file schema, e.g. parquet-tools schema).',
    id: 'parquet-group-column',
    patterns: [/GroupColumnIO cannot be cast to .*PrimitiveColumnIO/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/troubleshooting-athena.html',
    title: 'Nested Parquet column declared as primitive',
  },
  {
    cause:
      'S3 throttled the reads (503 Slow Down): too many requests on one prefix, often a prefix with very many small files.',
    fix: 'Compact small files, spread data over more prefixes (partitions), and run fewer concurrent queries on the same prefix.',
    id: 's3-slow-down',
    patterns: [/Slow ?Down/i, /Please reduce your request rate/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/performance-tuning-s3-throttling.html',
    title: 'S3 throttling',
  },
  {
    cause:
      "S3 refused a request with 403 Access Denied: on the table's data location (s3:GetObject/ListBucket, a bucket policy, KMS decrypt, objects owned by another account) or on the query result location (s3:PutObject). The path in the message, if any, says which.",
    fix: 'Allow the caller s3:GetObject and s3:ListBucket on the data (and kms:Decrypt for SSE-KMS), s3:PutObject/GetBucketLocation on the result location; for cross-account data check the bucket policy and object ownership.',
    id: 's3-access-denied',
    patterns: [
      /Access Denied \(Service: (Amazon )?S3/i,
      /AmazonS3Exception: Access Denied/i,
      /PERMISSION_DENIED: Access Denied/i,
    ],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/troubleshooting-athena.html',
    title: 'S3 access denied',
  },
  {
    cause:
      'Lake Formation governs the database or table and the caller has no Lake Formation grant for it (IAM permissions alone are not enough).',
    fix: 'Grant the principal the Lake Formation permissions the statement needs (SELECT/DESCRIBE on the table, CREATE_DATABASE on the catalog, …), or register the location as IAM-controlled.',
    id: 'lake-formation-permission',
    patterns: [/Lake ?Formation permission/i, /LakeFormation/i],
    rules: [],
    source: 'https://github.com/aws-samples/experimental-programmatic-access-ccft/issues/5',
    title: 'Lake Formation permission',
  },
  {
    cause:
      'The caller lacks a permission the query needs: S3 access to the data or the result location, Glue catalog access, or a Lake Formation grant.',
    fix: 'Check s3:GetObject/ListBucket on the data, s3:PutObject on the result location, glue:GetTable/GetPartitions, and Lake Formation grants; CloudTrail shows which call was denied (`pipeops trail lookup`).',
    id: 'insufficient-permissions',
    patterns: [/Insufficient permissions to execute the query/i, /experienced a permission error/i],
    rules: [],
    source: 'https://github.com/getredash/website/issues/54',
    title: 'Insufficient permissions',
  },
  {
    cause:
      'Reading rows from a data file failed: a file that does not match the table format or SerDe, a corrupt file, or a file changed during the query.',
    fix: 'The text after HIVE_CURSOR_ERROR names the reason; find the file ("$path"), and check it matches the table format and was not rewritten during the query.',
    id: 'hive-cursor-error',
    patterns: [/HIVE_CURSOR_ERROR/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/troubleshooting-athena.html',
    title: 'Error reading a data file',
  },
  {
    cause:
      'Reading from S3 failed: usually a transient S3 error (the query then succeeds when rerun), sometimes a file changed or removed during the query.',
    fix: 'Rerun (retry in automation); if it repeats on the same file, check the file and that no job rewrites it during queries.',
    id: 'hive-filesystem-error',
    patterns: [/HIVE_FILESYSTEM_ERROR/i],
    rules: [],
    source: 'https://github.com/trinodb/trino/issues/19225',
    title: 'S3 read error',
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
      'The table has no usable input format: the Glue crawler could not classify the data (classification UNKNOWN), table properties are empty, or the files are in a format Athena does not read.',
    fix: 'Set the table format explicitly (SerDe, InputFormat, OutputFormat) or re-create it with DDL; check the crawler classified the data.',
    id: 'unable-to-create-input-format',
    patterns: [/Unable to create input format/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/troubleshooting-athena.html',
    title: 'Unable to create input format',
  },
  {
    cause:
      'The Hive connector failed for a reason it does not classify; the text after HIVE_UNKNOWN_ERROR names it (a table definition Athena cannot use, a SerDe problem).',
    fix: 'Read the text after the code; check the table definition (SHOW CREATE TABLE) and its SerDe properties.',
    id: 'hive-unknown-error',
    patterns: [/HIVE_UNKNOWN_ERROR/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/troubleshooting-athena.html',
    title: 'Unclassified Hive error',
  },
  {
    cause:
      'Reading the table or partition definition from the Glue Data Catalog failed: an invalid definition (bad type string, missing storage descriptor) or a catalog error.',
    fix: 'Check the table in Glue (aws glue get-table): types, StorageDescriptor and SerDe; `lint-columns --database D --table T` checks the names and types.',
    id: 'hive-metastore-error',
    patterns: [/HIVE_METASTORE_ERROR/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/troubleshooting-athena.html',
    title: 'Catalog definition could not be read',
  },
  {
    cause: 'The RegexSerDe input.regex has a different number of capturing groups than the table has columns.',
    fix: 'Make one capturing group per column (use (?:…) for groups that are not columns).',
    id: 'regex-groups',
    patterns: [/Number of matching groups doesn't match the number of columns/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/troubleshooting-athena.html',
    title: 'RegexSerDe groups vs columns',
  },
  {
    cause: 'The query text is longer than 262,144 bytes, a limit that cannot be raised.',
    fix: 'Split the query, or move long IN lists into a table and join it.',
    id: 'query-string-too-long',
    patterns: [/Member must have length less than or equal to 262144/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/troubleshooting-athena.html',
    title: 'Query string too long',
  },
  {
    cause: 'A table the view reads was changed (columns or types) or dropped after the view was created.',
    fix: 'Re-create the view (CREATE OR REPLACE VIEW) against the current tables.',
    id: 'view-is-stale',
    patterns: [/is stale; it must be re-created/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/troubleshooting-athena.html',
    title: 'View is stale',
  },
  {
    cause:
      'A column type exists in the catalog or the query but Athena cannot write or read it here (e.g. json, or a type a CTAS format does not support).',
    fix: 'CAST the column to a supported type (varchar for json) in the SELECT of the CTAS/INSERT.',
    id: 'not-supported-type',
    patterns: [/NOT_SUPPORTED: Unsupported (Hive )?type/i],
    rules: [],
    source: 'https://github.com/objectiv/objectiv-analytics/issues/1356',
    title: 'Unsupported type',
  },
  {
    cause:
      'The statement uses a feature Athena does not support for this table type or engine version (the text after NOT_SUPPORTED says which).',
    fix: 'Read the text after the code; use a supported alternative (e.g. Iceberg tables for UPDATE/DELETE/MERGE).',
    id: 'not-supported',
    patterns: [/NOT_SUPPORTED/],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/error-reference.html',
    title: 'Not supported',
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
  {
    cause: 'One INSERT/CTAS/MERGE writes more than 100 partitions of an Iceberg table (100 open writers per query).',
    fix: 'Write in batches of at most 100 partitions (e.g. INSERT … WHERE partition_column IN (…) per batch); awswrangler and dbt-athena can batch for you.',
    id: 'iceberg-too-many-open-partitions',
    patterns: [/ICEBERG_TOO_MANY_OPEN_PARTITIONS/i, /Exceeded limit of 100 open writers for partitions(?!\/buckets)/i],
    rules: [],
    source: 'https://github.com/aws/aws-sdk-pandas/issues/3222',
    title: 'Too many open Iceberg partitions',
  },
  {
    cause:
      "The Iceberg table's metadata file is not at the location the catalog points to: it was deleted (lifecycle rule, manual cleanup) or the table was registered with a wrong metadata_location.",
    fix: 'Restore the metadata file, or point the table at an existing metadata.json (Glue table parameter metadata_location); never expire Iceberg files with S3 lifecycle rules.',
    id: 'iceberg-missing-metadata',
    patterns: [/ICEBERG_MISSING_METADATA/i, /Metadata not found in metadata location/i],
    rules: [],
    source: 'https://github.com/dbcodeio/public/issues/997',
    title: 'Iceberg metadata missing',
  },
  {
    cause:
      'Another write committed to the same Iceberg table while this one ran (concurrent INSERT/MERGE/UPDATE/OPTIMIZE), so this commit conflicted.',
    fix: 'Retry the statement; serialise writers of the same table (or of the same partitions).',
    id: 'iceberg-commit-error',
    patterns: [/ICEBERG_COMMIT_ERROR/i],
    rules: [],
    source: 'https://github.com/trinodb/trino/issues/19061',
    title: 'Iceberg commit conflict',
  },
  {
    cause:
      'The Iceberg connector failed (the code after ICEBERG_ names the kind: bad data, cannot open split, invalid metadata …).',
    fix: 'Read the text after the code; check the table metadata (SELECT * FROM "t$snapshots") and the data files it references.',
    id: 'iceberg-error',
    patterns: [/ICEBERG_[A-Z_]+/],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/error-reference.html',
    title: 'Iceberg error',
  },
  {
    cause:
      'The CTAS/INSERT target location already has files (a table dropped without deleting its data, or a retried CTAS).',
    fix: 'Empty the location (or choose a new one) before running the CTAS again.',
    id: 'hive-path-already-exists',
    patterns: [/HIVE_PATH_ALREADY_EXISTS/i],
    rules: [],
    source: 'https://github.com/dbt-labs/dbt-adapters/pull/1221',
    title: 'Target location not empty',
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
    cause: 'The query ran longer than the DML or DDL timeout of the workgroup (30 minutes by default, service quota).',
    fix: 'Make the query cheaper (partition filters, smaller joins, fewer files), split it, or raise the timeout quota; retrying unchanged usually times out again.',
    id: 'query-timeout',
    patterns: [
      /Query timeout/i,
      /Query exceeded (the )?maximum (allowed )?(execution|run) ?time/i,
      /EXCEEDED_TIME_LIMIT/i,
    ],
    rules: [],
    source: 'https://github.com/dbt-labs/dbt-adapters/issues/1813',
    title: 'Query timeout',
  },
  {
    cause: "The query scanned more than the workgroup's per-query data usage limit allows, so Athena cancelled it.",
    fix: 'Add partition filters or select fewer columns; raise the workgroup data limit if the scan is expected.',
    id: 'bytes-scanned-limit',
    patterns: [/Bytes scanned limit was exceeded/i],
    rules: [],
    source: 'https://github.com/dbt-labs/dbt-adapters/pull/1221',
    title: 'Data scanned limit',
  },
  {
    cause:
      'The query names a data catalog that does not exist in this account and region (often a database name used where a catalog goes, in a three-part name or a tool setting).',
    fix: 'Use catalog.database.table with an existing catalog (AwsDataCatalog for Glue), or only database.table; check the tool sends the database as schema, not as catalog.',
    id: 'catalog-not-found',
    patterns: [/CATALOG_NOT_FOUND/i, /Catalog '?[^ ']+'? does not exist/i],
    rules: [],
    source: 'https://github.com/Dandandan/dbt-athena/issues/17',
    title: 'Catalog not found',
  },
  {
    cause:
      'The database (schema) named in the query does not exist in the catalog, or the session has no default database.',
    fix: 'Check the database name and the query context (database chosen in the console / QueryExecutionContext); quote names with special characters.',
    id: 'schema-not-found',
    names: [/Schema '([^']+)' does not exist/i],
    patterns: [
      /SCHEMA_NOT_FOUND/i,
      /Schema '[^']+' does not exist/i,
      /Schema must be specified when session schema is not set/i,
    ],
    rules: ['special-character'],
    source: 'https://github.com/guardian/athena-cli/pull/11',
    title: 'Database not found',
  },
  {
    cause:
      'The table named in the query does not exist in that database of the catalog: a typo, the wrong database in the query context or workgroup, or a special character that split the name.',
    fix: 'Check the name and the database in the query context; quote names with special characters ("my-db"."my-table").',
    id: 'table-not-found',
    names: [/Table '(?:[^'.]+\.)*([^'.]+)' does not exist/i],
    patterns: [/TABLE_NOT_FOUND/i, /Table '?[^ ]+'? does not exist/i],
    rules: ['special-character'],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/troubleshooting-athena.html',
    title: 'Table not found',
  },
  {
    cause:
      'Athena could not write query results: the workgroup or client has no output location, or no permission on it.',
    fix: 'Set a query result location in the workgroup (or pass one) and allow s3:PutObject and s3:GetBucketLocation on it.',
    id: 'output-location',
    patterns: [
      /Unable to verify\/create output bucket/i,
      /No output location provided/i,
      /The S3 location provided to save your query results is invalid/i,
    ],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/querying.html',
    title: 'Query result location',
  },
  {
    cause:
      'A service Athena calls for the query (Glue, KMS, Lambda, S3) throttled it: too many concurrent calls from the account.',
    fix: 'Run fewer queries at once or back off and retry; for Glue, partition projection avoids GetPartitions calls.',
    id: 'throttled',
    patterns: [
      /Rate exceeded/i,
      /ThrottlingException/i,
      /exceeded the rate at which you may call KMS/i,
      /TooManyRequestsException/i,
    ],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/troubleshooting-athena.html',
    title: 'Throttled by a dependent service',
  },
  {
    cause:
      'A value is larger than the column type allows: a number above 2,147,483,647 in an int column (MAX_INT), above 127 in a tinyint (MAX_BYTE).',
    fix: 'Declare the column as bigint (or smallint/int for MAX_BYTE); the files keep their values.',
    id: 'value-exceeds-max',
    patterns: [/Value exceeds MAX_(INT|BYTE|SHORT|LONG)/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/troubleshooting-athena.html',
    title: 'Value too large for the column type',
  },
  {
    cause: 'An array (or other nested) column is read with OpenCSVSerde, which does not support nested types.',
    fix: 'Declare the column as string with OpenCSVSerde (and split it in queries), or use LazySimpleSerDe with a collection delimiter.',
    id: 'parent-builder-null',
    patterns: [/Parent builder is null/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/troubleshooting-athena.html',
    title: 'Nested type with OpenCSVSerde',
  },
  {
    cause: 'Usually a column type in the table that does not match the data, or a CTAS with wrong syntax.',
    fix: 'Compare the table types with the data files; check the CTAS properties.',
    id: 'generic-internal-error-null',
    patterns: [/GENERIC_INTERNAL_ERROR: (Null|null)\s*$/m],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/troubleshooting-athena.html',
    title: 'GENERIC_INTERNAL_ERROR: Null',
  },
  {
    cause:
      'The engine failed in an unexpected way. The text after GENERIC_INTERNAL_ERROR is the engine exception: a transient failure (retry), metadata that another tool wrote in a form Athena cannot read (e.g. Iceberg metadata without a schema id), or a data/schema mismatch.',
    fix: 'Retry once; if it repeats, search the exception text (after the code) and check table metadata and types; with the query id, AWS Support can see the engine log.',
    id: 'generic-internal-error',
    patterns: [/GENERIC_INTERNAL_ERROR/i],
    rules: [],
    source: 'https://docs.aws.amazon.com/athena/latest/ug/troubleshooting-athena.html',
    title: 'Internal engine error',
  },
  {
    cause:
      'This is a wrapper: the client (an SDK call, a driver, a tool) reports that the query failed but not why. The reason is in the query execution (Status.StateChangeReason / AthenaError).',
    fix: 'Get the real message: `pipeops athena explain-error --query-execution-id ID` (or the recent failures of the workgroup with --recent N), then explain that message.',
    id: 'query-failed-wrapper',
    patterns: [
      /Query did not finish successfully\. Final query state: FAILED/i,
      /Query execution failed or was cancelled/i,
      /Waiter encountered a terminal failure state/i,
    ],
    rules: [],
    source: 'https://github.com/johanneswuerbach/jaeger-s3/issues/350',
    title: 'Failure without the reason',
  },
]

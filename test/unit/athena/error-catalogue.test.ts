import {describe, expect, it} from 'vitest'

import {KNOWN_ERRORS} from '../../../src/lib/athena/error-catalogue.js'
import {checkMessageText, explainMessage} from '../../../src/lib/athena/explain-error.js'
import {InputError} from '../../../src/lib/core/errors.js'

/**
 * Each entry added for real messages: one message it must explain (written in the shape Athena
 * prints) and a near miss that must not be explained by it.
 */
const CASES: Array<[id: string, positive: string, nearMiss: string]> = [
  [
    'multiple-statements',
    "FAILED: ParseException line 1:7 missing EOF at ';' near 'sales'",
    "FAILED: ParseException line 1:8 missing EOF at '-' near 'glue'",
  ],
  [
    'column-name-not-specified',
    'SYNTAX_ERROR: line 1:1: Column name not specified at position 2',
    "SYNTAX_ERROR: line 1:1: Column 'position' cannot be resolved",
  ],
  [
    'reserved-word-query',
    "line 3:9: mismatched input 'IN' expecting {')', 'GROUP', 'ORDER'}",
    "line 3:9: mismatched input 'EXTERNAL'. Expecting: 'TABLE'",
  ],
  [
    'parse-exception-comments',
    "FAILED: ParseException line 3:2 cannot recognize input near 'FORMAT' 'SERDE' ''org.openx.data.jsonserde.JsonSerDe'' in column type",
    "FAILED: ParseException line 3:2 cannot recognize input near 'date' 'string' ',' in column specification",
  ],
  [
    'ctas-sent-to-hive',
    "FAILED: ParseException line 2:0 cannot recognize input near 'WITH' '(' 'format' in create table statement",
    "FAILED: ParseException line 2:0 cannot recognize input near 'WITH' 'SERDEPROPERTIES' '(' in table clause",
  ],
  [
    'ddl-in-trino-parser',
    "line 1:8: mismatched input 'EXTERNAL'. Expecting: 'OR', 'SCHEMA', 'TABLE', 'VIEW'",
    "line 1:8: mismatched input 'FROM'. Expecting: ',', <expression>",
  ],
  [
    'type-name-not-hive',
    "HIVE_METASTORE_ERROR: Error: type expected at the position 0 of 'integer' but 'integer' is found.",
    "HIVE_METASTORE_ERROR: Error: : expected at the position 14 of 'struct<my field:int>' but ' ' is found.",
  ],
  ['queries-not-supported', 'Queries of this type are not supported', 'Queries of this type are supported'],
  [
    'function-not-registered',
    'SYNTAX_ERROR: line 1:8: Function parse_thing not registered',
    'Function parse_thing registered',
  ],
  [
    'unexpected-parameters',
    'SYNTAX_ERROR: line 2:3: Unexpected parameters (integer, varchar(3)) for function concat. Expected: concat(varchar)',
    'SYNTAX_ERROR: line 2:3: Unexpected end of statement',
  ],
  [
    'incorrect-number-of-parameters',
    'INVALID_PARAMETER_USAGE: line 1:1: Incorrect number of parameters: expected 2 but found 1',
    'Incorrect number of columns in the CSV row',
  ],
  [
    'too-many-arguments',
    'TOO_MANY_ARGUMENTS: line 4:5: Too many arguments for function call concat()',
    'Too many open files',
  ],
  [
    'invalid-cast-argument',
    "INVALID_CAST_ARGUMENT: Cannot cast 'abc' to INT",
    'INVALID_FUNCTION_ARGUMENT: There must be two or more concatenation arguments',
  ],
  [
    'invalid-function-argument',
    'INVALID_FUNCTION_ARGUMENT: Invalid format: "2024/13/01"',
    'The function argument looked fine',
  ],
  [
    'json-unterminated-string',
    'HIVE_CURSOR_ERROR: Row is not a valid JSON Object - JSONException: Unterminated string at 77 [character 78 line 1]',
    'HIVE_CURSOR_ERROR: Row is not a valid JSON Object - JSONException: A JSONObject text must end with }',
  ],
  [
    'json-string-cast',
    'HIVE_BAD_DATA: Error parsing field value for field 2: java.lang.String cannot be cast to org.openx.data.jsonserde.json.JSONObject',
    'HIVE_BAD_DATA: Error parsing field value for field 2: For input string: "x"',
  ],
  [
    'parquet-type-mismatch',
    "HIVE_BAD_DATA: Field amount's type DOUBLE in parquet is incompatible with type bigint defined in table schema",
    'HIVE_BAD_DATA: Error parsing field value for field 0',
  ],
  [
    'bad-data-empty-value',
    'HIVE_BAD_DATA: Error parsing field value \'\' for field 3: For input string: ""',
    'HIVE_BAD_DATA: Error parsing field value \'12x\' for field 3: For input string: "12x"',
  ],
  [
    's3-key-not-found',
    'HIVE_CURSOR_ERROR: com.amazonaws.services.s3.model.AmazonS3Exception: The specified key does not exist.',
    'HIVE_CURSOR_ERROR: com.amazonaws.services.s3.model.AmazonS3Exception: The specified bucket does not exist',
  ],
  [
    'unexpected-end-of-input',
    'HIVE_CURSOR_ERROR: Unexpected end of input stream',
    'HIVE_CURSOR_ERROR: Unexpected token',
  ],
  [
    'hive-cursor-parquet',
    'HIVE_CURSOR_ERROR: Failed to read Parquet file: s3://bucket/t/part-1.parquet',
    'HIVE_CURSOR_ERROR: Failed to read ORC file: s3://bucket/t/part-1.orc',
  ],
  ['hive-cursor-error', 'HIVE_CURSOR_ERROR: Failed to read ORC file: s3://bucket/t/part-1.orc', 'HIVE_CURSOR error'],
  [
    'incorrect-file-size',
    'HIVE_FILESYSTEM_ERROR: Incorrect fileSize 4096 for file s3://bucket/t/x.gz',
    'HIVE_FILESYSTEM_ERROR: Error reading from s3://bucket/t/x.gz at position 0',
  ],
  ['hive-filesystem-error', 'HIVE_FILESYSTEM_ERROR: Error reading from s3://bucket/t/x.gz', 'HIVE_FILE_ERROR'],
  [
    'parquet-group-column',
    'org.apache.parquet.io.GroupColumnIO cannot be cast to org.apache.parquet.io.PrimitiveColumnIO',
    'org.apache.parquet.io.PrimitiveColumnIO cannot be cast to org.apache.parquet.io.GroupColumnIO',
  ],
  [
    's3-slow-down',
    'HIVE_CANNOT_OPEN_SPLIT: Error opening Hive split s3://bucket/t/: Slow Down (Service: Amazon S3; Status Code: 503)',
    'HIVE_CANNOT_OPEN_SPLIT: Error opening Hive split s3://bucket/t/: Connection reset',
  ],
  [
    's3-access-denied',
    'HIVE_CANNOT_OPEN_SPLIT: Error opening Hive split s3://bucket/t/x: Access Denied (Service: Amazon S3; Status Code: 403; Error Code: AccessDenied)',
    'Access granted (Service: Amazon S3; Status Code: 200)',
  ],
  [
    'lake-formation-permission',
    'Insufficient Lake Formation permission(s) on orders (Service: AmazonDataCatalog; Status Code: 400)',
    'Lake house formation of permissions pending',
  ],
  ['insufficient-permissions', 'Insufficient permissions to execute the query.', 'Sufficient permissions'],
  ['unable-to-create-input-format', 'HIVE_UNKNOWN_ERROR: Unable to create input format', 'Unable to create output'],
  ['hive-unknown-error', 'HIVE_UNKNOWN_ERROR: Could not find the serde', 'HIVE_UNKNOWN error'],
  [
    'hive-metastore-error',
    'HIVE_METASTORE_ERROR: Required Table Storage Descriptor is not populated.',
    'HIVE_META error',
  ],
  ['regex-groups', "Number of matching groups doesn't match the number of columns", 'Number of columns matches'],
  [
    'query-string-too-long',
    "1 validation error detected: Value at 'queryString' failed to satisfy constraint: Member must have length less than or equal to 262144",
    'Member must have length less than or equal to 128',
  ],
  ['view-is-stale', "View 'awsdatacatalog.db.v' is stale; it must be re-created.", "View 'db.v' is fresh"],
  ['not-supported-type', 'NOT_SUPPORTED: Unsupported Hive type: uniontype', 'NOT SUPPORTED type'],
  [
    'not-supported',
    'NOT_SUPPORTED: Modifying Hive table rows is only supported for transactional tables',
    'not_supported',
  ],
  [
    'iceberg-too-many-open-partitions',
    'ICEBERG_TOO_MANY_OPEN_PARTITIONS: Exceeded limit of 100 open writers for partitions.',
    'HIVE_TOO_MANY_OPEN_PARTITIONS: Exceeded limit of 100 open writers for partitions/buckets',
  ],
  [
    'iceberg-missing-metadata',
    'ICEBERG_MISSING_METADATA: Metadata not found in metadata location for table db.t',
    'Metadata found for table db.t',
  ],
  ['iceberg-commit-error', 'ICEBERG_COMMIT_ERROR: Failed to commit Iceberg update to table: db.t', 'ICEBERG COMMIT'],
  ['iceberg-error', 'ICEBERG_BAD_DATA: Invalid value in file', 'ICEBERG error'],
  ['hive-path-already-exists', 'HIVE_PATH_ALREADY_EXISTS: Target directory for table db.t already exists', 'HIVE_PATH'],
  ['query-timeout', 'Query timeout', 'Query took 3 minutes'],
  ['bytes-scanned-limit', 'Bytes scanned limit was exceeded', 'Bytes scanned: 10 GB'],
  [
    'catalog-not-found',
    "CATALOG_NOT_FOUND: line 1:15: Catalog 'analytics' does not exist",
    "SCHEMA_NOT_FOUND: line 1:15: Schema 'analytics' does not exist",
  ],
  [
    'schema-not-found',
    "SCHEMA_NOT_FOUND: line 1:15: Schema 'analytics' does not exist",
    "TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.analytics.events' does not exist",
  ],
  [
    'throttled',
    'AWSGlueException: Rate exceeded. (Service: AWSGlue; Status Code: 400; Error Code: ThrottlingException)',
    'Exchange rate table not found here',
  ],
  ['value-exceeds-max', 'GENERIC_INTERNAL_ERROR: Value exceeds MAX_INT', 'GENERIC_INTERNAL_ERROR: Value is fine'],
  ['parent-builder-null', 'GENERIC_INTERNAL_ERROR: Parent builder is null', 'GENERIC_INTERNAL_ERROR: Builder is ready'],
  ['generic-internal-error-null', 'GENERIC_INTERNAL_ERROR: Null', 'GENERIC_INTERNAL_ERROR: Nullable column'],
  ['generic-internal-error', 'GENERIC_INTERNAL_ERROR: Internal error', 'GENERIC internal'],
  [
    'query-failed-wrapper',
    'InvalidRequestException: Query did not finish successfully. Final query state: FAILED',
    'Query finished successfully. Final query state: SUCCEEDED',
  ],
  [
    'query-failed-wrapper',
    'Error running query: Waiter QueryCompleted failed: Waiter encountered a terminal failure state',
    'Waiter QueryCompleted succeeded',
  ],
]

describe('error catalogue: real message shapes', () => {
  it.each(CASES)('%s: explains its message and not the near miss', (id, positive, nearMiss) => {
    expect(explainMessage(positive).match?.id).toBe(id)
    expect(explainMessage(nearMiss).match?.id).not.toBe(id)
  })

  it('has at least 60 entries, each with a source, a cause, a fix and a pattern', () => {
    expect(KNOWN_ERRORS.length).toBeGreaterThanOrEqual(60)
    for (const k of KNOWN_ERRORS) {
      expect(k.source, k.id).toMatch(/^https:\/\/|^[\w-]+\/[\w-]+ /)
      expect(k.cause.length, k.id).toBeGreaterThan(20)
      expect(k.fix.length, k.id).toBeGreaterThan(10)
      expect(k.patterns.length, k.id).toBeGreaterThan(0)
    }
  })

  it('a wrapper that carries the real message is explained by the real message', () => {
    const e = explainMessage(
      "Query did not finish successfully. Final query state: FAILED. Reason: TABLE_NOT_FOUND: line 1:15: Table 'db.orders' does not exist",
    )
    expect(e.match?.id).toBe('table-not-found')
  })

  it('unknown messages say so, with generic steps, and lint nothing', () => {
    const e = explainMessage('WEIRD_NEW_CODE: something about \'Order Date\' and "double"')
    expect(e.known).toBe(false)
    expect(e.next).toMatch(/error code/)
    expect(e.names).toEqual([])
  })
})

describe('error catalogue: only names are linted', () => {
  it('type names, SerDe classes, paths and key=value parts of a message are not linted', () => {
    const schema = explainMessage(
      "HIVE_PARTITION_SCHEMA_MISMATCH: There is a mismatch between the table and partition schemas. The column 'Amount' in table 'db.t' is declared as type 'double', but partition 'dt=2024-01-01/hr=00' declared column 'Amount' as type 'int'.",
    )
    // Only the column the message names: not 'double', 'int' or 'dt=2024-01-01/hr=00'.
    expect(schema.names.map((n) => n.name)).toEqual(['Amount'])
    const serde = explainMessage(
      "FAILED: ParseException line 2:4 cannot recognize input near 'FORMAT' 'SERDE' ''org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'' in column type",
    )
    expect(serde.names).toEqual([])
    const mismatched = explainMessage("line 1:20: mismatched input 'end'. Expecting: ',', 'AS', 'FROM', <EOF>")
    expect(mismatched.names.map((n) => n.name)).toEqual(['end'])
  })
})

describe('DDL parse errors: comments first when the text has them', () => {
  it('says both causes, and comments first when the pasted text has -- comments', () => {
    const bare = explainMessage("FAILED: ParseException line 4:2 cannot recognize input near 'date' 'string' ','")
    expect(bare.match?.id).toBe('cannot-recognize-input')
    expect(bare.match?.cause).toMatch(/reserved word.*comments/s)
    const withComments = explainMessage(
      "CREATE EXTERNAL TABLE t (\n  -- the date of the event\n  date string\n)\nFAILED: ParseException line 4:2 cannot recognize input near 'date' 'string' ','",
    )
    expect(withComments.match?.cause).toMatch(/^The statement contains `--` comments: remove them first/)
  })
})

describe('checkMessageText', () => {
  it('a binary file is bad input (exit 6), text with a few odd characters is not', () => {
    const binary = String.fromCodePoint(...Array.from({length: 400}, (_, i) => (i * 37) % 256))
    expect(() => checkMessageText(binary, 'dump.bin')).toThrow(InputError)
    expect(() => checkMessageText('HIVE_BAD_DATA\u0000', 'x')).toThrow(/not text/)
    expect(() =>
      checkMessageText('HIVE_BAD_DATA: Error parsing field value \u00E9\u00E8 for field 0', 'x'),
    ).not.toThrow()
  })
})

import {describe, expect, it} from 'vitest'

import {KNOWN_ERRORS} from '../../../src/lib/athena/error-catalogue.js'
import {explainMessage} from '../../../src/lib/athena/explain-error.js'
import {RULE_IDS} from '../../../src/lib/athena/rules.js'

describe('explainMessage', () => {
  it.each([
    [
      'HIVE_CURSOR_ERROR: Row is not a valid JSON Object - JSONException: Duplicate key "url"',
      'json-duplicate-key',
      ['duplicate-name'],
    ],
    [
      'HIVE_UNKNOWN_ERROR: Multiple entries with same key: instance id=270 and instance id=115',
      'multiple-entries-same-key',
      ['duplicate-name'],
    ],
    [
      'HIVE_INVALID_METADATA: Hive metadata for table xxx is invalid: Table descriptor contains duplicate columns',
      'duplicate-columns',
      ['partition-key-duplicates-column', 'duplicate-name'],
    ],
    ["FAILED: ParseException line 1:8 missing EOF at '-' near 'glue'", 'missing-eof-hyphen', ['special-character']],
    [
      'line 1:8: identifiers must not start with a digit; surround the identifier with double quotes',
      'leading-digit',
      ['leading-digit'],
    ],
    [
      'line 1:19: backquoted identifiers are not supported; use double quotes to quote identifiers',
      'backquoted-identifier',
      ['special-character', 'reserved-dml'],
    ],
    ["line 1:15: identifiers must not contain ':'", 'colon-in-identifier', ['dot-or-colon']],
    ['Zero-length delimited identifier not allowed', 'zero-length-identifier', ['empty-name']],
    [
      "ParseException line 1:4736 cannot recognize input near '_id:struct' '<' 'Doid' i",
      'cannot-recognize-input',
      ['leading-underscore', 'reserved-ddl', 'special-character'],
    ],
    [
      "SYNTAX_ERROR: line 4:3: Column 'line_item_resource_id' cannot be resolved",
      'column-cannot-be-resolved',
      expect.any(Array),
    ],
    [
      "COLUMN_NOT_FOUND: line 3:7: Column 'symbol' cannot be resolved or requester is not authorized to access requested resources",
      'column-cannot-be-resolved',
      expect.any(Array),
    ],
    [
      "HIVE_PARTITION_SCHEMA_MISMATCH: There is a mismatch between the table and partition schemas. The column 'x' in table 'y' is declared as type 'double', but partition 'upgrade=4' declared column 'x' as type 'int'",
      'partition-schema-mismatch',
      [],
    ],
    [
      'GENERIC_INTERNAL_ERROR: Number of partition values does not match number of filters',
      'partition-values-filters',
      [],
    ],
    [
      'FAILED: Execution Error, return code 1 from org.apache.hadoop.hive.ql.exec.DDLTask. AlreadyExistsException(message:Partition already exists.)',
      'partition-already-exists',
      [],
    ],
    ['Partitions missing from filesystem: events:dt=2024-01-01', 'partitions-missing', []],
    ['FAILED: NullPointerException Name is null', 'name-is-null', []],
    [
      "HIVE_METASTORE_ERROR: com.facebook.presto.spi.PrestoException: Error: type expected at the position 0 of 'bool' but 'bool' is found.",
      'type-name-not-hive',
      [],
    ],
    ['Queries of this type are not supported', 'queries-not-supported', ['leading-digit', 'reserved-dml']],
  ])('%s → %s', (message, id, rules) => {
    const e = explainMessage(message)
    expect(e.known).toBe(true)
    expect(e.match?.id).toBe(id)
    expect(e.match?.rules).toEqual(rules)
  })

  it('lints names quoted in the message', () => {
    const e = explainMessage("ParseException line 1:4736 cannot recognize input near '_id:struct' '<' 'Doid' i")
    // Upper case is only reported where it explains the error; punctuation tokens are not names.
    expect(e.names.map((n) => [n.name, n.problems.map((p) => p.rule)])).toEqual([['_id', ['leading-underscore']]])
    expect(explainMessage("FAILED: ParseException line 1:8 missing EOF at '-' near 'glue'").names).toEqual([])
    const bom = explainMessage("SYNTAX_ERROR: line 1:8: Column '\uFEFFid' cannot be resolved")
    expect(bom.names.map((n) => n.problems.map((p) => p.rule))).toEqual([['invisible-character']])
  })

  it('says when a message is unknown and suggests lint-columns', () => {
    const e = explainMessage('Something completely different happened')
    expect(e.known).toBe(false)
    expect(e.match).toBeUndefined()
    expect(e.next).toMatch(/pipeops athena lint-columns/)
  })

  it('catalogue entries name only existing rules and have sources', () => {
    for (const k of KNOWN_ERRORS) {
      for (const r of k.rules) expect(RULE_IDS).toContain(r)
      expect(k.source).not.toBe('')
    }

    expect(new Set(KNOWN_ERRORS.map((k) => k.id)).size).toBe(KNOWN_ERRORS.length)
  })
})

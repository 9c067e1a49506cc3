/**
 * COPY's load error codes (DG r_Load_Error_Reference.html) with what each means, why it happens
 * and what fixes it: the COPY option (DG copy-parameters-data-conversion.html,
 * copy-parameters-data-format.html) or the data/column change. Shared by `copy-check` (which
 * predicts the code) and `load-errors` (which explains the codes COPY logged).
 *
 * MAXERROR is never offered as the fix: it makes COPY skip the rows, which are then missing from
 * the table. Where it is mentioned, the text says what it discards.
 */
import type {ColumnDef} from './table-ddl.js'

export interface LoadErrorCode {
  cause: string
  /** The documented description (DG r_Load_Error_Reference.html). */
  meaning: string
}

export const LOAD_ERROR_CODES: Readonly<Record<number, LoadErrorCode>> = {
  1200: {cause: 'COPY could not parse the line for a reason it does not name.', meaning: 'Unknown parse error.'},
  1201: {
    cause:
      'The line has no field delimiter at all: the file uses another delimiter than COPY was told, or the line is not data.',
    meaning: 'Field delimiter was not found in the input file.',
  },
  1202: {
    cause:
      'The line has more fields than the table (or the COPY column list) has columns: a different delimiter, a delimiter inside an unquoted value, or an extra column in the file.',
    meaning: 'Input data had more columns than were defined in the DDL.',
  },
  1203: {
    cause: 'The line has fewer fields than the table has columns.',
    meaning: 'Input data had fewer columns than were defined in the DDL.',
  },
  1204: {
    cause:
      'The value is out of range for the column type: a string longer than the column in bytes (VARCHAR/CHAR lengths count bytes, and a non-ASCII character takes 2–4), a number beyond the integer type or with more integer digits than DECIMAL(p,s) allows.',
    meaning: 'Input data exceeded the acceptable range for the data type.',
  },
  1205: {
    cause: 'The value is not a date in the DATEFORMAT COPY was given (default YYYY-MM-DD).',
    meaning: 'Date format is not valid.',
  },
  1206: {
    cause: 'The value is not a timestamp in the TIMEFORMAT COPY was given (default YYYY-MM-DD HH:MI:SS).',
    meaning: 'Timestamp format is not valid.',
  },
  1207: {
    cause:
      'A numeric field holds a character other than 0–9 (a decimal point in an integer column, a thousands separator, a currency sign, a quote, a header word, or a shifted column).',
    meaning: 'Data contained a value outside of the expected range of 0-9.',
  },
  1208: {cause: 'The value is not a floating-point number.', meaning: 'FLOAT data type format error.'},
  1209: {cause: 'The value is not a decimal number.', meaning: 'DECIMAL data type format error.'},
  1210: {
    cause:
      "The value is not one of BOOLEAN's literals (true: TRUE 't' 'true' 'y' 'yes' '1'; false: FALSE 'f' 'false' 'n' 'no' '0').",
    meaning: 'BOOLEAN data type format error.',
  },
  1211: {cause: 'The line is empty.', meaning: 'Input line contained no data.'},
  1212: {
    cause: 'A file the COPY was told to read (a manifest entry marked mandatory, or the prefix) does not exist.',
    meaning: 'Load file was not found.',
  },
  1213: {
    cause:
      'A NOT NULL column received NULL: an empty field (non-character types), the NULL AS string, or a missing trailing field with FILLRECORD.',
    meaning: 'A field specified as NOT NULL contained no data.',
  },
  1214: {
    cause:
      'The line ended before all columns were read: fewer fields than columns, a different delimiter, or a newline inside a value that is not quoted (CSV) or escaped (ESCAPE).',
    meaning: 'Delimiter not found.',
  },
  1215: {cause: 'A CHAR field could not be loaded.', meaning: 'CHAR field error.'},
  1216: {
    cause: 'The line is malformed: an unbalanced or misplaced quote, or bytes after a closing quote.',
    meaning: 'Input line is not valid.',
  },
  1217: {
    cause: 'A value for an IDENTITY column (loaded with EXPLICIT_IDS) is not valid.',
    meaning: 'Identity column value is not valid.',
  },
  1218: {
    cause: String.raw`With NULL AS '\0', a field holding the NUL terminator also holds other bytes.`,
    meaning: String.raw`When using NULL AS '\0', a field containing a null terminator (NUL, or UTF-8 0000) contained more than one byte.`,
  },
  1219: {
    cause: 'An escaped UTF-8 hex sequence has a non-hex digit.',
    meaning: 'UTF-8 hexadecimal contains an invalid digit.',
  },
  1220: {
    cause:
      'The bytes are not valid UTF-8 (a file in Latin-1/Windows-1252, or a cut multi-byte character), or a CHAR column received a non-ASCII character (CHAR takes single-byte characters only).',
    meaning: 'String contains invalid or unsupported UTF-8 codepoints.',
  },
  1221: {
    cause: 'The file is not in the ENCODING COPY was given.',
    meaning: 'Encoding of the file is not the same as that specified in the COPY command.',
  },
  1222: {cause: 'An integer value overflowed.', meaning: 'Integer value overflow error.'},
  1223: {cause: 'The data type is not valid for the value.', meaning: 'Data type is not valid.'},
  1224: {
    cause: 'The value for a SUPER column is not well-formed JSON.',
    meaning: 'Input data is not well-formed JSON for the SUPER data type.',
  },
  8001: {
    cause: 'A manifest entry is a prefix, not the full S3 object path.',
    meaning: 'COPY with MANIFEST parameter requires full path of an S3 object.',
  },
  9005: {cause: 'An internal range of the load is not valid.', meaning: 'The specified end key is not valid.'},
}

export function codeMeaning(code: number): string {
  return LOAD_ERROR_CODES[code]?.meaning ?? `load error ${code} (not in the documented list)`
}

/** What the loader can tell about a failing value; any of it may be unknown. */
export interface FailureContext {
  column?: ColumnDef | undefined
  /** Column length as STL/SYS report it (text). */
  columnLength?: string | undefined
  /** Column type as the system table reports it (e.g. "int4", "varchar", "numeric"). */
  columnType?: string | undefined
  /** The reason text COPY logged (err_reason / error_message), when there is one. */
  reason?: string | undefined
  value?: string | undefined
}

const MAXERROR_NOTE =
  'MAXERROR n would let the load finish but skip every such row (they are not in the table afterwards, and STL_LOAD_ERRORS/SYS_LOAD_ERROR_DETAIL is the only record of them): use it only if losing them is acceptable.'

/** Byte length of a value in UTF-8, the unit VARCHAR/CHAR lengths use. */
export function utf8Bytes(value: string): number {
  return Buffer.byteLength(value, 'utf8')
}

/** The fix for a code, in words: a COPY option where one exists, else the data or column change. */
export function fixFor(code: number, context: FailureContext = {}): string {
  const type = (context.column?.type ?? context.columnType ?? '').toLowerCase()
  const {value} = context
  const reason = context.reason ?? ''
  switch (code) {
    case 1201:
    case 1214: {
      if (/quote/i.test(reason))
        return 'A quoted field is not closed: for CSV give CSV (QUOTE AS …) so quoted delimiters and newlines stay inside the field; fix the producer if a quote inside a value is not doubled ("").'
      return "Check the delimiter (DELIMITER '…', or CSV for comma-separated files: COPY's default is '|'); quote values that hold the delimiter or a newline (CSV) or escape them (ESCAPE); if trailing columns are legitimately missing, FILLRECORD loads them as NULL (nullable columns only)."
    }

    case 1202: {
      return "Check the delimiter (DELIMITER '…'; CSV for quoted values that hold commas); if the file has columns the table lacks, add them to the table or list the table's columns in COPY (col1, col2, …) only when the file has exactly those fields."
    }

    case 1203: {
      return 'Add the missing fields to the file, give a COPY column list naming only the fields the file has, or FILLRECORD to load missing trailing columns as NULL.'
    }

    case 1204: {
      if (/char|text|bpchar/.test(type) || /length exceeds/i.test(reason)) {
        const bytes = value === undefined ? undefined : utf8Bytes(value)
        const length = context.column?.length ?? (context.columnLength ? Number(context.columnLength) : undefined)
        const sizes =
          bytes === undefined
            ? ''
            : ` The value is ${bytes} byte(s) in UTF-8${value === undefined ? '' : ` (${[...value].length} character(s))`}${length ? ` for a column of ${length} bytes` : ''}.`
        return `Widen the column (ALTER TABLE … ALTER COLUMN … TYPE VARCHAR(n), n in bytes; up to 65535), or TRUNCATECOLUMNS to cut values to the column's length (the cut-off text is lost).${sizes}`
      }

      return 'Use a wider type (BIGINT, or DECIMAL with more precision), or fix the value; ROUNDEC only changes how extra fraction digits are rounded, not integer-digit overflow.'
    }

    case 1205: {
      return `Give DATEFORMAT with the file's pattern (e.g. DATEFORMAT 'MM/DD/YYYY') or DATEFORMAT 'auto' (recognises ISO 8601, month names, Julian and more); ACCEPTANYDATE loads values that still do not match as NULL (they are lost).${value ? ` Value: '${value}'.` : ''}`
    }

    case 1206: {
      return `Give TIMEFORMAT with the file's pattern (e.g. TIMEFORMAT 'YYYY-MM-DDTHH:MI:SS') or TIMEFORMAT 'auto' (ISO 8601 with T/Z, offsets, fractional seconds); epoch numbers need TIMEFORMAT 'epochsecs' or 'epochmillisecs'.${value ? ` Value: '${value}'.` : ''}`
    }

    case 1207: {
      if (
        value !== undefined &&
        /^\s*[+-]?\d+\.\d*\s*$/.test(value) &&
        /int|long|short/.test(type + reason.toLowerCase())
      )
        return 'The value has a fraction but the column is an integer: make the column DECIMAL(p,s), or round in the producer.'
      if (value !== undefined && /^[A-Za-z_ ]+$/.test(value.trim()))
        return "A word in a numeric column is often the header line (IGNOREHEADER 1) or a column shifted by a wrong delimiter; a word standing for NULL needs NULL AS 'word'."
      return 'Remove the non-digit characters in the producer (thousands separators, currency signs, spaces inside numbers), check the delimiter and IGNOREHEADER, or load the column as VARCHAR and convert in SQL.'
    }

    case 1208:
    case 1209: {
      return 'Fix the number format in the producer (a dot as decimal separator, no thousands separators), or load the column as VARCHAR and convert in SQL.'
    }

    case 1210: {
      return `Map the values to TRUE/FALSE literals (t/f, true/false, y/n, yes/no, 1/0) in the producer, or load the column as VARCHAR.${value ? ` Value: '${value}'.` : ''}`
    }

    case 1211: {
      return 'IGNOREBLANKLINES skips empty lines.'
    }

    case 1212: {
      return 'Check the S3 path and the manifest entries; remove the entry or set "mandatory": false if the file may be absent.'
    }

    case 1213: {
      return "Supply a value, drop NOT NULL on the column, or check that NULL AS / EMPTYASNULL / BLANKSASNULL are not turning real values into NULL; a column COPY fills with its DEFAULT must be left out of COPY's column list."
    }

    case 1216: {
      return "Fix the quoting: for CSV give CSV (QUOTE AS '…'); a quote inside a quoted value must be doubled; with text format, REMOVEQUOTES strips surrounding quotes and ESCAPE handles backslash-escaped characters."
    }

    case 1217: {
      return 'Leave the IDENTITY column out of the file (COPY generates it), or give EXPLICIT_IDS with whole numbers for it.'
    }

    case 1218: {
      return String.raw`Use NULL AS '\0' only for fields that are a single NUL byte; clean the other NUL bytes in the producer.`
    }

    case 1219:
    case 1220: {
      if (/char/.test(type) && !/varchar/.test(type))
        return 'CHAR takes single-byte (ASCII) characters only: make the column VARCHAR (lengths in bytes).'
      return "Convert the file to UTF-8 (iconv -f WINDOWS-1252 -t UTF-8), or ACCEPTINVCHARS [AS '?'] to replace each invalid byte in VARCHAR columns (the original bytes are lost; replacements are logged in STL_REPLACEMENTS)."
    }

    case 1221: {
      return 'Give the ENCODING of the file (UTF8, UTF16, UTF16LE, UTF16BE), or convert the file to UTF-8.'
    }

    case 1222: {
      return 'Use BIGINT or DECIMAL for the column, or fix the value.'
    }

    case 1224: {
      return "Fix the JSON in the producer; JSON 'noshred' or loading the column as VARCHAR then JSON_PARSE lets you inspect the bad values."
    }

    case 8001: {
      return 'List full object keys (s3://bucket/key) in the manifest, not prefixes.'
    }

    default: {
      return `No specific fix is known for code ${code}; read the error text. ${MAXERROR_NOTE}`
    }
  }
}

export {MAXERROR_NOTE}

/**
 * Reason texts COPY and the cluster write, matched when a row has no code or a code whose
 * documented meaning does not fit the text (pasted rows often carry only the reason; and a
 * statement error's internal "code: 8001" is not load error 8001). Patterns come from reasons
 * quoted in public issues and AWS's pages (DG multi-byte-character-load-errors.html,
 * r_Load_Error_Reference.html); each maps to the load error code it belongs to.
 */
export const REASON_PATTERNS: ReadonlyArray<{code: number; fix?: string; pattern: RegExp}> = [
  {code: 1204, pattern: /String length exceeds DDL length|Value too long for (?:character )?type/i},
  {code: 1207, pattern: /Invalid digit, Value/i},
  {code: 1206, pattern: /Invalid timestamp format or value/i},
  {code: 1205, pattern: /Invalid date format/i},
  {code: 1214, pattern: /Delimiter not found/i},
  {code: 1202, pattern: /Extra column\(s\) found/i},
  {code: 1213, pattern: /Missing data for not-null field/i},
  {code: 1220, pattern: /invalid or unsupported UTF-?8 codepoints|Multibyte character not supported for CHAR/i},
  {
    code: 1216,
    fix: 'A character follows a closing quote where the delimiter or the line end should be: the file is quoted CSV with an unescaped quote inside a value, or quoted text loaded without CSV. Give CSV (QUOTE AS …) for quoted files and double inner quotes (""), or for text format REMOVEQUOTES with ESCAPE for backslash-escaped quotes.',
    pattern: /Missing newline: Unexpected character|Invalid quote formatting for CSV/i,
  },
  {
    code: 1202,
    fix: "Columnar (Parquet/ORC) COPY maps file columns to table columns by position and needs the same number: give a COPY column list naming the file's columns, or align the table with the file.",
    pattern: /Unmatched number of columns between table and file/i,
  },
  {
    code: 1202,
    fix: 'The JSONPaths file must have exactly one expression per column in the table or the COPY column list: add or remove expressions, or list the columns in COPY.',
    pattern: /Number of jsonpaths and the number of columns should match/i,
  },
]

/** The code a reason text belongs to, and a fix specific to that text, when the text is known. */
export function matchReason(reason: string | undefined): undefined | {code: number; fix?: string} {
  if (!reason) return undefined
  const hit = REASON_PATTERNS.find((p) => p.pattern.test(reason))
  return hit ? {code: hit.code, ...(hit.fix ? {fix: hit.fix} : {})} : undefined
}

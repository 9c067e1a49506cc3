/**
 * Line shapes of MWAA and Airflow logs (see docs/mwaa-triage.md, "What the parser reads"):
 *
 * - Airflow 2 on MWAA, double braces: `[2024-07-08T07:30:04.511+0000] {{taskinstance.py:1956}} INFO - …`
 * - upstream Airflow, single braces: `[2022-02-10 11:42:07,012] {taskinstance.py:1192} ERROR - …`
 * - copied from the Airflow UI: `[2022-02-01, 13:02:29 UTC] {{taskinstance.py:1280}} INFO - …`
 * - MWAA subprocess relays (requirements_install, startup_script_execution): `[WARNING] - ERROR: …`
 * - Celery internals: `[2021-09-07 16:28:32,919: ERROR/MainProcess] …`
 * - Airflow 3 task events (JSON per event): `{"event": "…", "level": "error", "logger": "…", "timestamp": "…"}`
 * - Airflow 3 component console: `2026-03-25T10:31:31.206917Z [error    ] Task … [celery.app.trace] loc=trace.py:285`
 * - any line starting with a timestamp (CloudWatch export-to-S3 files, Python's default format).
 *
 * Lines that have none of these headers are continuations (tracebacks, multi-line messages) when
 * they look like one, and headerless records otherwise.
 */
import type {LineShape, TextSeverity} from './types.js'

export interface ParsedHeader {
  level: string | undefined
  logger: string | undefined
  /** The message after the header (for JSON events: the event text plus any exception). */
  message: string
  shape: LineShape
  timestamp: number | undefined
}

/** Time zone names as the UI prints them (`UTC`, `IST`, `CEST`, `PDT`, …); not level words such as ERROR. */
const ZONE_NAMES = String.raw`UTC|GMT|[A-Z]{1,2}[SD]T|CES?T|IST|JST|KST|MSK|HKT|SGT|WIB|WITA`
const TS = String.raw`\d{4}-\d\d-\d\d(?:[T ]|, )\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z| ?(?:${ZONE_NAMES})\b| ?[+-]\d\d(?::?\d\d)?)?`
/** `[TS] {file.py:N} LEVEL - `, also with an empty `[]` or no timestamp at all (copied from the UI or a ticket). */
const AIRFLOW = new RegExp(String.raw`^(?:\[(${TS})?\] ?)?\{\{? ?([\w.-]+ ?: ?\d+) ?\}\}? ([A-Z]+)(?: - ?|$)`)
const LEVEL_DASH = /^\[(CRITICAL|ERROR|WARNING|WARN|INFO|DEBUG|NOTSET)\] (?:- ?)?/
const CELERY = /^\[(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[,.]\d+)?): ([A-Z]+)\/([^\]]+)\] ?/
const A3_CONSOLE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?) \[([a-z]+) *\] ?/
const TIMESTAMPED = new RegExp(String.raw`^(${TS})[ \t]+(?:-\s*)?(?:(CRITICAL|ERROR|WARNING|WARN|INFO|DEBUG)\b[ :-]*)?`)
const TS_PARTS = new RegExp(
  String.raw`^(\d{4})-(\d\d)-(\d\d)(?:[T ]|, )(\d\d):(\d\d):(\d\d)(?:[.,](\d+))?\s*(Z|(?:${ZONE_NAMES})\b|[+-]\d\d(?::?\d\d)?)?`,
)
/** Zone names that are UTC; any other name (IST, CET, …) is ambiguous, so the time is unknown. */
const UTC_NAMES = new Set(['GMT', 'UTC', 'Z'])

/** Epoch ms of the timestamp forms MWAA prints; a time without a zone is UTC (MWAA logs in UTC). */
export function parseLogTimestamp(text: string): number | undefined {
  const m = TS_PARTS.exec(text.trim())
  if (!m) return undefined
  const [, y, mo, d, h, mi, s, frac, zone] = m
  const ms = frac ? Number((frac + '00').slice(0, 3)) : 0
  if (zone && /^[A-Z]/.test(zone) && !UTC_NAMES.has(zone)) return undefined
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms)
  if (zone && !UTC_NAMES.has(zone)) {
    const sign = zone.startsWith('-') ? -1 : 1
    const digits = zone.slice(1).replace(':', '').padEnd(4, '0')
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000
  }

  return Number.isNaN(t) ? undefined : t
}

/**
 * What console copies put in front of a log line: `docker compose logs` service names
 * (`webserver_1  | `, `airflow-scheduler-1  | `), a bare `| ` from the Airflow UI or a Markdown
 * table, a CloudWatch console `timestamp | component | ` pair, `journalctl` prefixes, quote
 * markers (`> `) and the rich-traceback box border (`│ `). Airflow 1.10–2.1 relayed a task's own
 * output line by line as `[TS] {base_task_runner.py:N} INFO - Job N: Subtask TASK <line>`: the
 * relay's header is a prefix too, so the task's traceback reads as one record again.
 */
const LINE_PREFIX = new RegExp(
  [
    String.raw`^\[[^\]
]{0,40}\] \{\{?base_task_runner\.py:\d+\}\}? [A-Z]+ - Job \d+: Subtask \S+ `,
    String.raw`^\d{4}-\d\d-\d\d[T ][\d:.]+(?:Z|[+-]\d\d:?\d\d)? \| [^|]{1,40} \| `,
    String.raw`^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ [\w.-]+(?:\[\d+\])?: `,
    String.raw`^[A-Za-z0-9][\w.@-]{0,80}[ \t]*\|[ \t]?`,
    String.raw`^(?:\|[ \t]?|>[ \t]?|│[ \t]*)`,
  ].join('|'),
)

/** A line without what a console copy put in front of it (the original line stays the evidence). */
export function stripLinePrefix(line: string): string {
  const m = LINE_PREFIX.exec(line)
  if (!m || m[0].length === 0) return line
  return line.slice(m[0].length)
}

/** Every line of a record without its console prefix; the same string when no line has one. */
export function stripRecordPrefixes(text: string): string {
  if (
    !text.includes('|') &&
    !text.includes('> ') &&
    !text.includes('│') &&
    !text.includes(': Subtask ') &&
    !/^[A-Z][a-z]{2} [ \d]\d /m.test(text)
  )
    return text
  return text
    .split('\n')
    .map((l) => stripLinePrefix(l))
    .join('\n')
}

/** `[TS] {file.py:N} LEVEL - `, with an empty or missing timestamp too. */
function airflowHeader(line: string): ParsedHeader | undefined {
  const m = AIRFLOW.exec(line)
  if (!m) return undefined
  return {
    level: m[3],
    logger: m[2],
    message: line.slice(m[0].length),
    shape: 'airflow',
    timestamp: m[1] ? parseLogTimestamp(m[1]) : undefined,
  }
}

/** The header of a record, or undefined when the line has none. */
export function parseHeader(line: string): ParsedHeader | undefined {
  const c = line.codePointAt(0)
  if (c === 91 /* [ */) {
    const airflow = airflowHeader(line)
    if (airflow) return airflow
    let m = LEVEL_DASH.exec(line)
    if (m)
      return {
        level: m[1],
        logger: undefined,
        message: line.slice(m[0].length),
        shape: 'level-dash',
        timestamp: undefined,
      }
    m = CELERY.exec(line)
    if (m)
      return {
        level: m[2],
        logger: m[3],
        message: line.slice(m[0].length),
        shape: 'celery',
        timestamp: parseLogTimestamp(m[1]!),
      }
    return undefined
  }

  if (c === 123 /* { */) return airflowHeader(line) ?? parseJsonEvent(line)

  if (c !== undefined && c >= 48 && c <= 57) {
    let m = A3_CONSOLE.exec(line)
    if (m)
      return {
        level: m[2]!.toUpperCase(),
        logger: undefined,
        message: line.slice(m[0].length),
        shape: 'airflow3-console',
        timestamp: parseLogTimestamp(m[1]!),
      }
    m = TIMESTAMPED.exec(line)
    if (m)
      return {
        level: m[2],
        logger: undefined,
        message: line.slice(m[0].length),
        shape: 'timestamped',
        timestamp: parseLogTimestamp(m[1]!),
      }
  }

  return undefined
}

interface JsonEvent {
  /** Airflow 2 `[logging] json_format` (python-json-logger): asctime, filename, lineno, levelname, message, exc_text. */
  asctime?: unknown
  error_detail?: Array<{
    exc_type?: string
    exc_value?: string
    frames?: Array<{filename?: string; lineno?: number; name?: string}>
  }>
  event?: unknown
  exc_text?: unknown
  exception?: unknown
  filename?: unknown
  level?: unknown
  levelname?: unknown
  lineno?: unknown
  logger?: unknown
  message?: unknown
  timestamp?: unknown
}

const STRUCTURED_KEYS = new Set(['error_detail', 'event', 'exception', 'level', 'logger', 'timestamp'])

/** Other scalar fields as ` key=value`, as structlog's console renderer prints them (`signal=-9 signal_name=SIGKILL`). */
function extraFields(doc: JsonEvent): string {
  let out = ''
  for (const [k, v] of Object.entries(doc)) {
    if (STRUCTURED_KEYS.has(k) || v === null || typeof v === 'object') continue
    out += ` ${k}=${String(v)}`
  }

  return out
}

/** Airflow 3 puts exceptions in `error_detail` (type, value, frames): render them as a traceback. */
function exceptionLines(doc: JsonEvent): string[] {
  const lines: string[] = []
  for (const detail of doc.error_detail ?? []) {
    if (detail.frames?.length) {
      lines.push('Traceback (most recent call last):')
      for (const f of detail.frames)
        lines.push(`  File "${f.filename ?? '?'}", line ${f.lineno ?? '?'}, in ${f.name ?? '?'}`)
    }

    if (detail.exc_type) lines.push(`${detail.exc_type}: ${detail.exc_value ?? ''}`)
  }

  if (typeof doc.exception === 'string') lines.push(doc.exception)
  return lines
}

/** An Airflow 3 structlog event dict or an Airflow 2 `json_format` record; other JSON is not a header. */
export function parseJsonEvent(line: string): ParsedHeader | undefined {
  const trimmed = line.trim()
  if (!trimmed.endsWith('}')) return undefined
  let doc: JsonEvent
  try {
    doc = JSON.parse(trimmed) as JsonEvent
  } catch {
    return undefined
  }

  if (typeof doc !== 'object' || doc === null) return undefined
  if (!('event' in doc)) return 'levelname' in doc && 'message' in doc ? airflow2JsonRecord(doc) : undefined
  const parts = [
    `${typeof doc.event === 'string' ? doc.event : JSON.stringify(doc.event)}${extraFields(doc)}`,
    ...exceptionLines(doc),
  ]
  let timestamp: number | undefined
  if (typeof doc.timestamp === 'string') timestamp = parseLogTimestamp(doc.timestamp)
  else if (typeof doc.timestamp === 'number') timestamp = doc.timestamp > 1e12 ? doc.timestamp : doc.timestamp * 1000
  return {
    level: typeof doc.level === 'string' ? doc.level.toUpperCase() : undefined,
    logger: typeof doc.logger === 'string' ? doc.logger : undefined,
    message: parts.join('\n'),
    shape: 'airflow3-json',
    timestamp,
  }
}

/** Airflow 2's JSON task log record: the message, its level, `{filename:lineno}`, and the traceback in `exc_text`. */
function airflow2JsonRecord(doc: JsonEvent): ParsedHeader {
  const message = typeof doc.message === 'string' ? doc.message : JSON.stringify(doc.message)
  const traceback = typeof doc.exc_text === 'string' && doc.exc_text !== '' ? `\n${doc.exc_text}` : ''
  return {
    level: typeof doc.levelname === 'string' ? doc.levelname.toUpperCase() : undefined,
    logger: typeof doc.filename === 'string' ? `${doc.filename}:${String(doc.lineno ?? '?')}` : undefined,
    message: `${message}${traceback}`,
    shape: 'airflow2-json',
    timestamp: typeof doc.asctime === 'string' ? parseLogTimestamp(doc.asctime) : undefined,
  }
}

const CONTINUATION =
  /^(?:[ \t]|File "[^"]+", line |Traceback \(most recent call last\)|During handling of the above exception|The above exception was the direct cause|[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Timeout|Warning|Killed|Failure|NotFound)\w*(?::|\r?$)|\^+\s*$|\.\.\.)/

/** True for lines that belong to the record above them (traceback frames, exception lines, indented text). */
export function isContinuation(line: string): boolean {
  if (line === '' || line === '\r') return false
  if (CONTINUATION.test(line)) return true
  const stripped = stripLinePrefix(line)
  return stripped !== line && stripped !== '' && CONTINUATION.test(stripped)
}

const ERROR_TEXT =
  /\b(?:ERROR|CRITICAL|FATAL)\b|Traceback \(most recent call last\)|\b\w*(?:Error|Exception):|\berror:|\b(?:fail(?:ed|ure|s)?|FAILED|denied|Denied|SIGKILL|SIGTERM|[Kk]illed)\b/
const WARNING_TEXT = /\bWARN(?:ING)?\b|\bwarning:|[Dd]eprecat/
const RANK: Record<TextSeverity, number> = {debug: 0, error: 3, info: 1, warning: 2}

/**
 * Severity from the text. The printed level only counts where a component printed it itself (it
 * can raise, never lower): MWAA relays subprocess output at one level (`[WARNING] - ERROR: …`).
 */
export function textSeverity(message: string, printedLevel?: string, shape?: LineShape): TextSeverity {
  let fromText: TextSeverity = 'info'
  if (ERROR_TEXT.test(message)) fromText = 'error'
  else if (WARNING_TEXT.test(message)) fromText = 'warning'
  if (!printedLevel || shape === 'level-dash') return fromText
  const printed = levelToSeverity(printedLevel)
  if (printed === 'debug' && fromText === 'info') return 'debug'
  return RANK[printed] > RANK[fromText] ? printed : fromText
}

function levelToSeverity(level: string): TextSeverity {
  const l = level.toUpperCase()
  if (l === 'ERROR' || l === 'CRITICAL' || l === 'FATAL' || l === 'EXCEPTION') return 'error'
  if (l === 'WARNING' || l === 'WARN') return 'warning'
  if (l === 'DEBUG' || l === 'NOTSET') return 'debug'
  return 'info'
}

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

const TS = String.raw`\d{4}-\d\d-\d\d(?:[T ]|, )\d\d:\d\d:\d\d(?:[.,]\d+)?(?:Z| ?UTC|[+-]\d\d:?\d\d)?`
const AIRFLOW = new RegExp(String.raw`^\[(${TS})\] \{\{?([^}]*)\}\}? ([A-Z]+) - ?`)
const LEVEL_DASH = /^\[(CRITICAL|ERROR|WARNING|WARN|INFO|DEBUG|NOTSET)\] (?:- ?)?/
const CELERY = /^\[(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[,.]\d+)?): ([A-Z]+)\/([^\]]+)\] ?/
const A3_CONSOLE = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?) \[([a-z]+) *\] ?/
const TIMESTAMPED = new RegExp(String.raw`^(${TS})[ \t]+(?:-\s*)?(?:(CRITICAL|ERROR|WARNING|WARN|INFO|DEBUG)\b[ :-]*)?`)
const TS_PARTS = /^(\d{4})-(\d\d)-(\d\d)(?:[T ]|, )(\d\d):(\d\d):(\d\d)(?:[.,](\d+))?\s*(Z|UTC|[+-]\d\d:?\d\d)?/

/** Epoch ms of the timestamp forms MWAA prints; a time without a zone is UTC (MWAA logs in UTC). */
export function parseLogTimestamp(text: string): number | undefined {
  const m = TS_PARTS.exec(text.trim())
  if (!m) return undefined
  const [, y, mo, d, h, mi, s, frac, zone] = m
  const ms = frac ? Number((frac + '00').slice(0, 3)) : 0
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms)
  if (zone && zone !== 'Z' && zone !== 'UTC') {
    const sign = zone.startsWith('-') ? -1 : 1
    const digits = zone.slice(1).replace(':', '')
    t -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000
  }

  return Number.isNaN(t) ? undefined : t
}

/** The header of a record, or undefined when the line has none. */
export function parseHeader(line: string): ParsedHeader | undefined {
  const c = line.codePointAt(0)
  if (c === 91 /* [ */) {
    let m = AIRFLOW.exec(line)
    if (m)
      return {
        level: m[3],
        logger: m[2],
        message: line.slice(m[0].length),
        shape: 'airflow',
        timestamp: parseLogTimestamp(m[1]!),
      }
    m = LEVEL_DASH.exec(line)
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

  if (c === 123 /* { */) return parseJsonEvent(line)
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
  error_detail?: Array<{
    exc_type?: string
    exc_value?: string
    frames?: Array<{filename?: string; lineno?: number; name?: string}>
  }>
  event?: unknown
  exception?: unknown
  level?: unknown
  logger?: unknown
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

/** An Airflow 3 structlog event dict; other JSON is not a header. */
export function parseJsonEvent(line: string): ParsedHeader | undefined {
  const trimmed = line.trim()
  if (!trimmed.endsWith('}')) return undefined
  let doc: JsonEvent
  try {
    doc = JSON.parse(trimmed) as JsonEvent
  } catch {
    return undefined
  }

  if (typeof doc !== 'object' || doc === null || !('event' in doc)) return undefined
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

const CONTINUATION =
  /^(?:[ \t]|Traceback \(most recent call last\)|During handling of the above exception|The above exception was the direct cause|[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Timeout|Warning|Killed|Failure|NotFound)\w*(?::|\r?$)|\^+\s*$|\.\.\.)/

/** True for lines that belong to the record above them (traceback frames, exception lines, indented text). */
export function isContinuation(line: string): boolean {
  if (line === '' || line === '\r') return false
  return CONTINUATION.test(line)
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

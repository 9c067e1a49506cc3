/**
 * Errors no catalogue rule knows. "Nothing found" is not an answer for a log that holds an ERROR
 * line or a Python traceback: when no rule matched anything, each distinct error becomes an
 * `unclassified-error` finding that names the exception (the last line of the traceback), the file
 * and line that raised it, and generic next steps.
 */
import type {ParsedHeader} from './parse.js'

/**
 * Literals added to the classifier's prefilter so that error records reach the classifier. An
 * Airflow 3 JSON event's level is found as `error"`, not `"error"`: an alternative that starts with
 * a quote is tried at every quote of every JSON line and cost 15 % more scan time on the benchmark.
 */
export const ERROR_KEYWORDS = [
  'ERROR',
  'CRITICAL',
  'FATAL',
  'Traceback (most recent call last)',
  'Error: ',
  'Exception: ',
  '[error',
  'error"',
  // Airflow 3 logs a task process killed by a signal at `"level":"critical"`.
  'critical"',
  'Fatal Python error',
  'Negsignal.',
  'Command exited with return code',
  // A traceback pasted without its header and its last line: only its `File "…", line N, in f` frames.
  'File "',
]

/** Error records kept per run: enough to name the distinct errors of a pasted log. */
export const MAX_UNCLASSIFIED = 50

/**
 * A printed error level, a task process that a signal ended (`return code Negsignal.SIGABRT`), a
 * Bash task whose command failed (BashOperator logs `Command exited with return code 127` at INFO),
 * or a bare `Error: …` message (`Liveness probe failed: Error: …`, a CLI's own error line).
 */
const LEVEL_WORD =
  /\b(?:ERROR|CRITICAL|FATAL)\b|\[error\s*\]|"level":\s*"(?:error|critical)"|^Fatal Python error|return code Negsignal\.SIG[A-Z]+|Command exited with return code [1-9]|(?:^|: |- )Error: \S/
/** What a shell's exit status means (`bash` conventions), for a Bash task's unclassified finding. */
const SHELL_STATUS: Record<string, string> = {
  '126': 'the command is not executable (permission or format)',
  '127': 'command not found (not installed on the worker, or not on PATH)',
}
const BASH_EXIT = /Command exited with return code ([0-9]+)/
const TRACEBACK = /^\s*Traceback \(most recent call last\)/m
/**
 * An exception line, also when a ticket or chat quoted it in Markdown (`` `…` ``, `**…**`, `"…"`,
 * `> …`): the wrapper characters before the exception's name are skipped.
 */
const EXCEPTION_LINE =
  /^[\s>*_`"']*(?:[a-z_][\w]*\.)*([A-Z][\w]*(?:Error|Exception|Exit|Interrupt|Timeout|Failure|NotFound|Fault))\b(?::\s?(.*))?$/
/** What Markdown quoting leaves around a pasted line. */
const QUOTE_WRAPPER = /^[\s>*_`"']+|[\s*_`"]+$/g
/**
 * botocore's ClientError text: every failed AWS API call, whatever its error code (a denial is a
 * catalogue rule; `InvalidParameterException`, `TaskTimedOut`, … are errors no rule knows).
 */
const AWS_CLIENT_ERROR =
  /An error occurred \(([A-Za-z0-9.]+)\) when calling the ([A-Za-z0-9]+) operation(?: \(reached max retries: [0-9]+\))?:? ?(.*)/
const JSON_EXCEPTION = /"exc_type":\s*"([^"]+)",\s*"exc_value":\s*"((?:[^"\\]|\\.)*)/
const FRAME = /File "([^"]+)", line ([0-9]+)/g

/** True for a record that holds an error: a printed ERROR/CRITICAL level, a traceback, or an exception line. */
export function isErrorRecord(body: string, header: ParsedHeader | undefined): boolean {
  const level = header?.level?.toUpperCase()
  if (level === 'ERROR' || level === 'CRITICAL' || level === 'FATAL' || level === 'EXCEPTION') return true
  const firstLineEnd = body.indexOf('\n')
  const firstLine = firstLineEnd === -1 ? body : body.slice(0, firstLineEnd)
  if (LEVEL_WORD.test(firstLine) || TRACEBACK.test(body) || AWS_CLIENT_ERROR.test(body)) return true
  if ((body.match(FRAME_LINE) ?? []).length >= MIN_FRAMES) return true
  return body.split('\n', MAX_LINES_SCANNED).some((l) => EXCEPTION_LINE.test(l))
}

const MAX_LINES_SCANNED = 400
/** A traceback frame line; two or more of them are a traceback even when its header and last line were not pasted. */
const FRAME_LINE = /^\s*File "[^"]+", line [0-9]+, in /gm
const MIN_FRAMES = 2

export interface ErrorSummary {
  message: string
  /** `File:line` of the last traceback frame, or null when the text has no frame. */
  raisedAt: null | string
  type: null | string
}

/** What to say when no exception line names the error: a header-less traceback's frames, else the first line. */
function untypedMessage(record: string, lines: string[]): string {
  if (!TRACEBACK.test(record) && (record.match(FRAME_LINE) ?? []).length >= MIN_FRAMES)
    return 'a Python traceback whose exception line was not included (the text ends before it)'
  return (lines.find((l) => l.trim() !== '') ?? '').trim()
}

/** The exception (type and message of the last exception line) and where it was raised. */
export function summariseError(record: string): ErrorSummary {
  const lines = record.split('\n', MAX_LINES_SCANNED)
  let type: null | string = null
  let message = ''
  let exceptionLine = -1
  for (const [i, line] of lines.entries()) {
    if (/^\s*File "/.test(line)) continue
    const m = EXCEPTION_LINE.exec(line)
    if (m) {
      type = line.replaceAll(QUOTE_WRAPPER, '').split(':', 1)[0]!
      message = (m[2] ?? '').replaceAll(QUOTE_WRAPPER, '')
      exceptionLine = i
    }
  }

  const aws = type ? null : AWS_CLIENT_ERROR.exec(record)
  if (aws) {
    type = `AWS ${aws[2]} failed (${aws[1]})`
    message = aws[3]!.replaceAll(QUOTE_WRAPPER, '')
  }

  const json = JSON_EXCEPTION.exec(record)
  if (!type && json) {
    type = json[1]!
    message = json[2]!.replaceAll(String.raw`\n`, ' ').trim()
  }

  const bash = type ? null : BASH_EXIT.exec(record)
  if (bash) {
    type = 'Bash command failed'
    const status = bash[1]!
    message = `exit status ${status}${SHELL_STATUS[status] ? `: ${SHELL_STATUS[status]}` : ''}`
  }

  if (!type) message = untypedMessage(record, lines)
  let raisedAt: null | string = null
  const frameText = exceptionLine === -1 ? record : lines.slice(0, exceptionLine).join('\n')
  for (const f of frameText.matchAll(FRAME)) raisedAt = `${f[1]}:${f[2]}`
  return {message: message.length > 300 ? `${message.slice(0, 297)}...` : message, raisedAt, type}
}

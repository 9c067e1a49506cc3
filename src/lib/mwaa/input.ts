/**
 * Offline input for `mwaa triage --logs PATH...`: files, folders (recursively) and `-` (stdin).
 *
 * Formats, detected from the content:
 * - plain text logs, in any line shape the parser knows (streamed: any size, bounded memory);
 *   gzip-compressed files (CloudWatch export-to-S3 objects) are decompressed on the fly;
 * - `aws logs filter-log-events` / `get-log-events` JSON (a document with `events`, or an array);
 * - JSON lines of CloudWatch events (`{"timestamp":…, "message":…}` per line);
 * - CloudWatch console copies (`| 2025-02-10T21:25:06.370+08:00 | message` or tab-separated);
 * - AWS Support `mwaa_log_retrieval.py` exports (`Timestamp:` / `Stream:` / `Message:` blocks).
 *
 * The log group and its kind come from the path (a folder or file named like
 * `airflow-<env>-Task` or containing Scheduler, Worker, …) or from the stream name.
 */
import {createReadStream, type Dirent} from 'node:fs'
import {readdir, stat} from 'node:fs/promises'
import path from 'node:path'
import {StringDecoder} from 'node:string_decoder'
import {createGunzip} from 'node:zlib'

import type {Classifier} from './classify.js'
import type {GroupKind, SourceEvent} from './types.js'

import {InputError} from '../core/errors.js'
import {isContinuation, parseHeader, parseLogTimestamp} from './parse.js'
import {kindFromName, kindFromStream} from './streams.js'

export interface LocalScanSummary {
  groups: Set<string>
  /** Stream names seen per group. */
  streams: Map<string, Set<string>>
}

export interface LocalInputOptions {
  onFile?: (file: string, index: number, total: number) => void
  signal?: AbortSignal | undefined
  /** What `-` reads. */
  stdin: NodeJS.ReadableStream
}

/**
 * Read size. 64 KiB blocks keep every string in V8's young generation, so memory stays flat on
 * files of any size (bench/mwaa.bench.ts: ~105 MB peak RSS, the same CPU time as 1 MiB blocks).
 */
const CHUNK = 64 * 1024
/** A single line longer than this is classified in pieces rather than held whole. */
const MAX_CARRY = 4 * 1024 * 1024
/** Formats that are parsed as a whole must fit in memory. */
const MAX_WHOLE_FILE = 512 * 1024 * 1024

interface LocalFile {
  /** Log group (folder or file name) and kind. */
  group: string
  kind: GroupKind
  label: string
  path: string
  stream: string
}

export async function scanLocalInputs(
  paths: string[],
  classifier: Classifier,
  options: LocalInputOptions,
): Promise<LocalScanSummary> {
  const summary: LocalScanSummary = {groups: new Set(), streams: new Map()}
  const files: LocalFile[] = []
  for (const p of paths) {
    if (p === '-') {
      files.push({group: 'stdin', kind: 'unknown', label: 'stdin', path: '-', stream: 'stdin'})
      continue
    }

    files.push(...(await expandPath(p)))
  }

  for (const [i, file] of files.entries()) {
    options.signal?.throwIfAborted()
    options.onFile?.(file.label, i, files.length)
    await scanFile(file, classifier, summary, options)
  }

  return summary
}

async function expandPath(p: string): Promise<LocalFile[]> {
  let info
  try {
    info = await stat(p)
  } catch {
    throw new InputError(`--logs ${p}: no such file or folder`, {
      suggestions: ['Check the path; use - to read a pasted snippet from stdin.'],
    })
  }

  if (info.isFile()) return [placeFile(p, path.dirname(p))]
  if (!info.isDirectory()) throw new InputError(`--logs ${p} is neither a file nor a folder`)
  const out: LocalFile[] = []
  await walk(p, p, out)
  if (out.length === 0)
    throw new InputError(`--logs ${p}: the folder has no log files`, {
      suggestions: ['Point --logs at the folder that holds the exported .log/.txt/.json files.'],
    })
  return out
}

async function walk(root: string, dir: string, out: LocalFile[]): Promise<void> {
  const entries: Dirent[] = await readdir(dir, {withFileTypes: true})
  entries.sort((a, b) => a.name.localeCompare(b.name))
  for (const e of entries) {
    if (e.name.startsWith('.')) continue
    const full = path.join(dir, e.name)
    if (e.isDirectory()) await walk(root, full, out)
    else if (e.isFile()) out.push(placeFile(full, root))
  }
}

const GROUP_COMPONENT = /(^|-)(DAGProcessing|Scheduler|Task|WebServer|Worker)$/i

/**
 * Log group and stream of a local file: the nearest path component named like a log group
 * (`airflow-env-Task`, `Scheduler`) is the group and the rest of the path is the stream, so an
 * exported tree `airflow-env-Task/dag_id=…/attempt=1.log` keeps its real stream names.
 */
export function placeFile(file: string, root: string): LocalFile {
  const rel = path.relative(path.dirname(root) === root ? root : path.dirname(root), file).split(path.sep)
  const parts = rel.length > 0 ? rel : [path.basename(file)]
  for (let i = parts.length - 2; i >= 0; i--) {
    if (GROUP_COMPONENT.test(parts[i]!)) {
      const stream = parts.slice(i + 1).join('/')
      return {group: parts[i]!, kind: kindFromName(parts[i]!), label: file, path: file, stream}
    }
  }

  const base = path.basename(file)
  const byName = kindFromName(base.replace(/\.(log|txt|json|gz)$/g, ''))
  return {
    group: base,
    kind: byName === 'unknown' ? kindFromStream(base) : byName,
    label: file,
    path: file,
    stream: base,
  }
}

async function* readChunks(file: LocalFile, stdin: NodeJS.ReadableStream): AsyncGenerator<Buffer> {
  const source: NodeJS.ReadableStream = file.path === '-' ? stdin : createReadStream(file.path, {highWaterMark: CHUNK})
  let first = true
  let stream: NodeJS.ReadableStream = source
  for await (const raw of source) {
    const chunk = typeof raw === 'string' ? Buffer.from(raw) : (raw as Buffer)
    if (first) {
      first = false
      if (chunk[0] === 0x1f && chunk[1] === 0x8b) {
        // gzip: restart through a decompressor (files only; stdin is not re-readable).
        if (file.path === '-')
          throw new InputError('stdin is gzip-compressed', {
            suggestions: ['Pipe it through gunzip first: gunzip -c file.gz | pipeops mwaa triage --logs -'],
          })
        ;(source as unknown as {destroy: () => void}).destroy()
        stream = createReadStream(file.path).pipe(createGunzip())
        break
      }
    }

    yield chunk
  }

  if (stream !== source) {
    try {
      for await (const raw of stream) yield raw as Buffer
    } catch (error) {
      throw new InputError(`${file.label}: the gzip data is corrupt (${(error as Error).message})`, {
        suggestions: ['Download the file again, or pass the uncompressed log.'],
      })
    }
  }
}

type Format = 'cloudwatch-json' | 'cloudwatch-jsonl' | 'console' | 'plain' | 'retrieval'

export function detectFormat(head: string): Format {
  const t = head.trimStart()
  const firstLine = t.split('\n', 1)[0]?.trim() ?? ''
  // A JSON array of events; `[ERROR] …`, `[notice] …` and `[] {file.py:N} ERROR - …` (a UI copy
  // with an empty timestamp) are text that also starts with a bracket.
  if (/^\[\s*(?:\{\s*"|\]\s*$)/.test(t)) return 'cloudwatch-json'
  // A JSON object starts with `{"`; `{local_task_job.py:78} ERROR - …` is a text line.
  if (/^\{\s*"/.test(t)) {
    if (firstLine.endsWith('}')) {
      try {
        const doc = JSON.parse(firstLine) as Record<string, unknown>
        // Airflow's own JSON log records (Airflow 3's `event`, Airflow 2 json_format's `levelname`) are log lines.
        if ('event' in doc || 'levelname' in doc) return 'plain'
        if ('message' in doc) return 'cloudwatch-jsonl'
      } catch {
        // a pretty-printed document
      }
    }

    return 'cloudwatch-json'
  }

  if (/^Timestamp: .+\r?\nStream: .+\r?\nMessage:/m.test(head)) return 'retrieval'
  const lines = t
    .split('\n')
    .slice(0, 20)
    .filter((l) => l.trim() !== '')
  const consoleLines = lines.filter((l) => CONSOLE_LINE.test(l)).length
  if (consoleLines > 0 && consoleLines >= lines.length / 2) return 'console'
  return 'plain'
}

const CONSOLE_LINE =
  /^\s*(?:\|\s*)?(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)?|\d{13})\s*(?:\||\t)\s?(.*)$/

async function scanFile(
  file: LocalFile,
  classifier: Classifier,
  summary: LocalScanSummary,
  options: LocalInputOptions,
): Promise<void> {
  const chunks = readChunks(file, options.stdin)
  const decoder = new StringDecoder('utf8')
  // Enough of the start to recognise the format (stdin may arrive a few bytes at a time).
  const headParts: Buffer[] = []
  let headSize = 0
  while (headSize < 65_536) {
    const next = await chunks.next()
    if (next.done) break
    headParts.push(next.value)
    headSize += next.value.length
  }

  if (headSize === 0) return
  const head = Buffer.concat(headParts)
  if (head.subarray(0, 4096).includes(0)) {
    throw new InputError(`${file.label} is not a text log file (it contains binary data)`, {
      suggestions: ['Pass exported .log/.txt/.json files, or a gzip from a CloudWatch export.'],
    })
  }

  const headText = decoder.write(head)
  const format = detectFormat(headText.slice(0, 65_536))
  summary.groups.add(file.group)
  if (format === 'plain') {
    await scanPlain({chunks, classifier, decoder, file, head, headText, signal: options.signal})
    addStream(summary, file.group, file.stream)
    return
  }

  const parts = [headText]
  let size = head.length
  for await (const chunk of chunks) {
    size += chunk.length
    if (size > MAX_WHOLE_FILE) {
      throw new InputError(`${file.label}: ${format} files over 512 MiB are not supported`, {
        suggestions: ['Split the file, or convert it to plain text lines.'],
      })
    }

    parts.push(decoder.write(chunk))
  }

  parts.push(decoder.end())
  const text = parts.join('')
  const events = parseEventsFile(text, format, file)
  const byStream = new Map<string, SourceEvent[]>()
  for (const e of events) {
    const key = `${e.logGroup}\u0000${e.stream}`
    const list = byStream.get(key) ?? []
    list.push(e)
    byStream.set(key, list)
  }

  for (const list of byStream.values()) {
    const {logGroup, stream} = list[0]!
    list.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0))
    let kind = kindFromName(logGroup)
    if (kind === 'unknown') kind = file.kind
    if (kind === 'unknown') kind = kindFromStream(stream)
    classifier.scanEvents(list, kind)
    summary.groups.add(logGroup)
    addStream(summary, logGroup, stream)
  }

  if (events.length > 0 && !events.some((e) => e.logGroup === file.group)) summary.groups.delete(file.group)
}

function addStream(summary: LocalScanSummary, group: string, stream: string): void {
  const set = summary.streams.get(group) ?? new Set<string>()
  set.add(stream)
  summary.streams.set(group, set)
}

/** Stream a plain-text file: blocks are cut at record starts so no record is split. */
async function scanPlain(input: {
  chunks: AsyncGenerator<Buffer>
  classifier: Classifier
  decoder: StringDecoder
  file: LocalFile
  head: Buffer
  headText: string
  signal: AbortSignal | undefined
}): Promise<void> {
  const {chunks: rest, classifier, decoder, file, head, headText, signal} = input
  const kind = file.kind === 'unknown' ? kindFromStream(file.stream) : file.kind
  const meta = {kind, logGroup: file.group, stream: file.stream}
  let carry = ''
  let lastByte = -1
  const take = (buf: Buffer, text: string): void => {
    classifier.totals.bytes += buf.length
    classifier.totals.events += countNewlines(buf)
    if (buf.length > 0) lastByte = buf.at(-1)!
    const all = carry + text
    // A pasted snippet (under one block) is classified in one piece at the end, so that rules that
    // need the lines after a record (a timeout followed by `Failed to import`) see them.
    if (all.length < CHUNK) {
      carry = all
      return
    }

    const cut = recordCut(all)
    if (cut > 0) classifier.scanText(all.slice(0, cut), meta)
    carry = all.slice(cut)
  }

  take(head, headText)
  for await (const chunk of rest) {
    signal?.throwIfAborted()
    take(chunk, decoder.write(chunk))
  }

  const tail = carry + decoder.end()
  if (tail.length > 0) classifier.scanText(tail, meta)
  // A last line without a trailing newline is still an event.
  if (lastByte !== -1 && lastByte !== 10) classifier.totals.events++
}

/**
 * Offset where the last record of a block starts: everything from there on is carried into the
 * next block, because the next block may hold more of that record (a traceback's remaining lines,
 * or the rest of a line cut in the middle, which cannot be judged yet).
 */
export function recordCut(text: string): number {
  const partial = text.lastIndexOf('\n') + 1
  if (partial === 0) return text.length > MAX_CARRY ? text.length : 0
  let lineEnd = partial - 1
  let start = lineStart(text, lineEnd)
  for (let i = 0; i < 200; i++) {
    const line = text.slice(start, lineEnd)
    if (!isContinuation(line) || parseHeader(line)) return start
    if (start === 0) return 0
    lineEnd = start - 1
    start = lineStart(text, lineEnd)
  }

  return start
}

/** Start of the line that ends at the newline at `end`. */
function lineStart(text: string, end: number): number {
  return end === 0 ? 0 : text.lastIndexOf('\n', end - 1) + 1
}

function countNewlines(buf: Buffer): number {
  let n = 0
  let i = buf.indexOf(10)
  while (i !== -1) {
    n++
    i = buf.indexOf(10, i + 1)
  }

  return n
}

interface JsonEventLike {
  logStreamName?: unknown
  message?: unknown
  timestamp?: unknown
}

/** Events of the non-plain formats. */
export function parseEventsFile(
  text: string,
  format: Exclude<Format, 'plain'>,
  file: Pick<LocalFile, 'group' | 'label' | 'stream'>,
): SourceEvent[] {
  switch (format) {
    case 'cloudwatch-json': {
      let doc: unknown
      try {
        doc = JSON.parse(text)
      } catch (error) {
        throw new InputError(`${file.label} is not valid JSON (${(error as Error).message})`, {
          suggestions: [
            'Pass the output of `aws logs filter-log-events --output json` or `aws logs get-log-events` unchanged, or a plain text log.',
          ],
        })
      }

      const list = Array.isArray(doc) ? doc : (doc as {events?: unknown}).events
      if (!Array.isArray(list)) {
        throw new InputError(`${file.label}: JSON without an "events" array`, {
          suggestions: ['Expected the output of aws logs filter-log-events or get-log-events.'],
        })
      }

      return list.map((e, i) => toEvent(e as JsonEventLike, file, `${file.label} event ${i + 1}`))
    }

    case 'cloudwatch-jsonl': {
      const out: SourceEvent[] = []
      for (const [i, line] of text.split('\n').entries()) {
        if (line.trim() === '') continue
        let doc: JsonEventLike
        try {
          doc = JSON.parse(line) as JsonEventLike
        } catch {
          throw new InputError(`${file.label} line ${i + 1} is not JSON`, {
            suggestions: ['Each line must be one CloudWatch event object.'],
          })
        }

        out.push(toEvent(doc, file, `${file.label} line ${i + 1}`))
      }

      return out
    }

    case 'console': {
      return parseConsoleCopy(text, file)
    }

    case 'retrieval': {
      return parseRetrievalExport(text, file)
    }
  }
}

function toEvent(e: JsonEventLike, file: Pick<LocalFile, 'group' | 'stream'>, where: string): SourceEvent {
  if (typeof e !== 'object' || e === null || typeof e.message !== 'string') {
    throw new InputError(`${where} has no "message" string`, {
      suggestions: ['Expected CloudWatch Logs events: {"timestamp": …, "message": "…", "logStreamName": "…"}.'],
    })
  }

  return {
    logGroup: file.group,
    message: e.message,
    stream: typeof e.logStreamName === 'string' ? e.logStreamName : file.stream,
    timestamp: typeof e.timestamp === 'number' ? e.timestamp : undefined,
  }
}

export function parseConsoleCopy(text: string, file: Pick<LocalFile, 'group' | 'stream'>): SourceEvent[] {
  const out: SourceEvent[] = []
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/\r$/, '')
    const m = CONSOLE_LINE.exec(line)
    if (m) {
      const ts = /^\d{13}$/.test(m[1]!) ? Number(m[1]) : parseLogTimestamp(m[1]!)
      out.push({logGroup: file.group, message: m[2]!.replace(/\s*\|\s*$/, ''), stream: file.stream, timestamp: ts})
    } else if (out.length > 0 && line.trim() !== '') {
      // A multi-line message: console copies put its later lines on their own rows.
      out.at(-1)!.message += `\n${line.replace(/^\s*\|\s?/, '')}`
    }
  }

  return out
}

export function parseRetrievalExport(text: string, file: Pick<LocalFile, 'group' | 'stream'>): SourceEvent[] {
  const groupLine = /^Log Group: (.+)$/m.exec(text)
  const group = groupLine ? groupLine[1]!.trim() : file.group
  const out: SourceEvent[] = []
  const block = /^Timestamp: (.+?)\r?\nStream: (.+?)\r?\nMessage:\r?\n([\s\S]*?)\r?\n-{20,}\r?$/gm
  let m: null | RegExpExecArray
  while ((m = block.exec(text)) !== null) {
    out.push({logGroup: group, message: m[3]!, stream: m[2]!.trim(), timestamp: parseLogTimestamp(m[1]!)})
  }

  return out
}

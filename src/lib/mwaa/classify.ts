import type {GroupKind, LogRecord, SourceEvent} from './types.js'

/**
 * The classifier: finds records that contain a catalogue keyword, groups each hit into its whole
 * record (header + traceback / continuation lines), drops known noise, attributes the record to
 * the first matching rule (or context signal) and aggregates per rule with bounded memory.
 *
 * Text without any keyword is never parsed line by line: one pre-compiled alternation of the
 * catalogue's literals scans whole blocks, so 1 GiB of mostly-INFO logs costs one regex pass.
 */
import {allKeywords, NOISE, type Rule, RULES, type Signal, type SignalId, SIGNALS} from './catalogue.js'
import {isContinuation, parseHeader, stripLinePrefix, stripRecordPrefixes, textSeverity} from './parse.js'
import {isJsonShape} from './types.js'
import {ERROR_KEYWORDS, isErrorRecord, MAX_UNCLASSIFIED} from './unclassified.js'

/** One matched record, kept (up to a cap) for evidence and for linking findings. */
export interface Occurrence {
  captures: string[]
  kind: GroupKind
  /** The line of the record that matched, without trailing whitespace. */
  line: string
  logGroup: string
  /** Full record text (only kept for access-denied records, which are parsed further). */
  record?: string
  stream: string
  timestamp: number | undefined
}

export interface RuleAggregate {
  count: number
  firstSeen: number | undefined
  lastSeen: number | undefined
  occurrences: Occurrence[]
  rule: Rule
}

export interface ScanTotals {
  bytes: number
  events: number
  /** Records dropped as known noise. */
  suppressed: number
}

const MAX_OCCURRENCES = 200
const MAX_RECORD_LINES = 200
const MAX_RECORD_CHARS = 64 * 1024
/** How far around a record a rule's `near` context is looked for. */
const NEAR_CHARS = 2048

function escapeRegExp(s: string): string {
  return s.replaceAll(/[$()*+.?[\\\]^{|}]/g, String.raw`\$&`)
}

/**
 * Substrings many keywords share, each standing for all keywords that contain it. The prefilter's
 * scan time grows with its number of alternatives (measured on the benchmark's text: about 1 %
 * per alternative beyond ~90), so keywords are folded into these anchors; records found through
 * an anchor are checked against the rules' own keywords afterwards.
 */
const PREFILTER_ANCHORS = [
  'Error',
  'Exception',
  'SIGTERM',
  'SIGKILL',
  'Timeout',
  'Could not',
  'could not',
  'Failed ',
  'Cannot ',
  'cannot ',
  'ERROR',
  'does not exist',
  'heartbeat',
]

/**
 * The prefilter: any keyword of any rule, signal or noise pattern, and the literals of an error
 * line (ERROR, a traceback), so that a record no rule knows can still be reported as unclassified.
 */
export const KEYWORD_RE = new RegExp(
  prefilterLiterals([...allKeywords(), ...ERROR_KEYWORDS])
    .map((k) => escapeRegExp(k))
    .join('|'),
  'g',
)

/**
 * The literals the prefilter needs: a keyword that contains another keyword finds nothing the
 * shorter one does not, and every alternative costs scan time on every byte.
 */
export function prefilterLiterals(keywords: string[]): string[] {
  const unique = [...new Set(keywords)]
  // A keyword that holds a shared anchor is found through the anchor (records are matched against
  // the rules' own keywords afterwards, so finding a few more records changes no result).
  const anchored = unique.map((k) => PREFILTER_ANCHORS.find((a) => k.includes(a)) ?? k)
  const literals = [...new Set(anchored)]
  return literals.filter((k) => !literals.some((other) => other !== k && k.includes(other)))
}

/** Every keyword of a rule, signal or noise pattern, longest first (an alternation takes the first that matches). */
const RECORD_KEYWORDS = [...new Set([...allKeywords(), ...NOISE.flatMap((n) => n.keywords)])].sort(
  (a, b) => b.length - a.length,
)
/** Keyword → the keywords that start it: found at the same offset, they are hidden behind the longer one. */
const KEYWORD_PREFIXES = new Map(
  RECORD_KEYWORDS.map((k) => [k, RECORD_KEYWORDS.filter((o) => o !== k && k.startsWith(o))]),
)
const RECORD_KEYWORD_RE = new RegExp(`(?=(${RECORD_KEYWORDS.map((k) => escapeRegExp(k)).join('|')}))`, 'g')

/**
 * The catalogue keywords a record holds, found in one pass of one regex (a zero-width match at
 * every offset where a keyword starts), so that each rule, signal and noise pattern is tried only
 * when one of its keywords is there, instead of a substring search per keyword per rule.
 */
export function keywordsIn(body: string): Set<string> {
  const found = new Set<string>()
  const re = RECORD_KEYWORD_RE
  re.lastIndex = 0
  let m: null | RegExpExecArray
  while ((m = re.exec(body)) !== null) {
    const keyword = m[1]!
    if (!found.has(keyword)) {
      found.add(keyword)
      for (const prefix of KEYWORD_PREFIXES.get(keyword)!) found.add(prefix)
    }

    re.lastIndex = m.index + 1
  }

  return found
}

export interface TextMeta {
  /** Start offset of each event in the text and its timestamp (CloudWatch events joined by \n). */
  eventStarts?: number[]
  eventTimes?: Array<number | undefined>
  kind: GroupKind
  logGroup: string
  stream: string
}

export class Classifier {
  readonly aggregates = new Map<string, RuleAggregate>()
  readonly signals = new Map<SignalId, Occurrence[]>()
  readonly totals: ScanTotals = {bytes: 0, events: 0, suppressed: 0}
  /** Error records no rule matched (kept whole, bounded): reported only when nothing else is found. */
  readonly unclassified: Occurrence[] = []
  /** This classifier's own copy of the prefilter (a global regex keeps state in lastIndex). */
  private readonly keywords = new RegExp(KEYWORD_RE.source, 'g')
  /** The end of the previous block of a stream: the context before its first records. */
  private previous: undefined | {stream: string; text: string}
  private window: undefined | {end: number; start: number}

  constructor(options: {window?: undefined | {end: number; start: number}} = {}) {
    this.window = options.window
  }

  /** Classify a batch of events of ONE stream, in time order. Counts events and bytes. */
  scanEvents(events: SourceEvent[], kind: GroupKind): void {
    if (events.length === 0) return
    const first = events[0]!
    const starts: number[] = []
    const times: Array<number | undefined> = []
    const parts: string[] = []
    let offset = 0
    for (const e of events) {
      const message = e.message.endsWith('\n') ? e.message.slice(0, -1) : e.message
      starts.push(offset)
      times.push(e.timestamp)
      parts.push(message)
      offset += message.length + 1
      this.totals.bytes += Buffer.byteLength(e.message)
    }

    this.totals.events += events.length
    this.scanText(parts.join('\n'), {
      eventStarts: starts,
      eventTimes: times,
      kind,
      logGroup: first.logGroup,
      stream: first.stream,
    })
  }

  /**
   * Classify a block of text from one stream. Every record must be complete inside `text` (the
   * file reader cuts blocks at record starts). Does not count events or bytes.
   */
  scanText(text: string, meta: TextMeta): void {
    const re = this.keywords
    re.lastIndex = 0
    let m: null | RegExpExecArray
    while ((m = re.exec(text)) !== null) {
      const [start, end] = expandRecord(text, m.index)
      this.processRecord(text, start, end, meta)
      re.lastIndex = Math.max(end, m.index + 1)
    }

    this.previous = {stream: meta.stream, text: text.slice(-NEAR_CHARS)}
  }

  private addSignal(signal: Signal, occurrence: Occurrence): void {
    const list = this.signals.get(signal.id) ?? []
    if (list.length < MAX_OCCURRENCES * 5) list.push(detachOccurrence(occurrence))
    this.signals.set(signal.id, list)
  }

  private processRecord(text: string, start: number, end: number, meta: TextMeta): void {
    // Console copies put service names or `| ` in front of each line: match on the bare lines.
    const original = text.slice(start, end)
    const raw = stripRecordPrefixes(original)
    const firstLineEnd = raw.indexOf('\n')
    const firstLine = firstLineEnd === -1 ? raw : raw.slice(0, firstLineEnd)
    const inRaw = keywordsIn(raw)
    if (isNoise(firstLine, inRaw)) {
      this.totals.suppressed++
      return
    }

    const header = parseHeader(firstLine)
    // JSON events are matched on their rendered text (event + exception), not on the JSON syntax.
    const body = isJsonShape(header?.shape)
      ? `${header!.message}${firstLineEnd === -1 ? '' : raw.slice(firstLineEnd)}`
      : raw
    const present = body === raw ? inRaw : keywordsIn(body)
    let timestamp = header?.timestamp
    if (timestamp === undefined && meta.eventStarts) timestamp = eventTimeAt(meta, start)
    if (timestamp !== undefined && this.window && (timestamp < this.window.start || timestamp > this.window.end)) return
    const near = (): string => {
      const around = text.slice(Math.max(0, start - NEAR_CHARS), Math.min(text.length, end + NEAR_CHARS))
      return start < NEAR_CHARS && this.previous?.stream === meta.stream ? this.previous.text + around : around
    }

    const base = {kind: meta.kind, logGroup: meta.logGroup, stream: meta.stream, timestamp}
    // Context lines (a state set externally, a success before a SIGTERM) explain findings even when
    // the same record is also a finding itself.
    this.recordSignals(body, base, present)
    const preceding = (): string => {
      const head = text.slice(Math.max(0, start - NEAR_CHARS), start)
      return start < NEAR_CHARS && this.previous?.stream === meta.stream ? this.previous.text + head : head
    }

    const rule = matchRule(body, meta.kind, meta.stream, {near, preceding, present})
    if (rule) {
      const {captures, index} = rule
      const occurrence: Occurrence = {
        ...base,
        captures,
        line: body === original ? lineAt(body, index) : originalLine(original, body, raw, index),
        ...(rule.rule.category === 'access-denied' ? {record: body.slice(0, 8192)} : {}),
      }
      this.record(rule.rule, occurrence)
      return
    }

    if (this.unclassified.length < MAX_UNCLASSIFIED && isErrorRecord(body, header)) {
      this.unclassified.push(
        detachOccurrence({...base, captures: [], line: lineAt(original, 0), record: body.slice(0, 16_384)}),
      )
    }
  }

  private record(rule: Rule, occurrence: Occurrence): void {
    let agg = this.aggregates.get(rule.id)
    if (!agg) {
      agg = {count: 0, firstSeen: undefined, lastSeen: undefined, occurrences: [], rule}
      this.aggregates.set(rule.id, agg)
    }

    agg.count++
    const t = occurrence.timestamp
    if (t !== undefined) {
      if (agg.firstSeen === undefined || t < agg.firstSeen) agg.firstSeen = t
      if (agg.lastSeen === undefined || t > agg.lastSeen) agg.lastSeen = t
    }

    if (agg.occurrences.length < MAX_OCCURRENCES) agg.occurrences.push(detachOccurrence(occurrence))
  }

  private recordSignals(body: string, base: Omit<Occurrence, 'captures' | 'line'>, present: Set<string>): void {
    for (const signal of SIGNALS) {
      if (!signal.keywords.some((k) => present.has(k))) continue
      const sm = signal.pattern.exec(body)
      if (sm) this.addSignal(signal, {...base, captures: sm.slice(1).map((c) => c ?? ''), line: lineAt(body, sm.index)})
    }
  }
}

/**
 * A copy that does not share memory with the block it was cut from: V8 keeps a substring's whole
 * parent string alive, so a kept evidence line would otherwise pin a 1 MiB read block.
 */
function detach(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8')
}

function detachOccurrence(o: Occurrence): Occurrence {
  return {
    ...o,
    captures: o.captures.map((c) => detach(c)),
    line: detach(o.line),
    ...(o.record === undefined ? {} : {record: detach(o.record)}),
  }
}

/** Known chatter (pip notices, health checks): tried only when one of its keywords is in the record. */
function isNoise(firstLine: string, present: Set<string>): boolean {
  return NOISE.some((noise) => noise.keywords.some((k) => present.has(k)) && noise.pattern.test(firstLine))
}

/** The first rule that matches a record, with its captures and the match offset. */
export function matchRule(
  body: string,
  kind: GroupKind,
  stream: string,
  context: {near?: () => string; preceding?: () => string; present?: Set<string>} = {},
): undefined | {captures: string[]; index: number; rule: Rule} {
  const {near = () => body, preceding = () => '', present = keywordsIn(body)} = context
  for (const rule of RULES) {
    if (!rule.keywords.some((k) => present.has(k))) continue
    if (rule.groups && kind !== 'unknown' && !rule.groups.includes(kind)) continue
    if (rule.stream && !rule.stream.test(stream)) continue
    const m = rule.pattern.exec(body)
    if (!m || !contextFits(rule, body, m.index, {near, preceding})) continue
    return {captures: m.slice(1).map((c) => c ?? ''), index: m.index, rule}
  }

  return undefined
}

/** The rule's context conditions around a match: what must not be in the record, what must be near or before it. */
function contextFits(
  rule: Rule,
  body: string,
  index: number,
  {near, preceding}: {near: () => string; preceding: () => string},
): boolean {
  if (rule.unless?.test(body)) return false
  if (rule.near && !rule.near.test(body) && !rule.near.test(near())) return false
  return !rule.nearBefore || rule.nearBefore.test(body.slice(0, index)) || rule.nearBefore.test(preceding())
}

/** Parse one record's text into a LogRecord (used by tests and the sample renderer). */
export function toLogRecord(
  text: string,
  meta: {kind: GroupKind; logGroup: string; stream: string; timestamp?: number | undefined},
): LogRecord {
  const firstLine = text.split('\n', 1)[0] ?? ''
  const header = parseHeader(firstLine)
  const rest = text.slice(firstLine.length)
  const body = header ? `${isJsonShape(header.shape) ? header.message : firstLine}${rest}` : text
  return {
    kind: meta.kind,
    level: header?.level,
    logger: header?.logger,
    logGroup: meta.logGroup,
    severity: textSeverity(header ? `${header.message}${rest}` : text, header?.level, header?.shape),
    shape: header?.shape ?? 'plain',
    stream: meta.stream,
    text: body,
    timestamp: header?.timestamp ?? meta.timestamp,
  }
}

/** Split text into records: header lines start one, continuation lines join the record above. */
export function groupRecords(text: string): string[] {
  const records: string[] = []
  let current: string[] = []
  for (const line of text.split('\n')) {
    if (current.length > 0 && current.length < MAX_RECORD_LINES && isContinuation(line) && !parseHeader(line)) {
      current.push(line)
      continue
    }

    if (current.length > 0) records.push(current.join('\n'))
    current = line === '' ? [] : [line]
  }

  if (current.length > 0) records.push(current.join('\n'))
  return records
}

/** [start, end) of the record around offset `at`: back to its header, forward over continuations. */
export function expandRecord(text: string, at: number): [number, number] {
  let start = text.lastIndexOf('\n', at - 1) + 1
  let end = text.indexOf('\n', at)
  if (end === -1) end = text.length
  // Back over continuation lines to the header.
  let lines = 0
  while (start > 0 && lines < MAX_RECORD_LINES && at - start < MAX_RECORD_CHARS) {
    const lineEnd = text.indexOf('\n', start)
    const line = text.slice(start, lineEnd === -1 ? text.length : lineEnd)
    if (!isContinuation(line) || parseHeader(stripLinePrefix(line))) break
    // The previous line ends at start - 1; at 0 it is an empty first line.
    start = start === 1 ? 0 : text.lastIndexOf('\n', start - 2) + 1
    lines++
  }

  // Forward over continuation lines.
  lines = 0
  while (end < text.length && lines < MAX_RECORD_LINES && end - at < MAX_RECORD_CHARS) {
    const nextEnd = text.indexOf('\n', end + 1)
    const line = text.slice(end + 1, nextEnd === -1 ? text.length : nextEnd)
    if (!isContinuation(line) || parseHeader(stripLinePrefix(line))) break
    end = nextEnd === -1 ? text.length : nextEnd
    lines++
  }

  return [start, end]
}

/**
 * The evidence line as it was written (with its console prefix): the body only differs from the
 * original by per-line prefixes, except a JSON header whose rendered text replaces the first line.
 */
function originalLine(original: string, body: string, stripped: string, index: number): string {
  if (body !== stripped) return lineAt(body, index)
  let lineNo = 0
  for (let i = body.indexOf('\n'); i !== -1 && i < index; i = body.indexOf('\n', i + 1)) lineNo++
  let start = 0
  for (let n = 0; n < lineNo; n++) start = original.indexOf('\n', start) + 1
  return lineAt(original, start)
}

function lineAt(text: string, index: number): string {
  const start = text.lastIndexOf('\n', index - 1) + 1
  let end = text.indexOf('\n', index)
  if (end === -1) end = text.length
  const line = text.slice(start, end).trimEnd()
  return line.length > 500 ? `${line.slice(0, 497)}...` : line
}

function eventTimeAt(meta: TextMeta, offset: number): number | undefined {
  const starts = meta.eventStarts!
  let lo = 0
  let hi = starts.length - 1
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1
    if (starts[mid]! <= offset) lo = mid
    else hi = mid - 1
  }

  return meta.eventTimes?.[lo]
}

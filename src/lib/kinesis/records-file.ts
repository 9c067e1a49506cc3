import type {HashCache} from './hash-cache.js'

/**
 * Offline input for hot-shard analysis: record files (JSON Lines or CSV with partitionKey and
 * optional bytes, timestamp, explicitHashKey) and saved ListShards output (`--shard-map`).
 */
import {InputError} from '../core/errors.js'
import {splitCsvLine} from '../core/parse/csv-line.js'
import {coverageProblems, MAX_HASH_KEY, parseExplicitHashKey, type ShardRange, sortRanges} from './hash-key.js'
import {KEY_LINE_BATCH, KEY_LINE_PADDING, KeyLineBatch} from './key-lines.js'
import {LITTLE_ENDIAN, MAX_KEY_BYTES} from './key-words.js'

/** Called once per record: bytes = the data size (undefined when the file has none); timestamp in ms. */
export type OnOfflineRecord = (
  partitionKey: string,
  bytes?: number | undefined,
  timestampMs?: number | undefined,
  explicitHashKey?: string | undefined,
) => void

export interface RecordFileSummary {
  format: 'csv' | 'jsonl'
  hasBytes: boolean
  hasTimestamps: boolean
  records: number
}

const KEY_NAMES: Record<string, 'bytes' | 'explicitHashKey' | 'partitionKey' | 'timestamp'> = {
  approximatearrivaltimestamp: 'timestamp',
  bytes: 'bytes',
  // eslint-disable-next-line camelcase -- snake_case column names are accepted as synonyms
  explicit_hash_key: 'explicitHashKey',
  explicithashkey: 'explicitHashKey',
  // eslint-disable-next-line camelcase -- snake_case column names are accepted as synonyms
  partition_key: 'partitionKey',
  partitionkey: 'partitionKey',
  size: 'bytes',
  time: 'timestamp',
  timestamp: 'timestamp',
  ts: 'timestamp',
}

const FIELD_HELP =
  'Each record needs partitionKey; bytes (data size), timestamp (ISO 8601 or epoch seconds/ms) and explicitHashKey are optional.'

function bad(source: string, line: number, message: string): InputError {
  return new InputError(`${source} line ${line}: ${message}`, {suggestions: [FIELD_HELP]})
}

/** Timestamps: ISO 8601 text, or a number of epoch seconds (< 1e11) or milliseconds. */
export function parseTimestamp(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined
  if (typeof value === 'number') return value < 1e11 ? value * 1000 : value
  if (typeof value !== 'string') return Number.NaN
  if (/^\d+(\.\d+)?$/.test(value)) return parseTimestamp(Number(value))
  const t = Date.parse(value)
  return Number.isNaN(t) ? Number.NaN : t
}

function checkBytes(value: unknown, source: string, line: number): number | undefined {
  if (value === undefined || value === null || value === '') return undefined
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN
  if (!Number.isFinite(n) || n < 0)
    throw bad(source, line, `bytes "${String(value)}" is not a non-negative whole number`)
  return n
}

function checkKey(value: unknown, source: string, line: number): string {
  if (typeof value !== 'string' && typeof value !== 'number') throw bad(source, line, 'no partitionKey')
  const key = String(value)
  if (key.length === 0 || key.length > 256)
    throw bad(source, line, `partitionKey must be 1 to 256 characters, not ${key.length}`)
  return key
}

function checkEhk(value: unknown, source: string, line: number): string | undefined {
  if (value === undefined || value === null || value === '') return undefined
  const text = String(value)
  try {
    parseExplicitHashKey(text)
  } catch {
    throw bad(source, line, `explicitHashKey "${text}" is not a decimal number from 0 to ${MAX_HASH_KEY}`)
  }

  return text
}

function unclosedQuote(source: string, lineNo: number): InputError {
  return bad(
    source,
    lineNo,
    'has a quoted field that does not close on the line: close it with " (a quote inside a field is written ""); partition keys with line breaks need JSON Lines',
  )
}

function isBlank(line: string): boolean {
  if (line.length === 0) return true
  const c = line.codePointAt(0)!
  return (c === 32 || c === 9) && line.trim() === ''
}

type Columns = {bytes: number; ehk: number; key: number; only: boolean; ts: number}

/** The line-by-line parser shared by the string and the byte readers. */
class RecordLineParser {
  cols: Columns | undefined
  format: 'csv' | 'jsonl' | undefined
  hasBytes = false
  hasTimestamps = false
  lineNo = 0
  records = 0

  constructor(
    readonly source: string,
    private readonly onRecord: OnOfflineRecord,
  ) {}

  /** One line of text (`counted`: its number was already advanced by the caller). */
  line(raw: string, counted = false): void {
    if (!counted) this.lineNo++
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw
    if (isBlank(line)) return
    if (this.format === undefined) this.format = line.trimStart().startsWith('{') ? 'jsonl' : 'csv'
    if (this.format === 'jsonl') this.jsonLine(line)
    else this.csvLine(line)
  }

  summary(): RecordFileSummary {
    if (this.records === 0) throw new InputError(`${this.source} holds no records`, {suggestions: [FIELD_HELP]})
    return {
      format: this.format ?? 'jsonl',
      hasBytes: this.hasBytes,
      hasTimestamps: this.hasTimestamps,
      records: this.records,
    }
  }

  private csvLine(line: string): void {
    const {lineNo, source} = this
    if (!this.cols) {
      const header = splitCsvLine(line)
      if (!header) throw unclosedQuote(source, lineNo)
      const idx = (name: string): number => header.findIndex((f) => KEY_NAMES[f.trim().toLowerCase()] === name)
      const key = idx('partitionKey')
      this.cols = {
        bytes: idx('bytes'),
        ehk: idx('explicitHashKey'),
        key,
        only: header.length === 1,
        ts: idx('timestamp'),
      }
      if (key < 0) {
        throw new InputError(`${source}: the CSV header "${line.slice(0, 80)}" has no partitionKey column`, {
          suggestions: [
            'Start the file with a header row, e.g. "partitionKey,bytes,timestamp"; or use JSON Lines ({"partitionKey": "..."}).',
          ],
        })
      }

      return
    }

    const {cols} = this
    // One unquoted column (a plain key list): the line is the key.
    if (cols.only && !line.includes('"')) {
      this.emit(checkKey(line, source, lineNo))
      return
    }

    const fields = splitCsvLine(line)
    if (!fields) throw unclosedQuote(source, lineNo)
    const key = checkKey(fields[cols.key], source, lineNo)
    const bytes = cols.bytes < 0 ? undefined : checkBytes(fields[cols.bytes], source, lineNo)
    const tsText = cols.ts < 0 ? undefined : fields[cols.ts]
    const ts = parseTimestamp(tsText)
    if (ts !== undefined && Number.isNaN(ts))
      throw bad(source, lineNo, `timestamp "${tsText}" is neither ISO 8601 nor epoch seconds/ms`)
    this.emit(key, bytes, ts, cols.ehk < 0 ? undefined : checkEhk(fields[cols.ehk], source, lineNo))
  }

  private emit(key: string, bytes?: number | undefined, ts?: number | undefined, ehk?: string | undefined): void {
    if (bytes !== undefined) this.hasBytes = true
    if (ts !== undefined) this.hasTimestamps = true
    this.onRecord(key, bytes, ts, ehk)
    this.records++
  }

  private jsonLine(line: string): void {
    const {lineNo, source} = this
    let obj: unknown
    try {
      obj = JSON.parse(line)
    } catch {
      throw bad(source, lineNo, 'is not valid JSON')
    }

    if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw bad(source, lineNo, 'is not a JSON object')
    const o = obj as Record<string, unknown>
    const fields: Partial<Record<'bytes' | 'explicitHashKey' | 'partitionKey' | 'timestamp', unknown>> = {}
    for (const [k, v] of Object.entries(o)) {
      const name = KEY_NAMES[k.toLowerCase()]
      if (name) fields[name] = v
    }

    let bytesV = fields.bytes
    if (bytesV === undefined && typeof o.data === 'string') bytesV = Buffer.byteLength(o.data, 'utf8')
    const key = checkKey(fields.partitionKey, source, lineNo)
    const bytes = checkBytes(bytesV, source, lineNo)
    const ts = parseTimestamp(fields.timestamp)
    if (ts !== undefined && Number.isNaN(ts))
      throw bad(source, lineNo, `timestamp "${String(fields.timestamp)}" is neither ISO 8601 nor epoch seconds/ms`)
    this.emit(key, bytes, ts, checkEhk(fields.explicitHashKey, source, lineNo))
  }
}

/**
 * Read records from lines of text (an iterable of lines, or of batches of lines). The format is
 * JSON Lines when the first non-empty line starts with "{", CSV with a header row otherwise.
 * Throws InputError (exit 6) naming the line.
 */
export async function readRecordLines(
  lines: AsyncIterable<string | string[]> | Iterable<string | string[]>,
  source: string,
  onRecord: OnOfflineRecord,
): Promise<RecordFileSummary> {
  const parser = new RecordLineParser(source, onRecord)
  const each = (item: string | string[]): void => {
    if (typeof item === 'string') parser.line(item)
    else for (const line of item) parser.line(line)
  }

  if (Symbol.iterator in lines) for (const item of lines) each(item)
  else for await (const item of lines) each(item)
  return parser.summary()
}

/** A record file as text lines, or as raw bytes (the fast path: no string per line). */
export type RecordInput =
  {chunks: AsyncIterable<Uint8Array>} | {lines: AsyncIterable<string | string[]> | Iterable<string | string[]>}

/**
 * Called once per record by `readRecordsInto`: the key's slot in the HashCache (−1 when not kept),
 * its hash words at `cache.lastWords[offset..]`, the key's UTF-8 length, the key itself (always
 * given when slot is −1), data bytes, timestamp (ms) and explicit hash key.
 */
export type OnTableRecord = (
  slot: number,
  offset: number,
  keyUtf8Bytes: number,
  partitionKey?: string | undefined,
  dataBytes?: number | undefined,
  timestampMs?: number | undefined,
  explicitHashKey?: string | undefined,
) => void

const decoder = new TextDecoder()
const encoder = new TextEncoder()

/** Digits only → the number; otherwise NaN. */
function digitsValue(buf: Uint8Array, start: number, end: number): number {
  if (start >= end) return Number.NaN
  let v = 0
  for (let i = start; i < end; i++) {
    const d = buf[i]! - 48
    if (d < 0 || d > 9) return Number.NaN
    v = v * 10 + d
  }

  return v
}

/**
 * Read a record file and look every key up in `cache`. Raw bytes go through a fast path for
 * unquoted CSV lines (fields found by byte scanning, the key looked up from the read buffer; a
 * plain key list is scanned a batch of lines at a time by KeyLineBatch); JSON Lines, quoted CSV
 * lines and explicit hash keys go through the text parser. Same validation and messages either way.
 */
export async function readRecordsInto(
  input: RecordInput,
  source: string,
  cache: HashCache,
  onRecord: OnTableRecord,
): Promise<RecordFileSummary> {
  const viaText: OnOfflineRecord = (pk, dataBytes, ts, ehk) => {
    const offset = cache.lookup(pk, ehk)
    const slot = cache.lastSlot
    const keyBytes = slot >= 0 ? cache.keyUtf8Length(slot) : encoder.encode(pk).length
    onRecord(slot, offset, keyBytes, pk, dataBytes, ts, ehk)
  }

  if ('lines' in input) return readRecordLines(input.lines, source, viaText)
  const parser = new RecordLineParser(source, viaText)
  const line = (buf: Uint8Array, start: number, endRaw: number): void => {
    parser.lineNo++
    const end = endRaw > start && buf[endRaw - 1] === 13 ? endRaw - 1 : endRaw
    const {cols} = parser
    if (parser.format !== 'csv' || !cols || end === start) {
      parser.line(decoder.decode(buf.subarray(start, end)), true)
      return
    }

    // Unquoted CSV: find the fields' byte ranges (a field that holds a quote must start with one).
    let field = 0
    let fieldStart = start
    let keyS = -1
    let keyE = -1
    let bytesS = -1
    let bytesE = -1
    let tsS = -1
    let tsE = -1
    let ehkS = -1
    let ehkE = -1
    let quoted = false
    if (cols.only) {
      // One column: the line is the key, as on the key-list path (keyLine); a line starting with a
      // quote or a blank (maybe blank as a whole) goes to the text parser.
      const first = buf[start]
      keyS = start
      keyE = end
      quoted = first === 34 || first === 32 || first === 9
      fieldStart = end + 1
    }

    while (fieldStart <= end) {
      if (buf[fieldStart] === 34 && fieldStart < end) {
        quoted = true
        break
      }

      let comma = buf.indexOf(44, fieldStart)
      if (comma < 0 || comma > end) comma = end
      switch (field) {
        case cols.bytes: {
          bytesS = fieldStart
          bytesE = comma

          break
        }

        case cols.ehk: {
          ehkS = fieldStart
          ehkE = comma

          break
        }

        case cols.key: {
          keyS = fieldStart
          keyE = comma

          break
        }

        case cols.ts: {
          tsS = fieldStart
          tsE = comma

          break
        }
        // No default
      }

      field++
      fieldStart = comma + 1
    }

    const keyLen = keyE - keyS
    let dataBytes: number | undefined
    let ts: number | undefined
    let slow = quoted || keyS < 0 || keyLen <= 0 || keyLen > MAX_KEY_BYTES || ehkE > ehkS
    if (!slow && bytesE > bytesS) {
      dataBytes = digitsValue(buf, bytesS, bytesE)
      slow = Number.isNaN(dataBytes)
    }

    if (!slow && tsE > tsS) {
      const n = digitsValue(buf, tsS, tsE)
      ts = Number.isNaN(n) ? parseTimestamp(decoder.decode(buf.subarray(tsS, tsE))) : parseTimestamp(n)
      slow = ts === undefined || Number.isNaN(ts)
    }

    if (slow) {
      parser.line(decoder.decode(buf.subarray(start, end)), true)
      return
    }

    if (dataBytes !== undefined) parser.hasBytes = true
    if (ts !== undefined) parser.hasTimestamps = true
    parser.records++
    const offset = cache.lookupBytes(buf, keyS, keyLen)
    const slot = cache.lastSlot
    onRecord(slot, offset, keyLen, slot >= 0 ? undefined : decoder.decode(buf.subarray(keyS, keyE)), dataBytes, ts)
  }

  /** Line k of a key-list batch (one CSV column): the key was packed and hashed by the scan. */
  const keyLine = (batch: KeyLineBatch, buf: Uint8Array, k: number): void => {
    parser.lineNo++
    const start = batch.start[k]!
    const len = batch.length[k]!
    const at = batch.wordAt[k]!
    const c = buf[start]
    if (at < 0 || len === 0 || len > MAX_KEY_BYTES || c === 34 || c === 32 || c === 9) {
      parser.line(decoder.decode(buf.subarray(start, start + len)), true)
      return
    }

    parser.records++
    const offset = cache.lookupWords(batch.words, at, len, batch.hash[k]!)
    const slot = cache.lastSlot
    onRecord(slot, offset, len, slot >= 0 ? undefined : decoder.decode(buf.subarray(start, start + len)))
  }

  const batch = new KeyLineBatch()
  // One reusable, 4-byte aligned buffer: the unfinished line of the previous chunk, the new chunk,
  // then the scanner's sentinel. `ints` views the same memory.
  let bytes = new Uint8Array(0)
  let ints = new Int32Array(0)
  let carried = 0
  for await (const chunk of input.chunks) {
    const n = carried + chunk.length
    if (bytes.length < n + KEY_LINE_PADDING) {
      const size = (Math.max(n + KEY_LINE_PADDING, bytes.length * 2) + 3) & ~3
      const grown = new Uint8Array(size)
      grown.set(bytes.subarray(0, carried))
      bytes = grown
      ints = new Int32Array(grown.buffer)
    }

    bytes.set(chunk, carried)
    bytes[n] = 10
    let pos = 0
    while (pos < n) {
      if (LITTLE_ENDIAN && parser.format === 'csv' && parser.cols?.only) {
        // Hot loop: a batch of lines scanned and hashed, their table entries touched, then looked up.
        pos = batch.fill(ints, bytes, pos, n)
        cache.touch(batch.hash, batch.count)
        for (let k = 0; k < batch.count; k++) keyLine(batch, bytes, k)
        if (batch.count < KEY_LINE_BATCH) break
        continue
      }

      const nl = bytes.indexOf(10, pos)
      if (nl >= n) break
      line(bytes, pos, nl)
      pos = nl + 1
    }

    carried = n - pos
    bytes.copyWithin(0, pos, n)
  }

  if (carried > 0) line(bytes, 0, carried)
  return parser.summary()
}

interface RawShard {
  HashKeyRange?: {EndingHashKey?: unknown; StartingHashKey?: unknown}
  SequenceNumberRange?: {EndingSequenceNumber?: unknown}
  ShardId?: unknown
}

/**
 * Open shards from saved ListShards / DescribeStream output (`{"Shards": [...]}`,
 * `{"StreamDescription": {"Shards": [...]}}` or a bare array). Closed shards (with an
 * EndingSequenceNumber) are dropped; the open ranges must cover the key space exactly.
 */
export function parseShardMap(text: string, source: string): ShardRange[] {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch {
    throw new InputError(`${source} is not valid JSON`, {
      suggestions: [
        'Save the map with: aws kinesis list-shards --stream-name NAME --shard-filter Type=AT_LATEST > shards.json',
      ],
    })
  }

  const d = doc as {Shards?: unknown; StreamDescription?: {Shards?: unknown}}
  const list = Array.isArray(doc)
    ? doc
    : Array.isArray(d?.Shards)
      ? d.Shards
      : Array.isArray(d?.StreamDescription?.Shards)
        ? d.StreamDescription.Shards
        : undefined
  if (!list) {
    throw new InputError(`${source} has no "Shards" list`, {
      suggestions: [
        'Save the map with: aws kinesis list-shards --stream-name NAME --shard-filter Type=AT_LATEST > shards.json',
      ],
    })
  }

  const ranges: ShardRange[] = []
  for (const [i, s] of (list as RawShard[]).entries()) {
    if (s?.SequenceNumberRange?.EndingSequenceNumber) continue
    const start = s?.HashKeyRange?.StartingHashKey
    const end = s?.HashKeyRange?.EndingHashKey
    if (typeof s?.ShardId !== 'string' || typeof start !== 'string' || typeof end !== 'string') {
      throw new InputError(`${source}: shard #${i + 1} lacks ShardId or HashKeyRange.StartingHashKey/EndingHashKey`)
    }

    let startingHashKey: bigint
    let endingHashKey: bigint
    try {
      startingHashKey = parseExplicitHashKey(start)
      endingHashKey = parseExplicitHashKey(end)
    } catch {
      throw new InputError(
        `${source}: shard ${s.ShardId} has a hash key range that is not two decimal numbers from 0 to 2^128−1`,
      )
    }

    if (endingHashKey < startingHashKey)
      throw new InputError(`${source}: shard ${s.ShardId} ends (${end}) before it starts (${start})`)
    ranges.push({endingHashKey, shardId: s.ShardId, startingHashKey})
  }

  if (ranges.length === 0) throw new InputError(`${source} lists no open shards`)
  const problems = coverageProblems(ranges)
  if (problems.length > 0) {
    const p = problems[0]!
    throw new InputError(
      `${source}: the open shards have ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'} covering the key space, first a ${p.kind} from ${p.from} to ${p.to}`,
      {
        details: problems.map((x) => ({from: x.from.toString(), kind: x.kind, to: x.to.toString()})),
        suggestions: [
          'Save only open shards: aws kinesis list-shards --stream-name NAME --shard-filter Type=AT_LATEST',
        ],
      },
    )
  }

  return sortRanges(ranges)
}

export {splitCsvLine} from '../core/parse/csv-line.js'

/**
 * `redshift copy-split`: one streaming pass from a big (gzip) file to N record-correct,
 * byte-balanced, compressed parts, a manifest and the COPY statement.
 *
 * decompress (libuv pool) → find record boundaries (main thread, indexOf-fast) → cut blocks of
 * whole records → deal each block to the least-filled part → compress blocks on worker threads
 * (any worker, any block) → write each part's blocks in order → verify → manifest last.
 *
 * Memory is bounded by the number of blocks in flight (a few per worker), not by the input size.
 * Backpressure is one global budget of blocks in flight, so a slow part slows the reader only when
 * the whole budget is used: it never pauses the compressors one stream at a time.
 */
import type {S3Client} from '@aws-sdk/client-s3'

import {createHash, type Hash} from 'node:crypto'
// zlib.crc32 is stable from Node 20.15 (the project needs ≥ 20.19).
// eslint-disable-next-line n/no-unsupported-features/node-builtins
import {crc32} from 'node:zlib'

import type {S3Location} from '../core/parse/s3-uri.js'
import type {CopyOptions} from './copy-options.js'
import type {SliceInfo} from './slices.js'
import type {TableDef} from './table-ddl.js'

import {AbortedError, ExitCode, InputError, PipeopsError, UsageError} from '../core/errors.js'
import {trimExternalMemory} from '../core/external-memory.js'
import {CompressPool, usesLibdeflate} from './compress-pool.js'
import {type CopyCheckSummary, RecordChecker} from './copy-check.js'
import {buildCopySql, buildManifest} from './copy-sql.js'
import {decompress, type Decompressed, decompressionError, describeInput, type InputSpec, runIdFor} from './input.js'
import {choosePartSize, LocalTarget, type OutputTarget, type PartWriter, S3Target} from './outputs.js'
import {chooseBlockSize, type Codec, estimateOutput, LARGE_BLOCKS, planParts, SMALL_BLOCKS} from './plan.js'
import {firstRecordEnd, type RecordFormat, RecordScanner} from './records.js'
import {type HeaderMode, sniff} from './sniff.js'

export type OutputSpec =
  {kind: 'dir'; path: string; urlPrefix?: string | undefined} | {kind: 's3'; location: S3Location}

export interface CopySplitOptions {
  /** Uncompressed block size dealt to parts (default: chosen from the input size; tests use tiny ones). */
  blockSize?: number | undefined
  /**
   * Check every record against a table with COPY's conversion rules in the same pass
   * (`--check-table`); a bad record fails the split before the manifest is written.
   */
  check?: undefined | {conversion: CopyOptions; maxErrors: number; table: TableDef}
  codec: Codec
  delimiter: string
  dryRun: boolean
  filesPerSlice?: number | undefined
  format: RecordFormat
  header: HeaderMode
  iamRole?: string | undefined
  input: InputSpec
  level: number
  /** Milliseconds clock (injected so lib code does not read the time itself). */
  now: () => number
  /** Register work to run if the process is interrupted (Ctrl-C): removes temp parts, aborts uploads. */
  onCleanup?: ((fn: () => Promise<void>) => void) | undefined
  onProgress?: ((p: Progress) => void) | undefined
  output?: OutputSpec | undefined
  quote: string
  region?: string | undefined
  runId?: string | undefined
  signal?: AbortSignal | undefined
  slices: SliceInfo
  table?: string | undefined
  targetSize: number
  workers?: number | undefined
  zstdPath?: string | undefined
}

export interface Progress {
  /** Compressed input bytes read so far. */
  compressedRead: number
  /** Size of the input as stored, when known. */
  inputBytes: number | undefined
  /** Decompressed bytes read so far. */
  plainBytes: number
  records: number
}

export interface PartReport {
  bytes: number
  checksum: null | string
  path: string
  records: null | number
}

export interface CopySplitResult {
  balance: {maxBytes: number; minBytes: number}
  copySql: string
  elapsedMs: number
  input: {bytes: null | number; format: RecordFormat; header: 'none' | 'repeat' | 'strip'; records: null | number}
  manifest: string
  parts: PartReport[]
  slices: {count: null | number; source: string}
  throughputMBps: number
}

export interface CopySplitOutcome {
  /** Details for people that do not belong in the result JSON. */
  notes: {
    blockSize: number
    /** The --check-table summary (all records would load when this is set and the split succeeded). */
    check?: CopyCheckSummary
    compression: string
    files: number
    headerReason: string
    inputStoredBytes: number | undefined
    planReason: string
    runId: string
    skipped: string[]
    workers: number
  }
  result: CopySplitResult
  warnings: string[]
}

const SAMPLE_BYTES = 64 * 1024
/** Dead Buffers are collected when Buffers hold more than TRIM_ABOVE, checked every TRIM_EVERY bytes read (see core/external-memory.ts). */
const TRIM_EVERY = 16 * 1024 * 1024
const TRIM_ABOVE = 24 * 1024 * 1024
const DICT_BYTES = 32 * 1024
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03])
/** The empty final deflate block that closes a stream of sync-flushed blocks. */
const DEFLATE_END = Buffer.from([0x03, 0x00])

export function extensionFor(format: RecordFormat, codec: Codec): string {
  const base = format === 'csv' ? 'csv' : format === 'json' ? 'json' : 'txt'
  return codec === 'gzip' ? `${base}.gz` : codec === 'zstd' ? `${base}.zst` : base
}

export function partNames(files: number, format: RecordFormat, codec: Codec): string[] {
  const width = Math.max(4, String(files - 1).length)
  return Array.from({length: files}, (_, i) => `part-${String(i).padStart(width, '0')}.${extensionFor(format, codec)}`)
}

interface PartState {
  bytes: number
  /** Compressed bytes of this part's blocks that are "known" (older than the lag; see fill()). */
  compressedKnown: number
  crc: number
  hash: Hash
  index: number
  issued: number
  name: string
  plainBytes: number
  /** Plain bytes of the blocks counted in compressedKnown. */
  plainKnown: number
  records: number
  results: Map<number, Buffer>
  tail: Buffer | undefined
  workerRecords: number
  writeChain: Promise<void>
  writer: PartWriter
  written: number
}

class Budget {
  private free: number
  private readonly waiters: Array<() => void> = []

  constructor(size: number) {
    this.free = size
  }

  async acquire(): Promise<void> {
    if (this.free > 0) {
      this.free--
      return
    }

    await new Promise<void>((resolve) => {
      this.waiters.push(resolve)
    })
  }

  release(): void {
    const next = this.waiters.shift()
    if (next) next()
    else this.free++
  }

  /** Wake everybody (on failure, so the reader sees the error). */
  wakeAll(): void {
    for (const w of this.waiters.splice(0)) w()
  }
}

export async function copySplit(
  options: CopySplitOptions,
  deps: {s3?: (() => S3Client) | undefined},
): Promise<CopySplitOutcome> {
  const started = options.now()
  const warnings: string[] = []
  checkOptions(options)
  const input = await describeInput(options.input, deps.s3)
  const raw = await input.open()
  let decompressed: Decompressed
  try {
    decompressed = await decompress(raw, options.zstdPath)
  } catch (error) {
    raw.destroy()
    throw error
  }

  const {compression} = decompressed
  // A .gz or .zst name over plain bytes is nearly always a mistake (an HTML error page saved
  // under the object's name, a failed download): refuse rather than split garbage.
  const declared = /\.(gz|gzip)$/i.test(input.name) ? 'gzip' : /\.(zst|zstd)$/i.test(input.name) ? 'zstd' : undefined
  if (declared && compression !== declared) {
    raw.destroy()
    throw new InputError(
      `the input ${input.name} is named like a ${declared} file but its content is ${compression === 'none' ? 'not compressed' : compression}`,
      {
        suggestions: [
          `Check the file (${declared === 'gzip' ? 'gzip -t FILE' : 'zstd -t FILE'}); if it really is plain text, rename it or pipe it in with --input -.`,
        ],
      },
    )
  }

  const iterator = decompressed.chunks[Symbol.asyncIterator]()
  let plainRead = 0
  const next = async (): Promise<Buffer | undefined> => {
    try {
      const n = await iterator.next()
      if (n.done) return undefined
      plainRead += n.value.length
      return n.value
    } catch (error) {
      throw decompressionError(error, compression, decompressed.compressedRead(), plainRead) ?? error
    }
  }

  const closeInput = async (): Promise<void> => {
    raw.destroy()
    await iterator.return?.()
  }

  try {
    // 1. A sample for format checks and header detection.
    const {eof, sample} = await readSample(next, options)
    if (sample.length === 0)
      throw new InputError(
        `the input ${input.name} is empty (0 bytes${compression === 'none' ? '' : ` after ${compression} decompression`})`,
        {code: 'EmptyInput', suggestions: ['Check that the export that wrote the file finished.']},
      )
    const {dataStart, headerBytes, headerMode, headerReason} = examineSample(sample, eof, options, warnings)

    // 2. The plan.
    const estimate = estimateOutput({bytes: input.bytes, compression}, options.codec, options.level)
    const plan = planParts({
      estimate,
      filesPerSlice: options.filesPerSlice,
      slices: options.slices.count,
      targetSize: options.targetSize,
    })
    warnings.push(...plan.warnings)
    const {blockSize, blockSizeAt} = blockSizes(
      options.blockSize,
      {bytes: input.bytes, compression},
      eof ? sample.length : undefined,
      plan.files,
      usesLibdeflate(options) ? LARGE_BLOCKS : SMALL_BLOCKS,
    )
    const names = partNames(plan.files, options.format, options.codec)
    const runId =
      options.runId ??
      runIdFor(
        input.fingerprint === undefined
          ? {random: `${started}-${Math.random()}`}
          : {
              blockSize,
              codec: options.codec,
              delimiter: options.delimiter,
              files: plan.files,
              format: options.format,
              header: headerMode,
              input: input.fingerprint,
              level: options.level,
              quote: options.quote,
              v: 1,
            },
      )
    const target = makeTarget(options.output, runId, deps.s3, plan.estimatedPartBytes)
    const ignoreHeader = headerMode === 'repeat' ? 1 : 0
    const copySql = buildCopySql({
      codec: options.codec,
      delimiter: options.delimiter,
      format: options.format,
      iamRole: options.iamRole,
      ignoreHeader,
      manifestUrl: target ? manifestUrl(target, options.output) : 's3://<bucket>/<prefix>/manifest.json',
      quote: options.quote,
      region: options.region,
      table: options.table,
    })
    const notes: CopySplitOutcome['notes'] = {
      blockSize,
      compression,
      files: plan.files,
      headerReason,
      inputStoredBytes: input.bytes,
      planReason: plan.reason,
      runId,
      skipped: [] as string[],
      workers: options.workers ?? 0,
    }
    if (target instanceof LocalTarget && options.output?.kind === 'dir' && !options.output.urlPrefix) {
      warnings.push(
        'the manifest uses the placeholder s3://<bucket>/<prefix>/: give --upload-prefix s3://bucket/prefix/ (where you will upload the files) to write real URLs',
      )
    }

    if (options.dryRun) {
      await closeInput()
      const each = plan.estimatedPartBytes ?? 0
      const result: CopySplitResult = {
        balance: {maxBytes: each, minBytes: each},
        copySql,
        elapsedMs: Math.round(options.now() - started),
        input: {bytes: null, format: options.format, header: headerMode, records: null},
        manifest: target?.manifestLocation ?? 'manifest.json',
        parts: names.map((n) => ({bytes: each, checksum: null, path: target?.location(n) ?? n, records: null})),
        slices: {count: options.slices.count, source: options.slices.source},
        throughputMBps: 0,
      }
      return {notes, result, warnings}
    }

    if (!target) throw new UsageError('--output is required unless --dry-run is given')
    let finished = false
    options.onCleanup?.(async () => {
      if (!finished) await target.abort()
    })
    await target.prepare()
    if (target instanceof LocalTarget) {
      try {
        await target.checkLeftovers(names)
      } catch (error) {
        await target.abort()
        throw error
      }
    }

    // 3. Split (and check, in the same pass).
    const checker = makeChecker(options, headerMode === 'none' ? 0 : 1)
    const outcome = await splitInto({
      blockSizeAt,
      checker,
      dataStart,
      headerBytes: headerMode === 'repeat' ? headerBytes : undefined,
      headerLines: headerMode === 'none' ? 0 : 1,
      names,
      next,
      options,
      progress: (plainBytes, records) =>
        options.onProgress?.({
          compressedRead: decompressed.compressedRead(),
          inputBytes: input.bytes,
          plainBytes,
          records,
        }),
      sample,
      target,
    })
    notes.workers = outcome.workers
    if (checker) {
      const summary = checker.finish()
      notes.check = summary
      if (summary.badRecords > 0) {
        await target.abort()
        finished = true
        throw checkFailure(summary)
      }
    }

    // 4. Manifest last, only after every part is complete and verified.
    const removed = await target.commit()
    finished = true
    if (removed.length > 0)
      warnings.push(
        `removed ${removed.length} part file(s) of the previous run that this run does not replace (its manifest listed them): ${removed.slice(0, 3).join(', ')}${removed.length > 3 ? ', …' : ''}`,
      )
    await target.writeManifest(buildManifest(outcome.parts.map((p) => ({bytes: p.bytes, url: target.url(p.name)}))))
    if (target instanceof S3Target) notes.skipped = [...target.skipped]
    const elapsedMs = Math.max(1, Math.round(options.now() - started))
    const sizes = outcome.parts.map((p) => p.bytes)
    for (const p of outcome.parts) {
      if (p.bytes > 1_000_000_000) warnings.push(`${p.name} is ${p.bytes} bytes: over AWS's 1 GB guidance`)
    }

    if (outcome.records === 0) warnings.push('the input has a header but no data records: every part is empty')
    return {
      notes,
      result: {
        balance: {maxBytes: Math.max(...sizes), minBytes: Math.min(...sizes)},
        copySql,
        elapsedMs,
        input: {bytes: outcome.plainBytes, format: options.format, header: headerMode, records: outcome.records},
        manifest: target.manifestLocation,
        parts: outcome.parts.map((p) => ({
          bytes: p.bytes,
          checksum: `sha256:${p.sha256}`,
          path: target.location(p.name),
          records: p.records,
        })),
        slices: {count: options.slices.count, source: options.slices.source},
        throughputMBps: Math.round((outcome.plainBytes / 1e6 / (elapsedMs / 1000)) * 10) / 10,
      },
      warnings,
    }
  } finally {
    await closeInput().catch(() => {})
  }
}

/** The first ≥ 64 KiB of decompressed input, extended to hold at least one whole record. */
async function readSample(
  next: () => Promise<Buffer | undefined>,
  options: CopySplitOptions,
): Promise<{eof: boolean; sample: Buffer}> {
  const chunks: Buffer[] = []
  let bytes = 0
  const scannerOptions = {format: options.format, quote: quoteByte(options.quote)}
  for (;;) {
    if (bytes >= SAMPLE_BYTES && firstRecordEnd(Buffer.concat(chunks), scannerOptions) !== -1)
      return {eof: false, sample: Buffer.concat(chunks)}
    const chunk = await next()
    if (!chunk) return {eof: true, sample: Buffer.concat(chunks)}
    chunks.push(chunk)
    bytes += chunk.length
  }
}

/** Format checks and the header decision on the sample. */
function examineSample(
  sample: Buffer,
  eof: boolean,
  options: CopySplitOptions,
  warnings: string[],
): {dataStart: number; headerBytes: Buffer | undefined; headerMode: 'none' | 'repeat' | 'strip'; headerReason: string} {
  const sniffed = sniff(sample, eof, {delimiter: options.delimiter, format: options.format, quote: options.quote})
  warnings.push(...sniffed.warnings)
  const headerMode = resolveHeader(options, sniffed.headerDetected)
  const headerReason =
    options.header === 'auto'
      ? `auto: ${sniffed.headerDetected ? 'header found' : 'no header'} (${sniffed.headerReason})`
      : `--header ${options.header}`
  if (
    options.header === 'auto' &&
    !sniffed.headerDetected &&
    options.format !== 'json' &&
    /cannot be told/.test(sniffed.headerReason)
  ) {
    warnings.push(
      'could not tell whether the first record is a header (every column is text); treated it as data. Give --header repeat or --header strip if it is one',
    )
  }

  if (headerMode === 'none') return {dataStart: 0, headerBytes: undefined, headerMode, headerReason}
  const end = firstRecordEnd(sample, {format: options.format, quote: quoteByte(options.quote)})
  return end === -1
    ? {dataStart: sample.length, headerBytes: Buffer.concat([sample, Buffer.from('\n')]), headerMode, headerReason}
    : {dataStart: end, headerBytes: Buffer.from(sample.subarray(0, end)), headerMode, headerReason}
}

/**
 * Block sizes: from the estimated size; exact for a small input read whole while sampling (blocks
 * small enough to reach every part); for an unknown size (stdin) they grow with the data read, so
 * small inputs still spread over every part and big ones use big blocks. Always a function of the
 * data only, so the output is reproducible.
 */
function blockSizes(
  given: number | undefined,
  input: {bytes: number | undefined; compression: string},
  wholeSize: number | undefined,
  files: number,
  blocking: {max: number; perPart: number},
): {blockSize: number; blockSizeAt: (read: number) => number} {
  if (given !== undefined) return {blockSize: given, blockSizeAt: () => given}

  if (wholeSize !== undefined) {
    const size = Math.max(
      256,
      Math.min(chooseBlockSize(wholeSize, files, blocking), Math.ceil(wholeSize / (files * 4))),
    )
    return {blockSize: size, blockSizeAt: () => size}
  }

  if (input.bytes === undefined)
    return {
      blockSize: chooseBlockSize(undefined, files, blocking),
      blockSizeAt: (read) => chooseBlockSize(Math.max(read, 1), files, blocking),
    }
  const plain = input.compression === 'none' ? input.bytes : input.bytes / (input.compression === 'gzip' ? 0.3 : 0.16)
  const size = chooseBlockSize(plain, files, blocking)
  return {blockSize: size, blockSizeAt: () => size}
}

/** The quote as the single byte the scanners compare with. */
function quoteByte(quote: string): number {
  return Buffer.from(quote)[0] ?? 0x22
}

function checkOptions(o: CopySplitOptions): void {
  if (o.check && o.format === 'json')
    throw new UsageError('--check-table checks CSV and delimited text; JSON records are not checked', {
      suggestions: [
        "Leave out --check-table for JSON, or validate on the cluster with COPY … FORMAT JSON 'auto' NOLOAD.",
      ],
    })
  if (o.format === 'json' && (o.header === 'strip' || o.header === 'repeat')) {
    throw new UsageError(`--header ${o.header} does not apply to --format json (JSON lines have no header row)`, {
      suggestions: ['Leave --header at auto or none for JSON.'],
    })
  }

  if ([...o.delimiter].length !== 1)
    throw new UsageError(`--delimiter must be one character, not ${JSON.stringify(o.delimiter)}`, {
      suggestions: [String.raw`Use --delimiter '|' or --delimiter '\t' for tab.`],
    })
  if (o.format === 'csv') {
    if (Buffer.byteLength(o.quote) !== 1)
      throw new UsageError(`--quote must be one single-byte character, not ${JSON.stringify(o.quote)}`)
    if (o.quote === o.delimiter) throw new UsageError('--quote and --delimiter must differ')
    if (o.quote === '\n' || o.delimiter === '\n') throw new UsageError('newline cannot be the quote or the delimiter')
  }

  if (o.codec === 'gzip' && (o.level < 1 || o.level > 9))
    throw new UsageError(`--level ${o.level} is out of range for gzip (1–9)`)
  if (o.codec === 'zstd' && (o.level < 1 || o.level > 19))
    throw new UsageError(`--level ${o.level} is out of range for zstd (1–19)`)
}

function resolveHeader(o: CopySplitOptions, detected: boolean): 'none' | 'repeat' | 'strip' {
  if (o.format === 'json') return 'none'
  if (o.header === 'auto') return detected ? 'repeat' : 'none'
  return o.header
}

/** The checker of --check-table: copy-split's own format, delimiter and quote; the header is removed before it. */
function makeChecker(o: CopySplitOptions, headerLines: number): RecordChecker | undefined {
  if (!o.check) return undefined
  const copy: CopyOptions = {
    ...o.check.conversion,
    delimiter: o.delimiter,
    // copy-split's text format is delimited text with backslash escapes (records.ts).
    escape: o.format === 'text',
    format: o.format,
    ignoreHeader: 0,
    quote: o.quote,
  }
  return new RecordChecker({copy, linesBefore: headerLines, maxErrors: o.check.maxErrors, table: o.check.table})
}

function checkFailure(summary: CopyCheckSummary): InputError {
  const first = summary.errors[0]
  return new InputError(
    `--check-table: ${summary.badRecords} of ${summary.records} record(s) would be rejected by COPY${first ? ` (first: line ${first.line}, column ${first.column ?? '(line)'}, code ${first.code}: ${first.message})` : ''}; no manifest was written and the parts were removed`,
    {
      code: 'CopyCheckFailed',
      details: summary,
      suggestions: [
        first?.fix ?? 'Fix the records, or the COPY options given with --check-options.',
        'See every bad record with: pipeops redshift copy-check --input FILE --table-ddl DDL --json',
      ],
    },
  )
}

function makeTarget(
  output: OutputSpec | undefined,
  runId: string,
  s3: (() => S3Client) | undefined,
  partBytes: number | undefined,
): OutputTarget | undefined {
  if (!output) return undefined
  if (output.kind === 'dir') return new LocalTarget(output.path, runId, output.urlPrefix ?? 's3://<bucket>/<prefix>/')
  if (!s3) throw new UsageError('an S3 output needs AWS settings')
  return new S3Target(s3(), {location: output.location, partSize: choosePartSize(partBytes), runId})
}

function manifestUrl(target: OutputTarget, output: OutputSpec | undefined): string {
  if (output?.kind === 's3') return target.manifestLocation
  return target.url('manifest.json')
}

interface SplitInput {
  /** Block size once `read` decompressed bytes have been consumed. */
  blockSizeAt: (read: number) => number
  /** Sees every data byte (not the header) in order, when --check-table is given. */
  checker?: RecordChecker | undefined
  dataStart: number
  headerBytes: Buffer | undefined
  headerLines: number
  names: string[]
  next: () => Promise<Buffer | undefined>
  options: CopySplitOptions
  progress: (plainBytes: number, records: number) => void
  sample: Buffer
  target: OutputTarget
}

interface SplitOutcome {
  parts: Array<{bytes: number; name: string; records: number; sha256: string}>
  plainBytes: number
  records: number
  workers: number
}

async function splitInto(s: SplitInput): Promise<SplitOutcome> {
  const {options, target} = s
  const {codec, signal} = options
  const pool = new CompressPool({
    codec,
    format: options.format,
    level: options.level,
    quote: quoteByte(options.quote),
    workers: options.workers,
    zstdPath: options.zstdPath,
  })
  const budget = new Budget(Math.max(8, pool.size * 4))
  // Balance by compressed size: a part's fill is the compressed size of its blocks older than
  // LAG blocks (awaited, so always known) plus its newer plain bytes × the ratio so far. Using a
  // fixed lag instead of "whatever has finished" keeps the deal a function of the data only.
  const LAG = Math.max(8, pool.size * 4)
  const history: Array<undefined | {compressed: Promise<number>; part: PartState; plain: number}> = []
  let known = 0
  let knownPlain = 0
  let knownCompressed = 0
  const incorporate = async (upTo: number): Promise<void> => {
    while (known < upTo) {
      const h = history[known]!
      const compressed = await h.compressed
      h.part.compressedKnown += compressed
      h.part.plainKnown += h.plain
      knownPlain += h.plain
      knownCompressed += compressed
      history[known] = undefined
      known++
    }
  }

  // The part's own ratio once it has some history (zstd parts differ), else the overall one.
  const ratio = (p: PartState): number =>
    p.plainKnown > 0 ? p.compressedKnown / p.plainKnown : knownPlain > 0 ? knownCompressed / knownPlain : 1
  const fill = (p: PartState): number => p.compressedKnown + (p.plainBytes - p.plainKnown) * ratio(p)
  const parts: PartState[] = []
  let failure: unknown
  const inflight = new Set<Promise<void>>()
  const fail = (error: unknown): void => {
    failure ??= error
    budget.wakeAll()
  }

  const scanner = new RecordScanner({format: options.format, quote: quoteByte(options.quote)})
  scanner.lines = s.headerLines
  scanner.recordStartLine = s.headerLines + 1
  // Decompressed input bytes consumed (the header counts once, however often it is repeated).
  let plainBytes = s.dataStart
  let lineEnding = '\n'
  try {
    for (const name of s.names) {
      const writer = await s.target.openPart(name)
      const part: PartState = {
        bytes: 0,
        compressedKnown: 0,
        crc: 0,
        hash: createHash('sha256'),
        index: parts.length,
        issued: 0,
        name,
        plainBytes: 0,
        plainKnown: 0,
        records: 0,
        results: new Map(),
        tail: undefined,
        workerRecords: 0,
        writeChain: Promise.resolve(),
        writer,
        written: 0,
      }
      parts.push(part)
      if (codec === 'gzip') emit(part, GZIP_HEADER)
    }

    function emit(part: PartState, bytes: Buffer): void {
      part.hash.update(bytes)
      part.bytes += bytes.length
      part.writeChain = part.writeChain.then(() => part.writer.write(bytes))
    }

    const flush = (part: PartState): void => {
      for (let out = part.results.get(part.written); out !== undefined; out = part.results.get(part.written)) {
        part.results.delete(part.written)
        part.written++
        emit(part, out)
        part.writeChain = part.writeChain.then(
          () => budget.release(),
          (error: unknown) => {
            budget.release()
            fail(error)
          },
        )
      }
    }

    /** Send a block to a part (the least-filled one unless given). */
    const deal = async (block: Buffer, records: number, to?: PartState, end = false): Promise<void> => {
      await budget.acquire()
      if (failure) throw failure
      if (signal?.aborted)
        throw new AbortedError('interrupted: no manifest was written and temporary parts were removed')
      await incorporate(history.length - LAG)
      let part = to ?? parts[0]!
      if (!to) for (const p of parts) if (fill(p) < fill(part)) part = p
      const withHeader = part.issued === 0 && s.headerBytes !== undefined
      const data = withHeader ? Buffer.concat([s.headerBytes!, block]) : block
      part.crc = crc32(data, part.crc)
      part.plainBytes += data.length
      part.records += records
      const dict = pool.usesDictionary ? part.tail : undefined
      if (pool.usesDictionary) {
        part.tail =
          data.length >= DICT_BYTES
            ? Buffer.from(data.subarray(data.length - DICT_BYTES))
            : Buffer.from(Buffer.concat([part.tail ?? Buffer.alloc(0), data]).subarray(-DICT_BYTES))
      }

      const seq = part.issued++
      const expected = records
      // Read before submit: the block's memory is transferred to the worker (detached here).
      const plain = data.length
      const task = pool.submit(data, {dict, end, part: part.index}).then(
        (res) => {
          const counted = res.records - (withHeader ? 1 : 0)
          if (!res.clean || counted !== expected) {
            throw new PipeopsError(
              ExitCode.Internal,
              `verification failed: block ${seq} of ${part.name} holds ${counted} record(s) by the worker's count but ${expected} by the splitter's${res.clean ? '' : ', and does not end on a record boundary'}`,
              {code: 'VerificationFailed'},
            )
          }

          part.workerRecords += counted
          part.results.set(seq, res.out)
          flush(part)
          return res.out.length
        },
        (error: unknown) => {
          budget.release()
          throw error
        },
      )
      history.push({
        // A failed block counts 0 here; the failure itself is raised by the next deal.
        compressed: task.catch(() => 0),
        part,
        plain,
      })
      const tracked = task.then(() => {}, fail)
      inflight.add(tracked)
      tracked.finally(() => inflight.delete(tracked))
    }

    // Block cutting: a block ends at the first record end at or after blockSize bytes, so block
    // boundaries depend on the data only (not on read sizes) and the output is reproducible.
    let pieces: Buffer[] = []
    let pending = 0
    const reserve: Array<{block: Buffer; records: number}> = []
    let reserveBytes = 0
    // About one block per part, capped so memory stays bounded with many parts.
    const reserveTarget = Math.min(parts.length * s.blockSizeAt(Number.MAX_SAFE_INTEGER), 32 * 1024 * 1024)
    let recordsAtBlockStart = 0
    const cut = async (): Promise<void> => {
      // Into a buffer the workers hand back after use: no new memory per block, and no garbage.
      const block = pool.blockBuffer(pending)
      let at = 0
      for (const piece of pieces) at += piece.copy(block, at)
      pieces = []
      pending = 0
      const records = scanner.records - recordsAtBlockStart
      recordsAtBlockStart = scanner.records
      reserve.push({block, records})
      reserveBytes += block.length
      // Keep the newest blocks back: at the end they are cut record by record to level the parts.
      while (reserve.length > 1 && reserveBytes - reserve[0]!.block.length >= reserveTarget) {
        const oldest = reserve.shift()!
        reserveBytes -= oldest.block.length
        await deal(oldest.block, oldest.records)
      }
    }

    /** At the end: fill the parts to the same level with whole records from the reserve. */
    const level = async (): Promise<void> => {
      if (reserve.length === 0) return
      const rest = reserve.length === 1 ? reserve[0]!.block : Buffer.concat(reserve.map((r) => r.block))
      const restRecords = reserve.reduce((n, r) => n + r.records, 0)
      reserve.length = 0
      reserveBytes = 0
      await incorporate(history.length)
      const r = knownPlain > 0 ? knownCompressed / knownPlain : 1
      // The level every part should reach, in compressed bytes; each part's share in plain bytes.
      const goal = (parts.reduce((n, p) => n + fill(p), 0) + rest.length * r) / parts.length
      const cutter = new RecordScanner({format: options.format, quote: quoteByte(options.quote)})
      let pos = 0
      let dealt = 0
      const order = [...parts].sort((a, b) => fill(a) - fill(b) || a.index - b.index)
      for (const part of order) {
        if (pos >= rest.length) break
        const need = Math.floor((goal - fill(part)) / ratio(part))
        if (need <= 0) continue
        const before = cutter.records
        let end = Math.min(rest.length, pos + need)
        const scanned = cutter.scan(rest.subarray(pos, end))
        if (end < rest.length && scanned.lastEnd !== end - pos) {
          const e = cutter.scanFirst(rest.subarray(end))
          end = e === -1 ? rest.length : end + e
        }

        // Only whole records: a piece that ends inside one would be caught by the workers' check.
        await deal(Buffer.from(rest.subarray(pos, end)), cutter.records - before, part)
        dealt += cutter.records - before
        pos = end
      }

      if (pos < rest.length) {
        const before = cutter.records
        cutter.scan(rest.subarray(pos))
        await deal(Buffer.from(rest.subarray(pos)), cutter.records - before)
        dealt += cutter.records - before
      }

      if (dealt !== restRecords) {
        throw new PipeopsError(
          ExitCode.Internal,
          `internal error: levelling the last ${rest.length} bytes found ${dealt} records, expected ${restRecords}`,
          {code: 'VerificationFailed'},
        )
      }
    }

    const feed = async (chunk: Buffer): Promise<void> => {
      plainBytes += chunk.length
      let pos = 0
      const blockSize = s.blockSizeAt(plainBytes)
      while (pos < chunk.length) {
        const rest = chunk.length - pos
        if (pending + rest < blockSize) {
          scanner.scan(chunk.subarray(pos))
          pieces.push(chunk.subarray(pos))
          pending += rest
          return
        }

        const need = Math.max(0, blockSize - pending)
        if (need > 0) {
          scanner.scan(chunk.subarray(pos, pos + need))
          pieces.push(chunk.subarray(pos, pos + need))
          pending += need
          pos += need
        }

        if (pos === chunk.length) return
        const end = scanner.scanFirst(chunk.subarray(pos))
        if (end === -1) {
          pieces.push(chunk.subarray(pos))
          pending += chunk.length - pos
          return
        }

        pieces.push(chunk.subarray(pos, pos + end))
        pending += end
        pos += end
        await cut()
      }
    }

    // The file's own line end (from its first record, not from a newline inside a quoted field).
    const firstEnd = firstRecordEnd(s.sample, {format: options.format, quote: quoteByte(options.quote)})
    if (firstEnd > 1 && s.sample[firstEnd - 2] === 0x0d) lineEnding = '\r\n'
    if (s.dataStart < s.sample.length) {
      const first = Buffer.from(s.sample.subarray(s.dataStart))
      s.checker?.feed(first)
      await feed(first)
    }

    let sinceTrim = 0
    for (let chunk = await s.next(); chunk !== undefined; chunk = await s.next()) {
      if (failure) throw failure
      sinceTrim += chunk.length
      if (sinceTrim >= TRIM_EVERY) {
        sinceTrim = 0
        trimExternalMemory(TRIM_ABOVE)
      }

      s.checker?.feed(chunk)
      await feed(chunk)
      s.progress(plainBytes, scanner.records)
    }

    if (!scanner.clean) {
      const what = scanner.inQuote
        ? `an unbalanced quote (${options.quote}): the record that starts on line ${scanner.recordStartLine} never closes its quoted field`
        : `a backslash escape at the very end of the input (record starting on line ${scanner.recordStartLine})`
      throw new InputError(`the input ends inside ${what}`, {
        code: 'UnbalancedQuote',
        details: {line: scanner.recordStartLine},
        suggestions:
          options.format === 'csv'
            ? [
                `Look at line ${scanner.recordStartLine}: a quote inside a quoted field must be doubled ("").`,
                'If the file is not CSV (quotes are data), use --format text.',
              ]
            : [`Look at line ${scanner.recordStartLine}: a literal backslash must be written \\\\.`],
      })
    }

    if (pending > 0) {
      const last = pieces.at(-1)!
      if (last.at(-1) !== 0x0a) {
        // (pieces are never empty, so this is the last byte of the input)
        // The last record has no line end: count it and give it one, so parts end on a record.
        const eol = Buffer.from(lineEnding)
        pieces.push(eol)
        pending += eol.length
        plainBytes += eol.length
        scanner.records++
      }

      await cut()
    }

    await level()
    if (scanner.records === 0 && s.headerLines === 0) {
      throw new InputError('the input holds no records', {code: 'EmptyInput'})
    }

    for (const part of parts) {
      // A part that got no data still carries the header, so IGNOREHEADER 1 holds for every file.
      if (part.issued === 0 && s.headerBytes) await deal(Buffer.alloc(0), 0, part)
      // zstd: close each part's frame.
      if (codec === 'zstd') await deal(Buffer.alloc(0), 0, part, true)
    }

    while (inflight.size > 0) await Promise.all(inflight)
    if (failure) throw failure
    await Promise.all(parts.map((p) => p.writeChain))
    if (failure) throw failure
    for (const part of parts) {
      if (part.written !== part.issued)
        throw new PipeopsError(
          ExitCode.Internal,
          `internal error: ${part.name} wrote ${part.written} of ${part.issued} blocks`,
        )

      if (codec === 'gzip') {
        const trailer = Buffer.alloc(10)
        DEFLATE_END.copy(trailer, 0)
        trailer.writeUInt32LE(part.crc >>> 0, 2)
        trailer.writeUInt32LE(part.plainBytes % 2 ** 32, 6)
        emit(part, trailer)
      }
    }

    // Finish every part at once (for S3: the last pieces and CompleteMultipartUpload in parallel).
    await Promise.all(
      parts.map(async (part) => {
        await part.writeChain
        if (failure) throw failure
        await part.writer.end()
      }),
    )
    const total = parts.reduce((n, p) => n + p.records, 0)
    const workerTotal = parts.reduce((n, p) => n + p.workerRecords, 0)
    if (total !== scanner.records || workerTotal !== scanner.records) {
      throw new PipeopsError(
        ExitCode.Internal,
        `verification failed: the input has ${scanner.records} records but the parts hold ${workerTotal} (counted by the compressors) / ${total} (dealt)`,
        {code: 'VerificationFailed'},
      )
    }

    return {
      parts: parts.map((p) => ({bytes: p.bytes, name: p.name, records: p.records, sha256: p.hash.digest('hex')})),
      plainBytes,
      records: scanner.records,
      workers: pool.size,
    }
  } catch (error) {
    fail(error)
    await Promise.allSettled(inflight)
    await Promise.allSettled(parts.map((p) => p.writeChain))
    await Promise.allSettled(parts.map((p) => p.writer.abort()))
    await target.abort()
    throw error
  } finally {
    await pool.close()
  }
}

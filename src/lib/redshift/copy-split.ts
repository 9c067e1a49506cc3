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

import type {S3Location} from '../core/parse/s3-uri.js'
import type {CopyOptions} from './copy-options.js'
import type {SliceInfo} from './slices.js'
import type {TableDef} from './table-ddl.js'

import {ExitCode, InputError, PipeopsError, UsageError} from '../core/errors.js'
import {trimExternalMemory} from '../core/external-memory.js'
import {CompressPool, usesLibdeflate} from './compress-pool.js'
import {checkSupported, type CopyCheckSummary, readJsonPaths, RecordChecker} from './copy-check.js'
import {BlockCutter} from './copy-split-blocks.js'
import {Dealer} from './copy-split-dealer.js'
import {PartFiles, type PartState} from './copy-split-parts.js'
import {buildCopySql, buildManifest} from './copy-sql.js'
import {decompress, type Decompressed, decompressionError, describeInput, type InputSpec, runIdFor} from './input.js'
import {JsonRecordChecker} from './json-check.js'
import {choosePartSize, LocalTarget, type OutputTarget, S3Target} from './outputs.js'
import {chooseBlockSize, type Codec, estimateOutput, LARGE_BLOCKS, planParts, SMALL_BLOCKS} from './plan.js'
import {firstRecordEnd, type RecordFormat} from './records.js'
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
/** Decompressed bytes between progress reports. */
const PROGRESS_EVERY = 4 * 1024 * 1024

export function extensionFor(format: RecordFormat, codec: Codec): string {
  const base = format === 'csv' ? 'csv' : format === 'json' ? 'json' : 'txt'
  return codec === 'gzip' ? `${base}.gz` : codec === 'zstd' ? `${base}.zst` : base
}

export function partNames(files: number, format: RecordFormat, codec: Codec): string[] {
  const width = Math.max(4, String(files - 1).length)
  return Array.from({length: files}, (_, i) => `part-${String(i).padStart(width, '0')}.${extensionFor(format, codec)}`)
}

export async function copySplit(
  options: CopySplitOptions,
  deps: {s3?: (() => S3Client) | undefined},
): Promise<CopySplitOutcome> {
  const started = options.now()
  const warnings: string[] = []
  checkOptions(options)
  // A JSONPaths file is read (and refused when bad) before any input is read or part written.
  const jsonPaths =
    options.check && options.format === 'json'
      ? await readJsonPaths(jsonCheckOptions(options.check.conversion), deps.s3)
      : undefined
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
    const checker = makeChecker(options, headerMode === 'none' ? 0 : 1, jsonPaths)
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
  const plain =
    input.compression === 'none'
      ? input.bytes
      : input.bytes / (input.compression === 'gzip' ? 0.3 : input.compression === 'bzip2' ? 0.25 : 0.16)
  const size = chooseBlockSize(plain, files, blocking)
  return {blockSize: size, blockSizeAt: () => size}
}

/** The quote as the single byte the scanners compare with. */
function quoteByte(quote: string): number {
  return Buffer.from(quote)[0] ?? 0x22
}

function checkOptions(o: CopySplitOptions): void {
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

/** What --check-table needs of a checker: every data byte in order, then the summary. */
interface SplitChecker {
  feed(chunk: Buffer): void
  finish(): CopyCheckSummary
}

/**
 * The COPY options of a JSON check: FORMAT JSON with the argument --check-options gives ('auto',
 * 'auto ignorecase' or a JSONPaths file), 'auto' when it gives none.
 */
function jsonCheckOptions(conversion: CopyOptions): CopyOptions {
  return {
    ...conversion,
    format: 'json',
    formatArgument: conversion.format === 'json' ? (conversion.formatArgument ?? 'auto') : 'auto',
    ignoreHeader: 0,
  }
}

/**
 * The checker of --check-table: copy-split's own format, delimiter and quote; the header is
 * removed before it. JSON records go to the JSON checker (objects may span lines there too).
 */
function makeChecker(
  o: CopySplitOptions,
  headerLines: number,
  jsonPaths: Awaited<ReturnType<typeof readJsonPaths>>,
): SplitChecker | undefined {
  if (!o.check) return undefined
  if (o.format === 'json') {
    const copy = jsonCheckOptions(o.check.conversion)
    checkSupported(copy)
    return new JsonRecordChecker({copy, jsonPaths, maxErrors: o.check.maxErrors, table: o.check.table})
  }

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
  checker?: SplitChecker | undefined
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

/**
 * The split itself, stage by stage: the part files are opened (copy-split-parts.ts); every
 * decompressed chunk is checked (--check-table) and cut into blocks of whole records
 * (copy-split-blocks.ts); each block is dealt to the least-filled part and compressed on a worker
 * (copy-split-dealer.ts, compress-pool.ts); the parts write their blocks in order. At the end the
 * reserve levels the parts, every part is closed and the record counts of the splitter, the deal
 * and the compressors must agree.
 */
async function splitInto(s: SplitInput): Promise<SplitOutcome> {
  const {options, target} = s
  const {codec} = options
  const quote = quoteByte(options.quote)
  const pool = new CompressPool({
    codec,
    format: options.format,
    level: options.level,
    quote,
    workers: options.workers,
    zstdPath: options.zstdPath,
  })
  const dealer = new Dealer(pool, {headerBytes: s.headerBytes, signal: options.signal})
  let files: PartFiles | undefined
  try {
    files = await PartFiles.open(s.names, async (name) => target.openPart(name), codec, dealer)
    dealer.attach(files)
    const cutter = new BlockCutter(
      {
        blockSizeAt: s.blockSizeAt,
        format: options.format,
        headerLines: s.headerLines,
        parts: files.parts.length,
        quote,
        quoteText: options.quote,
      },
      pool,
      dealer,
    )
    // Decompressed input bytes consumed (the header counts once, however often it is repeated).
    cutter.plainBytes = s.dataStart
    await readAll(s, cutter, dealer)

    // The file's own line end (from its first record, not from a newline inside a quoted field).
    const firstEnd = firstRecordEnd(s.sample, {format: options.format, quote})
    await cutter.end(firstEnd > 1 && s.sample[firstEnd - 2] === 0x0d ? '\r\n' : '\n')
    await cutter.level(files.parts)
    if (cutter.records === 0 && s.headerLines === 0) {
      throw new InputError('the input holds no records', {code: 'EmptyInput'})
    }

    for (const part of files.parts) {
      // A part that got no data still carries the header, so IGNOREHEADER 1 holds for every file.
      if (part.issued === 0 && s.headerBytes) await dealer.deal(Buffer.alloc(0), 0, part)
      // zstd: close each part's frame.
      if (codec === 'zstd') await dealer.deal(Buffer.alloc(0), 0, part, true)
    }

    await dealer.drain()
    const written = await files.finish(() => dealer.failed)
    verifyCounts(cutter.records, files.parts)
    return {parts: written, plainBytes: cutter.plainBytes, records: cutter.records, workers: pool.size}
  } catch (error) {
    dealer.fail(error)
    await dealer.settle()
    await files?.abort()
    await target.abort()
    throw error
  } finally {
    await pool.close()
  }
}

/** Read the input to its end: the sample's data first, then every chunk, each to the checker and the cutter. */
async function readAll(s: SplitInput, cutter: BlockCutter, dealer: Dealer): Promise<void> {
  if (s.dataStart < s.sample.length) {
    const first = Buffer.from(s.sample.subarray(s.dataStart))
    s.checker?.feed(first)
    await cutter.feed(first)
  }

  let sinceTrim = 0
  let sinceProgress = 0
  for (let chunk = await s.next(); chunk !== undefined; chunk = await s.next()) {
    if (dealer.failed) throw dealer.failed
    sinceTrim += chunk.length
    if (sinceTrim >= TRIM_EVERY) {
      sinceTrim = 0
      trimExternalMemory(TRIM_ABOVE)
    }

    s.checker?.feed(chunk)
    await cutter.feed(chunk)
    // Reported every few MB, not per chunk: the report formats numbers, which cost more than scanning the chunk.
    sinceProgress += chunk.length
    if (sinceProgress >= PROGRESS_EVERY) {
      sinceProgress = 0
      s.progress(cutter.plainBytes, cutter.records)
    }
  }

  s.progress(cutter.plainBytes, cutter.records)
}

/** Every record counted once by the splitter, once by the deal and once by the compressors. */
function verifyCounts(records: number, parts: PartState[]): void {
  const total = parts.reduce((n, p) => n + p.records, 0)
  const workerTotal = parts.reduce((n, p) => n + p.workerRecords, 0)
  if (total !== records || workerTotal !== records) {
    throw new PipeopsError(
      ExitCode.Internal,
      `verification failed: the input has ${records} records but the parts hold ${workerTotal} (counted by the compressors) / ${total} (dealt)`,
      {code: 'VerificationFailed'},
    )
  }
}

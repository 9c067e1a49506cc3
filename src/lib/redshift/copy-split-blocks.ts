/**
 * copy-split's first stage after decompression: find record boundaries and cut the input into
 * blocks of whole records.
 *
 * A block ends at the first record end at or after the block size, so block boundaries depend on
 * the data only (not on read sizes) and the output is reproducible. The newest blocks (about one
 * per part) are held back; at the end of the input they are cut record by record so that every
 * part ends at the same compressed size.
 */
import type {CompressPool} from './compress-pool.js'
import type {Dealer} from './copy-split-dealer.js'
import type {PartState} from './copy-split-parts.js'

import {ExitCode, InputError, PipeopsError} from '../core/errors.js'
import {type RecordFormat, RecordScanner} from './records.js'

/** The reserve held back for levelling: about one block per part, at most this much memory. */
const MAX_RESERVE = 32 * 1024 * 1024

export interface CutterOptions {
  /** Block size once `read` decompressed bytes have been consumed. */
  blockSizeAt: (read: number) => number
  format: RecordFormat
  /** Lines before the first data record (the header). */
  headerLines: number
  parts: number
  quote: number
  /** The quote as given (for messages). */
  quoteText: string
}

export class BlockCutter {
  /** Decompressed input bytes consumed (set to where the data starts; a line end added at the end counts). */
  plainBytes = 0
  readonly scanner: RecordScanner
  private pending = 0
  private pieces: Buffer[] = []
  private recordsAtBlockStart = 0
  private readonly reserve: Array<{block: Buffer; records: number}> = []
  private reserveBytes = 0
  private readonly reserveTarget: number

  constructor(
    private readonly options: CutterOptions,
    private readonly pool: CompressPool,
    private readonly dealer: Dealer,
  ) {
    this.scanner = new RecordScanner({format: options.format, quote: options.quote})
    this.scanner.lines = options.headerLines
    this.scanner.recordStartLine = options.headerLines + 1
    this.reserveTarget = Math.min(options.parts * options.blockSizeAt(Number.MAX_SAFE_INTEGER), MAX_RESERVE)
  }

  /** Records found so far. */
  get records(): number {
    return this.scanner.records
  }

  /**
   * The end of the input: refuse one that ends inside a quoted field or an escape, give a last
   * record without a line end the file's own (`lineEnding`), and cut the last block.
   */
  async end(lineEnding: string): Promise<void> {
    const {scanner} = this
    if (!scanner.clean) {
      const {format, quoteText} = this.options
      const what = scanner.inQuote
        ? `an unbalanced quote (${quoteText}): the record that starts on line ${scanner.recordStartLine} never closes its quoted field`
        : `a backslash escape at the very end of the input (record starting on line ${scanner.recordStartLine})`
      throw new InputError(`the input ends inside ${what}`, {
        code: 'UnbalancedQuote',
        details: {line: scanner.recordStartLine},
        suggestions:
          format === 'csv'
            ? [
                `Look at line ${scanner.recordStartLine}: a quote inside a quoted field must be doubled ("").`,
                'If the file is not CSV (quotes are data), use --format text.',
              ]
            : [`Look at line ${scanner.recordStartLine}: a literal backslash must be written \\\\.`],
      })
    }

    if (this.pending > 0) {
      const last = this.pieces.at(-1)!
      if (last.at(-1) !== 0x0a) {
        // (pieces are never empty, so this is the last byte of the input)
        // The last record has no line end: count it and give it one, so parts end on a record.
        const eol = Buffer.from(lineEnding)
        this.pieces.push(eol)
        this.pending += eol.length
        this.plainBytes += eol.length
        scanner.records++
      }

      await this.cut()
    }
  }

  /** Take the next decompressed chunk: scan it, and cut a block at each record end past the block size. */
  async feed(chunk: Buffer): Promise<void> {
    const {scanner} = this
    this.plainBytes += chunk.length
    let pos = 0
    const blockSize = this.options.blockSizeAt(this.plainBytes)
    while (pos < chunk.length) {
      const rest = chunk.length - pos
      if (this.pending + rest < blockSize) {
        scanner.scan(chunk.subarray(pos))
        this.pieces.push(chunk.subarray(pos))
        this.pending += rest
        return
      }

      const need = Math.max(0, blockSize - this.pending)
      if (need > 0) {
        scanner.scan(chunk.subarray(pos, pos + need))
        this.pieces.push(chunk.subarray(pos, pos + need))
        this.pending += need
        pos += need
      }

      if (pos === chunk.length) return
      const end = scanner.scanFirst(chunk.subarray(pos))
      if (end === -1) {
        this.pieces.push(chunk.subarray(pos))
        this.pending += chunk.length - pos
        return
      }

      this.pieces.push(chunk.subarray(pos, pos + end))
      this.pending += end
      pos += end
      await this.cut()
    }
  }

  /** At the end: fill the parts to the same level with whole records from the reserve. */
  async level(parts: PartState[]): Promise<void> {
    const {dealer, reserve} = this
    if (reserve.length === 0) return
    const rest = reserve.length === 1 ? reserve[0]!.block : Buffer.concat(reserve.map((r) => r.block))
    const restRecords = reserve.reduce((n, r) => n + r.records, 0)
    reserve.length = 0
    this.reserveBytes = 0
    await dealer.incorporateAll()
    const r = dealer.overallRatio()
    // The level every part should reach, in compressed bytes; each part's share in plain bytes.
    const goal = (parts.reduce((n, p) => n + dealer.fill(p), 0) + rest.length * r) / parts.length
    const cutter = new RecordScanner({format: this.options.format, quote: this.options.quote})
    let pos = 0
    let dealt = 0
    const order = [...parts].sort((a, b) => dealer.fill(a) - dealer.fill(b) || a.index - b.index)
    for (const part of order) {
      if (pos >= rest.length) break
      const need = Math.floor((goal - dealer.fill(part)) / dealer.ratio(part))
      if (need <= 0) continue
      const before = cutter.records
      let end = Math.min(rest.length, pos + need)
      const scanned = cutter.scan(rest.subarray(pos, end))
      if (end < rest.length && scanned.lastEnd !== end - pos) {
        const e = cutter.scanFirst(rest.subarray(end))
        end = e === -1 ? rest.length : end + e
      }

      // Only whole records: a piece that ends inside one would be caught by the workers' check.
      await dealer.deal(Buffer.from(rest.subarray(pos, end)), cutter.records - before, part)
      dealt += cutter.records - before
      pos = end
    }

    if (pos < rest.length) {
      const before = cutter.records
      cutter.scan(rest.subarray(pos))
      await dealer.deal(Buffer.from(rest.subarray(pos)), cutter.records - before)
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

  /** Cut the pending pieces into one block and keep it in the reserve; deal the oldest reserved ones. */
  private async cut(): Promise<void> {
    // Into a buffer the workers hand back after use: no new memory per block, and no garbage.
    const block = this.pool.blockBuffer(this.pending)
    let at = 0
    for (const piece of this.pieces) at += piece.copy(block, at)
    this.pieces = []
    this.pending = 0
    const records = this.scanner.records - this.recordsAtBlockStart
    this.recordsAtBlockStart = this.scanner.records
    this.reserve.push({block, records})
    this.reserveBytes += block.length
    // Keep the newest blocks back: at the end they are cut record by record to level the parts.
    while (this.reserve.length > 1 && this.reserveBytes - this.reserve[0]!.block.length >= this.reserveTarget) {
      const oldest = this.reserve.shift()!
      this.reserveBytes -= oldest.block.length
      await this.dealer.deal(oldest.block, oldest.records)
    }
  }
}

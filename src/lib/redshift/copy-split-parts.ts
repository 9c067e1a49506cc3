/**
 * copy-split's last stage: the part files. Compressed blocks come back from the workers in any
 * order; each part writes its own in sequence (one write chain per part), with the gzip header
 * first and the final empty block and CRC-32/size trailer last, and keeps its SHA-256, CRC-32 and
 * counts on the way. A block's slot in the budget of blocks in flight is given back once its
 * bytes are written.
 */
import {createHash, type Hash} from 'node:crypto'

import type {PartWriter} from './outputs.js'
import type {Codec} from './plan.js'

import {ExitCode, PipeopsError} from '../core/errors.js'

const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03])
/** The empty final deflate block that closes a stream of sync-flushed blocks. */
const DEFLATE_END = Buffer.from([0x03, 0x00])

export interface PartState {
  bytes: number
  /** Compressed bytes of this part's blocks that are "known" (older than the dealer's lag). */
  compressedKnown: number
  crc: number
  hash: Hash
  index: number
  /** Blocks dealt to this part so far (the next block's sequence number). */
  issued: number
  name: string
  plainBytes: number
  /** Plain bytes of the blocks counted in compressedKnown. */
  plainKnown: number
  records: number
  /** Compressed blocks that arrived before an earlier one of the same part, by sequence number. */
  results: Map<number, Buffer>
  /** The part's last 32 KiB, the next block's dictionary (zlib without libdeflate). */
  tail: Buffer | undefined
  workerRecords: number
  writeChain: Promise<void>
  writer: PartWriter
  /** Blocks handed to the writer so far. */
  written: number
}

export interface PartFile {
  bytes: number
  name: string
  records: number
  sha256: string
}

/** A fixed number of blocks in flight between the reader and the part writers. */
export class Budget {
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

export class PartFiles {
  readonly parts: PartState[] = []

  private constructor(
    private readonly codec: Codec,
    private readonly budget: Budget,
    private readonly fail: (error: unknown) => void,
  ) {}

  /** Open one writer per name (in order; a gzip part starts with its header). */
  static async open(
    names: string[],
    openPart: (name: string) => Promise<PartWriter>,
    codec: Codec,
    flow: {budget: Budget; fail: (error: unknown) => void},
  ): Promise<PartFiles> {
    const files = new PartFiles(codec, flow.budget, flow.fail)
    for (const name of names) {
      const writer = await openPart(name)
      const part: PartState = {
        bytes: 0,
        compressedKnown: 0,
        crc: 0,
        hash: createHash('sha256'),
        index: files.parts.length,
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
      files.parts.push(part)
      if (codec === 'gzip') files.emit(part, GZIP_HEADER)
    }

    return files
  }

  /** Abort every writer (after a failure), once its pending writes have settled. */
  async abort(): Promise<void> {
    await Promise.allSettled(this.parts.map((p) => p.writeChain))
    await Promise.allSettled(this.parts.map((p) => p.writer.abort()))
  }

  /** Block `seq` of `part` is compressed: write it, and every later one that was waiting for it. */
  accept(part: PartState, seq: number, out: Buffer): void {
    part.results.set(seq, out)
    for (let next = part.results.get(part.written); next !== undefined; next = part.results.get(part.written)) {
      part.results.delete(part.written)
      part.written++
      this.emit(part, next)
      part.writeChain = part.writeChain.then(
        () => this.budget.release(),
        (error: unknown) => {
          this.budget.release()
          this.fail(error)
        },
      )
    }
  }

  /**
   * After the last block: check every block was written, close each stream (gzip: the final
   * block and the trailer) and end every part at once (for S3: the last pieces and
   * CompleteMultipartUpload in parallel). `failed` is read after each wait.
   */
  async finish(failed: () => unknown): Promise<PartFile[]> {
    await Promise.all(this.parts.map((p) => p.writeChain))
    const failure = failed()
    if (failure) throw failure
    for (const part of this.parts) {
      if (part.written !== part.issued)
        throw new PipeopsError(
          ExitCode.Internal,
          `internal error: ${part.name} wrote ${part.written} of ${part.issued} blocks`,
        )

      if (this.codec === 'gzip') {
        const trailer = Buffer.alloc(10)
        DEFLATE_END.copy(trailer, 0)
        trailer.writeUInt32LE(part.crc >>> 0, 2)
        trailer.writeUInt32LE(part.plainBytes % 2 ** 32, 6)
        this.emit(part, trailer)
      }
    }

    await Promise.all(
      this.parts.map(async (part) => {
        await part.writeChain
        const error = failed()
        if (error) throw error
        await part.writer.end()
      }),
    )
    return this.parts.map((p) => ({bytes: p.bytes, name: p.name, records: p.records, sha256: p.hash.digest('hex')}))
  }

  private emit(part: PartState, bytes: Buffer): void {
    part.hash.update(bytes)
    part.bytes += bytes.length
    part.writeChain = part.writeChain.then(() => part.writer.write(bytes))
  }
}

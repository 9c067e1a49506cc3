/**
 * copy-split's middle stage: deal each block of whole records to the least-filled part and hand
 * it to the compression pool.
 *
 * Parts are balanced by compressed size: a part's fill is the compressed size of its blocks older
 * than LAG blocks (awaited, so always known) plus its newer plain bytes × the ratio so far. A
 * fixed lag instead of "whatever has finished" keeps the deal a function of the data only, so the
 * output is reproducible. Each block takes one slot of the budget of blocks in flight, given back
 * when the part file has written it; the first failure anywhere stops the deal.
 */
// zlib.crc32 is stable from Node 20.15 (the project needs ≥ 20.19).
// eslint-disable-next-line n/no-unsupported-features/node-builtins
import {crc32} from 'node:zlib'

import type {CompressPool} from './compress-pool.js'
import type {PartFiles, PartState} from './copy-split-parts.js'

import {AbortedError, ExitCode, PipeopsError} from '../core/errors.js'
import {Budget} from './copy-split-parts.js'

const DICT_BYTES = 32 * 1024

interface Dealt {
  compressed: Promise<number>
  part: PartState
  plain: number
}

export class Dealer {
  readonly budget: Budget
  /** Record a failure (the first one wins) and wake the reader so it sees it. */
  fail = (error: unknown): void => {
    this.failure ??= error
    this.budget.wakeAll()
  }
  private failure: unknown
  /** Dealt blocks, oldest first; entries older than `known` are folded into their part and dropped. */
  private readonly history: Array<Dealt | undefined> = []
  private readonly inflight = new Set<Promise<void>>()
  private known = 0
  private knownCompressed = 0
  private knownPlain = 0
  private readonly lag: number
  private parts: PartFiles | undefined

  constructor(
    private readonly pool: CompressPool,
    private readonly options: {headerBytes: Buffer | undefined; signal?: AbortSignal | undefined},
  ) {
    this.budget = new Budget(Math.max(8, pool.size * 4))
    this.lag = Math.max(8, pool.size * 4)
  }

  /** The first failure of any stage, if any. */
  get failed(): unknown {
    return this.failure
  }

  /** Where compressed blocks go (set once the part files are open). */
  attach(parts: PartFiles): void {
    this.parts = parts
  }

  /**
   * Send a block to a part (the least-filled one unless `to` is given). `end` closes the part's
   * stream (zstd). The block's memory is handed over to a worker.
   */
  async deal(block: Buffer, records: number, to?: PartState, end = false): Promise<void> {
    const files = this.parts!
    await this.budget.acquire()
    if (this.failure) throw this.failure
    if (this.options.signal?.aborted)
      throw new AbortedError('interrupted: no manifest was written and temporary parts were removed')
    await this.incorporate(this.history.length - this.lag)
    let part = to ?? files.parts[0]!
    if (!to) for (const p of files.parts) if (this.fill(p) < this.fill(part)) part = p
    const {headerBytes} = this.options
    const withHeader = part.issued === 0 && headerBytes !== undefined
    const data = withHeader ? Buffer.concat([headerBytes, block]) : block
    part.crc = crc32(data, part.crc)
    part.plainBytes += data.length
    part.records += records
    const {pool} = this
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
        files.accept(part, seq, res.out)
        return res.out.length
      },
      (error: unknown) => {
        this.budget.release()
        throw error
      },
    )
    this.history.push({
      // A failed block counts 0 here; the failure itself is raised by the next deal.
      compressed: task.catch(() => 0),
      part,
      plain,
    })
    const tracked = task.then(() => {}, this.fail)
    this.inflight.add(tracked)
    tracked.finally(() => this.inflight.delete(tracked))
  }

  /** Wait until every dealt block is compressed; throws the first failure. */
  async drain(): Promise<void> {
    while (this.inflight.size > 0) await Promise.all(this.inflight)
    if (this.failure) throw this.failure
  }

  /** The part's estimated compressed size: known compressed bytes plus newer plain bytes × its ratio. */
  fill(p: PartState): number {
    return p.compressedKnown + (p.plainBytes - p.plainKnown) * this.ratio(p)
  }

  /** Fold every dealt block's compressed size in (before levelling the last blocks). */
  async incorporateAll(): Promise<void> {
    await this.incorporate(this.history.length)
  }

  /** Compressed / plain bytes over every known block (1 before any is known). */
  overallRatio(): number {
    return this.knownPlain > 0 ? this.knownCompressed / this.knownPlain : 1
  }

  /** The part's own ratio once it has some history (zstd parts differ), else the overall one. */
  ratio(p: PartState): number {
    return p.plainKnown > 0 ? p.compressedKnown / p.plainKnown : this.overallRatio()
  }

  /** Wait for every dealt block, ignoring failures (cleaning up after one). */
  async settle(): Promise<void> {
    await Promise.allSettled(this.inflight)
  }

  private async incorporate(upTo: number): Promise<void> {
    while (this.known < upTo) {
      const h = this.history[this.known]!
      const compressed = await h.compressed
      h.part.compressedKnown += compressed
      h.part.plainKnown += h.plain
      this.knownPlain += h.plain
      this.knownCompressed += compressed
      this.history[this.known] = undefined
      this.known++
    }
  }
}

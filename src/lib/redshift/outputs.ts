/**
 * Where the parts go: a local directory (temp names, renamed when every part is complete) or S3
 * (concurrent multipart uploads with bounded buffers, aborted on failure). The manifest is
 * written by the caller, last, through the same target.
 */
// The S3 SDK is loaded when an S3 output is used (import() below): a local split does not pay its
// start-up time (about 0.1 s) and memory (about 25 MB).
import type {S3Client} from '@aws-sdk/client-s3'

import {createHash, type Hash} from 'node:crypto'
import {createReadStream} from 'node:fs'
import {mkdtemp, open, readdir, readFile, rename, rm, rmdir} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import pLimit, {type LimitFunction} from 'p-limit'

import {prepareOutputDir, writeFileAtomic} from '../core/atomic-write.js'
import {InputError} from '../core/errors.js'
import {formatS3Uri, type S3Location} from '../core/parse/s3-uri.js'

export const MIB = 1024 * 1024
/** S3's minimum size of every multipart part but the last. */
export const S3_MIN_PART = 5 * MIB

export interface PartWriter {
  /** Abandon the part: nothing is left under its final name. */
  abort(): Promise<void>
  /** Finish the part; `skipped` when an identical object was already there. */
  end(): Promise<{skipped: boolean}>
  /** Bytes in order; the promise resolves when the writer can take more (backpressure). */
  write(chunk: Buffer): Promise<void>
}

export interface OutputTarget {
  abort(): Promise<void>
  /** Make the parts visible under their final names (local: rename); returns stale parts removed. */
  commit(): Promise<string[]>
  /** Where a part will be, as a path or s3:// URI. */
  location(name: string): string
  /** Where the manifest will be, as a path or s3:// URI. */
  readonly manifestLocation: string
  openPart(name: string): Promise<PartWriter>
  prepare(): Promise<void>
  /** s3:// URL for the manifest entry of a part. */
  url(name: string): string
  writeManifest(body: string): Promise<void>
}

// ---------------------------------------------------------------------------------------------
// Local directory

export class LocalTarget implements OutputTarget {
  readonly manifestLocation: string
  /** True when this run created the directory: a failed run removes it again (when empty). */
  private created = false
  /** Parts of the previous run (listed in its manifest) that this run does not replace. */
  private stale: string[] = []
  private readonly temps = new Map<string, string>()

  /**
   * @param dir output directory (created if missing)
   * @param runId names the temporary files of this run
   * @param urlPrefix where the parts will be uploaded (s3://bucket/prefix/), for the manifest
   */
  constructor(
    private readonly dir: string,
    private readonly runId: string,
    private readonly urlPrefix: string,
  ) {
    this.manifestLocation = path.join(dir, 'manifest.json')
  }

  async abort(): Promise<void> {
    await Promise.all([...this.temps.values()].map((t) => rm(t, {force: true})))
    this.temps.clear()
    // rmdir, not rm -r: only an empty directory this run made goes away.
    if (this.created) await rmdir(this.dir).catch(() => {})
  }

  /**
   * Part files in the directory that this run will not replace. Those the previous manifest lists
   * were written by pipeops and are removed at commit; any other is refused before work starts
   * (a COPY of the prefix would load it, and pipeops does not delete files it did not write).
   */
  async checkLeftovers(names: string[]): Promise<void> {
    const mine = new Set(['manifest.json', ...names])
    const entries = await readdir(this.dir).catch(() => [] as string[])
    const leftovers = entries.filter((e) => /^part-\d+/.test(e) && !mine.has(e))
    if (leftovers.length === 0) return
    const previous = await this.previousManifestParts()
    const foreign = leftovers.filter((e) => !previous.has(e))
    if (foreign.length > 0) {
      throw new InputError(
        `--out ${this.dir} holds ${foreign.length} part file(s) that no pipeops manifest there lists (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}): a COPY of the prefix would load them with this run's parts`,
        {
          code: 'ForeignParts',
          details: {files: foreign},
          suggestions: ['Remove them, or choose an empty --out directory.'],
        },
      )
    }

    this.stale = leftovers
  }

  /**
   * Make the parts visible. Parts of the previous run that this one does not replace are removed
   * (pipeops wrote them: its manifest lists them), so a COPY of the prefix without the manifest
   * loads only this run's files. Returns the names removed.
   */
  async commit(): Promise<string[]> {
    // An earlier manifest would describe the old files while they are replaced: remove it first.
    await rm(this.manifestLocation, {force: true})
    for (const [name, temp] of this.temps) await rename(temp, path.join(this.dir, name))
    this.temps.clear()
    for (const name of this.stale) await rm(path.join(this.dir, name), {force: true})
    return this.stale
  }

  location(name: string): string {
    return path.join(this.dir, name)
  }

  async openPart(name: string): Promise<PartWriter> {
    const temp = path.join(this.dir, `.${name}.${this.runId}.tmp`)
    const handle = await open(temp, 'w', 0o644)
    this.temps.set(name, temp)
    let closed = false
    return {
      async abort() {
        if (!closed) {
          closed = true
          await handle.close().catch(() => {})
        }

        await rm(temp, {force: true})
      },
      async end() {
        await handle.sync()
        closed = true
        await handle.close()
        return {skipped: false}
      },
      async write(chunk) {
        await handle.write(chunk)
      },
    }
  }

  async prepare(): Promise<void> {
    try {
      this.created = (await prepareOutputDir(this.dir, '--out')).created
    } catch (error) {
      throw new InputError((error as InputError).message, {
        cause: error,
        code: (error as InputError).code,
        details: (error as InputError).details,
        suggestions: [
          'Choose a directory you can write to with --out DIR, or an S3 prefix (--out s3://bucket/prefix/).',
        ],
      })
    }
  }

  url(name: string): string {
    return `${this.urlPrefix}${name}`
  }

  async writeManifest(body: string): Promise<void> {
    await writeFileAtomic(this.manifestLocation, body, '--out')
  }

  /** File names the manifest in the directory lists (its entries' URLs end in the part names). */
  private async previousManifestParts(): Promise<Set<string>> {
    try {
      const manifest = JSON.parse(await readFile(this.manifestLocation, 'utf8')) as {entries?: Array<{url?: unknown}>}
      return new Set(
        (manifest.entries ?? []).flatMap((e) =>
          typeof e.url === 'string' ? [e.url.slice(e.url.lastIndexOf('/') + 1)] : [],
        ),
      )
    } catch {
      return new Set()
    }
  }
}

// ---------------------------------------------------------------------------------------------
// S3

/** The ETag S3 gives an object uploaded in `partSize` pieces (MD5, or MD5 of the parts' MD5s plus "-N"). */
export class EtagCalculator {
  private current: Hash = createHash('md5')
  private currentBytes = 0
  private readonly digests: Buffer[] = []
  private total = 0
  /** MD5 of the whole object: what some S3-compatible servers (s3rver) give multipart objects. */
  private readonly whole: Hash = createHash('md5')

  constructor(private readonly partSize: number) {}

  digest(): string {
    if (this.total <= this.partSize) return `"${this.current.digest('hex')}"`
    this.digests.push(this.current.digest())
    return `"${createHash('md5').update(Buffer.concat(this.digests)).digest('hex')}-${this.digests.length}"`
  }

  /** The multipart-style ETag and the whole-object MD5; call once. */
  matchingEtags(): string[] {
    const whole = `"${this.whole.digest('hex')}"`
    const etag = this.digest()
    return etag === whole ? [etag] : [etag, whole]
  }

  update(chunk: Buffer): void {
    let offset = 0
    while (offset < chunk.length) {
      // A piece is closed only when more bytes follow it, matching the writer's "> partSize" rule.
      if (this.currentBytes === this.partSize) {
        this.digests.push(this.current.digest())
        this.current = createHash('md5')
        this.currentBytes = 0
      }

      const take = Math.min(this.partSize - this.currentBytes, chunk.length - offset)
      this.current.update(chunk.subarray(offset, offset + take))
      this.whole.update(chunk.subarray(offset, offset + take))
      this.currentBytes += take
      this.total += take
      offset += take
    }
  }
}

interface ExistingObject {
  etag: string
  size: number
}

/** Streams one object: PutObject when it fits in one piece, else a multipart upload with at most two pieces in flight. */
class S3PartWriter implements PartWriter {
  readonly etag: EtagCalculator
  private buffered = 0
  private readonly chunks: Buffer[] = []
  private readonly inflight = new Set<Promise<void>>()
  private partNumber = 0
  private readonly parts: Array<{ETag: string; PartNumber: number}> = []
  private uploadId: string | undefined

  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
    private readonly key: string,
    private readonly partSize: number,
    private readonly limit: LimitFunction,
  ) {
    this.etag = new EtagCalculator(partSize)
  }

  async abort(): Promise<void> {
    const {AbortMultipartUploadCommand} = await import('@aws-sdk/client-s3')
    await Promise.allSettled(this.inflight)
    if (this.uploadId) {
      const id = this.uploadId
      this.uploadId = undefined
      await this.s3.send(new AbortMultipartUploadCommand({Bucket: this.bucket, Key: this.key, UploadId: id}))
    }
  }

  async end(): Promise<{skipped: boolean}> {
    const {CompleteMultipartUploadCommand, PutObjectCommand} = await import('@aws-sdk/client-s3')
    if (this.partNumber === 0) {
      const body = Buffer.concat(this.chunks)
      await this.limit(() =>
        this.s3.send(
          new PutObjectCommand({Body: body, Bucket: this.bucket, ContentLength: body.length, Key: this.key}),
        ),
      )
      return {skipped: false}
    }

    await this.sendPart(Buffer.concat(this.chunks))
    this.chunks.length = 0
    await Promise.all(this.inflight)
    const parts = [...this.parts].sort((a, b) => a.PartNumber - b.PartNumber)
    await this.limit(() =>
      this.s3.send(
        new CompleteMultipartUploadCommand({
          Bucket: this.bucket,
          Key: this.key,
          MultipartUpload: {Parts: parts},
          UploadId: this.uploadId,
        }),
      ),
    )
    this.uploadId = undefined
    return {skipped: false}
  }

  async write(chunk: Buffer): Promise<void> {
    this.etag.update(chunk)
    this.chunks.push(chunk)
    this.buffered += chunk.length
    while (this.buffered > this.partSize) {
      const all = Buffer.concat(this.chunks)
      const piece = all.subarray(0, this.partSize)
      this.chunks.length = 0
      this.chunks.push(all.subarray(this.partSize))
      this.buffered = all.length - this.partSize
      await this.sendPart(piece)
    }
  }

  private async sendPart(body: Buffer): Promise<void> {
    const {CreateMultipartUploadCommand, UploadPartCommand} = await import('@aws-sdk/client-s3')
    if (!this.uploadId) {
      const created = await this.limit(() =>
        this.s3.send(new CreateMultipartUploadCommand({Bucket: this.bucket, Key: this.key})),
      )
      if (!created.UploadId) throw new Error(`CreateMultipartUpload returned no UploadId for ${this.key}`)
      this.uploadId = created.UploadId
    }

    const partNumber = ++this.partNumber
    const {uploadId} = this
    const task = this.limit(() =>
      this.s3.send(
        new UploadPartCommand({
          Body: body,
          Bucket: this.bucket,
          ContentLength: body.length,
          Key: this.key,
          PartNumber: partNumber,
          UploadId: uploadId,
        }),
      ),
    ).then((out) => {
      this.parts.push({ETag: out.ETag ?? '', PartNumber: partNumber})
    })
    this.inflight.add(task)
    task.then(
      () => this.inflight.delete(task),
      () => {},
    )
    // Backpressure: at most two pieces of this object in flight; a failure surfaces here.
    while (this.inflight.size >= 2) await Promise.race(this.inflight)
  }
}

export interface S3TargetOptions {
  concurrency?: number
  location: S3Location
  /** Multipart piece size (≥ 5 MiB); deterministic, so a re-run computes the same ETags. */
  partSize: number
  runId: string
}

export class S3Target implements OutputTarget {
  readonly manifestLocation: string
  readonly prefix: string
  /** Parts left as they were because an identical object was already there. */
  readonly skipped: string[] = []
  private readonly existing = new Map<string, ExistingObject>()
  private readonly limit: LimitFunction
  private readonly open = new Set<S3PartWriter>()
  private spoolDir: string | undefined

  constructor(
    private readonly s3: S3Client,
    private readonly options: S3TargetOptions,
  ) {
    const base =
      options.location.key === '' || options.location.key.endsWith('/')
        ? options.location.key
        : `${options.location.key}/`
    this.prefix = `${base}${options.runId}/`
    this.manifestLocation = formatS3Uri({bucket: options.location.bucket, key: `${this.prefix}manifest.json`})
    this.limit = pLimit(options.concurrency ?? 8)
  }

  async abort(): Promise<void> {
    const writers = [...this.open]
    this.open.clear()
    await Promise.allSettled(writers.map((w) => w.abort()))
    await this.removeSpool()
  }

  async commit(): Promise<string[]> {
    await this.removeSpool()
    return []
  }

  location(name: string): string {
    return this.url(name)
  }

  async openPart(name: string): Promise<PartWriter> {
    const key = `${this.prefix}${name}`
    const before = this.existing.get(key)
    const streaming = new S3PartWriter(this.s3, this.options.location.bucket, key, this.options.partSize, this.limit)
    if (!before) return this.tracked(streaming)
    // An object is already there (an earlier run): spool to disk, compare, upload only if it differs.
    this.spoolDir ??= await mkdtemp(path.join(tmpdir(), 'pipeops-copy-split-'))
    const spool = path.join(this.spoolDir, name)
    const handle = await open(spool, 'w')
    const etag = new EtagCalculator(this.options.partSize)
    let size = 0
    return {
      async abort() {
        await handle.close().catch(() => {})
        await rm(spool, {force: true})
        await streaming.abort()
      },
      end: async () => {
        await handle.close()
        if (size === before.size && etag.matchingEtags().includes(before.etag)) {
          this.skipped.push(name)
          await rm(spool, {force: true})
          return {skipped: true}
        }

        const writer = this.tracked(streaming)
        for await (const chunk of createReadStream(spool, {highWaterMark: MIB})) await writer.write(chunk as Buffer)
        await writer.end()
        await rm(spool, {force: true})
        return {skipped: false}
      },
      async write(chunk) {
        etag.update(chunk)
        size += chunk.length
        await handle.write(chunk)
      },
    }
  }

  /** Read what an earlier run left under the run prefix (for skipping identical parts). Also checks the bucket is there. */
  async prepare(): Promise<void> {
    const {DeleteObjectCommand, ListObjectsV2Command} = await import('@aws-sdk/client-s3')
    let token: string | undefined
    do {
      // Pages follow each other: each needs the previous continuation token.
      const page = await this.s3.send(
        new ListObjectsV2Command({Bucket: this.options.location.bucket, ContinuationToken: token, Prefix: this.prefix}),
      )
      for (const o of page.Contents ?? [])
        if (o.Key && o.ETag !== undefined) this.existing.set(o.Key, {etag: o.ETag, size: o.Size ?? -1})
      token = page.IsTruncated ? page.NextContinuationToken : undefined
    } while (token)

    // A manifest of an earlier run here must not outlive this run's changes: it is written again at the end.
    const manifestKey = `${this.prefix}manifest.json`
    if (this.existing.has(manifestKey)) {
      await this.s3.send(new DeleteObjectCommand({Bucket: this.options.location.bucket, Key: manifestKey}))
      this.existing.delete(manifestKey)
    }
  }

  url(name: string): string {
    return formatS3Uri({bucket: this.options.location.bucket, key: `${this.prefix}${name}`})
  }

  async writeManifest(body: string): Promise<void> {
    const {PutObjectCommand} = await import('@aws-sdk/client-s3')
    const Body = Buffer.from(body)
    await this.s3.send(
      new PutObjectCommand({
        Body,
        Bucket: this.options.location.bucket,
        ContentLength: Body.length,
        ContentType: 'application/json',
        Key: `${this.prefix}manifest.json`,
      }),
    )
  }

  private async removeSpool(): Promise<void> {
    if (this.spoolDir) await rm(this.spoolDir, {force: true, recursive: true})
    this.spoolDir = undefined
  }

  private tracked(writer: S3PartWriter): PartWriter {
    this.open.add(writer)
    return {
      abort: () => writer.abort(),
      end: async () => {
        const done = await writer.end()
        this.open.delete(writer)
        return done
      },
      write: (chunk) => writer.write(chunk),
    }
  }
}

/** A multipart piece size that keeps an object under S3's 10,000 pieces. */
export function choosePartSize(expectedObjectBytes: number | undefined): number {
  if (expectedObjectBytes === undefined) return S3_MIN_PART
  return Math.max(S3_MIN_PART, Math.ceil(expectedObjectBytes / 9000 / MIB) * MIB)
}

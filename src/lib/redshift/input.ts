/**
 * Opening the input (local file, S3 object or stdin) and decompressing it by its magic bytes,
 * not its name: gzip (also multi-member), zstd (with the optional binding), bzip2 (also
 * multi-stream, as pbzip2/lbzip2 write it; the npm package unbzip2-stream, pure JavaScript: about
 * 4 MB/s of output per core against bzcat's ~45, measured — fine for reading to a line, slow for
 * a whole big file, where `bzcat FILE | … --input -` is the fast way) or plain text.
 */
import type {S3Client} from '@aws-sdk/client-s3'

import {createHash} from 'node:crypto'
import {createReadStream} from 'node:fs'
import {open, stat} from 'node:fs/promises'
import {createRequire} from 'node:module'
import path from 'node:path'
import {PassThrough, pipeline, Readable, type Transform} from 'node:stream'
import {createGunzip} from 'node:zlib'

import {InputError, NotFoundError, UsageError} from '../core/errors.js'
import {formatS3Uri, isS3Uri, parseS3Uri, type S3Location} from '../core/parse/s3-uri.js'

export type InputSpec =
  {kind: 'file'; path: string} | {kind: 's3'; location: S3Location} | {kind: 'stdin'; stream: NodeJS.ReadableStream}

/** What --input names: `-` for stdin, `s3://bucket/key`, or a local path. */
export function inputSpecFrom(text: string, stdin: NodeJS.ReadableStream): InputSpec {
  if (text === '-') return {kind: 'stdin', stream: stdin}
  if (isS3Uri(text)) return {kind: 's3', location: parseS3Uri(text, '--input')}
  return {kind: 'file', path: text}
}

export type Compression = 'bzip2' | 'gzip' | 'none' | 'zstd'

export interface OpenedInput {
  /** Size of the input as stored (compressed), when known. */
  bytes: number | undefined
  /** Stable identity of the input for the run id (undefined for stdin). */
  fingerprint: string | undefined
  name: string
  /** Opens the raw byte stream; may be called once. */
  open: () => Promise<Readable>
}

const require = createRequire(import.meta.url)

/** Absolute path of the optional zstd binding, or undefined when it is not installed or does not load here. */
export function findZstd(): {path: string} | {problem: string} {
  try {
    const resolved = require.resolve('zstd-napi')
    const mod = require(resolved) as {compress?: unknown}
    if (typeof mod.compress !== 'function') return {problem: 'zstd-napi loaded but has no compress()'}
    return {path: resolved}
  } catch (error) {
    return {
      problem: `the zstd binding (npm package zstd-napi) is not usable here: ${(error as Error).message.split('\n')[0]}`,
    }
  }
}

export async function describeInput(spec: InputSpec, s3?: () => S3Client): Promise<OpenedInput> {
  if (spec.kind === 'stdin') {
    return {
      bytes: undefined,
      fingerprint: undefined,
      name: 'stdin',
      open: async () => Readable.from(spec.stream as AsyncIterable<Buffer>),
    }
  }

  if (spec.kind === 'file') {
    let info
    try {
      info = await stat(spec.path)
    } catch (error) {
      const {code} = error as {code?: string}
      throw new InputError(
        `input file "${spec.path}" ${code === 'ENOENT' ? 'does not exist' : `cannot be read (${code})`}`,
        {
          cause: error,
          code: code === 'ENOENT' ? 'InputNotFound' : 'InputUnreadable',
          suggestions: ['Check the path given to --input (use - for stdin, s3://bucket/key for S3).'],
        },
      )
    }

    if (!info.isFile())
      throw new InputError(`input "${spec.path}" is not a file`, {
        suggestions: ['Give a file, s3://bucket/key, or - for stdin.'],
      })
    const handle = await open(spec.path, 'r').catch((error: unknown) => {
      throw new InputError(`input file "${spec.path}" cannot be read (${(error as {code?: string}).code})`, {
        cause: error,
      })
    })
    await handle.close()
    return {
      bytes: info.size,
      fingerprint: `file:${path.resolve(spec.path)}:${info.size}:${info.mtimeMs}`,
      name: spec.path,
      open: async () => createReadStream(spec.path, {highWaterMark: 256 * 1024}),
    }
  }

  if (!s3) throw new UsageError('an S3 input needs AWS settings')
  const client = s3()
  const {bucket, key} = spec.location
  if (key === '' || key.endsWith('/')) {
    throw new UsageError(`--input ${formatS3Uri(spec.location)} is a prefix, not an object`, {
      suggestions: ['Give the full key of the gzip file: s3://bucket/path/file.csv.gz'],
    })
  }

  // Loaded here, not at start-up: a local input does not need the S3 SDK.
  const {GetObjectCommand, HeadObjectCommand} = await import('@aws-sdk/client-s3')
  const head = await client.send(new HeadObjectCommand({Bucket: bucket, Key: key})).catch((error: unknown) => {
    if ((error as {name?: string}).name === 'NotFound' || (error as {name?: string}).name === 'NoSuchKey') {
      throw new NotFoundError(`input object ${formatS3Uri(spec.location)} does not exist`, {
        cause: error,
        suggestions: ['Check the bucket, key and --region.'],
      })
    }

    throw error
  })
  const etag = head.ETag ?? ''
  return {
    bytes: head.ContentLength,
    fingerprint: `s3:${bucket}/${key}:${head.ContentLength}:${etag}`,
    name: formatS3Uri(spec.location),
    async open() {
      const out = await client.send(new GetObjectCommand({Bucket: bucket, IfMatch: etag || undefined, Key: key}))
      if (!out.Body) throw new Error('GetObject returned no body')
      return out.Body as Readable
    },
  }
}

export interface Decompressed {
  chunks: AsyncIterable<Buffer>
  /** Compressed bytes read so far. */
  compressedRead: () => number
  compression: Compression
}

const MAGIC: Array<{bytes: number[]; name: string; tool: string}> = [
  {bytes: [0x50, 0x4b, 0x03, 0x04], name: 'zip', tool: 'unzip -p FILE'},
  {bytes: [0xfd, 0x37, 0x7a, 0x58, 0x5a], name: 'xz', tool: 'xzcat FILE'},
  {bytes: [0x89, 0x4c, 0x5a, 0x4f], name: 'lzop', tool: 'lzop -dc FILE'},
]

function startsWith(buf: Buffer, bytes: number[]): boolean {
  return bytes.every((b, i) => buf[i] === b)
}

/** "BZh" and a block size digit 1–9: bzip2's stream header. */
function isBzip2Head(head: Buffer): boolean {
  return startsWith(head, [0x42, 0x5a, 0x68]) && head[3]! >= 0x31 && head[3]! <= 0x39
}

/** True when the first bytes of an input are those of a compressed format (gzip, zstd, bzip2, or one decompress() refuses). */
export function compressedMagic(head: Uint8Array): boolean {
  const buf = Buffer.from(head.buffer, head.byteOffset, head.byteLength)
  return (
    (head[0] === 0x1f && head[1] === 0x8b) ||
    startsWith(buf, [0x28, 0xb5, 0x2f, 0xfd]) ||
    isBzip2Head(buf) ||
    MAGIC.some((m) => startsWith(buf, m.bytes))
  )
}

/** Detect the compression of a raw stream and return its decompressed chunks. */
export async function decompress(raw: Readable, zstdPath: string | undefined): Promise<Decompressed> {
  const it = raw[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  let head = Buffer.alloc(0)
  let done = false
  // Enough bytes to recognise the magic numbers.
  while (head.length < 6 && !done) {
    const n = await it.next()
    if (n.done) done = true
    else head = Buffer.concat([head, Buffer.isBuffer(n.value) ? n.value : Buffer.from(n.value)])
  }

  let read = head.length
  async function* rawChunks(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head
    if (done) return
    for (;;) {
      const n = await it.next()
      if (n.done) return
      const chunk = Buffer.isBuffer(n.value) ? n.value : Buffer.from(n.value)
      read += chunk.length
      yield chunk
    }
  }

  const compressedRead = (): number => read
  for (const m of MAGIC) {
    if (startsWith(head, m.bytes)) {
      raw.destroy()
      throw new InputError(`the input is ${m.name}-compressed; copy-split reads gzip, zstd, bzip2 or plain text`, {
        suggestions: [`Decompress it into a pipe: ${m.tool} | pipeops redshift copy-split --input - ...`],
      })
    }
  }

  if (head[0] === 0x1f && head[1] === 0x8b) {
    const gunzip = createGunzip({chunkSize: 256 * 1024})
    pipeline(Readable.from(rawChunks(), {highWaterMark: 2}), gunzip, () => {})
    return {chunks: gunzip, compressedRead, compression: 'gzip'}
  }

  if (startsWith(head, [0x28, 0xb5, 0x2f, 0xfd])) {
    if (!zstdPath) {
      raw.destroy()
      throw new InputError('the input is zstd-compressed, but the zstd binding is not available here', {
        suggestions: ['Decompress it into a pipe: zstd -dc FILE | pipeops redshift copy-split --input - ...'],
      })
    }

    const {DecompressStream} = require(zstdPath) as {DecompressStream: new () => Transform}
    const unzstd = new DecompressStream()
    pipeline(Readable.from(rawChunks(), {highWaterMark: 2}), unzstd, () => {})
    return {chunks: unzstd as AsyncIterable<Buffer>, compressedRead, compression: 'zstd'}
  }

  if (isBzip2Head(head)) {
    const {default: unbzip2} = await import('unbzip2-stream')
    // unbzip2-stream is a classic (through) stream: its output is copied into a PassThrough, with
    // pause/resume for backpressure (Readable.wrap and stream.pipeline both take a through
    // stream's 'close' for a premature end).
    const bunzip = unbzip2()
    const out = new PassThrough({highWaterMark: 256 * 1024})
    const source = Readable.from(rawChunks(), {highWaterMark: 2})
    bunzip.on('data', (chunk: Buffer) => {
      if (!out.write(chunk)) bunzip.pause()
    })
    out.on('drain', () => bunzip.resume())
    bunzip.on('end', () => out.end())
    bunzip.on('error', (error: Error) => out.destroy(error))
    source.on('error', (error) => out.destroy(error))
    out.on('close', () => source.destroy())
    source.pipe(bunzip)
    return {chunks: out, compressedRead, compression: 'bzip2'}
  }

  return {chunks: rawChunks(), compressedRead, compression: 'none'}
}

/** Map a decompression error to exit 6 with the offset where it happened. */
export function decompressionError(
  error: unknown,
  compression: Compression,
  compressedRead: number,
  plainBytes: number,
): InputError | undefined {
  const code = (error as {code?: string}).code ?? ''
  const message = (error as Error).message ?? String(error)
  if (compression === 'gzip' && code.startsWith('Z_')) {
    const truncated = code === 'Z_BUF_ERROR' || /unexpected end/i.test(message)
    return new InputError(
      truncated
        ? `the gzip input is truncated: it ends after ${compressedRead} compressed bytes (${plainBytes} bytes of data) in the middle of the stream`
        : `the gzip input is corrupt (${message}) near compressed byte ${compressedRead}, after ${plainBytes} bytes of data`,
      {
        cause: error,
        code: truncated ? 'TruncatedGzip' : 'CorruptGzip',
        suggestions: ['Check the file with: gzip -t FILE', 'Download or copy it again; nothing was written.'],
      },
    )
  }

  if (compression === 'bzip2') {
    return new InputError(`the bzip2 input is corrupt or truncated (${message}) after ${plainBytes} bytes of data`, {
      cause: error,
      code: 'CorruptBzip2',
      suggestions: ['Check the file with: bzip2 -t FILE'],
    })
  }

  if (compression === 'zstd' && /zstd|frame|corrupt|src size|truncat/i.test(message)) {
    return new InputError(`the zstd input is corrupt or truncated (${message}) after ${plainBytes} bytes of data`, {
      cause: error,
      code: 'CorruptZstd',
      suggestions: ['Check the file with: zstd -t FILE'],
    })
  }

  return undefined
}

/** A short stable id of a run: the same input and settings give the same S3 sub-prefix, so a re-run can skip identical parts. */
export function runIdFor(parts: unknown): string {
  return `run-${createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 12)}`
}

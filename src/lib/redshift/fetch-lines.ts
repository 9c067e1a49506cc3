/**
 * `load-errors --fetch-lines`: the offending lines themselves, read from the source objects the
 * error rows name (file + line number). Each object is read with ranged GETs of WINDOW bytes, one
 * after the other, and the reading stops at the last line wanted, so a bad row near the start of a
 * multi-GB file costs one or two requests. gzip, zstd and bzip2 objects are decompressed on the
 * fly from the same ranged reads (input.ts `decompress`, as copy-split and copy-check use it); the
 * bzip2 decoder (unbzip2-stream) decodes a block once it holds the largest compressed size a block
 * can have (about 0.9 MB for `bzip2 -9`), so a bzip2 line costs up to one more 1 MiB read.
 *
 * Line numbers are those of the load error tables: physical lines of the file, from 1, counting a
 * header (for JSON, the last line of the object; DG r_STL_LOAD_ERRORS.html). A file that is not
 * s3://, an object compressed with something else, or a line past the end is reported as not
 * read, with why — never as an empty line.
 */
import type {S3Client} from '@aws-sdk/client-s3'

import {Readable} from 'node:stream'

import type {RunContext} from '../core/run-context.js'

import {abortOpts} from '../aws/abort.js'
import {isS3Uri, parseS3Uri} from '../core/parse/s3-uri.js'
import {decompress} from './input.js'

/** Bytes per ranged GET. */
export const WINDOW = 1024 * 1024
/** Longest line kept (COPY's records are at most 4 MB; more is not useful on a terminal). */
const MAX_LINE_BYTES = 64 * 1024

export interface LineRequest {
  file: string
  line: number
}

export type FetchedLine =
  {file: string; line: number; problem: string} | {file: string; line: number; text: string; truncated: boolean}

export interface FetchLinesOptions {
  window?: number | undefined
  zstdPath?: string | undefined
}

/** The wanted lines, in the order asked; at most one read per object. */
export async function fetchLines(
  s3: S3Client,
  wanted: LineRequest[],
  options: FetchLinesOptions,
  ctx: Pick<RunContext, 'signal'>,
): Promise<FetchedLine[]> {
  const byFile = new Map<string, Set<number>>()
  for (const w of wanted) {
    if (!byFile.has(w.file)) byFile.set(w.file, new Set())
    byFile.get(w.file)!.add(w.line)
  }

  const found = new Map<string, FetchedLine>()
  for (const [file, lines] of byFile) {
    for (const got of await linesOfObject(
      s3,
      file,
      [...lines].sort((a, b) => a - b),
      options,
      ctx,
    ))
      found.set(`${got.line}\u0000${file}`, got)
  }

  return wanted.map((w) => found.get(`${w.line}\u0000${w.file}`)!)
}

async function linesOfObject(
  s3: S3Client,
  file: string,
  lines: number[],
  options: FetchLinesOptions,
  ctx: Pick<RunContext, 'signal'>,
): Promise<FetchedLine[]> {
  const notRead = (problem: string): FetchedLine[] => lines.map((line) => ({file, line, problem}))
  if (!isS3Uri(file)) return notRead('not an s3:// object')
  const usable = lines.filter((l) => Number.isInteger(l) && l >= 1)
  const out: FetchedLine[] = lines
    .filter((l) => !usable.includes(l))
    .map((line) => ({file, line, problem: 'no line number in the error row (-1 when COPY does not know it)'}))
  if (usable.length === 0) return out
  let location: ReturnType<typeof parseS3Uri>
  try {
    location = parseS3Uri(file, 'file')
  } catch (error) {
    return [...out, ...notRead(`not read: ${(error as Error).message}`).filter((l) => usable.includes(l.line))]
  }

  const {GetObjectCommand} = await import('@aws-sdk/client-s3')
  const window = options.window ?? WINDOW
  let requests = 0
  async function* ranged(): AsyncGenerator<Buffer> {
    let offset = 0
    for (;;) {
      const got = await s3.send(
        new GetObjectCommand({
          Bucket: location.bucket,
          Key: location.key,
          Range: `bytes=${offset}-${offset + window - 1}`,
        }),
        abortOpts(ctx.signal),
      )
      requests++
      const body = got.Body ? Buffer.from(await got.Body.transformToByteArray()) : Buffer.alloc(0)
      if (body.length > 0) yield body
      offset += body.length
      const total = Number(/\/(\d+)$/.exec(got.ContentRange ?? '')?.[1] ?? Number.NaN)
      if (body.length < window || (Number.isFinite(total) && offset >= total)) return
    }
  }

  let raw: Readable | undefined
  try {
    raw = Readable.from(ranged(), {objectMode: false})
    const {chunks} = await decompress(raw, options.zstdPath)
    const last = usable.at(-1)!
    let line = 1
    let current: Buffer[] = []
    let currentBytes = 0
    let truncated = false
    const keep = (piece: Buffer): void => {
      if (!usable.includes(line) || truncated) return
      const room = MAX_LINE_BYTES - currentBytes
      if (piece.length > room) truncated = true
      const part = piece.subarray(0, Math.max(0, Math.min(room, piece.length)))
      current.push(part)
      currentBytes += part.length
    }

    const endLine = (): void => {
      if (usable.includes(line)) {
        const text = Buffer.concat(current).toString('utf8').replace(/\r$/, '')
        out.push({file, line, text, truncated})
      }

      current = []
      currentBytes = 0
      truncated = false
      line++
    }

    for await (const chunk of chunks as AsyncIterable<Buffer>) {
      let from = 0
      for (;;) {
        const lf = chunk.indexOf(0x0a, from)
        if (lf === -1 || line > last) break
        keep(chunk.subarray(from, lf))
        endLine()
        from = lf + 1
      }

      if (line > last) break
      keep(chunk.subarray(from))
    }

    // The last line of a file without a final line feed.
    if (line <= last && currentBytes > 0) endLine()
  } catch (error) {
    const {message} = error as Error
    for (const l of usable)
      if (!out.some((o) => o.line === l)) out.push({file, line: l, problem: `not read: ${message}`})
    return out
  } finally {
    raw?.destroy()
  }

  for (const l of usable)
    if (!out.some((o) => o.line === l))
      out.push({file, line: l, problem: `the object has fewer lines (${requests} ranged GET(s) read it to the end)`})
  return out
}

/**
 * Where the failing field is in the line: the raw value when the row logged it and the line holds
 * it (its first occurrence), else undefined (not located — not guessed).
 */
export function markField(text: string, value: string | undefined): undefined | {length: number; start: number} {
  if (value === undefined || value === '') return undefined
  const start = text.indexOf(value)
  if (start === -1) return undefined
  return {length: value.length, start}
}

/**
 * Opening offline inputs: a record file (or stdin for "-") as lines, and the shard ranges from
 * `--shards N` (AWS's initial even ranges) or `--shard-map FILE` (saved ListShards output).
 */
import {createReadStream} from 'node:fs'
import {type FileHandle, open, readFile, stat} from 'node:fs/promises'

import {InputError, UsageError} from '../core/errors.js'
import {evenRanges, type ShardRange} from './hash-key.js'
import {parseShardMap} from './records-file.js'

export type LineBatches = AsyncIterable<string[]> & {close(): void}

/** Split a text stream into batches of lines (one batch per chunk: far cheaper than one await per line). */
export function lineBatches(stream: NodeJS.ReadableStream & {destroy?: () => void}): LineBatches {
  async function* batches(): AsyncGenerator<string[]> {
    let rest = ''
    for await (const chunk of stream) {
      const parts = (rest + String(chunk)).split('\n')
      rest = parts.pop()!
      if (parts.length > 0) yield parts
    }

    if (rest.length > 0) yield [rest]
  }

  const it = batches()
  return {
    close() {
      stream.destroy?.()
    },
    [Symbol.asyncIterator]: () => it,
  }
}

export interface ByteChunks {
  chunks: AsyncIterable<Uint8Array>
  close(): void
}

/**
 * The raw bytes of a record file, or of `stdin` when path is "-" (the fast path of
 * readRecordsInto). A file's chunks reuse two buffers: each is valid until the next is asked for
 * (readRecordsInto copies what it keeps). Missing or unreadable files → InputError (exit 6).
 */
export async function openRecords(
  path: string,
  stdin: NodeJS.ReadableStream & {destroy?: () => void},
): Promise<ByteChunks> {
  if (path === '-') return {chunks: stdin as AsyncIterable<Uint8Array>, close() {}}
  await checkReadable(path)
  let handle: FileHandle
  try {
    handle = await open(path)
  } catch (error) {
    throw cannotRead(path, error)
  }

  let closed = false
  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    await handle.close()
  }

  // Two buffers in turn spare a fresh 1 MiB Buffer (its page faults and GC) per chunk, and the
  // next chunk is read while the reader works on this one.
  async function* chunks(): AsyncGenerator<Uint8Array> {
    const size = 1 << 20
    const buffers = [new Uint8Array(size), new Uint8Array(size)]
    const readInto = (i: number): Promise<{buffer: Uint8Array; bytesRead: number}> => {
      const read = handle.read(buffers[i]!, 0, size, null)
      // A failure surfaces where the read is awaited, not as an unhandled rejection before that.
      read.catch(() => {})
      return read
    }

    let next = 0
    let reading: ReturnType<typeof readInto> | undefined = readInto(next)
    try {
      for (;;) {
        const {buffer, bytesRead} = await reading
        reading = undefined
        if (bytesRead === 0) return
        next ^= 1
        reading = readInto(next)
        yield buffer.subarray(0, bytesRead)
      }
    } finally {
      // A reader that stops early leaves a read in flight: let it end before closing the file.
      await reading?.catch(() => {})
      await close()
    }
  }

  return {
    chunks: chunks(),
    close() {
      // Clean-up on the way out: a failure to close is not worth an error of its own.
      close().catch(() => {})
    },
  }
}

async function checkReadable(path: string): Promise<void> {
  try {
    const s = await stat(path)
    if (!s.isFile()) throw new InputError(`--records ${path} is not a file`)
  } catch (error) {
    if (error instanceof InputError) throw error
    throw cannotRead(path, error)
  }
}

function cannotRead(path: string, error: unknown): InputError {
  return new InputError(`cannot read --records ${path}: ${(error as Error).message}`, {
    suggestions: ['Check the path, or pass - to read records from stdin.'],
  })
}

/** Lines of a file, or of `stdin` when path is "-", in batches. Missing or unreadable files → InputError (exit 6). */
export async function openLines(path: string, stdin: NodeJS.ReadableStream): Promise<LineBatches> {
  if (path === '-') {
    stdin.setEncoding('utf8')
    return lineBatches(stdin)
  }

  try {
    const s = await stat(path)
    if (!s.isFile()) throw new InputError(`--records ${path} is not a file`)
  } catch (error) {
    if (error instanceof InputError) throw error
    throw new InputError(`cannot read --records ${path}: ${(error as Error).message}`, {
      suggestions: ['Check the path, or pass - to read records from stdin.'],
    })
  }

  return lineBatches(createReadStream(path, {encoding: 'utf8', highWaterMark: 1 << 20}))
}

/** Shard ranges for offline analysis. Exactly one of shards / shardMap. */
export async function offlineShardRanges(options: {
  shardMap?: string | undefined
  shards?: number | undefined
}): Promise<{ranges: ShardRange[]; source: string}> {
  if (options.shards !== undefined && options.shardMap !== undefined) {
    throw new UsageError('--shards and --shard-map cannot be combined', {
      suggestions: ["Use --shards N for a new stream's even ranges, or --shard-map FILE for the real ranges."],
    })
  }

  if (options.shardMap !== undefined) {
    let text: string
    try {
      text = await readFile(options.shardMap, 'utf8')
    } catch (error) {
      throw new InputError(`cannot read --shard-map ${options.shardMap}: ${(error as Error).message}`, {
        suggestions: [
          'Save one with: aws kinesis list-shards --stream-name NAME --shard-filter Type=AT_LATEST > shards.json',
        ],
      })
    }

    return {ranges: parseShardMap(text, options.shardMap), source: options.shardMap}
  }

  if (options.shards !== undefined)
    return {ranges: evenRanges(options.shards), source: `${options.shards} even shard range(s)`}
  throw new UsageError('offline analysis needs --shards N or --shard-map FILE', {
    suggestions: [
      "Add --shards 4 (AWS's initial even ranges for 4 shards), or --shard-map shards.json (saved aws kinesis list-shards output).",
    ],
  })
}

/**
 * A local uncompressed input read into two reused buffers, the next read running while the
 * current chunk is checked. A read stream allocates a fresh buffer per chunk instead, and on a
 * 1 GiB file that (page faults of new memory, the stream machinery) cost about three times the
 * CPU of the reads themselves; `copy-check` is meant to keep up with the disk.
 */
import {open} from 'node:fs/promises'

import {compressedMagic} from './input.js'

const CHUNK_BYTES = 2 * 1024 * 1024

export interface PlainFile {
  /**
   * The file's bytes in order. Each chunk is valid only until the next is asked for (its buffer
   * is then refilled): a consumer keeps what it needs by copying it.
   */
  chunks: AsyncIterable<Buffer>
}

/** The file at `path` as reused chunks, or undefined when it starts like a compressed file (decompress() reads those). */
export async function openPlainFile(path: string): Promise<PlainFile | undefined> {
  const handle = await open(path, 'r')
  const buffers = [Buffer.allocUnsafeSlow(CHUNK_BYTES), Buffer.allocUnsafeSlow(CHUNK_BYTES)]
  let first: Buffer
  try {
    const {bytesRead} = await handle.read(buffers[0]!, 0, CHUNK_BYTES, null)
    first = buffers[0]!.subarray(0, bytesRead)
  } catch (error) {
    await handle.close()
    throw error
  }

  if (compressedMagic(first)) {
    await handle.close()
    return undefined
  }

  async function* chunks(): AsyncGenerator<Buffer> {
    let current = first
    let filling = 1
    let pending: Promise<{bytesRead: number}> | undefined
    try {
      while (current.length > 0) {
        pending = handle.read(buffers[filling]!, 0, CHUNK_BYTES, null)
        yield current
        const {bytesRead} = await pending
        pending = undefined
        current = buffers[filling]!.subarray(0, bytesRead)
        filling ^= 1
      }
    } finally {
      // Stopped early (an error in the consumer): let the read in flight end before closing.
      await pending?.catch(() => undefined)
      await handle.close()
    }
  }

  return {chunks: chunks()}
}

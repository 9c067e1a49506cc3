import {readFileSync} from 'node:fs'
import {Readable} from 'node:stream'
import {describe, expect, it} from 'vitest'

import {decompress, decompressionError} from '../../../src/lib/redshift/input.js'

const bz2 = readFileSync(new URL('../../fixtures/redshift/rows-two-streams.csv.bz2', import.meta.url))
const rows = Array.from({length: 2000}, (_, i) => `${i},name-${i},2026-01-${String((i % 28) + 1).padStart(2, '0')}`)
const text = `id,name,day\n${rows.join('\n')}\n`

/** Everything decompress() gives for `data` fed in `piece`-byte chunks, or the mapped error. */
async function readAll(
  data: Buffer,
  piece = 700,
): Promise<{compression: string; error?: Error | undefined; text?: string}> {
  const chunks = Array.from({length: Math.ceil(data.length / piece)}, (_, i) =>
    data.subarray(i * piece, (i + 1) * piece),
  )
  const d = await decompress(Readable.from(chunks), undefined)
  const out: Buffer[] = []
  let plain = 0
  try {
    for await (const chunk of d.chunks) {
      out.push(chunk)
      plain += chunk.length
    }
  } catch (error) {
    return {compression: d.compression, error: decompressionError(error, d.compression, d.compressedRead(), plain)}
  }

  return {compression: d.compression, text: Buffer.concat(out).toString('utf8')}
}

describe('decompress: bzip2', () => {
  it('reads a bzip2 input of two streams (pbzip2, lbzip2) whole, fed in small chunks', async () => {
    expect(await readAll(bz2)).toEqual({compression: 'bzip2', text})
  })

  it('a truncated or corrupt bzip2 input is an error naming bzip2 (exit 6), never a shorter file', async () => {
    const cut = await readAll(bz2.subarray(0, 2000))
    expect(cut.error).toMatchObject({code: 'CorruptBzip2', exitCode: 6})
    expect(cut.error?.message).toMatch(/bzip2 input is corrupt or truncated/)
    const bad = Buffer.from(bz2)
    bad[200] = bad[200]! ^ 0xff
    expect((await readAll(bad)).error).toMatchObject({code: 'CorruptBzip2'})
  })

  it('near miss: text that starts with "BZh" but no block-size digit is plain text', async () => {
    expect(await readAll(Buffer.from('BZhello,world\n'))).toEqual({compression: 'none', text: 'BZhello,world\n'})
  })
})

import {mkdtemp, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {gzipSync} from 'node:zlib'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {openPlainFile} from '../../../src/lib/redshift/plain-file.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pipeops-plain-file-test-'))
})
afterAll(async () => {
  await rm(dir, {force: true, recursive: true})
})

describe('openPlainFile', () => {
  it('yields every byte in order across reused buffers (a file of more than two chunks)', async () => {
    // 5 MiB + 3 bytes: three 2 MiB reads, the last one short.
    const data = Buffer.alloc(5 * 1024 * 1024 + 3)
    for (let i = 0; i < data.length; i++) data[i] = 0x61 + (i % 23)
    const file = path.join(dir, 'big.csv')
    await writeFile(file, data)
    const plain = (await openPlainFile(file))!
    const copies: Buffer[] = []
    // Copy each chunk before asking for the next: the buffer is refilled after.
    for await (const chunk of plain.chunks) copies.push(Buffer.from(chunk))
    expect(copies.length).toBe(3)
    expect(Buffer.concat(copies).equals(data)).toBe(true)
  })

  it('leaves compressed files to decompress(), and yields nothing for an empty file', async () => {
    const gz = path.join(dir, 'a.csv.gz')
    await writeFile(gz, gzipSync('a,b\n'))
    expect(await openPlainFile(gz)).toBeUndefined()
    const bz = path.join(dir, 'a.csv.bz2')
    await writeFile(bz, Buffer.from('BZh91AY&SY'))
    expect(await openPlainFile(bz)).toBeUndefined()
    const empty = path.join(dir, 'empty.csv')
    await writeFile(empty, '')
    const chunks: Buffer[] = []
    for await (const chunk of (await openPlainFile(empty))!.chunks) chunks.push(chunk)
    expect(chunks).toEqual([])
  })
})

import fc from 'fast-check'
import {mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {Readable} from 'node:stream'
import {gunzipSync, gzipSync} from 'node:zlib'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {copySplit, type CopySplitOptions} from '../../../src/lib/redshift/copy-split.js'
import {findZstd} from '../../../src/lib/redshift/input.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pipeops-split-test-'))
})
afterAll(async () => {
  await rm(dir, {force: true, recursive: true})
})

/** An independent RFC 4180 record splitter (terminators dropped, CR kept) for checking the output. */
function csvRecords(text: string): string[] {
  const out: string[] = []
  let inQuote = false
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '"') inQuote = !inQuote
    else if (c === '\n' && !inQuote) {
      out.push(text.slice(start, i))
      start = i + 1
    }
  }

  if (start < text.length) out.push(text.slice(start))
  return out
}

function chunked(buf: Buffer, sizes: number[]): Readable {
  const chunks: Buffer[] = []
  let pos = 0
  let i = 0
  while (pos < buf.length) {
    const size = sizes[i++ % sizes.length]!
    chunks.push(buf.subarray(pos, pos + size))
    pos += size
  }

  return Readable.from(chunks)
}

let run = 0
async function split(input: Buffer | Readable, extra: Partial<CopySplitOptions> = {}) {
  const out = path.join(dir, `run-${run++}`)
  const stream = Buffer.isBuffer(input) ? Readable.from([input]) : input
  const outcome = await copySplit(
    {
      codec: 'gzip',
      delimiter: ',',
      dryRun: false,
      format: 'csv',
      header: 'none',
      input: {kind: 'stdin', stream},
      level: 1,
      now: () => performance.now(),
      output: {kind: 'dir', path: out},
      quote: '"',
      slices: {count: 3, estimate: false, source: 'test'},
      targetSize: 100e6,
      workers: 1,
      ...extra,
    },
    {},
  )
  const names = (await readdir(out)).filter((n) => n.startsWith('part-')).sort()
  const parts = await Promise.all(names.map(async (n) => readFile(path.join(out, n))))
  return {names, out, outcome, parts}
}

const zstd = findZstd()
const zstdPath = 'path' in zstd ? zstd.path : undefined
const codecs = zstdPath ? (['gzip', 'zstd', 'none'] as const) : (['gzip', 'none'] as const)

async function unpack(part: Buffer, codec: string): Promise<Buffer> {
  if (codec === 'gzip') return gunzipSync(part)
  if (codec === 'none') return part
  const {createRequire} = await import('node:module')
  const mod = createRequire(import.meta.url)(zstdPath!) as {decompress: (b: Buffer) => Buffer}
  return part.length === 0 ? part : mod.decompress(part)
}

const unit = fc.constantFrom('a', 'b', ',', '"', '\n', '\r\n', 'é', '€', '😀', ' ', '1')
const field = fc.string({maxLength: 8, unit}).map((f) => (/[",\n\r]/.test(f) ? `"${f.replaceAll('"', '""')}"` : f))
const record = fc.array(field, {maxLength: 5, minLength: 1}).map((fs) => fs.join(','))

describe('copySplit engine', () => {
  it('parts decompress to exactly the input records, in a multiple of the slices (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(record, {maxLength: 60, minLength: 1}),
        fc.boolean(),
        fc.boolean(),
        fc.constantFrom('strip', 'repeat', 'none'),
        fc.integer({max: 3, min: 1}),
        fc.array(fc.integer({max: 40, min: 1}), {maxLength: 8, minLength: 1}),
        fc.boolean(),
        fc.constantFrom(...codecs),
        async (records, crlf, trailingNewline, header, filesPerSlice, chunkSizes, gzipInput, codec) => {
          const eol = crlf ? '\r\n' : '\n'
          const headerLine = 'col_a,col_b'
          const all = header === 'none' ? records : [headerLine, ...records]
          let text = all.join(eol)
          if (trailingNewline) text += eol
          // An empty input is an error (tested below), not a split.
          fc.pre(text.length > 0)
          const raw = Buffer.from(text)
          const input = gzipInput ? gzipSync(raw) : raw
          const {outcome, parts} = await split(chunked(input, chunkSizes), {
            blockSize: 7,
            codec,
            filesPerSlice,
            header: header as 'none',
            level: codec === 'zstd' ? 3 : 1,
            zstdPath,
          })
          expect(parts.length).toBe(3 * filesPerSlice)
          expect(parts.length % 3).toBe(0)
          const got: string[] = []
          for (const p of parts) {
            let recs = csvRecords((await unpack(p, codec)).toString('utf8'))
            if (header === 'repeat') {
              expect(recs[0]).toBe(headerLine + (crlf ? '\r' : ''))
              recs = recs.slice(1)
            }

            got.push(...recs)
          }

          const expected = csvRecords(raw.toString('utf8')).slice(header === 'none' ? 0 : 1)
          // A last record without a line end gets the file's own line end (CRLF files: CR LF).
          if (!text.endsWith('\n') && crlf && all.length > 1 && expected.length > 0)
            expected[expected.length - 1] += '\r'
          expect(got.sort()).toEqual(expected.sort())
          expect(outcome.result.input.records).toBe(expected.length)
          expect(outcome.result.parts.reduce((n, p) => n + (p.records ?? 0), 0)).toBe(expected.length)
          expect(outcome.result.input.header).toBe(header)
          expect(outcome.result.copySql).toContain(`IGNOREHEADER ${header === 'repeat' ? 1 : 0}`)
        },
      ),
      {numRuns: 60},
    )
  }, 120_000)

  it('never cuts a multi-byte character, whatever the input chunking', async () => {
    const text = Array.from({length: 500}, (_, i) => `${i},"😀€é ${'ü'.repeat(i % 13)}"`).join('\n') + '\n'
    const {parts} = await split(chunked(Buffer.from(text), [1, 2, 3, 5]), {blockSize: 5})
    const decoder = new TextDecoder('utf8', {fatal: true})
    const back = parts.flatMap((p) => csvRecords(decoder.decode(gunzipSync(p))))
    expect(back.sort()).toEqual(csvRecords(text).sort())
  })

  it('writes a standard gzip member per part with CRC and size (gunzip verifies both)', async () => {
    const text = Array.from({length: 3000}, (_, i) => `${i},name ${i},${i * 3}`).join('\n') + '\n'
    const {outcome, parts} = await split(Buffer.from(text), {blockSize: 1000, level: 6})
    for (const p of parts) {
      expect(p.subarray(0, 3)).toEqual(Buffer.from([0x1f, 0x8b, 0x08]))
      expect(() => gunzipSync(p)).not.toThrow()
      expect(p.readUInt32LE(p.length - 4)).toBe(gunzipSync(p).length)
    }

    const sizes = outcome.result.parts.map((p) => p.bytes)
    expect(outcome.result.balance).toEqual({maxBytes: Math.max(...sizes), minBytes: Math.min(...sizes)})
    expect(outcome.result.parts[0]!.checksum).toMatch(/^sha256:[0-9a-f]{64}$/)
  })

  it('is reproducible: the same input gives byte-identical parts', async () => {
    const text = Buffer.from(Array.from({length: 2000}, (_, i) => `${i},"v ${i % 7}"`).join('\n'))
    const a = await split(chunked(text, [100, 7]), {blockSize: 500})
    const b = await split(chunked(text, [3, 1000]), {blockSize: 500})
    expect(a.parts).toEqual(b.parts)
  })

  it('text format: escaped newlines stay inside records; json lines split per line', async () => {
    const text = Buffer.from('a|b\\\nstill a\n'.repeat(50) + 'last|x')
    const {outcome, parts} = await split(text, {blockSize: 10, delimiter: '|', format: 'text'})
    const joined = parts.map((p) => gunzipSync(p).toString()).join('')
    expect(joined.split('\\\n').length - 1).toBe(50)
    expect(outcome.result.input.records).toBe(51)
    expect(outcome.result.copySql).toMatch(/DELIMITER '\|'\nESCAPE/)
    const json = Buffer.from(Array.from({length: 100}, (_, i) => JSON.stringify({i, s: `x,"${i}"`})).join('\n') + '\n')
    const j = await split(json, {blockSize: 64, format: 'json'})
    expect(j.outcome.result.input.records).toBe(100)
    expect(j.outcome.result.copySql).toContain("FORMAT AS JSON 'auto'")
    expect(j.outcome.result.copySql).not.toContain('IGNOREHEADER')
  })

  it('codec none writes plain parts', async () => {
    const text = Buffer.from(Array.from({length: 100}, (_, i) => `${i},x`).join('\n') + '\n')
    const {names, parts} = await split(text, {blockSize: 50, codec: 'none'})
    expect(names[0]).toBe('part-0000.csv')
    expect(parts.map(String).join('').split('\n').filter(Boolean).sort()).toEqual(
      text.toString().split('\n').filter(Boolean).sort(),
    )
  })

  it.runIf('path' in zstd)('codec zstd writes zstd frames that decompress to the records', async () => {
    const {createRequire} = await import('node:module')
    const mod = createRequire(import.meta.url)((zstd as {path: string}).path) as {decompress: (b: Buffer) => Buffer}
    const text = Buffer.from(Array.from({length: 2000}, (_, i) => `${i},"a\nb"`).join('\n') + '\n')
    const {names, parts} = await split(text, {
      blockSize: 300,
      codec: 'zstd',
      level: 3,
      zstdPath: (zstd as {path: string}).path,
    })
    expect(names[0]).toBe('part-0000.csv.zst')
    const back = parts.flatMap((p) => csvRecords(mod.decompress(p).toString()))
    expect(back.sort()).toEqual(csvRecords(text.toString()).sort())
  })

  it('keeps parts within 2 % of each other on a 60 MB input', async () => {
    // Generated quickly: varied rows, so compressed sizes are not trivially equal.
    const rows: string[] = []
    let seed = 7
    const rnd = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
      return seed / 2_147_483_648
    }

    for (let i = 0; rows.length < 20_000; i++)
      rows.push(
        `${i},${Math.floor(rnd() * 1e9)},"name ${Math.floor(rnd() * 5000)}",2024-01-${String(1 + (i % 28)).padStart(2, '0')},${(rnd() * 1000).toFixed(2)}`,
      )
    const chunk = Buffer.from(rows.join('\n') + '\n')
    const copies = Math.ceil(60e6 / chunk.length)
    const big = Buffer.concat(Array.from({length: copies}, () => chunk))
    expect(big.length).toBeGreaterThan(50e6)
    const {outcome, parts} = await split(big, {
      blockSize: undefined,
      codec: 'gzip',
      level: 1,
      slices: {count: 4, estimate: false, source: 'test'},
      workers: 2,
    })
    expect(parts.length % 4).toBe(0)
    const {maxBytes, minBytes} = outcome.result.balance
    expect(maxBytes / minBytes).toBeLessThan(1.02)
    expect(outcome.result.input.records).toBe(rows.length * copies)
  }, 120_000)
})

async function expectFailure(input: Buffer, extra: Partial<CopySplitOptions>, message: RegExp) {
  const out = path.join(dir, `fail-${run++}`)
  await expect(
    copySplit(
      {
        codec: 'gzip',
        delimiter: ',',
        dryRun: false,
        format: 'csv',
        header: 'auto',
        input: {kind: 'stdin', stream: Readable.from([input])},
        level: 1,
        now: () => 0,
        output: {kind: 'dir', path: out},
        quote: '"',
        slices: {count: 2, estimate: false, source: 'test'},
        targetSize: 100e6,
        workers: 1,
        ...extra,
      },
      {},
    ),
  ).rejects.toMatchObject({exitCode: 6, message: expect.stringMatching(message)})
  const left = await readdir(out).catch(() => [] as string[])
  expect(left).toEqual([])
}

describe('copySplit bad input (exit 6, nothing left behind)', () => {
  it('an unbalanced quote at the end names the record line', async () => {
    await expectFailure(
      Buffer.from('a,b\n1,2\n3,"oops\n4,5\n'),
      {blockSize: 4},
      /record that starts on line 3 never closes/,
    )
  })

  it('a truncated gzip input', async () => {
    const gz = gzipSync(Buffer.from(Array.from({length: 5000}, (_, i) => `${i},x${i}`).join('\n')))
    await expectFailure(gz.subarray(0, -100), {}, /truncated/)
  })

  it('a corrupt gzip input', async () => {
    const gz = gzipSync(Buffer.from(Array.from({length: 5000}, (_, i) => `${i},x${i}`).join('\n')))
    gz.fill(0x41, 40, 80)
    await expectFailure(gz, {}, /corrupt|truncated/)
  })

  it('a file named .gz whose content is not gzip', async () => {
    const file = path.join(dir, `named-${run++}.csv.gz`)
    await writeFile(file, 'a,b\n1,2\n')
    await expectFailure(
      Buffer.alloc(0),
      {input: {kind: 'file', path: file}},
      /named like a gzip file but its content is not compressed/,
    )
  })

  it('an empty input, and a gzip of nothing', async () => {
    await expectFailure(Buffer.alloc(0), {}, /empty/)
    await expectFailure(gzipSync(Buffer.alloc(0)), {}, /empty/)
  })

  it('JSON lines declared as CSV, CSV declared as JSON, and binary data', async () => {
    await expectFailure(Buffer.from('{"a":1}\n{"a":2}\n'), {}, /JSON objects/)
    await expectFailure(Buffer.from('a,b\n1,2\n'), {format: 'json', header: 'none'}, /not JSON lines/)
    await expectFailure(Buffer.from([0x61, 0x2c, 0x00, 0x01, 0x0a]), {}, /binary data/)
    await expectFailure(Buffer.from([0x42, 0x5a, 0x68, 0x39, 0x31, 0x41]), {}, /bzip2/)
  })

  it('an output directory that cannot be written', async () => {
    const file = path.join(dir, `a-file-${run++}`)
    await writeFile(file, 'x')
    await expect(
      copySplit(
        {
          codec: 'gzip',
          delimiter: ',',
          dryRun: false,
          format: 'csv',
          header: 'none',
          input: {kind: 'stdin', stream: Readable.from([Buffer.from('1,2\n')])},
          level: 1,
          now: () => 0,
          output: {kind: 'dir', path: path.join(file, 'sub')},
          quote: '"',
          slices: {count: 2, estimate: false, source: 'test'},
          targetSize: 100e6,
          workers: 1,
        },
        {},
      ),
    ).rejects.toMatchObject({code: 'OutputNotWritable', exitCode: 6})
  })
})

import {execFile} from 'node:child_process'
import {mkdtemp, readdir, readFile, rm, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'
import {gunzipSync} from 'node:zlib'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {compileSources} from '../../helpers/compile-sources.js'

const run = promisify(execFile)
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..')
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'pipeops-worker-compiled-'))
})
afterAll(async () => {
  await rm(dir, {force: true, recursive: true})
})

describe('compression workers outside TypeScript', () => {
  it('run from compiled JavaScript with plain node (no tsx loader), as from dist/', async () => {
    // Compile the engine with tsc (as `npm run build` does) under node_modules, so its imports
    // resolve, then run it with bare node: no tsx, no TypeScript loader in the worker threads.
    const outDir = path.join(root, 'node_modules', '.cache', `pipeops-worker-test-${process.pid}`)
    await compileSources('src/lib/redshift/copy-split.ts', outDir)
    const outfile = path.join(outDir, 'entry.mjs')
    await writeFile(
      outfile,
      `import {copySplit} from './lib/redshift/copy-split.js'
import {Readable} from 'node:stream'
const text = Array.from({length: 4000}, (_, i) => i + ',"a\\nb"').join('\\n') + '\\n'
const out = await copySplit({blockSize: 1000, codec: 'gzip', delimiter: ',', dryRun: false, format: 'csv', header: 'none', input: {kind: 'stdin', stream: Readable.from([Buffer.from(text)])}, level: 6, now: () => 0, output: {kind: 'dir', path: process.argv[2]}, quote: '"', slices: {count: 2, estimate: false, source: 't'}, targetSize: 1e8, workers: 2}, {})
console.log(JSON.stringify(out.result.parts.map((p) => p.records)))
`,
    )
    try {
      const partsDir = path.join(dir, 'out')
      const {stdout} = await run(process.execPath, [outfile, partsDir], {env: {PATH: process.env.PATH}})
      const records = JSON.parse(stdout) as number[]
      expect(records.reduce((a, b) => a + b, 0)).toBe(4000)
      const parts = (await readdir(partsDir)).filter((n) => n.startsWith('part-'))
      const lines = await Promise.all(
        parts.map(
          async (n) =>
            gunzipSync(await readFile(path.join(partsDir, n)))
              .toString()
              .split('\n').length - 1,
        ),
      )
      expect(lines.reduce((a, b) => a + b, 0)).toBe(8000)
    } finally {
      await rm(outDir, {force: true, recursive: true})
    }
  }, 60_000)
})

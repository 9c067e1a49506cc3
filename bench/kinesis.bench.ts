/**
 * Kinesis offline hot-key analysis: 10 million partition keys (1 million distinct, Zipf-skewed,
 * s = 1) through `kinesis key-spread` / `hot-shards --records`, side by side with the peer: a bare
 * loop that calls Node's `crypto.hash('md5', key)` on the same keys (hashing only, no analysis).
 *
 * The keys are written to a CSV file in a temporary directory (deterministic PRNG), removed at
 * the end. Library rows: every path streams that file with the same batched line reader pipeops
 * uses, in its own child process, so the peak RSS is the path's own; each path runs twice,
 * alternating, and the faster run is reported. End-to-end rows: the built CLI
 * (`node bin/run.js kinesis key-spread|hot-shards --records FILE --json`), the tuned peer as a
 * script, and the plain loop a user would write (readline + createHash + BigInt range compare),
 * each a whole process under /usr/bin/time, three alternating rounds (medians).
 */
import {spawnSync} from 'node:child_process'
// eslint-disable-next-line n/no-unsupported-features/node-builtins -- the peer named by the issue; stable in Node 20.12+ (we require 20.19+)
import {hash} from 'node:crypto'
import {once} from 'node:events'
import {createWriteStream, renameSync, statSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

import {testRunContext} from '../src/lib/core/run-context.js'
import {evenRanges} from '../src/lib/kinesis/hash-key.js'
import {analyseHotShards} from '../src/lib/kinesis/hot-shards.js'
import {analyseKeySpread} from '../src/lib/kinesis/key-spread.js'
import {openLines, openRecords} from '../src/lib/kinesis/offline-input.js'
import {CLI, e2eRow, endToEndTable, ROOT, scratchDir, timeProcess} from './e2e.js'

const TOTAL = 10_000_000
const DISTINCT = 1_000_000
const SHARDS = 8
const CHILD_FLAG = '--kinesis-bench-child'
const here = fileURLToPath(import.meta.url)
const root = path.resolve(path.dirname(here), '..')

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d_2b_79_f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** The distinct keys and a Zipf(s = 1) sequence of indexes into them. */
function makeKeys(): {distinct: string[]; sequence: Uint32Array} {
  const distinct: string[] = []
  for (let i = 0; i < DISTINCT; i++)
    distinct.push(`tenant-${(Math.imul(i, 2_654_435_761) >>> 0) % 100_000}/device-${i}`)
  const cdf = new Float64Array(DISTINCT)
  let sum = 0
  for (let r = 0; r < DISTINCT; r++) {
    sum += 1 / (r + 1)
    cdf[r] = sum
  }

  for (let r = 0; r < DISTINCT; r++) cdf[r]! /= sum
  const rand = prng(42)
  const sequence = new Uint32Array(TOTAL)
  for (let i = 0; i < TOTAL; i++) {
    const u = rand()
    let lo = 0
    let hi = DISTINCT - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (cdf[mid]! < u) lo = mid + 1
      else hi = mid
    }

    sequence[i] = lo
  }

  return {distinct, sequence}
}

/** The keys as CSV lines in batches (what the file reader hands the analysis), header first. */
function* lineBatches(distinct: string[], sequence: Uint32Array): Generator<string[]> {
  yield ['partitionKey']
  const size = 65_536
  for (let i = 0; i < sequence.length; i += size) {
    const end = Math.min(sequence.length, i + size)
    const batch: string[] = Array.from({length: end - i})
    for (let j = i; j < end; j++) batch[j - i] = distinct[sequence[j]!]!
    yield batch
  }
}

interface ChildResult {
  checksum: string
  keysPerSec: number
  ms: number
  rssMb: number
}

async function child(mode: string, file: string): Promise<void> {
  let checksum = ''
  const t0 = performance.now()
  const input = await openRecords(file, process.stdin)
  switch (mode) {
    case 'hot-shards': {
      const r = await analyseHotShards(
        {},
        {
          endMs: 600_000,
          minMinutes: 3,
          offline: {chunks: input.chunks, ranges: evenRanges(SHARDS), rangesSource: 'even', sourceName: file},
          source: 'auto',
          startMs: 0,
          threshold: 0.8,
          windowGiven: true,
        },
        testRunContext({now: () => new Date(0)}),
      )
      checksum = `${r.result.shards[0]!.shardId} top ${r.result.shards[0]!.topKeys[0]!.partitionKey}`
      break
    }

    case 'key-spread': {
      const r = await analyseKeySpread(
        {chunks: input.chunks, shardCounts: [SHARDS], sourceName: file, threshold: 0.8, topKeys: 5, windowSeconds: 600},
        testRunContext(),
      )
      checksum = `${r.counts[0]!.hottest.shardId} top ${r.counts[0]!.hottest.topKeys[0]!.partitionKey}`
      break
    }

    case 'peer': {
      // The peer reads the same file with the same batched line reader as the text path.
      const lines = await openLines(file, process.stdin)
      let x = 0
      let header = true
      for await (const batch of lines) {
        for (const key of batch) {
          if (header) {
            header = false
            continue
          }

          x ^= hash('md5', key).codePointAt(0)!
        }
      }

      checksum = String(x)
      break
    }

    default: {
      throw new Error(`unknown mode ${mode}`)
    }
  }

  const ms = performance.now() - t0
  const result: ChildResult = {
    checksum,
    keysPerSec: (TOTAL / ms) * 1000,
    ms,
    rssMb: process.resourceUsage().maxRSS / 1024,
  }
  process.stdout.write(`${JSON.stringify(result)}\n`)
}

function runChild(mode: string, file: string): ChildResult {
  const out = spawnSync(process.execPath, ['--import', 'tsx', here, CHILD_FLAG, mode, file], {
    cwd: root,
    encoding: 'utf8',
    env: {...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true'},
    maxBuffer: 1 << 20,
  })
  if (out.status !== 0) throw new Error(`bench child ${mode} failed: ${out.stderr}`)
  return JSON.parse(out.stdout.trim().split('\n').pop()!) as ChildResult
}

async function writeCsv(file: string): Promise<void> {
  const {distinct, sequence} = makeKeys()
  const tmp = `${file}.tmp`
  const out = createWriteStream(tmp)
  for (const batch of lineBatches(distinct, sequence)) {
    if (!out.write(`${batch.join('\n')}\n`)) await once(out, 'drain')
  }

  out.end()
  await once(out, 'finish')
  renameSync(tmp, file)
}

/** The peer as a user would run it: a plain script, the same batched reader (from the build) and one crypto.hash per key. */
const PEER_SCRIPT = `
import {hash} from 'node:crypto'
import {openLines} from '${pathToFileURL(path.join(ROOT, 'dist', 'lib', 'kinesis', 'offline-input.js')).href}'
let x = 0
let header = true
for await (const batch of await openLines(process.argv[2], process.stdin)) {
  for (const key of batch) {
    if (header) { header = false; continue }
    x ^= hash('md5', key).codePointAt(0)
  }
}
console.log(x)
`

/**
 * The loop a user would write without our reader (what the "bare hashing loop" means):
 * readline over the file, `createHash('md5').update(key).digest('hex')`, the 128-bit hash as a
 * BigInt compared with each shard's range (even ranges, as key-spread's `--shards`), a count per
 * shard. The tuned peer above is faster than this by a reader nobody would write by hand.
 */
const PLAIN_PEER_SCRIPT = `
import {createHash} from 'node:crypto'
import {createReadStream} from 'node:fs'
import {createInterface} from 'node:readline'
const SHARDS = ${SHARDS}
const size = 2n ** 128n / BigInt(SHARDS)
const ranges = Array.from({length: SHARDS}, (_, i) => ({end: i === SHARDS - 1 ? 2n ** 128n - 1n : size * BigInt(i + 1) - 1n, start: size * BigInt(i)}))
const counts = new Array(SHARDS).fill(0)
let header = true
for await (const key of createInterface({crlfDelay: Infinity, input: createReadStream(process.argv[2])})) {
  if (header) { header = false; continue }
  const h = BigInt('0x' + createHash('md5').update(key).digest('hex'))
  for (let s = 0; s < SHARDS; s++) if (h >= ranges[s].start && h <= ranges[s].end) { counts[s]++; break }
}
console.log(counts.join(' '))
`

/** End-to-end rows: the built CLI and both peer scripts, each a whole process, alternating. */
function endToEnd(file: string, dir: string): string {
  const peerScript = path.join(dir, 'peer.mjs')
  writeFileSync(peerScript, PEER_SCRIPT)
  const plainScript = path.join(dir, 'plain-peer.mjs')
  writeFileSync(plainScript, PLAIN_PEER_SCRIPT)
  return endToEndTable({
    rounds: 3,
    rows: ({hotShards, keySpread, peer, plain}) => [
      e2eRow(
        "plain loop: readline + `createHash('md5')` per key + BigInt range compare (the issue's bare loop)",
        plain!,
      ),
      e2eRow("tuned peer script: pipeops' batched reader + `crypto.hash('md5', key)` per key", peer!, plain),
      e2eRow(`\`pipeops kinesis key-spread --records\` (built CLI, ${SHARDS} shards)`, keySpread!, plain),
      e2eRow(`\`pipeops kinesis hot-shards --records\` (built CLI, ${SHARDS} shards)`, hotShards!, plain),
      '',
      `Against the tuned peer (CPU): key-spread ${(peer!.cpuS / keySpread!.cpuS).toFixed(2)}×, hot-shards ${(peer!.cpuS / hotShards!.cpuS).toFixed(2)}×; against the plain loop: ${(plain!.cpuS / keySpread!.cpuS).toFixed(2)}× / ${(plain!.cpuS / hotShards!.cpuS).toFixed(2)}× (target ≥ 3× the bare loop, peak RSS ≤ 300 MB).`,
    ],
    sides: {
      hotShards: () =>
        timeProcess(`node '${CLI}' kinesis hot-shards --records '${file}' --shards ${SHARDS} --json`, {
          okExits: [0, 1],
        }),
      keySpread: () =>
        timeProcess(`node '${CLI}' kinesis key-spread --records '${file}' --shards ${SHARDS} --window 10m --json`, {
          okExits: [0, 1],
        }),
      peer: () => timeProcess(`node '${peerScript}' '${file}'`),
      plain: () => timeProcess(`node '${plainScript}' '${file}'`),
    },
    title: `End to end, ${TOTAL.toLocaleString('en')} keys; 3 alternating rounds.`,
  })
}

export default async function kinesisBench(): Promise<void> {
  const scratch = scratchDir('kinesis')
  const file = path.join(scratch.dir, 'kinesis-keys-10m.csv')
  await writeCsv(file)
  const best = new Map<string, ChildResult>()
  for (let round = 0; round < 2; round++) {
    for (const mode of ['peer', 'key-spread', 'hot-shards']) {
      const r = runChild(mode, file)
      const prev = best.get(mode)
      if (!prev || r.ms < prev.ms) best.set(mode, r)
    }
  }

  const peer = best.get('peer')!
  const rows: Array<[string, {keysPerSec: number; ms: number; rssMb: number}]> = [
    ["bare loop: `crypto.hash('md5', key)` per key (peer: hashing only)", peer],
    [`pipeops \`kinesis key-spread\` analysis (${SHARDS} shards)`, best.get('key-spread')!],
    [`pipeops \`kinesis hot-shards --records\` analysis (${SHARDS} shards)`, best.get('hot-shards')!],
  ]
  console.log(
    `${TOTAL.toLocaleString('en')} keys (${DISTINCT.toLocaleString('en')} distinct, Zipf s = 1) streamed from a ${Math.round(statSync(file).size / 1e6)} MB CSV file; Node ${process.version}; best of 2 alternating runs\n`,
  )
  console.log('| path | time | keys/s | vs peer | peak RSS |')
  console.log('|---|---:|---:|---:|---:|')
  for (const [name, r] of rows) {
    console.log(
      `| ${name} | ${(r.ms / 1000).toFixed(2)} s | ${(r.keysPerSec / 1e6).toFixed(2)} M | ${(r.keysPerSec / peer.keysPerSec).toFixed(2)}× | ${Math.round(r.rssMb)} MB |`,
    )
  }

  console.log(
    `\nChecks: key-spread hottest ${best.get('key-spread')!.checksum}; hot-shards hottest ${best.get('hot-shards')!.checksum}.`,
  )
  console.log(`\n${endToEnd(file, scratch.dir)}`)
  scratch.remove()
}

if (process.argv[2] === CHILD_FLAG) await child(process.argv[3]!, process.argv[4]!)

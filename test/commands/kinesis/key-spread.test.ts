import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import type {KeySpreadResult} from '../../../src/lib/kinesis/key-spread.js'

import {useTestAwsEnv} from '../../helpers/aws-env.js'
import {errorOf, resultOf, runJson, runText} from '../../helpers/run.js'

const dir = mkdtempSync(join(tmpdir(), 'pipeops-key-spread-'))

describe('kinesis key-spread', () => {
  useTestAwsEnv()
  afterAll(() => rmSync(dir, {force: true, recursive: true}))

  it('compares shard counts and finds the smallest one under the threshold', async () => {
    const file = join(dir, 'keys.jsonl')
    const lines: string[] = []
    for (let i = 0; i < 6000; i++)
      lines.push(JSON.stringify({bytes: 2000, partitionKey: i % 3 === 0 ? 'tenant-a' : `t-${i % 400}`}))
    writeFileSync(file, lines.join('\n'))
    const run = await runJson<KeySpreadResult>([
      'kinesis',
      'key-spread',
      '--records',
      file,
      '--shards',
      '2,4',
      '--window',
      '10s',
    ])
    expect(run.exitCode).toBe(0)
    const r = resultOf(run)
    expect(r.span).toEqual({seconds: 10, source: 'window'})
    expect(r.counts.map((c) => c.shardCount)).toEqual([2, 4])
    expect(r.counts[1]!.hottest.topKeys[0]!.partitionKey).toBe('tenant-a')
    // tenant-a: 200 records/s × 2 KB ≈ 39 % of a shard; the rest spreads.
    expect(r.smallestShardCount).not.toBeNull()
    const text = await runText(['kinesis', 'key-spread', '--records', file, '--shards', '2', '--no-color'])
    expect(text.stdout).toMatch(/Spread over AWS's initial even ranges/)
    expect(text.stdout).toMatch(/unknown \(no timestamps; pass --window for rates\)/)
  })

  it('rejects bad shard counts with exit 2', async () => {
    const run = await runJson(['kinesis', 'key-spread', '--records', join(dir, 'keys.jsonl'), '--shards', '4,zero'])
    expect(run.exitCode).toBe(2)
    expect(errorOf(run).message).toMatch(/--shards must be a whole number from 1 to 10000, not "zero"/)
  })
})

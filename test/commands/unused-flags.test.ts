import {describe, expect, it} from 'vitest'

import {useTestAwsEnv} from '../helpers/aws-env.js'
import {errorOf, runJson, runText} from '../helpers/run.js'

describe('AWS flags a run does not use', () => {
  useTestAwsEnv()

  it('are not offered by commands that never call AWS, and refused if given (exit 2)', async () => {
    for (const argv of [
      ['kinesis', 'key-spread', '--keys', 'a,b', '--shards', '2', '--region', 'eu-west-1'],
      ['iam-policy', 'doctor', '--profile', 'prod'],
      ['sandbox', '--endpoint-url', 'http://127.0.0.1:1'],
    ]) {
      const run = await runJson(argv)
      expect(run.exitCode).toBe(2)
      expect(errorOf(run)).toMatchObject({code: 'UnusedFlag'})
      expect(errorOf(run).message).toMatch(/not used by this command, which makes no AWS call/)
    }

    const help = await runText(['kinesis', 'key-spread', '--help'])
    expect(help.stdout).not.toMatch(/--region/)
  })

  it('are refused by offline runs of AWS commands', async () => {
    const run = await runJson(['kinesis', 'where-is', 'k1', '--shards', '4', '--region', 'eu-west-1'])
    expect(run.exitCode).toBe(2)
    expect(errorOf(run).message).toBe(
      '--region: not used by an offline run (--shards / --shard-map), which makes no AWS call',
    )
    expect((await runJson(['kinesis', 'where-is', 'k1', '--shards', '4'])).exitCode).toBe(0)
  })
})

import {describe, expect, it} from 'vitest'

import {useTestAwsEnv} from '../helpers/aws-env.js'
import {errorOf, runJson, runText} from '../helpers/run.js'

describe('AWS flags a run does not use', () => {
  useTestAwsEnv()

  it('are not offered by commands that never call AWS, and refused if given (exit 2)', async () => {
    for (const argv of [
      ['version', '--region', 'eu-west-1'],
      ['iam-policy', 'doctor', '--profile', 'prod'],
      ['sandbox', '--endpoint-url', 'http://127.0.0.1:1'],
    ]) {
      const run = await runJson(argv)
      expect(run.exitCode).toBe(2)
      expect(errorOf(run)).toMatchObject({code: 'UnusedFlag'})
      expect(errorOf(run).message).toMatch(/not used by this command, which makes no AWS call/)
    }

    const help = await runText(['iam-policy', '--help'])
    expect(help.stdout).not.toMatch(/--region/)
  })

  it('are refused by offline runs of AWS commands', async () => {
    const spread = await runJson(['kinesis', 'key-spread', '--records', '-', '--shards', '2', '--region', 'eu-west-1'])
    expect(errorOf(spread).message).toBe(
      '--region: not used by a spread of a record file (--records), which makes no AWS call',
    )

    const run = await runJson(['kinesis', 'where-is', 'k1', '--shards', '4', '--region', 'eu-west-1'])
    expect(run.exitCode).toBe(2)
    expect(errorOf(run).message).toBe(
      '--region: not used by an offline run (--shards / --shard-map), which makes no AWS call',
    )
    expect((await runJson(['kinesis', 'where-is', 'k1', '--shards', '4'])).exitCode).toBe(0)
  })

  it('are refused by every offline mode: Step Functions files, a lifecycle file, an Athena message', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['sfn', 'lint', '-d', 'machine.json', '--region', 'eu-west-1'], /a lint of a local file/],
      [['sfn', 'retry-timeline', '-d', 'machine.json', '-s', 'A', '--profile', 'p'], /a local definition/],
      [['sfn', 'explain', '--history', 'history.json', '--region', 'eu-west-1'], /saved history/],
      [
        ['s3', 'lifecycle', 'lint', '-f', 'lifecycle.json', '--region', 'eu-west-1'],
        /a lint of a file without --estimate/,
      ],
      [
        ['s3', 'lifecycle', 'generate', '--expire-after', '30d', '--endpoint-url', 'http://127.0.0.1:1'],
        /without --bucket or --estimate/,
      ],
      [['athena', 'explain-error', 'HIVE_BAD_DATA', '--region', 'eu-west-1'], /an explanation of a message/],
    ]
    for (const [argv, why] of cases) {
      const run = await runJson(argv)
      expect(run.exitCode, argv.join(' ')).toBe(2)
      expect(errorOf(run), argv.join(' ')).toMatchObject({code: 'UnusedFlag', message: expect.stringMatching(why)})
    }

    // Where the flag is used (prices of --estimate are per region) it is accepted.
    const estimate = await runJson([
      's3',
      'lifecycle',
      'generate',
      '--expire-after',
      '30d',
      '--objects',
      '1000',
      '--avg-size',
      '1MB',
      '--region',
      'eu-west-1',
    ])
    expect(estimate.exitCode).not.toBe(2)
    // sfn lint reads a deployed definition with --state-machine, so it offers the AWS flags.
    expect((await runText(['sfn', 'lint', '--help'])).stdout).toMatch(/--region/)
  })

  it("a flag that depends on another flag's value: --syntax is for --format cloudformation only", async () => {
    const run = await runJson(['s3', 'lifecycle', 'generate', '--expire-after', '30d', '--syntax', 'json'])
    expect(run.exitCode).toBe(2)
    expect(errorOf(run)).toMatchObject({
      code: 'UnusedFlag',
      message: expect.stringContaining('--format cloudformation'),
    })
    const used = await runJson([
      's3',
      'lifecycle',
      'generate',
      '--expire-after',
      '30d',
      '--format',
      'cloudformation',
      '--syntax',
      'json',
    ])
    expect(used.exitCode).toBe(0)
  })
})

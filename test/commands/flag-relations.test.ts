/**
 * Flags a run would not use are refused, never silently ignored (issue 17 item 9). This walks
 * every command: each flag that declares which flags it needs (src/flags/relations.ts, oclif's
 * dependsOn) is given without them, and the command must refuse it with exit 2, naming the flag.
 */
import {Config, type Interfaces} from '@oclif/core'
import {beforeAll, describe, expect, it} from 'vitest'

import {useTestAwsEnv} from '../helpers/aws-env.js'
import {errorOf, runJson} from '../helpers/run.js'

type AnyFlag = Interfaces.Flag<unknown> & {
  options?: readonly string[]
  relationships?: Array<{flags: Array<string | {name: string}>; type: string}>
}

/** A value the flag's parser accepts, so the refusal is about the relation, not the value. */
function placeholder(flag: AnyFlag): string[] {
  if (flag.type === 'boolean') return [`--${flag.name}`]
  if (flag.options && flag.options.length > 0) return [`--${flag.name}`, String(flag.options.at(-1))]
  return [`--${flag.name}`, '1']
}

function needs(flag: AnyFlag): string[] {
  const fromRelations = (flag.relationships ?? [])
    .filter((r) => r.type === 'some' || r.type === 'all')
    .flatMap((r) => r.flags.map((f) => (typeof f === 'string' ? f : f.name)))
  const dependsOn = (flag.dependsOn ?? []).map(String)
  return [...fromRelations, ...dependsOn]
}

describe('every flag that needs another one', () => {
  useTestAwsEnv()
  let config: Config
  beforeAll(async () => {
    config = await Config.load(process.cwd())
  })

  it('is refused without it (exit 2, UnusedFlag, the flag and what it needs named)', async () => {
    const walked: string[] = []
    for (const command of config.commands) {
      const loaded = await command.load()
      const flags = Object.fromEntries(
        Object.entries({...loaded.baseFlags, ...loaded.flags}).map(([name, flag]) => [
          name,
          {...flag, name} as AnyFlag,
        ]),
      )
      // Required flags, and one flag of each exactly-one group, are given, so that only the relation fails.
      const oneOf = new Set(Object.values(flags).flatMap((f) => (f.exactlyOne?.length ? [f.exactlyOne[0]!] : [])))
      const required = Object.values(flags)
        .filter((f) => f.required || oneOf.has(f.name))
        .flatMap((f) => placeholder(f))
      const args = Object.values(loaded.args ?? {})
        .filter((a) => a.required)
        .map(() => 'x')
      for (const flag of Object.values(flags)) {
        const wanted = needs(flag)
        if (wanted.length === 0 || flag.required) continue
        const argv = [...command.id.split(':'), ...args, ...required, ...placeholder(flag)]
        const run = await runJson(argv)
        const label = argv.join(' ')
        expect(run.exitCode, label).toBe(2)
        expect(errorOf(run), label).toMatchObject({code: 'UnusedFlag'})
        expect(errorOf(run).message, label).toContain(`--${flag.name} is used only with`)
        for (const other of wanted) expect(errorOf(run).message, label).toContain(`--${other}`)
        walked.push(`${command.id} --${flag.name}`)
      }
    }

    // The cases the issue named are among them (a walk that found nothing would prove nothing).
    expect(walked).toEqual(
      expect.arrayContaining([
        's3:lifecycle:lint --sample-limit',
        's3:lifecycle:lint --prefix',
        's3:lifecycle:generate --yes',
        's3:lifecycle:generate --backup-out',
        'kinesis:reshard --below',
        'glue:partition-sync --yes',
        'sfn:redrive --yes',
        'sfn:explain --definition',
        'events:test-pattern --expect',
        'sandbox --keep',
        'athena:lint-columns --csv-delimiter',
        'kinesis:reshard --yes',
      ]),
    )
  })

  it('kinesis hot-shards refuses the flags of a live run beside --records', async () => {
    for (const flag of [['--source', 'records'], ['--watch'], ['--sample-seconds', '5'], ['--live']]) {
      const run = await runJson(['kinesis', 'hot-shards', '--records', 'r.jsonl', '--shards', '2', ...flag])
      expect(run.exitCode, flag.join(' ')).toBe(2)
      expect(errorOf(run).message).toBe(`${flag[0]} cannot be combined with --records`)
    }
  })

  it('accepts the same flags where they are used', async () => {
    const run = await runJson([
      's3',
      'lifecycle',
      'generate',
      '--expire-after',
      '30d',
      '--objects',
      '10',
      '--avg-size',
      '1KB',
      '--horizon',
      '1y',
    ])
    expect(run.exitCode).toBe(0)
  })
})

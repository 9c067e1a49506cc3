/**
 * An unknown command or topic: the nearest commands in the form users type ("kinesis hot-shards",
 * not oclif's "kinesis:hot-shards"), exit 2, and under --json exactly one error envelope on stdout
 * (oclif's own handler prints text on stderr only).
 */
import type {Config, Hook} from '@oclif/core'

import {distance} from 'fastest-levenshtein'

import {errorEnvelopeOf, errorText} from '../base-command.js'
import {ExitCode, UsageError} from '../lib/core/errors.js'

/** Up to three commands or topics nearest to what was typed (space form). */
export function nearestCommands(typed: string, config: Pick<Config, 'commandIDs' | 'topics'>): string[] {
  const words = typed.trim().split(/\s+/)
  const candidates = [
    ...new Set([...config.commandIDs, ...config.topics.map((t) => t.name)].map((id) => id.replaceAll(':', ' '))),
  ]
  const scored = candidates.map((c) => {
    const cWords = c.split(' ')
    // Same topic: judge the command word alone ("hotshards" against "hot-shards").
    const sameTopic = words.length > 1 && cWords.length === words.length && cWords[0] === words[0]
    const d = sameTopic ? distance(words.at(-1)!, cWords.at(-1)!) : distance(typed, c)
    const reach = Math.max(2, Math.floor((sameTopic ? words.at(-1)! : typed).length / 3))
    return {c, d, ok: d <= reach}
  })
  const near = scored
    .filter((s) => s.ok)
    .sort((a, b) => a.d - b.d || a.c.localeCompare(b.c))
    .map((s) => s.c)
  return near.slice(0, 3)
}

/**
 * The longest run of leading words that is a command: oclif joins every word before the first
 * flag into the command id, so `s3 lifecycle lint t.yaml` reaches this hook with a real command
 * followed by an argument it does not take.
 */
export function commandPrefix(typed: string, config: Pick<Config, 'commandIDs'>): string | undefined {
  const words = typed.trim().split(/\s+/)
  const ids = new Set(config.commandIDs.map((id) => id.replaceAll(':', ' ')))
  for (let n = words.length - 1; n > 0; n--) {
    const candidate = words.slice(0, n).join(' ')
    if (ids.has(candidate)) return candidate
  }

  return undefined
}

const hook: Hook.CommandNotFound = async function (options) {
  const typed = options.id.replaceAll(':', ' ')
  const {bin} = options.config
  const command = commandPrefix(typed, options.config)
  const error = command ? unexpectedArguments(typed, command, bin) : notACommand(typed, options.config)
  if ((options.argv ?? []).includes('--json')) {
    process.stdout.write(`${JSON.stringify(errorEnvelopeOf(command ?? typed, error, []), null, 2)}\n`)
  } else {
    process.stderr.write(errorText(error))
  }

  process.exitCode = ExitCode.Usage
}

function unexpectedArguments(typed: string, command: string, bin: string): UsageError {
  const extra = typed.slice(command.length).trim()
  return new UsageError(`"${bin} ${command}" takes no argument "${extra}"`, {
    code: 'UnexpectedArgument',
    details: {command, unexpected: extra.split(/\s+/)},
    suggestions: [`Files and names are given with flags: see ${bin} ${command} --help`],
  })
}

function notACommand(typed: string, config: Pick<Config, 'bin' | 'commandIDs' | 'topics'>): UsageError {
  const near = nearestCommands(typed, config)
  const topic = typed.split(' ')[0]!
  const isTopic = config.topics.some((t) => t.name === topic)
  return new UsageError(`"${typed}" is not a ${config.bin} command`, {
    code: 'CommandNotFound',
    details: {typed},
    suggestions: [
      ...near.map((c) => `Did you mean: ${config.bin} ${c}`),
      isTopic && near.length === 0
        ? `See the ${topic} commands: ${config.bin} ${topic} --help`
        : `See all commands: ${config.bin} --help`,
    ],
  })
}

export default hook

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

const hook: Hook.CommandNotFound = async function (options) {
  const typed = options.id.replaceAll(':', ' ')
  const near = nearestCommands(typed, options.config)
  const topic = typed.split(' ')[0]!
  const isTopic = options.config.topics.some((t) => t.name === topic)
  const error = new UsageError(`"${typed}" is not a ${options.config.bin} command`, {
    code: 'CommandNotFound',
    details: {typed},
    suggestions: [
      ...near.map((c) => `Did you mean: ${options.config.bin} ${c}`),
      isTopic && near.length === 0
        ? `See the ${topic} commands: ${options.config.bin} ${topic} --help`
        : `See all commands: ${options.config.bin} --help`,
    ],
  })
  if ((options.argv ?? []).includes('--json')) {
    process.stdout.write(`${JSON.stringify(errorEnvelopeOf(typed, error, []), null, 2)}\n`)
  } else {
    process.stderr.write(errorText(error))
  }

  process.exitCode = ExitCode.Usage
}

export default hook

/**
 * A fish completion script for the command tree: topics, commands, flags (long and short), each
 * with its summary, and the allowed values of flags that have a fixed list. @oclif/plugin-autocomplete
 * writes bash, zsh and PowerShell scripts but no fish one, so pipeops writes its own from the same
 * command manifest. Fish completion reference: fishshell.com/docs/current/cmds/complete.html.
 *
 * The script defines two helper functions: `__<bin>_at WORDS` is true when the words typed so far
 * (flags left out) are exactly WORDS (offer what comes next in that topic), and `__<bin>_in WORDS`
 * when they start with WORDS (offer that command's flags; flag values typed after the command do
 * not break the match).
 */

export interface CompletionFlag {
  /** A boolean flag that also has a `--no-` form. */
  allowNo?: boolean | undefined
  char?: string | undefined
  hidden?: boolean | undefined
  name: string
  options?: readonly string[] | undefined
  summary?: string | undefined
  type: 'boolean' | 'option'
}

export interface CompletionCommand {
  flags: readonly CompletionFlag[]
  hidden?: boolean | undefined
  /** oclif id, topics joined by ':' (e.g. `kinesis:hot-shards`). */
  id: string
  summary?: string | undefined
}

/** A word in single quotes for fish: only `\` and `'` need escaping there. */
export function fishQuote(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", String.raw`\'`)}'`
}

/** The first line of a summary, without a trailing period: what fits beside a completion. */
function short(text: string | undefined): string {
  return (text ?? '').split('\n')[0]!.trim().replace(/\.$/, '')
}

function helpers(fn: string): string[] {
  return [
    `# The words typed after the command name, flags and their '=value' left out.`,
    `function ${fn}_words`,
    `    set -l words (commandline -opc)`,
    `    set -e words[1]`,
    `    for w in $words`,
    `        string match -q -- '-*' $w; or echo $w`,
    `    end`,
    `end`,
    ``,
    `function ${fn}_at`,
    `    set -l words (${fn}_words)`,
    `    test (count $words) -eq (count $argv); or return 1`,
    `    test "$words" = "$argv"`,
    `end`,
    ``,
    `function ${fn}_in`,
    `    set -l words (${fn}_words)`,
    `    set -l n (count $argv)`,
    `    test (count $words) -ge $n; or return 1`,
    `    test "$words[1..$n]" = "$argv"`,
    `end`,
  ]
}

function flagLine(bin: string, fn: string, path: string[], flag: CompletionFlag): string {
  const parts = ['complete', '-c', bin, '-n', fishQuote(`${fn}_in ${path.join(' ')}`), '-l', flag.name]
  if (flag.char) parts.push('-s', flag.char)
  if (flag.type === 'option') {
    // A fixed list: offer only its values (-x: no file names); otherwise any value, files included.
    if (flag.options && flag.options.length > 0) parts.push('-x', '-a', fishQuote(flag.options.join(' ')))
    else parts.push('-r', '-F')
  }

  const summary = short(flag.summary)
  if (summary) parts.push('-d', fishQuote(summary))
  return parts.join(' ')
}

/** The whole script, for `pipeops completion fish`. */
export function fishCompletionScript(
  bin: string,
  commands: readonly CompletionCommand[],
  topics: ReadonlyMap<string, string>,
): string {
  const fn = `__${bin.replaceAll(/\W/g, '_')}`
  const lines = [
    `# fish completion for ${bin}. Install: ${bin} completion fish > ~/.config/fish/completions/${bin}.fish`,
    `complete -c ${bin} -e`,
    `complete -c ${bin} -f`,
    ...helpers(fn),
    '',
  ]
  const visible = commands.filter((c) => !c.hidden).sort((a, b) => a.id.localeCompare(b.id))
  // Next words: for each topic path (joined by spaces), the words that may follow it, with a description.
  const next = new Map<string, Map<string, string>>()
  for (const command of visible) {
    const words = command.id.split(':')
    for (let i = 0; i < words.length; i++) {
      const at = words.slice(0, i).join(' ')
      const id = words.slice(0, i + 1).join(':')
      const description = i === words.length - 1 ? short(command.summary) : short(topics.get(id))
      const offered = next.get(at) ?? new Map<string, string>()
      if (!offered.has(words[i]!) || i === words.length - 1) offered.set(words[i]!, description)
      next.set(at, offered)
    }
  }

  for (const [at, words] of next) {
    for (const [word, description] of words) {
      const line = ['complete', '-c', bin, '-n', fishQuote(`${fn}_at ${at}`.trimEnd()), '-a', fishQuote(word)]
      if (description) line.push('-d', fishQuote(description))
      lines.push(line.join(' '))
    }
  }

  for (const command of visible) {
    lines.push('')
    for (const flag of command.flags.filter((f) => !f.hidden).sort((a, b) => a.name.localeCompare(b.name))) {
      lines.push(flagLine(bin, fn, command.id.split(':'), flag))
      if (flag.type === 'boolean' && flag.allowNo)
        lines.push(
          flagLine(bin, fn, command.id.split(':'), {name: `no-${flag.name}`, summary: flag.summary, type: 'boolean'}),
        )
    }
  }

  return `${lines.join('\n')}\n`
}

import {Config} from '@oclif/core'
import {spawnSync} from 'node:child_process'
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'

import {errorOf, runJson, runText} from '../helpers/run.js'

/** One `complete …` line split into words as fish reads them (single quotes, `\\` and `\'` inside). */
function fishWords(line: string): string[] {
  const words: string[] = []
  let word = ''
  let quoted = false
  let started = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!
    if (quoted) {
      if (c === '\\' && (line[i + 1] === "'" || line[i + 1] === '\\')) word += line[++i]
      else if (c === "'") quoted = false
      else word += c
    } else if (c === "'") {
      quoted = true
      started = true
    } else if (c === ' ') {
      if (started) words.push(word)
      word = ''
      started = false
    } else {
      word += c
      started = true
    }
  }

  expect(quoted, `unclosed quote in: ${line}`).toBe(false)
  if (started) words.push(word)
  return words
}

interface Completion {
  condition: string
  description?: string | undefined
  long?: string | undefined
  short?: string | undefined
  values?: string | undefined
}

/** The `complete -c pipeops` lines of a script, read option by option. */
function completions(script: string): Completion[] {
  return script
    .split('\n')
    .filter((l) => l.startsWith('complete -c pipeops -n '))
    .map((line) => {
      const w = fishWords(line)
      const option = (name: string) => (w.includes(name) ? w[w.indexOf(name) + 1] : undefined)
      return {
        condition: option('-n')!,
        description: option('-d'),
        long: option('-l'),
        short: option('-s'),
        values: option('-a'),
      }
    })
}

let config: Config
let script: string
beforeAll(async () => {
  config = await Config.load(process.cwd())
  const run = await runText(['completion', 'fish'])
  expect(run.exitCode).toBe(0)
  script = run.stdout
})

describe('pipeops completion fish', () => {
  it('offers every visible command at its topic path, with its summary', () => {
    const all = completions(script)
    for (const command of config.commands.filter((c) => !c.hidden)) {
      const words = command.id.split(':')
      const at = ['__pipeops_at', ...words.slice(0, -1)].join(' ')
      const offered = all.find((c) => c.condition === at && c.values === words.at(-1))
      expect(offered, command.id).toBeDefined()
      expect(offered!.description).not.toContain('<%=')
    }
  })

  it("offers each command's flags, short names and fixed values, and not the deprecated spellings", () => {
    const redrive = completions(script).filter((c) => c.condition === '__pipeops_in sfn redrive')
    expect(redrive.find((c) => c.long === 'status')).toMatchObject({
      description: 'Statuses to redrive (default all three)',
      values: 'FAILED TIMED_OUT ABORTED',
    })
    expect(redrive.map((c) => c.long)).toEqual(expect.arrayContaining(['apply', 'plan', 'state-machine', 'no-color']))
    const glue = completions(script).filter((c) => c.condition === '__pipeops_in glue partition-sync')
    expect(glue.find((c) => c.long === 'database')?.short).toBe('d')
    // sfn lint's --output is the deprecated spelling of --out: a hidden alias, never offered.
    const lint = completions(script).filter((c) => c.condition === '__pipeops_in sfn lint')
    expect(lint.length).toBeGreaterThan(3)
    expect(lint.map((c) => c.long)).not.toContain('output')
  })

  it('writes a script fish accepts (fish -n), when fish is installed', () => {
    const fish = spawnSync('fish', ['--version'], {encoding: 'utf8'})
    // fish is optional on the test machines (CI does not install it); the parse above checks the quoting.
    if (fish.error) return
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'pipeops-fish-')), 'pipeops.fish')
    writeFileSync(file, script)
    const check = spawnSync('fish', ['-n', file], {encoding: 'utf8'})
    expect(check.stderr).toBe('')
    expect(check.status).toBe(0)
  })
})

describe('pipeops completion for the shells the autocomplete plugin serves', () => {
  it('points bash, zsh and PowerShell at `pipeops autocomplete SHELL` (exit 2), instead of listing fish as the only choice', async () => {
    for (const shell of ['bash', 'zsh', 'powershell']) {
      const run = await runJson(['completion', shell])
      expect(run.exitCode).toBe(2)
      expect(errorOf(run).code).toBe('UseAutocomplete')
      expect(errorOf(run).message).toContain(`pipeops autocomplete ${shell}`)
      expect(errorOf(run).message).not.toMatch(/Expected .* to be one of/)
    }
  })
})

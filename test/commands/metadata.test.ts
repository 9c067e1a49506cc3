import {Config} from '@oclif/core'
import {beforeAll, describe, expect, it} from 'vitest'

import {BaseCommand} from '../../src/base-command.js'

/**
 * House rules for every command (docs/architecture.md, "Adding a flow"): a summary, at least one
 * example written with long flags, a summary on every flag, and an IAM declaration for commands
 * that call AWS.
 */
let config: Config
beforeAll(async () => {
  config = await Config.load(process.cwd())
})

/** oclif loads commands through its own import, so `instanceof` cannot see our BaseCommand: compare by name. */
function extendsBaseCommand(cls: unknown): boolean {
  for (let c = Object.getPrototypeOf(cls); c; c = Object.getPrototypeOf(c))
    if ((c as {name?: string}).name === BaseCommand.name) return true
  return false
}

const LOCAL_ONLY = new Set(['iam-policy', 'sandbox', 'version'])

/** pipeops' own commands (not those of the help and autocomplete plugins). */
const ownCommands = () => config.commands.filter((c) => c.pluginName === config.pjson.name)

describe('every command', () => {
  it('extends BaseCommand and has a summary, examples with long flags, and flag summaries', async () => {
    const problems: string[] = []
    for (const cmd of ownCommands()) {
      const loaded = (await cmd.load()) as typeof BaseCommand
      if (!extendsBaseCommand(loaded)) problems.push(`${cmd.id}: does not extend BaseCommand`)
      if (!loaded.summary) problems.push(`${cmd.id}: no summary`)
      const examples = (loaded.examples ?? []).map((e) => (typeof e === 'string' ? e : e.command))
      if (examples.length === 0) problems.push(`${cmd.id}: no example`)
      for (const example of examples) {
        if (/\s-[a-zA-Z](\s|$)/.test(example)) problems.push(`${cmd.id}: example uses a short flag: ${example}`)
      }

      for (const [name, flag] of Object.entries(cmd.flags)) {
        if (!flag.summary && !flag.description) problems.push(`${cmd.id}: flag --${name} has no summary`)
      }
    }

    expect(problems).toEqual([])
  })

  it('declares IAM actions in service:Action form', async () => {
    const problems: string[] = []
    for (const cmd of ownCommands().filter((c) => !LOCAL_ONLY.has(c.id))) {
      const loaded = (await cmd.load()) as typeof BaseCommand
      for (const d of loaded.iam) {
        const action = typeof d === 'string' ? d : d.action
        if (!/^[a-z0-9-]+:[A-Z][A-Za-z0-9]+$/.test(action))
          problems.push(`${cmd.id}: "${action}" is not service:Action`)
      }
    }

    expect(problems).toEqual([])
  })
})

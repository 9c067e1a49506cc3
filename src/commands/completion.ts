import {Args} from '@oclif/core'

import {BaseCommand, hideAwsFlags} from '../base-command.js'
import {UsageError} from '../lib/core/errors.js'
import {type CompletionCommand, fishCompletionScript} from '../lib/shell/fish-completion.js'

/** The shells @oclif/plugin-autocomplete (`pipeops autocomplete SHELL`) writes scripts for. */
const AUTOCOMPLETE_SHELLS = ['bash', 'zsh', 'powershell']

export interface CompletionResult {
  script: string
  shell: 'fish'
}

export default class Completion extends BaseCommand {
  static override args = {
    shell: Args.string({
      description: 'The shell to write a completion script for (bash, zsh, PowerShell: `pipeops autocomplete`).',
      // bash, zsh and powershell are accepted here only to point at the command that serves them.
      options: ['fish', ...AUTOCOMPLETE_SHELLS],
      required: true,
    }),
  }
  static override baseFlags = hideAwsFlags(BaseCommand.baseFlags)
  static override callsAws = false
  static override description =
    'Prints a fish completion script for every command, flag and fixed flag value, written from the command manifest. `pipeops autocomplete` covers bash, zsh and PowerShell (its plugin has no fish script).'
  static override examples = [
    '<%= config.bin %> <%= command.id %> fish > ~/.config/fish/completions/<%= config.bin %>.fish',
  ]
  static override summary = 'Print the fish shell completion script.'

  public async run(): Promise<CompletionResult> {
    const {args} = await this.parse(Completion)
    if (args.shell !== 'fish') {
      throw new UsageError(
        `pipeops completion writes the fish script only; ${args.shell} completion comes from \`${this.config.bin} autocomplete ${args.shell}\``,
        {
          code: 'UseAutocomplete',
          suggestions: [
            `Run \`${this.config.bin} autocomplete ${args.shell}\`: it prints the set-up steps for ${args.shell}.`,
          ],
        },
      )
    }

    const commands: CompletionCommand[] = this.config.commands.map((c) => ({
      flags: Object.values(c.flags).map((f) => ({
        allowNo: f.type === 'boolean' && f.allowNo,
        char: f.char,
        hidden: f.hidden,
        name: f.name,
        options: f.type === 'option' ? f.options : undefined,
        summary: f.summary ?? f.description,
        type: f.type,
      })),
      hidden: c.hidden,
      id: c.id,
      // Plugin summaries may hold the help template's `<%= config.bin %>`.
      summary: (c.summary ?? c.description)?.replaceAll('<%= config.bin %>', this.config.bin),
    }))
    const topics = new Map(this.config.topics.map((t) => [t.name, t.description ?? '']))
    const script = fishCompletionScript(this.config.bin, commands, topics)
    if (!this.jsonEnabled()) process.stdout.write(script)
    return {script, shell: args.shell as 'fish'}
  }
}

import type {Config} from '@oclif/core'

import type {IamDeclaration} from './lib/aws/iam.js'

export interface CommandIam {
  commandId: string
  iam: IamDeclaration
}

/** Every command's IAM declaration (the static `iam` of each command class), sorted by command. */
export async function loadIamDeclarations(config: Config, only: string[] = []): Promise<CommandIam[]> {
  const wanted = new Set(only.map((id) => id.trim().replaceAll(' ', ':')))
  const out: CommandIam[] = []
  for (const cmd of config.commands) {
    if (wanted.size > 0 && !wanted.has(cmd.id)) continue
    const loaded = (await cmd.load()) as {iam?: IamDeclaration}
    if (loaded.iam && loaded.iam.length > 0) out.push({commandId: cmd.id.replaceAll(':', ' '), iam: loaded.iam})
  }

  return out.sort((a, b) => a.commandId.localeCompare(b.commandId))
}

import {BaseCommand, hideAwsFlags, PIPEOPS_VERSION} from '../base-command.js'

/** What a bug report needs first: which pipeops, on which Node and platform. */
export interface VersionInfo {
  arch: string
  node: string
  pipeops: string
  platform: string
}

export default class Version extends BaseCommand {
  static override baseFlags = hideAwsFlags(BaseCommand.baseFlags)
  static override callsAws = false
  static override description =
    'Prints the pipeops version with the Node version and platform it runs on (`--json` for scripts and bug reports). `pipeops --version` prints the same in one line.'
  static override examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']
  static override summary = 'Show the pipeops, Node and platform versions.'

  public async run(): Promise<VersionInfo> {
    await this.parse(Version)
    const info: VersionInfo = {
      arch: process.arch,
      node: process.version,
      pipeops: PIPEOPS_VERSION,
      platform: process.platform,
    }
    this.log(`pipeops ${info.pipeops} (node ${info.node}, ${info.platform}-${info.arch})`)
    return info
  }
}

import {Args, Flags} from '@oclif/core'

import {BaseCommand, hideAwsFlags} from '../base-command.js'
import {loadIamDeclarations} from '../command-registry.js'
import {buildPolicy, type PolicyDocument} from '../lib/aws/iam.js'
import {formatPolicy, type PolicyFormat} from '../lib/aws/policy-formats.js'
import {UsageError} from '../lib/core/errors.js'

export interface IamPolicyResult {
  commands: Array<{actions: Array<{action: string; when?: string}>; command: string}>
  policy: PolicyDocument
}

export default class IamPolicy extends BaseCommand {
  static override args = {
    command: Args.string({
      description: 'Commands to cover, e.g. "kinesis hot-shards" or kinesis:reshard (all when none).',
      required: false,
    }),
  }
  // No AWS call: --region, --profile, --endpoint-url, --max-attempts are not offered, and refused if given.
  static override baseFlags = hideAwsFlags(BaseCommand.baseFlags)
  static override callsAws = false
  static override description =
    'Every pipeops command declares the IAM actions it calls. This prints the least-privilege policy for the commands you name (all of them when none), as IAM JSON, a CloudFormation resource or Terraform. Resources are "*": scope them down to your stream, table or bucket ARNs.'
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> "kinesis hot-shards" "kinesis reshard" --format terraform',
    '<%= config.bin %> <%= command.id %> doctor --format cloudformation',
  ]
  static override flags = {
    format: Flags.string({
      default: 'json',
      options: ['json', 'cloudformation', 'terraform'],
      summary: 'Output format of the policy.',
    }),
  }
  static override formatIsOutput = true
  static override strict = false
  static override summary = 'Print the least-privilege IAM policy for pipeops commands.'

  public async run(): Promise<IamPolicyResult> {
    const {argv, flags} = await this.parse(IamPolicy)
    const known = new Set(this.config.commands.map((c) => c.id).filter((id) => id !== 'help'))
    const {ids: names, unknown} = matchCommandIds(argv as string[], known)
    if (unknown.length > 0) {
      throw new UsageError(`unknown command ${unknown.map((u) => `"${u}"`).join(', ')}`, {
        suggestions: [
          `Name commands as you type them, quoted: "kinesis hot-shards". Known: ${[...known].sort().join(', ').replaceAll(':', ' ')}`,
        ],
      })
    }

    const declarations = await loadIamDeclarations(this.config, names)
    const policy = buildPolicy(declarations)
    const result: IamPolicyResult = {
      commands: declarations.map((d) => ({
        actions: d.iam.map((a) => (typeof a === 'string' ? {action: a} : a)),
        command: d.commandId,
      })),
      policy,
    }
    if (!this.jsonEnabled()) this.log(formatPolicy(policy, flags.format as PolicyFormat))
    return result
  }
}

/**
 * Accept command names quoted ("kinesis hot-shards"), with colons (kinesis:hot-shards) or as
 * separate words (kinesis hot-shards), matching the longest known command id first.
 */
export function matchCommandIds(words: string[], known: Set<string>): {ids: string[]; unknown: string[]} {
  const tokens = words.flatMap((w) => w.trim().split(/[\s:]+/)).filter((t) => t !== '')
  const ids: string[] = []
  const unknown: string[] = []
  let i = 0
  while (i < tokens.length) {
    let matched = 0
    for (let len = Math.min(3, tokens.length - i); len >= 1; len--) {
      const id = tokens.slice(i, i + len).join(':')
      if (known.has(id)) {
        ids.push(id)
        matched = len
        break
      }
    }

    if (matched === 0) {
      unknown.push(tokens[i]!)
      matched = 1
    }

    i += matched
  }

  return {ids, unknown}
}

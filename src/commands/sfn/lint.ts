import {Flags} from '@oclif/core'

import {BaseCommand, PIPEOPS_VERSION} from '../../base-command.js'
import {renamedFrom} from '../../flags/output.js'
import {sfnDefinitionFlags, sfnDefinitionIam} from '../../flags/sfn-definition.js'
import {writeFileAtomic} from '../../lib/core/atomic-write.js'
import {InputError, UsageError} from '../../lib/core/errors.js'
import {parseCommaList} from '../../lib/core/parse/lists.js'
import {lintDefinitions, type SfnLintResult} from '../../lib/sfn/lint.js'
import {loadDefinitions} from '../../lib/sfn/read-live.js'
import {RULE_IDS} from '../../lib/sfn/rules.js'
import {sfnLintSarif} from '../../lib/sfn/sarif.js'
import {renderSfnLint} from '../../ui/sfn-lint.js'

export default class SfnLint extends BaseCommand {
  static override description = `Checks a Step Functions state machine offline: what Step Functions would reject (errors: transitions to missing states, unreachable states, fields not allowed on a state type, States.ALL not alone and last, retrier ranges, malformed Choice rules, Map and Parallel scopes, JSONPath vs JSONata fields, intrinsic function names) and what AWS advises against (warnings: Lambda tasks that do not retry transient Lambda errors, tasks that wait with no timeout or heartbeat, catchers that throw away the input, retry schedules longer than the execution can live, Express workflows with .sync or callbacks, distributed Maps that tolerate no failure).

Reads the deployed definition with --state-machine NAME|ARN (a version ARN reads that version; an alias ARN every version it routes to), or a file: ASL JSON or YAML, the output of \`aws stepfunctions describe-state-machine\`, CloudFormation and SAM templates (Definition, DefinitionString with Fn::Sub, DefinitionSubstitutions, a local DefinitionUri), and Terraform aws_sfn_state_machine (heredoc, jsonencode, templatefile). Values a template leaves unresolved are unknown: never an error.

Rules: ${RULE_IDS.join(', ')}.

Exit 1 when there is an error, 0 with warnings only, 6 when the file is not a readable definition.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --definition statemachine.asl.json',
    '<%= config.bin %> <%= command.id %> --definition template.yaml --json',
    '<%= config.bin %> <%= command.id %> --definition main.tf --format sarif --out sfn.sarif',
    '<%= config.bin %> <%= command.id %> --definition workflow.asl.yaml --type EXPRESS --skip task-timeout-missing',
    '<%= config.bin %> <%= command.id %> --state-machine orders --region eu-west-1',
  ]
  static override flags = {
    ...sfnDefinitionFlags,
    format: Flags.string({
      default: 'table',
      options: ['table', 'sarif'],
      summary: 'Output for people (table) or SARIF 2.1.0 for CI code scanning (use --json for the JSON envelope).',
    }),
    only: Flags.string({multiple: true, summary: 'Only these rule ids (comma-separated or repeated).'}),
    out: Flags.string({
      ...renamedFrom('output'),
      summary: 'With --format sarif: write the SARIF file here (atomically) instead of stdout.',
    }),
    skip: Flags.string({multiple: true, summary: 'Rule ids to skip (comma-separated or repeated).'}),
    type: Flags.string({
      options: ['STANDARD', 'EXPRESS'],
      summary: 'Workflow type when the file does not say (a bare ASL file); templates and Terraform say it themselves.',
    }),
  }
  static override iam = sfnDefinitionIam
  static override summary = 'Lint a Step Functions definition: what AWS would reject, and retry/catch/timeout traps.'

  public async run(): Promise<SfnLintResult> {
    const {flags} = await this.parse(SfnLint)
    if (flags.format === 'sarif' && this.jsonEnabled())
      throw new UsageError('--format sarif and --json are two different outputs: choose one')
    if (flags.out && flags.format !== 'sarif')
      throw new UsageError('--out is for --format sarif', {suggestions: ['Add --format sarif, or redirect stdout.']})
    const only = parseCommaList(flags.only)
    const skip = parseCommaList(flags.skip)
    const unknownRules = [...only, ...skip].filter((r) => !RULE_IDS.includes(r))
    if (unknownRules.length > 0)
      throw new UsageError(`unknown rule id(s): ${unknownRules.join(', ')}`, {
        suggestions: [`Rule ids: ${RULE_IDS.join(', ')}.`],
      })
    const input = flags.definition ?? flags['state-machine']!
    if (flags.definition) this.rejectAwsFlags(flags, 'a lint of a local file (--definition)')
    const loaded = await loadDefinitions(
      {definition: flags.definition, stateMachine: flags['state-machine']},
      async () => (await this.awsClients(flags)).create('sfn'),
      this.runContext(),
    )

    if (loaded.every((d) => !d.definition)) {
      throw new InputError(
        `${input} holds no definition pipeops can read offline: ${loaded.map((d) => `${d.source}: ${d.unreadable}`).join('; ')}`,
        {
          code: 'DefinitionUnreadable',
          suggestions: [
            'Lint the rendered definition instead: `aws stepfunctions describe-state-machine --state-machine-arn ARN > sm.json`, then --definition sm.json.',
          ],
        },
      )
    }

    for (const d of loaded) if (!d.definition) this.warnUser(`${d.source} was not linted: ${d.unreadable}`)
    const result = lintDefinitions(loaded, {only, skip, type: flags.type as 'EXPRESS' | 'STANDARD' | undefined})
    if (result.errors > 0) this.reportFindings()
    if (flags.format === 'sarif') {
      const sarif = `${JSON.stringify(sfnLintSarif(result.findings, input, PIPEOPS_VERSION), null, 2)}\n`
      if (flags.out) await writeFileAtomic(flags.out, sarif)
      else process.stdout.write(sarif)
    } else if (!this.jsonEnabled()) this.log(renderSfnLint(result))
    return result
  }
}

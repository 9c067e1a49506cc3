import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {onlyWith} from '../../flags/relations.js'
import {UsageError} from '../../lib/core/errors.js'
import {explainHistoryFile, explainLiveExecution, type ExplainReport, readHistoryFile} from '../../lib/sfn/explain.js'
import {loadDefinitionFile} from '../../lib/sfn/read-definition.js'
import {renderExplain} from '../../ui/sfn-explain.js'

export default class SfnExplain extends BaseCommand {
  static override args = {
    execution: Args.string({
      description: 'Execution ARN (arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME).',
      required: false,
    }),
  }
  static override description = `Finds the state where a failed execution's failure started — not the Catch handler it went to, nor the Fail state that ended it — with its error and cause (a Lambda error's errorType, errorMessage and stack trace), what the error means and the fix (the missing IAM action and a minimal statement for States.Permissions), and each retry taken against the configured schedule.

Live: reads DescribeExecution, every page of GetExecutionHistory and the definition the execution ran with. Offline: --history FILE, the output of \`aws stepfunctions get-execution-history\`, with --definition FILE to compare the retry schedule. Express executions keep no history: their CloudWatch Logs log group is the place to look.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> arn:aws:states:eu-west-1:123456789012:execution:orders:4f1c2a',
    '<%= config.bin %> <%= command.id %> --history history.json --definition statemachine.asl.json',
    '<%= config.bin %> <%= command.id %> arn:aws:states:eu-west-1:123456789012:execution:orders:4f1c2a --json',
  ]
  static override flags = {
    definition: Flags.string({
      // Live, the definition is read from the execution: the flag is for a saved history only.
      ...onlyWith('history'),
      char: 'd',
      summary: 'With --history: the definition the execution ran (any input of sfn lint), to compare retries.',
    }),
    history: Flags.string({
      summary: 'Saved output of `aws stepfunctions get-execution-history` (offline; no AWS calls).',
    }),
  }
  static override iam = [
    {action: 'states:DescribeExecution', when: 'with an execution ARN'},
    {action: 'states:GetExecutionHistory', when: 'with an execution ARN'},
    {action: 'states:DescribeStateMachineForExecution', when: 'with an execution ARN'},
  ]
  static override summary =
    'Explain a failed execution: the state where it started, the error and cause, retries taken.'

  public async run(): Promise<ExplainReport> {
    const {args, flags} = await this.parse(SfnExplain)
    if (Boolean(args.execution) === Boolean(flags.history))
      throw new UsageError('give an execution ARN or --history FILE (one of them)', {
        suggestions: [
          'pipeops sfn explain arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME',
          'pipeops sfn explain --history history.json',
        ],
      })
    let report: ExplainReport
    if (flags.history) {
      this.rejectAwsFlags(flags, 'an explanation of a saved history (--history)')
      const events = await readHistoryFile(flags.history)
      const definitions = flags.definition
        ? (await loadDefinitionFile(flags.definition)).filter((d) => d.definition)
        : []
      if (flags.definition && definitions.length !== 1)
        throw new UsageError(
          `${flags.definition} holds ${definitions.length} readable state machines; give a file with exactly one`,
        )
      report = explainHistoryFile(events, flags.history, definitions[0]?.definition)
    } else {
      const sfn = await (await this.awsClients(flags)).create('sfn')
      report = await explainLiveExecution(sfn, args.execution!, this.abortController.signal)
    }

    if (report.origin) this.reportFindings()
    if (!this.jsonEnabled()) this.log(renderExplain(report))
    return report
  }
}

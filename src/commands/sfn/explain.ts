import {Args, Flags} from '@oclif/core'

import type {StoppedStatus} from '../../lib/sfn/state-machines.js'

import {BaseCommand} from '../../base-command.js'
import {onlyWith} from '../../flags/relations.js'
import {UsageError} from '../../lib/core/errors.js'
import {parseInstant} from '../../lib/core/parse/time-window.js'
import {explainExecutions, type ExplainManyResult} from '../../lib/sfn/explain-many.js'
import {
  type ExplainClients,
  explainExecution,
  explainHistoryFile,
  type ExplainReport,
  readHistoryFile,
} from '../../lib/sfn/explain.js'
import {loadDefinitionFile} from '../../lib/sfn/read-definition.js'
import {renderExplain, renderExplainMany} from '../../ui/sfn-explain.js'

export default class SfnExplain extends BaseCommand {
  static override args = {
    execution: Args.string({
      description: 'Execution ARN (arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME).',
      required: false,
    }),
  }
  static override description = `Finds the state where a failed execution's failure started — not the Catch handler it went to, nor the Fail state that ended it — with its error and cause (a Lambda error's errorType, errorMessage and stack trace), what the error means and the fix (the missing IAM action and a minimal statement for States.Permissions), and each retry taken against the configured schedule.

Then what the state ran: a Lambda invocation's log lines (FilterLogEvents in the function's log group over the attempt's time), a Glue job run's error (GetJobRun), an ECS task's stopped reason and exit codes, a Batch job's status reason, a nested execution or a distributed Map run's failed child, explained in turn (three levels deep).

Live: reads DescribeExecution, every page of GetExecutionHistory and the definition the execution ran with. Express executions keep no history: their events are read from the state machine's CloudWatch Logs log group when logging is on. Offline: --history FILE, the output of \`aws stepfunctions get-execution-history\` (or of \`aws logs filter-log-events\` for an Express execution), with --definition FILE to compare the retry schedule.

Many executions: --state-machine with --status and --since explains every execution that stopped in the window and groups them by the state where the failure started, the error and the cause (ids and numbers masked), with counts, first and last seen, whether they can be redriven, and one example each, followed as above.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> arn:aws:states:eu-west-1:123456789012:execution:orders:4f1c2a',
    '<%= config.bin %> <%= command.id %> --history history.json --definition statemachine.asl.json',
    '<%= config.bin %> <%= command.id %> arn:aws:states:eu-west-1:123456789012:execution:orders:4f1c2a --json',
    '<%= config.bin %> <%= command.id %> --state-machine orders --status FAILED --since 24h',
  ]
  static override flags = {
    definition: Flags.string({
      // Live, the definition is read from the execution: the flag is for a saved history only.
      ...onlyWith('history'),
      char: 'd',
      summary: 'With --history: the definition the execution ran (any input of sfn lint), to compare retries.',
    }),
    follow: Flags.boolean({
      allowNo: true,
      default: true,
      summary: 'Follow the failing task into its logs, job run and child executions (--no-follow: the history only).',
    }),
    history: Flags.string({
      summary: 'Saved output of `aws stepfunctions get-execution-history` (offline; no AWS calls).',
    }),
    'max-executions': Flags.integer({
      default: 200,
      min: 1,
      summary: 'With --state-machine: explain at most this many executions, newest first (default 200).',
    }),
    since: Flags.string({
      ...onlyWith('state-machine'),
      summary:
        'With --state-machine: executions that stopped in this window, a duration (24h, 3d) or an ISO time (default 24h).',
    }),
    'state-machine': Flags.string({
      summary: 'Explain and group every execution of this state machine (name or ARN) that stopped in the window.',
    }),
    status: Flags.string({
      ...onlyWith('state-machine'),
      multiple: true,
      options: ['FAILED', 'TIMED_OUT', 'ABORTED'],
      summary: 'With --state-machine: statuses to explain (default all three).',
    }),
  }
  static override iam = [
    {action: 'states:DescribeExecution', when: 'live'},
    {action: 'states:GetExecutionHistory', when: 'live'},
    {action: 'states:DescribeStateMachineForExecution', when: 'live'},
    {action: 'states:DescribeStateMachine', when: 'with --state-machine, or an Express execution'},
    {action: 'states:ListStateMachines', when: 'when --state-machine is a name'},
    {action: 'states:ListExecutions', when: 'with --state-machine, or a distributed Map run'},
    {action: 'states:DescribeMapRun', when: 'a distributed Map run failed'},
    {action: 'logs:FilterLogEvents', when: "a Lambda task failed (its log), or an Express execution's events"},
    {action: 'lambda:GetFunctionConfiguration', when: "a Lambda task failed (the function's log group)"},
    {action: 'glue:GetJobRun', when: 'a Glue job run failed'},
  ]
  static override summary =
    'Explain a failed execution: the state where it started, the error and cause, retries taken.'

  public async run(): Promise<ExplainManyResult | ExplainReport> {
    const {args, flags} = await this.parse(SfnExplain)
    const inputs = [args.execution, flags.history, flags['state-machine']].filter(Boolean).length
    if (inputs !== 1)
      throw new UsageError('give one of: an execution ARN, --history FILE, or --state-machine NAME|ARN', {
        suggestions: [
          'pipeops sfn explain arn:aws:states:REGION:ACCOUNT:execution:MACHINE:NAME',
          'pipeops sfn explain --history history.json',
          'pipeops sfn explain --state-machine orders --status FAILED --since 24h',
        ],
      })
    const ctx = this.runContext()
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
      return this.finishOne(explainHistoryFile(events, flags.history, definitions[0]?.definition))
    }

    const factory = await this.awsClients(flags)
    const clients: ExplainClients = {sfn: await factory.create('sfn')}
    if (flags.follow) {
      clients.logs = await factory.create('logs')
      clients.lambda = await factory.create('lambda')
      clients.glue = await factory.create('glue')
    } else clients.logs = await factory.create('logs') // Express executions are read from their logs.

    if (flags['state-machine']) {
      const result = await explainExecutions(
        clients,
        {
          concurrency: 4,
          maxExecutions: flags['max-executions'],
          since: parseInstant(flags.since ?? '24h', '--since', ctx.now()),
          stateMachine: flags['state-machine'],
          statuses: (flags.status ?? ['FAILED', 'TIMED_OUT', 'ABORTED']) as StoppedStatus[],
        },
        ctx,
      )
      if (result.groups.length > 0) this.reportFindings()
      if (!this.jsonEnabled()) this.log(renderExplainMany(result))
      return result
    }

    return this.finishOne(await explainExecution(clients, {executionArn: args.execution!, follow: flags.follow}, ctx))
  }

  private finishOne(report: ExplainReport): ExplainReport {
    if (report.origin) this.reportFindings()
    if (!this.jsonEnabled()) this.log(renderExplain(report))
    return report
  }
}

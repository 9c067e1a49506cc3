import {Flags} from '@oclif/core'

import {BaseCommand, planFlags, type PlanRun} from '../../base-command.js'
import {UsageError} from '../../lib/core/errors.js'
import {parseInstant} from '../../lib/core/parse/time-window.js'
import {type ApplyReport} from '../../lib/core/plan.js'
import {
  createRedriveExecutor,
  PLAN_KIND,
  planRedrive,
  type RedriveBaseline,
  type RedrivePlan,
  type RedriveStepParams,
  type StoppedStatus,
} from '../../lib/sfn/redrive.js'
import {renderRedrivePlan} from '../../ui/sfn-redrive.js'

export interface SfnRedriveResult {
  mode: PlanRun<RedriveBaseline, RedriveStepParams>['mode']
  plan: RedrivePlan
  report: ApplyReport | null
}

export default class SfnRedrive extends BaseCommand {
  static override description = `Plans the redrive (RedriveExecution) of a STANDARD state machine's executions that failed, timed out or were aborted in a window, filtered by the error and cause (--cause-matches) or the state where the failure started (--state). Executions Step Functions would refuse are listed apart with the reason (redriveStatusReason; more than 14 days since the stop; Express). Nothing is redriven without --apply; a saved plan (--plan-out, then --plan) is re-checked against live state, and an execution redriven since the plan was made is skipped, so an interrupted apply is finished by running it again.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --state-machine orders --since 24h',
    "<%= config.bin %> <%= command.id %> --state-machine orders --since 24h --cause-matches 'Lambda.TooManyRequestsException' --apply",
    '<%= config.bin %> <%= command.id %> --state-machine orders --since 2d --state LoadToRedshift --plan-out redrive.json',
    '<%= config.bin %> <%= command.id %> --plan redrive.json --yes',
  ]
  static override flags = {
    ...planFlags,
    'cause-matches': Flags.string({
      summary: 'Only executions whose "ERROR: CAUSE" matches this regular expression.',
    }),
    'max-executions': Flags.integer({
      default: 1000,
      min: 1,
      summary: 'Examine at most this many executions, newest first (default 1000).',
    }),
    rate: Flags.integer({
      default: 5,
      max: 50,
      min: 1,
      summary: 'Redrive at most this many executions per second (default 5).',
    }),
    since: Flags.string({
      default: '24h',
      summary: 'Executions that stopped in this window: a duration (24h, 3d) or an ISO time (default 24h).',
    }),
    state: Flags.string({
      summary: "Only executions whose failure started in this state (reads each one's history).",
    }),
    'state-machine': Flags.string({
      summary: 'State machine name or ARN (needed unless --plan is given).',
    }),
    status: Flags.string({
      default: ['FAILED', 'TIMED_OUT', 'ABORTED'],
      multiple: true,
      options: ['FAILED', 'TIMED_OUT', 'ABORTED'],
      summary: 'Statuses to redrive (default all three).',
    }),
  }
  static override iam = [
    'states:ListExecutions',
    'states:DescribeExecution',
    'states:DescribeStateMachine',
    {action: 'states:ListStateMachines', when: 'when --state-machine is a name'},
    {action: 'states:GetExecutionHistory', when: 'with --state'},
    {action: 'states:DescribeStateMachineForExecution', when: 'with --state'},
    {action: 'states:RedriveExecution', when: 'with --apply or --plan'},
  ]
  static override summary = 'Redrive failed, timed-out or aborted executions safely (plan, then apply).'

  public async run(): Promise<SfnRedriveResult> {
    const {flags} = await this.parse(SfnRedrive)
    if (!flags.plan && !flags['state-machine'])
      throw new UsageError('give --state-machine NAME|ARN (or --plan FILE to apply a saved plan)', {
        suggestions: ['pipeops sfn redrive --state-machine orders --since 24h'],
      })
    let causeMatches: RegExp | undefined
    if (flags['cause-matches'] !== undefined) {
      try {
        causeMatches = new RegExp(flags['cause-matches'])
      } catch (error) {
        throw new UsageError(`--cause-matches ${JSON.stringify(flags['cause-matches'])}: ${(error as Error).message}`, {
          suggestions: [
            String.raw`Give a JavaScript regular expression, e.g. --cause-matches "Lambda\.TooManyRequests"`,
          ],
        })
      }
    }

    const ctx = this.runContext()
    const since = parseInstant(flags.since, '--since', ctx.now())
    const sfn = await (await this.awsClients(flags)).create('sfn')
    const run = await this.runPlan({
      executor: createRedriveExecutor(sfn, ctx, {minIntervalMs: 1000 / flags.rate}),
      flags,
      kind: PLAN_KIND,
      makePlan: async () =>
        planRedrive(
          sfn,
          {
            causeMatches,
            maxExecutions: flags['max-executions'],
            since,
            state: flags.state,
            stateMachine: flags['state-machine']!,
            statuses: flags.status as StoppedStatus[],
          },
          ctx,
        ),
      render: (plan) => renderRedrivePlan(plan as RedrivePlan),
    })
    return {mode: run.mode, plan: run.plan as RedrivePlan, report: run.report ?? null}
  }
}

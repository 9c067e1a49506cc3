import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {sfnDefinitionFlags, sfnDefinitionIam} from '../../flags/sfn-definition.js'
import {UsageError} from '../../lib/core/errors.js'
import {parseCommaList} from '../../lib/core/parse/lists.js'
import {loadDefinitions} from '../../lib/sfn/read-live.js'
import {type RetryTimeline, retryTimeline} from '../../lib/sfn/timeline.js'
import {renderRetryTimeline} from '../../ui/sfn-retry-timeline.js'

export default class SfnRetryTimeline extends BaseCommand {
  static override description = `For a sequence of errors, one per failed attempt of a state, prints which retrier handles each attempt (the first whose ErrorEquals matches; each retrier counts its own attempts), the wait before the next attempt (IntervalSeconds × BackoffRate^(n−1), capped by MaxDelaySeconds; 0 up to that with FULL jitter), the time waited so far, and what happens when no retry is left: the Catcher, its ResultPath and next state, or the failure.

Without --errors every attempt is assumed to fail with the first error of the first retrier. --definition reads the same inputs as \`sfn lint\`; in a file with several state machines, --machine picks one. --state-machine NAME|ARN reads the deployed definition (of a version, or the versions an alias routes to: pick one with --machine).`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --definition statemachine.asl.json --state "Load orders"',
    '<%= config.bin %> <%= command.id %> --definition template.yaml --state Charge --errors Lambda.ServiceException,Lambda.ServiceException,States.Timeout',
    '<%= config.bin %> <%= command.id %> --definition main.tf --machine aws_sfn_state_machine.orders --state Charge --json',
    '<%= config.bin %> <%= command.id %> --state-machine orders --state Charge',
  ]
  static override flags = {
    ...sfnDefinitionFlags,
    errors: Flags.string({
      multiple: true,
      summary: 'Errors of the failed attempts, in order (comma-separated or repeated).',
    }),
    machine: Flags.string({
      summary: 'Which state machine of the file (its logical id, resource address or a unique part of it).',
    }),
    state: Flags.string({char: 's', required: true, summary: 'The state whose retry policy to play out.'}),
  }
  static override iam = sfnDefinitionIam
  static override summary =
    'Play out the Retry/Catch policy of one state for a sequence of errors: waits, totals, outcome.'

  public async run(): Promise<RetryTimeline> {
    const {flags} = await this.parse(SfnRetryTimeline)
    const input = flags.definition ?? flags['state-machine']!
    if (flags.definition) this.rejectAwsFlags(flags, 'a local definition (--definition)')
    const all = await loadDefinitions(
      {definition: flags.definition, stateMachine: flags['state-machine']},
      async () => (await this.awsClients(flags)).create('sfn'),
      this.runContext(),
    )

    const loaded = all.filter((d) => !flags.machine || d.source.includes(flags.machine))
    const readable = loaded.filter((d) => d.definition)
    if (readable.length !== 1) {
      throw new UsageError(
        readable.length === 0
          ? `no readable state machine${flags.machine ? ` matching "${flags.machine}"` : ''} in ${input}`
          : `${input} holds ${readable.length} state machines: pick one with --machine`,
        {
          suggestions: loaded.map(
            (d) => `${d.source}${d.unreadable ? ` (not readable offline: ${d.unreadable})` : ''}`,
          ),
        },
      )
    }

    const result = retryTimeline(readable[0]!.definition!, flags.state, parseCommaList(flags.errors))
    if (!this.jsonEnabled()) this.log(renderRetryTimeline(result))
    return result
  }
}

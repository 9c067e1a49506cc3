import {Flags} from '@oclif/core'

import {BaseCommand, hideAwsFlags} from '../../base-command.js'
import {UsageError} from '../../lib/core/errors.js'
import {parseCommaList} from '../../lib/core/parse/lists.js'
import {loadDefinitionFile} from '../../lib/sfn/read-definition.js'
import {type RetryTimeline, retryTimeline} from '../../lib/sfn/timeline.js'
import {renderRetryTimeline} from '../../ui/sfn-retry-timeline.js'

export default class SfnRetryTimeline extends BaseCommand {
  // Offline only: --region, --profile, --endpoint-url, --max-attempts are not offered, and refused if given.
  static override baseFlags = hideAwsFlags(BaseCommand.baseFlags)
  static override callsAws = false
  static override description = `For a sequence of errors, one per failed attempt of a state, prints which retrier handles each attempt (the first whose ErrorEquals matches; each retrier counts its own attempts), the wait before the next attempt (IntervalSeconds × BackoffRate^(n−1), capped by MaxDelaySeconds; 0 up to that with FULL jitter), the time waited so far, and what happens when no retry is left: the Catcher, its ResultPath and next state, or the failure.

Without --errors every attempt is assumed to fail with the first error of the first retrier. --definition reads the same inputs as \`sfn lint\`; in a file with several state machines, --machine picks one.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --definition statemachine.asl.json --state "Load orders"',
    '<%= config.bin %> <%= command.id %> --definition template.yaml --state Charge --errors Lambda.ServiceException,Lambda.ServiceException,States.Timeout',
    '<%= config.bin %> <%= command.id %> --definition main.tf --machine aws_sfn_state_machine.orders --state Charge --json',
  ]
  static override flags = {
    definition: Flags.string({
      char: 'd',
      required: true,
      summary: 'ASL JSON/YAML, CloudFormation/SAM template or Terraform file.',
    }),
    errors: Flags.string({
      multiple: true,
      summary: 'Errors of the failed attempts, in order (comma-separated or repeated).',
    }),
    machine: Flags.string({
      summary: 'Which state machine of the file (its logical id, resource address or a unique part of it).',
    }),
    state: Flags.string({char: 's', required: true, summary: 'The state whose retry policy to play out.'}),
  }
  static override iam = []
  static override summary =
    'Play out the Retry/Catch policy of one state for a sequence of errors: waits, totals, outcome.'

  public async run(): Promise<RetryTimeline> {
    const {flags} = await this.parse(SfnRetryTimeline)
    const loaded = (await loadDefinitionFile(flags.definition)).filter(
      (d) => !flags.machine || d.source.includes(flags.machine),
    )
    const readable = loaded.filter((d) => d.definition)
    if (readable.length !== 1) {
      throw new UsageError(
        readable.length === 0
          ? `no readable state machine${flags.machine ? ` matching "${flags.machine}"` : ''} in ${flags.definition}`
          : `${flags.definition} holds ${readable.length} state machines: pick one with --machine`,
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

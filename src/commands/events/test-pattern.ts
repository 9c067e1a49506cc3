import {Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {onlyWith} from '../../flags/relations.js'
import {UsageError} from '../../lib/core/errors.js'
import {type StreamExpectation, testEventPattern, type TestPatternResult} from '../../lib/events/test-pattern.js'
import {renderTestPattern} from '../../ui/events-test-pattern.js'

export default class EventsTestPattern extends BaseCommand {
  static override description = `A local, exact implementation of EventBridge's event-pattern matching (the semantics of aws/event-ruler, which EventBridge runs): exact values, prefix, suffix, equals-ignore-case, wildcard, anything-but (values, prefix, suffix, wildcard, equals-ignore-case), numeric ranges, exists, cidr (IPv4 and IPv6), $or, null and empty strings, arrays in events. An invalid pattern is refused with EventBridge's own reason (exit 6).

With --event: the verdict and, field by field, what the pattern asked, what the event holds and whether it matched. With --events FILE.jsonl (one event per line, streamed): counts and the line numbers of matching and non-matching events; exit 0 when the run shows what --expect asks (default: every event matches), 1 otherwise.`
  static override examples = [
    `<%= config.bin %> <%= command.id %> --pattern rule-pattern.json --event s3-object-created.json`,
    `<%= config.bin %> <%= command.id %> --pattern '{"source":["aws.s3"],"detail":{"object":{"key":[{"prefix":"in/"}]}}}' --event event.json --json`,
    '<%= config.bin %> <%= command.id %> --pattern rule-pattern.json --events captured.jsonl --expect any',
  ]
  static override flags = {
    event: Flags.string({
      exclusive: ['events'],
      summary: 'One event: a file path or inline JSON.',
    }),
    events: Flags.string({
      exclusive: ['event'],
      summary: 'A JSON Lines file, one event per line (streamed).',
    }),
    expect: Flags.string({
      ...onlyWith('events'),
      options: ['all', 'any', 'none'],
      summary: 'With --events: exit 0 when all (the default), any or none of the events match.',
    }),
    pattern: Flags.string({
      required: true,
      summary: 'The event pattern: a file path or inline JSON.',
    }),
  }
  static override iam = []
  static override summary =
    'Test an EventBridge event pattern against an event or a JSON Lines file of events, locally.'

  public async run(): Promise<TestPatternResult> {
    const {flags} = await this.parse(EventsTestPattern)
    this.rejectAwsFlags(this.argv, 'events test-pattern')
    if (flags.event === undefined && flags.events === undefined)
      throw new UsageError('give --event FILE|JSON or --events FILE.jsonl', {
        suggestions: [
          'pipeops events test-pattern --pattern pattern.json --event event.json',
          'pipeops events test-pattern --pattern pattern.json --events events.jsonl',
        ],
      })
    const result = await testEventPattern(
      {
        event: flags.event,
        events: flags.events,
        expect: (flags.expect ?? 'all') as StreamExpectation,
        pattern: flags.pattern,
      },
      this.runContext(),
    )
    const ok = result.mode === 'event' ? result.matches : result.expectationMet
    if (!ok) this.reportFindings()
    if (!this.jsonEnabled()) this.log(renderTestPattern(result))
    return result
  }
}

/**
 * An event pattern EventBridge would refuse. The message is EventBridge's own
 * (`InvalidEventPatternException`: "Event pattern is not valid. Reason: …"), so a script that
 * compares our verdict with `aws events test-event-pattern` sees the same words. Exit 6.
 */
import {InputError} from '../core/errors.js'

export const INVALID_PATTERN_PREFIX = 'Event pattern is not valid. Reason: '

export class InvalidEventPatternError extends InputError {
  /** The reason alone, without EventBridge's prefix (e.g. `Empty arrays are not allowed`). */
  /** Where in the pattern, as a dotted field path (empty at the top). */
  readonly patternPath: string | undefined
  readonly reason: string

  constructor(reason: string, options: {path?: string | undefined; source?: string | undefined} = {}) {
    const where = [options.source, options.path ? `at ${options.path}` : undefined].filter(Boolean).join(' ')
    super(`${where ? `${where}: ` : ''}${INVALID_PATTERN_PREFIX}${reason}`, {
      code: 'InvalidEventPattern',
      suggestions: [
        'Event pattern syntax: https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html',
      ],
    })
    this.name = 'InvalidEventPatternError'
    this.reason = reason
    this.patternPath = options.path
  }
}

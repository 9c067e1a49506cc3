/** `kinesis reshard` flags → the strategy request its planner takes. */
import type {StrategyRequest} from '../lib/kinesis/reshard/plan.js'

import {UsageError} from '../lib/core/errors.js'
import {parseUtilisation} from './utilisation.js'

export interface StrategyFlags {
  below?: string | undefined
  'even-out': boolean
  'isolate-key'?: string | undefined
  'merge-cold': boolean
  plan?: string | undefined
  'split-hot': boolean
  'target-shards'?: number | undefined
  threshold: string
}

/** The strategies, one of which a run chooses (oclif refuses two of them, or one beside --plan). */
export const STRATEGY_FLAGS = ['target-shards', 'split-hot', 'isolate-key', 'merge-cold', 'even-out'] as const

/** --below's value when --merge-cold is given without it. */
export const DEFAULT_BELOW = '0.25'

/**
 * The one strategy the flags choose. Returns undefined for a --plan run. Two strategies, or a
 * strategy beside --plan, are refused by the flags' `exclusive` declarations before this runs.
 */
export function strategyFromFlags(flags: StrategyFlags): StrategyRequest | undefined {
  const chosen = STRATEGY_FLAGS.filter((name) => flags[name] !== undefined && flags[name] !== false)
  if (flags.plan) {
    if (chosen.length > 0)
      throw new UsageError(`--plan applies a saved plan; do not combine it with --${chosen.join(', --')}`, {
        suggestions: ['Drop the strategy flag, or drop --plan to make a new plan.'],
      })
    return undefined
  }

  if (chosen.length !== 1) {
    throw new UsageError(
      chosen.length === 0 ? 'choose a strategy' : `choose one strategy at a time, not --${chosen.join(' and --')}`,
      {
        suggestions: [
          `Pass exactly one of ${STRATEGY_FLAGS.map((f) => `--${f}`).join(', ')} (or --plan FILE to apply a saved plan).`,
        ],
      },
    )
  }

  if (flags['target-shards'] !== undefined) return {kind: 'target-shards', target: flags['target-shards']}
  if (flags['split-hot']) return {kind: 'split-hot', threshold: parseUtilisation(flags.threshold, '--threshold')}
  if (flags['isolate-key'] !== undefined) {
    if (flags['isolate-key'].length === 0 || flags['isolate-key'].length > 256) {
      throw new UsageError(
        `--isolate-key must be a partition key of 1 to 256 characters, not ${flags['isolate-key'].length} characters`,
      )
    }

    return {kind: 'isolate-key', partitionKey: flags['isolate-key']}
  }

  if (flags['merge-cold']) return {below: parseUtilisation(flags.below ?? DEFAULT_BELOW, '--below'), kind: 'merge-cold'}
  return {kind: 'even-out'}
}

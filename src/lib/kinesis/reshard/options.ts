/** Flag values of `kinesis reshard` that need parsing: utilisation levels given as 0.8, 80% or 80 %. */
import {UsageError} from '../../core/errors.js'

/** "0.8", "80%", "80 %" → 0.8. Must be above 0 and at most 1 (100 % of a shard's write limit). */
export function parseUtilisation(text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(text)
  const value = m ? Number(m[1]) / (m[2] ? 100 : 1) : Number.NaN
  if (!m || !(value > 0) || value > 1) {
    throw new UsageError(`${flag} "${text}" is not a utilisation level`, {
      suggestions: [
        `Give a fraction of one shard's write limit (1 MiB/s or 1000 records/s) above 0 and at most 1, e.g. ${flag} 0.8 or ${flag} 80%.`,
      ],
    })
  }

  return value
}

export interface StrategyFlags {
  below: string
  'even-out': boolean
  'isolate-key'?: string | undefined
  'merge-cold': boolean
  plan?: string | undefined
  'split-hot': boolean
  'target-shards'?: number | undefined
  threshold: string
}

const STRATEGY_FLAGS = ['--target-shards', '--split-hot', '--isolate-key', '--merge-cold', '--even-out']

/**
 * The one strategy the flags choose (exactly one, unless --plan FILE gives the steps). Returns
 * undefined for a --plan run.
 */
export function strategyFromFlags(flags: StrategyFlags): import('./plan.js').StrategyRequest | undefined {
  const chosen = [
    flags['target-shards'] === undefined ? undefined : '--target-shards',
    flags['split-hot'] ? '--split-hot' : undefined,
    flags['isolate-key'] === undefined ? undefined : '--isolate-key',
    flags['merge-cold'] ? '--merge-cold' : undefined,
    flags['even-out'] ? '--even-out' : undefined,
  ].filter((f): f is string => f !== undefined)
  if (flags.plan) {
    if (chosen.length > 0)
      throw new UsageError(`--plan applies a saved plan; do not combine it with ${chosen.join(', ')}`, {
        suggestions: ['Drop the strategy flag, or drop --plan to make a new plan.'],
      })
    return undefined
  }

  if (chosen.length !== 1) {
    throw new UsageError(
      chosen.length === 0 ? 'choose a strategy' : `choose one strategy at a time, not ${chosen.join(' and ')}`,
      {
        suggestions: [`Pass exactly one of ${STRATEGY_FLAGS.join(', ')} (or --plan FILE to apply a saved plan).`],
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

  if (flags['merge-cold']) return {below: parseUtilisation(flags.below, '--below'), kind: 'merge-cold'}
  return {kind: 'even-out'}
}

/**
 * Flags shared by `s3 lifecycle generate | lint | explain` (estimate and prices), and their
 * conversion to library requests. Lives outside src/commands so oclif does not load it as a command.
 *
 * The estimate flags only mean something when an estimate is made: each one names the flags it
 * needs (src/flags/relations.ts), so a run without them refuses it (exit 2) instead of ignoring it.
 * Defaults that would defeat that check are applied here instead of in the declarations.
 */
import {Flags} from '@oclif/core'

import type {ClientFactory} from '../lib/aws/clients.js'
import type {EstimateRequest} from '../lib/s3/lifecycle/service.js'

import {UsageError} from '../lib/core/errors.js'
import {durationToDays, parseDuration} from '../lib/core/parse/duration.js'
import {parseSize} from '../lib/core/parse/size.js'
import {BUNDLED_PRICES, loadPriceFile, pricesForRegion, type ResolvedPrices} from '../lib/s3/lifecycle/prices.js'
import {onlyWith} from './relations.js'

const DEFAULT_HORIZON = '3y'
const DEFAULT_SAMPLE_LIMIT = 100_000

const horizonFlag = (relations = {}) =>
  Flags.string({
    ...relations,
    helpGroup: 'ESTIMATE',
    summary: `How far ahead to add up costs (e.g. 3y, 18 months; default ${DEFAULT_HORIZON}).`,
  })
const pricesFlag = (relations = {}) =>
  Flags.string({
    ...relations,
    helpGroup: 'ESTIMATE',
    summary: 'JSON price table to use instead of the bundled one (same shape; see docs/s3-lifecycle.md).',
  })

export const priceFlags = {horizon: horizonFlag(), prices: pricesFlag()}

const ESTIMATE_INPUTS = ['estimate', 'objects', 'avg-size', 'sample-bucket']

export const estimateFlags = {
  'avg-size': Flags.string({
    dependsOn: ['objects'],
    helpGroup: 'ESTIMATE',
    summary: 'Average object size for --estimate, e.g. 4KB, 25MB.',
  }),
  estimate: Flags.boolean({
    default: false,
    helpGroup: 'ESTIMATE',
    summary: 'Estimate transition request charges and monthly storage per class over --horizon.',
  }),
  horizon: horizonFlag(onlyWith(...ESTIMATE_INPUTS)),
  objects: Flags.string({
    dependsOn: ['avg-size'],
    exclusive: ['sample-bucket'],
    helpGroup: 'ESTIMATE',
    summary: 'Number of objects for --estimate (with --avg-size), e.g. 2000000.',
  }),
  prices: pricesFlag(onlyWith(...ESTIMATE_INPUTS)),
  'sample-bucket': Flags.string({
    helpGroup: 'ESTIMATE',
    summary: 'Sample this bucket with ListObjectsV2 for object counts, sizes and ages (with --prefix).',
  }),
  'sample-limit': Flags.integer({
    ...onlyWith('sample-bucket'),
    helpGroup: 'ESTIMATE',
    min: 1,
    summary: `Stop sampling after this many objects (default ${DEFAULT_SAMPLE_LIMIT.toLocaleString('en-US')}).`,
  }),
}

export interface PriceFlagValues {
  horizon?: string | undefined
  prices?: string | undefined
}

export interface EstimateFlagValues extends PriceFlagValues {
  'avg-size'?: string | undefined
  estimate: boolean
  objects?: string | undefined
  'sample-bucket'?: string | undefined
  'sample-limit'?: number | undefined
}

export function horizonDays(flags: PriceFlagValues): number {
  const horizon = flags.horizon ?? DEFAULT_HORIZON
  const days = durationToDays(parseDuration(horizon, '--horizon'), '--horizon')
  if (days < 1)
    throw new UsageError(`--horizon ${horizon} is shorter than a day`, {suggestions: ['Use e.g. --horizon 3y.']})
  return days
}

export async function resolvePrices(flags: PriceFlagValues, region: string | undefined): Promise<ResolvedPrices> {
  const table = flags.prices ? await loadPriceFile(flags.prices) : BUNDLED_PRICES
  return pricesForRegion(table, region)
}

/** Is an estimate asked for (explicitly or by giving its inputs)? Checks that its inputs are complete. */
export function wantsEstimate(flags: EstimateFlagValues): boolean {
  const counts = flags.objects !== undefined || flags['avg-size'] !== undefined
  const sample = flags['sample-bucket'] !== undefined
  if (!flags.estimate && !counts && !sample) return false
  if (!counts && !sample) {
    throw new UsageError('--estimate needs the objects to estimate for', {
      suggestions: ['Add --objects 2000000 --avg-size 4KB, or --sample-bucket BUCKET [--prefix P].'],
    })
  }

  return true
}

export async function estimateRequest(
  flags: EstimateFlagValues,
  context: {
    aws: () => Promise<ClientFactory>
    now: Date
    prefix: string
    region: string | undefined
    signal: AbortSignal
  },
): Promise<EstimateRequest> {
  const prices = await resolvePrices(flags, context.region)
  const horizon = horizonDays(flags)
  if (flags['sample-bucket']) {
    const s3 = await (await context.aws()).create('s3')
    return {
      horizonDays: horizon,
      now: context.now,
      prices,
      signal: context.signal,
      source: {
        bucket: flags['sample-bucket'],
        kind: 'sample',
        limit: flags['sample-limit'] ?? DEFAULT_SAMPLE_LIMIT,
        prefix: context.prefix,
        s3,
      },
    }
  }

  const objects = Number(flags.objects)
  if (!Number.isSafeInteger(objects) || objects < 1)
    throw new UsageError(`--objects must be a whole number ≥ 1, not "${flags.objects}"`)
  const avgSize = parseSize(flags['avg-size']!, '--avg-size')
  if (avgSize < 1) throw new UsageError('--avg-size must be at least 1 byte')
  return {
    horizonDays: horizon,
    now: context.now,
    prices,
    signal: context.signal,
    source: {avgSize, kind: 'counts', objects},
  }
}

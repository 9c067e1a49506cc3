/**
 * Flags shared by `s3 lifecycle generate | lint | explain` (estimate and prices), and their
 * conversion to library requests. Lives outside src/commands so oclif does not load it as a command.
 */
import {Flags} from '@oclif/core'

import type {ClientFactory} from '../lib/aws/clients.js'
import type {EstimateRequest} from '../lib/s3/lifecycle/service.js'

import {UsageError} from '../lib/core/errors.js'
import {durationToDays, parseDuration} from '../lib/core/parse/duration.js'
import {parseSize} from '../lib/core/parse/size.js'
import {BUNDLED_PRICES, loadPriceFile, pricesForRegion, type ResolvedPrices} from '../lib/s3/lifecycle/prices.js'

export const priceFlags = {
  horizon: Flags.string({
    default: '3y',
    helpGroup: 'ESTIMATE',
    summary: 'How far ahead to add up costs (e.g. 3y, 18 months).',
  }),
  prices: Flags.string({
    helpGroup: 'ESTIMATE',
    summary: 'JSON price table to use instead of the bundled one (same shape; see docs/s3-lifecycle.md).',
  }),
}

export const estimateFlags = {
  ...priceFlags,
  'avg-size': Flags.string({helpGroup: 'ESTIMATE', summary: 'Average object size for --estimate, e.g. 4KB, 25MB.'}),
  estimate: Flags.boolean({
    default: false,
    helpGroup: 'ESTIMATE',
    summary: 'Estimate transition request charges and monthly storage per class over --horizon.',
  }),
  objects: Flags.string({
    helpGroup: 'ESTIMATE',
    summary: 'Number of objects for --estimate (with --avg-size), e.g. 2000000.',
  }),
  'sample-bucket': Flags.string({
    helpGroup: 'ESTIMATE',
    summary: 'Sample this bucket with ListObjectsV2 for object counts, sizes and ages (with --prefix).',
  }),
  'sample-limit': Flags.integer({
    default: 100_000,
    helpGroup: 'ESTIMATE',
    min: 1,
    summary: 'Stop sampling after this many objects.',
  }),
}

export interface PriceFlagValues {
  horizon: string
  prices?: string | undefined
}

export interface EstimateFlagValues extends PriceFlagValues {
  'avg-size'?: string | undefined
  estimate: boolean
  objects?: string | undefined
  'sample-bucket'?: string | undefined
  'sample-limit': number
}

export function horizonDays(flags: PriceFlagValues): number {
  const days = durationToDays(parseDuration(flags.horizon, '--horizon'), '--horizon')
  if (days < 1)
    throw new UsageError(`--horizon ${flags.horizon} is shorter than a day`, {suggestions: ['Use e.g. --horizon 3y.']})
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
  if (counts && sample) throw new UsageError('give either --objects/--avg-size or --sample-bucket, not both')
  if (!counts && !sample) {
    throw new UsageError('--estimate needs the objects to estimate for', {
      suggestions: ['Add --objects 2000000 --avg-size 4KB, or --sample-bucket BUCKET [--prefix P].'],
    })
  }

  if (counts && (flags.objects === undefined || flags['avg-size'] === undefined)) {
    throw new UsageError('--objects and --avg-size go together', {
      suggestions: ['Add --objects N --avg-size SIZE, e.g. --objects 2000000 --avg-size 4KB.'],
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
        limit: flags['sample-limit'],
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

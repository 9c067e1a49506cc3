/**
 * The bundled, dated S3 price table used by --estimate and explain, and the reader for --prices.
 *
 * Figures are AWS list prices in USD for the first storage tier (Standard: first 50 TB), per
 * GB-month (GB = 2^30 bytes, as AWS bills) and per 1,000 lifecycle transition requests, from the
 * S3 pricing page (https://aws.amazon.com/s3/pricing/, "Storage" and "Requests & data
 * retrievals" → "Lifecycle Transition requests into"). They were transcribed by hand; the
 * transition figures for Glacier Flexible Retrieval ($0.03) and Deep Archive ($0.05) match the
 * secondary sources cited in reference/redshift-lifecycle.md B6. Prices change: the table carries
 * its date, every estimate prints it, and --prices FILE replaces it (same JSON shape).
 */
import {readFile} from 'node:fs/promises'

import {InputError} from '../../core/errors.js'
import {STORAGE_CLASSES, type StorageClassName, type TransitionClass} from './model.js'

export interface RegionPrices {
  /** Intelligent-Tiering monitoring and automation, per 1,000 objects (≥ 128 KB) per month. */
  intelligentTieringMonitoringPer1000: number
  /** USD per GB-month (2^30 bytes). Intelligent-Tiering: its Frequent Access tier. */
  storageGbMonth: Record<StorageClassName, number>
  /** USD per 1,000 lifecycle transition requests into the class. */
  transitionPer1000: Record<TransitionClass, number>
}

export interface PriceTable {
  /** The date the prices were read (YYYY-MM-DD). */
  asOf: string
  currency: string
  regions: Record<string, RegionPrices>
  source: string
}

const US_EAST_1: RegionPrices = {
  intelligentTieringMonitoringPer1000: 0.0025,
  storageGbMonth: {
    DEEP_ARCHIVE: 0.000_99,
    GLACIER: 0.0036,
    GLACIER_IR: 0.004,
    INTELLIGENT_TIERING: 0.023,
    ONEZONE_IA: 0.01,
    STANDARD: 0.023,
    STANDARD_IA: 0.0125,
  },
  transitionPer1000: {
    DEEP_ARCHIVE: 0.05,
    GLACIER: 0.03,
    GLACIER_IR: 0.02,
    INTELLIGENT_TIERING: 0.01,
    ONEZONE_IA: 0.01,
    STANDARD_IA: 0.01,
  },
}

/** us-east-2, us-west-2 and eu-west-1 list the same prices as us-east-1 for these classes. */
export const BUNDLED_PRICES: PriceTable = {
  asOf: '2025-06-30',
  currency: 'USD',
  regions: {
    'eu-west-1': US_EAST_1,
    'us-east-1': US_EAST_1,
    'us-east-2': US_EAST_1,
    'us-west-2': US_EAST_1,
  },
  source:
    'https://aws.amazon.com/s3/pricing/ (list prices, first tier; transcribed by hand: check with the Price List API or pass --prices)',
}

export interface ResolvedPrices {
  asOf: string
  currency: string
  /** Set when the region is not in the table and another region's prices were used. */
  fallbackFrom?: string
  prices: RegionPrices
  region: string
  source: string
}

export function pricesForRegion(table: PriceTable, wanted = 'us-east-1'): ResolvedPrices {
  const exact = table.regions[wanted]
  if (exact) return {asOf: table.asOf, currency: table.currency, prices: exact, region: wanted, source: table.source}
  const fallback = table.regions['us-east-1'] ? 'us-east-1' : Object.keys(table.regions)[0]!
  return {
    asOf: table.asOf,
    currency: table.currency,
    fallbackFrom: wanted,
    prices: table.regions[fallback]!,
    region: fallback,
    source: table.source,
  }
}

/** Read and check a --prices file (the same shape as BUNDLED_PRICES). */
export async function loadPriceFile(file: string): Promise<PriceTable> {
  let data: unknown
  try {
    data = JSON.parse(await readFile(file, 'utf8'))
  } catch (error) {
    throw new InputError(`cannot read --prices ${file}: ${(error as Error).message}`, {
      suggestions: ['Give a JSON file shaped like the bundled table (see docs/s3-lifecycle.md, "Prices").'],
    })
  }

  return checkPriceTable(data, file)
}

function checkRegion(region: string, p: Partial<RegionPrices> | undefined, fail: (what: string) => never): void {
  const storage = p?.storageGbMonth
  const trans = p?.transitionPer1000
  for (const cls of ['STANDARD', ...STORAGE_CLASSES] as const) {
    if (typeof storage?.[cls] !== 'number' || storage[cls] < 0)
      fail(`regions.${region}.storageGbMonth.${cls} must be a number ≥ 0`)
    if (cls !== 'STANDARD' && (typeof trans?.[cls] !== 'number' || trans[cls] < 0))
      fail(`regions.${region}.transitionPer1000.${cls} must be a number ≥ 0`)
  }

  if (typeof p?.intelligentTieringMonitoringPer1000 !== 'number')
    fail(`regions.${region}.intelligentTieringMonitoringPer1000 must be a number`)
}

export function checkPriceTable(data: unknown, file: string): PriceTable {
  const fail = (what: string): never => {
    throw new InputError(`--prices ${file}: ${what}`, {
      suggestions: [
        'See docs/s3-lifecycle.md, "Prices", for the shape: {asOf, currency, source, regions: {"us-east-1": {storageGbMonth, transitionPer1000, intelligentTieringMonitoringPer1000}}}.',
      ],
    })
  }

  const t = data as Partial<PriceTable>
  if (typeof t !== 'object' || t === null) return fail('not a JSON object')
  if (typeof t.asOf !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(t.asOf))
    fail('"asOf" must be the date of the prices, YYYY-MM-DD')
  if (typeof t.regions !== 'object' || t.regions === null || Object.keys(t.regions).length === 0)
    fail('"regions" must map region names to prices')
  for (const [region, p] of Object.entries(t.regions!)) checkRegion(region, p as Partial<RegionPrices>, fail)
  return {
    asOf: t.asOf!,
    currency: typeof t.currency === 'string' ? t.currency : 'USD',
    regions: t.regions!,
    source: typeof t.source === 'string' ? t.source : file,
  }
}

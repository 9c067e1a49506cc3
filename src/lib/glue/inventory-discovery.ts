/**
 * Partition discovery from an S3 Inventory report plus a live walk for what the report cannot
 * know: the report is a snapshot up to a day (or a week) old, so the partitions that may have
 * received objects since are listed live, pruned by date to the report's day and later (the same
 * walk as without a report, scoped like `--since`). The two discoveries are merged and handed to
 * the usual diff and apply of partition-sync.
 */
import type {S3Client} from '@aws-sdk/client-s3'

import type {Scope} from './scope.js'

import {compareValues, type DiscoverOptions, discoverPartitions, type Discovery} from './discover.js'
import {inventoryObjects, readInventoryManifest} from './inventory.js'

export interface InventoryInfo {
  /** The live walk for objects newer than the report: from which date, and what it cost; or why there was none. */
  gap: {partitions: number; requests: number; since: string} | {reason: string}
  /** Objects of the report under the table's root. */
  objects: number
  /** When S3 wrote the report (its creationTimestamp). */
  reportDate: null | string
  sourceBucket: string
  uri: string
}

/** Live objects newer than the report can sit in partitions dated up to a day before it (late data). */
const GAP_MARGIN_MS = 86_400_000

export async function discoverFromInventory(
  s3: S3Client,
  options: DiscoverOptions,
  inventory: {
    /** The table's partition keys include a date: a scope from a date on can prune the live walk. */
    hasDateKey: boolean
    /** The scope of the live walk from a date on (the user's --where kept). */
    scopeSince: (sinceMs: number) => Scope
    uri: string
  },
): Promise<{discovery: Discovery; info: InventoryInfo; warnings: string[]}> {
  const warnings: string[] = []
  const manifest = await readInventoryManifest(s3, inventory.uri, options.signal)
  if (manifest.sourceBucket !== options.layout.root.bucket)
    warnings.push(
      `the inventory is of bucket ${manifest.sourceBucket}, but the table is in ${options.layout.root.bucket}: no object of the table is in it`,
    )
  let objects = 0
  const counted = async function* (
    pages: AsyncIterable<Array<{Key?: string | undefined; Size?: number | undefined}>>,
  ): AsyncGenerator<Array<{Key?: string | undefined; Size?: number | undefined}>> {
    for await (const p of pages) {
      objects += p.length
      yield p
    }
  }

  const fromReport = await discoverPartitions(s3, {
    ...options,
    fullListing: true,
    objects: counted(inventoryObjects(s3, manifest, {prefix: options.layout.root.key, signal: options.signal})),
  })
  fromReport.scanned.requests += 1 + manifest.files.length
  const info: InventoryInfo = {
    gap: {reason: ''},
    objects,
    reportDate: manifest.creationTimestamp === undefined ? null : new Date(manifest.creationTimestamp).toISOString(),
    sourceBucket: manifest.sourceBucket,
    uri: inventory.uri,
  }
  if (!inventory.hasDateKey) {
    info.gap = {
      reason:
        'the table has no date partition key to prune a live walk by: objects written after the report are not seen',
    }
    warnings.push(`S3 Inventory report of ${info.reportDate}: ${info.gap.reason}`)
    return {discovery: fromReport, info, warnings}
  }

  if (manifest.creationTimestamp === undefined)
    warnings.push(
      'the manifest has no creationTimestamp: the report date is unknown, so every partition in scope is also listed live',
    )
  const sinceMs =
    manifest.creationTimestamp === undefined
      ? options.scope.sinceMs
      : Math.max(options.scope.sinceMs ?? 0, manifest.creationTimestamp - GAP_MARGIN_MS)
  const live = await discoverPartitions(s3, {
    ...options,
    fullListing: false,
    objects: undefined,
    scope: sinceMs === undefined ? options.scope : inventory.scopeSince(sinceMs),
  })
  info.gap = {
    partitions: live.partitions.length,
    requests: live.scanned.requests,
    since: sinceMs === undefined ? 'the start' : new Date(sinceMs).toISOString(),
  }
  return {discovery: mergeDiscoveries(fromReport, live), info, warnings}
}

/** The report's partitions plus the live walk's (live wins for a partition both saw: it is newer). */
export function mergeDiscoveries(report: Discovery, live: Discovery): Discovery {
  const byLocation = new Map(report.partitions.map((p) => [p.location, p]))
  for (const p of live.partitions) {
    const known = byLocation.get(p.location)
    byLocation.set(p.location, known ? {...known, hasData: known.hasData === true || p.hasData !== false} : p)
  }

  const partitions = [...byLocation.values()].sort((a, b) => compareValues(a.values, b.values))
  return {
    anomalies: [...report.anomalies, ...live.anomalies],
    caseMismatches: [...report.caseMismatches, ...live.caseMismatches],
    listed: new Set([...live.listed, ...report.listed]),
    partitions,
    scanned: {
      ...report.scanned,
      empty: partitions.filter((p) => p.hasData === false).length,
      partitions: partitions.filter((p) => p.hasData !== false).length,
      prefixes: report.scanned.prefixes + live.scanned.prefixes,
      pruned: live.scanned.pruned,
      requests: report.scanned.requests + live.scanned.requests,
    },
    seen: new Set([...live.seen, ...report.seen]),
  }
}

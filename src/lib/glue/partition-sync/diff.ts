/** The diff of S3 against the catalog: which partitions to add, drop, relocate, and which drifted from the table's storage descriptor. */
import {createHash} from 'node:crypto'

import type {CatalogPartition, TableInfo} from '../catalog.js'
import type {Discovery} from '../discover.js'

import {UsageError} from '../../core/errors.js'
import {valuesKey} from '../batch.js'
import {parseDateFormat} from '../date-format.js'
import {sdDifferences} from '../drift.js'
import {hiveLayout, type Layout, type PartitionKey, templateLayout} from '../layout.js'
import {preflight} from '../validate.js'
import {type DropEntry, type SyncLists} from './types.js'

export function sameLocation(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b
  return a.replace(/\/+$/, '') === b.replace(/\/+$/, '')
}

export function sdHash(table: TableInfo): string {
  return createHash('sha256')
    .update(stableJson({...table.sd, Location: undefined}))
    .digest('hex')
    .slice(0, 16)
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => stableJson(v)).join(',')}]`
  if (value && typeof value === 'object') {
    return `{${Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`)
      .join(',')}}`
  }

  return JSON.stringify(value)
}

/** Partition keys with their date formats: --key-format first, then projection.<key>.format. */
export function resolveKeys(table: TableInfo, keyFormats: Record<string, string>): PartitionKey[] {
  for (const name of Object.keys(keyFormats)) {
    if (!table.keys.some((k) => k.name.toLowerCase() === name.toLowerCase())) {
      throw new UsageError(`--key-format: "${name}" is not a partition key of ${table.database}.${table.name}`, {
        suggestions: [`Partition keys: ${table.keys.map((k) => k.name).join(', ')}.`],
      })
    }
  }

  return table.keys.map((k) => {
    const flag = Object.entries(keyFormats).find(([n]) => n.toLowerCase() === k.name.toLowerCase())?.[1]
    const fromTable =
      table.parameters[`projection.${k.name}.type`]?.toLowerCase() === 'date'
        ? table.parameters[`projection.${k.name}.format`]
        : undefined
    const text = flag ?? fromTable
    return {
      format: text
        ? {text, tokens: parseDateFormat(text, flag ? `--key-format ${k.name}` : `projection.${k.name}.format`)}
        : undefined,
      name: k.name,
      type: k.type,
    }
  })
}

export function chooseLayout(table: TableInfo, keys: PartitionKey[], template: string | undefined): Layout {
  if (template) return templateLayout(template, keys, '--template')
  const fromTable = table.parameters['storage.location.template']
  if (fromTable) return templateLayout(fromTable, keys, 'the table property storage.location.template')
  return hiveLayout(table.location, keys)
}

export function projectionEnabled(table: TableInfo): boolean {
  return table.parameters['projection.enabled']?.trim().toLowerCase() === 'true'
}

/**
 * The full diff of S3 against the catalog (pure). Catalog partitions must already be limited to the
 * run's scope.
 */
export function diffPartitions(input: {
  catalog: CatalogPartition[]
  discovery: Pick<Discovery, 'anomalies' | 'partitions'>
  keys: PartitionKey[]
  prune: boolean
  repairSchema: boolean
  root: string
  tableSd: TableInfo['sd']
}): {lists: SyncLists; stale: DropEntry[]} {
  const lists: SyncLists = {add: [], anomalies: [...input.discovery.anomalies], drift: [], drop: [], relocate: []}
  const stale: DropEntry[] = []
  const inS3 = new Map<string, {hasData?: boolean | undefined; location: string; values: string[]}>()
  for (const p of input.discovery.partitions) inS3.set(valuesKey(p.values), p)
  const inCatalog = new Map<string, CatalogPartition>()
  for (const p of input.catalog) inCatalog.set(valuesKey(p.values), p)
  const root = input.root.replace(/\/*$/, '/')

  for (const [key, s3] of inS3) {
    if (s3.hasData === false) continue
    const cat = inCatalog.get(key)
    if (!cat) {
      const problems = preflight(input.keys, s3.values, s3.location)
      if (problems.length > 0)
        lists.anomalies.push({
          detail: `not added: ${problems.join('; ')}`,
          kind: 'invalid-value',
          location: s3.location,
        })
      else lists.add.push({location: s3.location, values: s3.values})
    } else if (!sameLocation(cat.location, s3.location)) {
      const problems = preflight(input.keys, s3.values, s3.location)
      if (problems.length > 0)
        lists.anomalies.push({
          detail: `not relocated: ${problems.join('; ')}`,
          kind: 'invalid-value',
          location: s3.location,
        })
      else lists.relocate.push({from: cat.location, to: s3.location, values: s3.values})
    }
  }

  for (const [key, cat] of inCatalog) {
    const differences = sdDifferences(input.tableSd, cat.sd)
    if (differences.length > 0) lists.drift.push({differences, location: cat.location, values: cat.values})
    // A partition relocated into the root is synced, not an anomaly.
    if (!inS3.has(key) && cat.location && !cat.location.replace(/^s3[an]:/i, 's3:').startsWith(root)) {
      lists.anomalies.push({
        detail: `catalog partition ${JSON.stringify(cat.values)} points outside the table location ${root}`,
        kind: 'outside-root',
        location: cat.location,
      })
    }

    if (inS3.has(key)) continue
    const entry: DropEntry = {location: cat.location, values: cat.values}
    if (input.prune) lists.drop.push(entry)
    else stale.push(entry)
  }

  return {lists, stale}
}

/**
 * Partition storage descriptor vs the table's: the columns, formats and SerDe that make Athena
 * fail with HIVE_PARTITION_SCHEMA_MISMATCH when they differ.
 */
import type {StorageDescriptor} from '@aws-sdk/client-glue'

function sameMap(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const x = a ?? {}
  const y = b ?? {}
  const keys = new Set([...Object.keys(x), ...Object.keys(y)])
  for (const k of keys) if (x[k] !== y[k]) return false
  return true
}

function show(v: string | undefined): string {
  return v === undefined ? '(none)' : v
}

/**
 * Differences in words; empty when in line with the table. Columns are compared only when the
 * partition carries them (GetPartitions with ExcludeColumnSchema leaves them out).
 */
export function sdDifferences(table: StorageDescriptor, partition: StorageDescriptor | undefined): string[] {
  const p = partition ?? {}
  const out: string[] = []
  if (p.InputFormat !== table.InputFormat)
    out.push(`InputFormat ${show(p.InputFormat)} ≠ table ${show(table.InputFormat)}`)
  if (p.OutputFormat !== table.OutputFormat)
    out.push(`OutputFormat ${show(p.OutputFormat)} ≠ table ${show(table.OutputFormat)}`)
  const ps = p.SerdeInfo?.SerializationLibrary
  const ts = table.SerdeInfo?.SerializationLibrary
  if (ps !== ts) out.push(`SerDe ${show(ps)} ≠ table ${show(ts)}`)
  if (!sameMap(p.SerdeInfo?.Parameters, table.SerdeInfo?.Parameters)) {
    const keys = new Set([
      ...Object.keys(p.SerdeInfo?.Parameters ?? {}),
      ...Object.keys(table.SerdeInfo?.Parameters ?? {}),
    ])
    const differing = [...keys].filter((k) => p.SerdeInfo?.Parameters?.[k] !== table.SerdeInfo?.Parameters?.[k]).sort()
    out.push(`SerDe parameters differ: ${differing.join(', ')}`)
  }

  if (p.Columns !== undefined) {
    const tc = table.Columns ?? []
    const pc = p.Columns
    const byName = new Map(pc.map((c) => [(c.Name ?? '').toLowerCase(), c]))
    for (const c of tc) {
      const other = byName.get((c.Name ?? '').toLowerCase())
      if (!other) out.push(`column ${c.Name} missing in partition`)
      else if ((other.Type ?? '').toLowerCase() !== (c.Type ?? '').toLowerCase())
        out.push(`column ${c.Name}: ${other.Type} ≠ table ${c.Type}`)
    }

    const tableNames = new Set(tc.map((c) => (c.Name ?? '').toLowerCase()))
    for (const c of pc)
      if (!tableNames.has((c.Name ?? '').toLowerCase())) out.push(`column ${c.Name} only in partition`)
    if (
      out.every((d) => !d.startsWith('column')) &&
      pc.map((c) => (c.Name ?? '').toLowerCase()).join(',') !== tc.map((c) => (c.Name ?? '').toLowerCase()).join(',') &&
      pc.length === tc.length
    ) {
      out.push('columns in a different order than the table')
    }
  }

  return out
}

import type {PartitionSyncResult} from '../lib/glue/partition-sync.js'

import {paint} from './color.js'
import {renderKeyValues, renderTable} from './table.js'

const SHOW = 15

function more(total: number): string {
  return total > SHOW ? paint('dim', `… and ${total - SHOW} more (--json lists all)`) : ''
}

function values(v: string[]): string {
  return v.join(' / ')
}

/** The partition-sync report for people: what was scanned, then each kind of difference. */
export function renderPartitionSync(r: PartitionSyncResult): string {
  const ignored = Object.entries(r.scanned.ignored)
    .filter(([, n]) => n > 0)
    .map(([k, n]) => `${n} ${k}`)
    .join(', ')
  const out: string[] = [
    renderKeyValues([
      ['Table', `${r.database}.${r.table}`],
      ['Location', r.location],
      ['Keys', r.keyTypes.map((k) => `${k.name} ${k.type}${k.format ? ` (${k.format})` : ''}`).join(', ')],
      ['Layout', r.template],
      [
        'Scope',
        [r.scope.since ? `since ${r.scope.since}` : '', ...Object.entries(r.scope.where).map(([k, v]) => `${k}=${v}`)]
          .filter(Boolean)
          .join(', ') || 'whole table',
      ],
      [
        'S3',
        `${r.scanned.partitions} partition(s) with data${r.scanned.empty ? `, ${r.scanned.empty} empty (markers only)` : ''}; ${r.scanned.requests} list request(s) over ${r.scanned.prefixes} prefix(es) (${r.scanned.mode})${r.scanned.pruned ? `, ${r.scanned.pruned} pruned` : ''}`,
      ],
      ...(r.inventory
        ? [
            [
              'Inventory',
              `report of ${r.inventory.reportDate}, ${r.inventory.objects} object(s) under the table; ${'reason' in r.inventory.gap ? r.inventory.gap.reason : `newer objects: live walk from ${r.inventory.gap.since} (${r.inventory.gap.requests} request(s), ${r.inventory.gap.partitions} partition(s))`}`,
            ] as [string, string],
          ]
        : []),
      ['Ignored', ignored || 'nothing'],
      [
        'Catalog',
        `${r.catalog.partitions} partition(s)${r.catalog.requests ? ` in ${r.catalog.requests} GetPartitions call(s)` : ''}`,
      ],
    ]),
  ]
  const p = r.plan
  const counts = [
    `${p.add.length} to add`,
    `${p.drop.length} to drop`,
    `${p.relocate.length} to relocate`,
    `${p.drift.length} with schema drift`,
    `${p.anomalies.length} anomal${p.anomalies.length === 1 ? 'y' : 'ies'}`,
  ]
  if (r.catalog.stale) counts.push(`${r.catalog.stale} only in the catalog (use --prune)`)
  const inSync =
    p.add.length + p.drop.length + p.relocate.length + p.drift.length + p.anomalies.length + r.catalog.stale === 0
  out.push(
    '',
    inSync ? paint('green', '✔ The catalog matches S3.') : paint('bold', `Differences: ${counts.join(', ')}`),
  )

  if (p.add.length > 0) {
    out.push(
      '',
      renderTable({
        head: ['Values', 'Location'],
        rows: p.add.slice(0, SHOW).map((a) => [values(a.values), a.location]),
        title: `Add (${p.add.length}): BatchCreatePartition, storage descriptor copied from the table`,
      }),
      more(p.add.length),
    )
  }

  if (p.relocate.length > 0) {
    out.push(
      '',
      renderTable({
        head: ['Values', 'Catalog location', 'S3 location'],
        optional: [1],
        rows: p.relocate.slice(0, SHOW).map((x) => [values(x.values), x.from ?? '(none)', x.to]),
        title: `Relocate (${p.relocate.length}): BatchUpdatePartition`,
      }),
      more(p.relocate.length),
    )
  }

  if (p.drop.length > 0) {
    out.push(
      '',
      renderTable({
        head: ['Values', 'Location', 'Data left'],
        rows: p.drop
          .slice(0, SHOW)
          .map((d) => [values(d.values), d.location ?? '(none)', d.hasData ? paint('red', 'yes') : 'no']),
        title: `Drop (${p.drop.length}): BatchDeletePartition`,
      }),
      more(p.drop.length),
    )
  }

  if (p.drift.length > 0) {
    out.push(
      '',
      renderTable({
        head: ['Values', 'Differences from the table'],
        rows: p.drift.slice(0, SHOW).map((d) => [values(d.values), d.differences.join('\n')]),
        title: `Schema drift (${p.drift.length})`,
      }),
      more(p.drift.length),
    )
  }

  if (p.anomalies.length > 0) {
    out.push(
      '',
      renderTable({
        head: ['Kind', 'Location', 'Detail'],
        optional: [1],
        rows: p.anomalies.slice(0, SHOW).map((a) => [a.kind, a.location, a.detail]),
        title: `Anomalies (${p.anomalies.length}): not synced`,
      }),
      more(p.anomalies.length),
    )
  }

  if (r.refusals.length > 0)
    out.push('', paint('red', `--apply would refuse without --force: ${r.refusals.join('; ')}`))
  if (r.projection?.recommended && !r.projection.enabledOnTable) {
    out.push(
      '',
      paint(
        'dim',
        `Tip: the layout is regular (${r.projection.reason}); Athena partition projection could replace syncing:`,
      ),
      ...Object.entries(r.projection.properties).map(([k, v]) => paint('dim', `  '${k}'='${v}'`)),
    )
  }

  return out.filter((l, i, all) => !(l === '' && all[i - 1] === '')).join('\n')
}

/** What an apply did, entry by entry (the engine's step report is printed before it). */
export function renderApplied(r: PartitionSyncResult): string {
  const out: string[] = []
  if (r.applied) {
    out.push(
      `${r.applied.failed.length > 0 ? paint('yellow', '!') : paint('green', '✔')} Created ${r.applied.created}, updated ${r.applied.updated}, dropped ${r.applied.deleted}${r.applied.failed.length > 0 ? `, ${r.applied.failed.length} failed` : ''}.`,
    )
    if (r.applied.failed.length > 0) {
      out.push(
        renderTable({
          head: ['Operation', 'Values', 'Error'],
          rows: r.applied.failed.slice(0, SHOW).map((f) => [f.operation, values(f.values), `${f.code}: ${f.message}`]),
          title: 'Failed',
        }),
        more(r.applied.failed.length),
      )
    }
  }

  return out.join('\n')
}

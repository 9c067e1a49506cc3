import type {
  Consumer,
  ConsumerMetric,
  ConsumerShard,
  ConsumersResult,
  Finding,
  IteratorAgeView,
} from '../lib/kinesis/consumers/types.js'

import {paint} from './color.js'
import {renderTable} from './table.js'

/** Shard rows drawn per consumer in text; --json has them all. */
export const MAX_SHARD_ROWS = 30
/** Findings drawn per consumer in text. */
export const MAX_FINDINGS = 20

const STATE_ORDER = ['dead', 'stuck', 'no-lease', 'no-owner', 'waiting-for-parent', 'processing', 'finished']

export function formatLag(ms: null | number): string {
  if (ms === null) return '?'
  if (ms < 1000) return `${ms} ms`
  if (ms < 120_000) return `${(ms / 1000).toFixed(0)} s`
  if (ms < 7_200_000) return `${(ms / 60_000).toFixed(0)} min`
  return `${(ms / 3_600_000).toFixed(1)} h`
}

/** A 56-digit sequence number shortened to its head and tail; sentinels stay whole. */
export function shortCheckpoint(c: null | string): string {
  if (c === null) return '—'
  return c.length > 16 ? `${c.slice(0, 6)}…${c.slice(-6)}` : c
}

function stateCell(s: ConsumerShard): string {
  const colour = {
    dead: 'red',
    finished: 'dim',
    'no-lease': 'red',
    'no-owner': 'yellow',
    processing: 'green',
    stuck: 'red',
    'waiting-for-parent': 'yellow',
  } as const
  return paint(colour[s.state], s.state)
}

/** Problems first, then the shards furthest behind. */
function byAttention(a: ConsumerShard, b: ConsumerShard): number {
  const d = STATE_ORDER.indexOf(a.state) - STATE_ORDER.indexOf(b.state)
  if (d !== 0) return d
  return (b.lagMs ?? -1) - (a.lagMs ?? -1)
}

function severityCell(f: Finding): string {
  return f.severity === 'critical'
    ? paint('red', 'CRITICAL')
    : f.severity === 'warning'
      ? paint('yellow', 'warning')
      : paint('dim', 'info')
}

/** A metric value in its unit; "no data" when CloudWatch returned no data point (unknown, not 0). */
export function formatMetric(m: ConsumerMetric): string {
  if (m.value === null) return 'no data'
  if (m.unit === 'ms') return formatLag(m.value)
  if (m.unit === 's') return formatLag(m.value * 1000)
  if (m.unit === 'ratio') return `${(m.value * 100).toFixed(1)} %`
  return String(Math.round(m.value))
}

function metricsLine(c: Consumer): string | undefined {
  if (c.metricsNotChecked !== undefined) return paint('dim', `metrics: not checked (${c.metricsNotChecked})`)
  if (!c.metrics || c.metrics.length === 0) return undefined
  return `metrics: ${c.metrics.map((m) => `${m.metric} ${formatMetric(m)}`).join(', ')}`
}

function workerLines(c: Consumer): string[] {
  const lines: string[] = []
  if (c.coordinator)
    lines.push(
      paint(
        'dim',
        `KCL 3.x coordinator (${c.coordinator.source}): leader ${c.coordinator.leader ?? 'unknown'}, client version ${c.coordinator.clientVersion ?? 'unknown'}`,
      ),
    )
  for (const w of c.workers ?? []) {
    const metrics = w.metrics
      .map(
        (m) =>
          `${m.name} ${m.value === null ? '?' : `${m.value.toFixed(0)} %`}${m.limit === null ? '' : ` (limit ${m.limit} %)`}${m.failing ? ' failing' : ''}`,
      )
      .join(', ')
    lines.push(
      `worker ${w.workerId}: ${w.activeLeases} lease(s); ${metrics || 'no metrics'}; reported ${w.lastUpdate ?? 'never'}`,
    )
  }

  return lines
}

function renderConsumer(c: Consumer): string {
  const parts: string[] = [`${paint('bold', `${c.kind.toUpperCase()} ${c.name}`)}  ${paint('dim', c.source)}`]
  const metrics = metricsLine(c)
  if (metrics) parts.push(metrics)
  parts.push(...workerLines(c))
  if (c.shards.length > 0) {
    const rows = [...c.shards].sort(byAttention)
    const shown = rows.slice(0, MAX_SHARD_ROWS)
    parts.push(
      renderTable({
        align: ['left', 'left', 'left', 'right', 'left'],
        head: ['Shard', 'State', 'Owner', 'Lag', 'Checkpoint'],
        optional: [4, 2],
        rows: shown.map((s) => [
          s.shardId,
          stateCell(s),
          s.owner ?? '—',
          formatLag(s.lagMs),
          shortCheckpoint(s.checkpoint),
        ]),
      }),
    )
    if (rows.length > shown.length)
      parts.push(paint('dim', `… ${rows.length - shown.length} more shard(s): see --json`))
    const unknown = c.shards.filter((s) => s.lagMs === null && s.state !== 'finished' && s.state !== 'no-lease')
    if (unknown.length > 0)
      parts.push(paint('dim', `lag unknown for ${unknown.length} shard(s): ${unknown[0]!.lagSource}`))
  }

  if (c.findings.length === 0) parts.push(paint('green', '✔ no findings'))
  const order = {critical: 0, info: 2, warning: 1}
  const findings = [...c.findings].sort((a, b) => order[a.severity] - order[b.severity])
  for (const f of findings.slice(0, MAX_FINDINGS)) parts.push(`${severityCell(f)} ${f.message}\n  → ${f.fix}`)
  if (findings.length > MAX_FINDINGS)
    parts.push(paint('dim', `… ${findings.length - MAX_FINDINGS} more finding(s): see --json`))
  return parts.join('\n')
}

function iteratorAgeLines(v: IteratorAgeView): string[] {
  const lines = [
    `GetRecords.IteratorAgeMilliseconds (every polling consumer, max): ${v.streamMaxMs === null ? 'no data' : formatLag(v.streamMaxMs)}`,
  ]
  if (v.perShard === null) lines.push(paint('dim', `per shard: ${v.perShardNote}`))
  else {
    const worst = [...v.perShard].sort((a, b) => (b.maxMs ?? -1) - (a.maxMs ?? -1)).slice(0, 5)
    lines.push(
      `per shard (max, worst first): ${worst.map((s) => `${s.shardId} ${s.maxMs === null ? 'no data' : formatLag(s.maxMs)}`).join(', ')}`,
    )
  }

  for (const f of v.findings) lines.push(`${severityCell(f)} ${f.message}\n  → ${f.fix}`)
  return lines
}

export function renderConsumers(r: ConsumersResult): string {
  const window = r.metricsWindow ? `; metrics ${r.metricsWindow.start} – ${r.metricsWindow.end}` : ''
  const head = `Stream ${r.stream ?? '(unnamed)'}: retention ${r.retentionHours === null ? 'unknown' : `${r.retentionHours} h`}, ${r.consumers.length} consumer(s); ${r.summary.critical} critical, ${r.summary.warning} warning(s), ${r.summary.info} note(s)${window}`
  const notes = [
    ...(r.iteratorAge ? iteratorAgeLines(r.iteratorAge) : []),
    ...r.notChecked.map((n) => paint('dim', `? ${n.what}: not checked (${n.reason})`)),
  ]
  if (r.consumers.length === 0)
    return `${[head, ...notes].join('\n')}\nNo consumer found: give the KCL application with --app NAME (or --lease-table); Lambda mappings, enhanced fan-out consumers and Firehose delivery streams are found by themselves.`
  return [[head, ...notes].join('\n'), ...r.consumers.map((c) => renderConsumer(c))].join('\n\n')
}

import type {HotShardsResult, ShardResult} from '../lib/kinesis/hot-shards.js'

import {formatBytes} from '../lib/core/parse/size.js'
import {paint} from './color.js'
import {renderKeyValues, renderTable} from './table.js'

export function pct(x: number): string {
  const p = x * 100
  return `${Number.isInteger(Math.round(p * 1000) / 1000) || p >= 99.5 ? Math.round(p) : p.toFixed(1)} %`
}

export function utilColour(u: number, threshold: number): 'green' | 'red' | 'yellow' {
  if (u >= threshold) return 'red'
  if (u >= threshold * 0.6) return 'yellow'
  return 'green'
}

function rate(bytes: number): string {
  return `${formatBytes(Math.round(bytes))}/s`
}

function records(r: number): string {
  return r >= 100 ? String(Math.round(r)) : r.toFixed(1)
}

/** A partition key for display: control characters escaped, long keys shortened. */
export function displayKey(key: string, max = 40): string {
  // eslint-disable-next-line no-control-regex -- escaping control characters is the point
  const safe = key.replaceAll(/[\u0000-\u001F\u007F]/g, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`)
  return safe.length > max ? `${safe.slice(0, max - 1)}…` : safe
}

function topKeyCell(s: ShardResult): string {
  const k = s.topKeys[0]
  if (!k) return s.sample || s.statsSource === 'offline' ? '' : paint('dim', 'not sampled')
  return `${displayKey(k.partitionKey, 24)} (${pct(k.share)})`
}

const VERDICT_TEXT: Record<HotShardsResult['verdict'], string> = {
  healthy: 'healthy',
  'hot-key': "hot key: one key alone is at a shard's limit",
  'hot-shard': 'hot shard: a range is overloaded',
}

/**
 * Shards drawn in text: cli-table3 costs about 1 ms a row and a stream can have thousands of shards.
 * The rows come hottest first, so the cut keeps what matters; --json holds every shard.
 */
export const SHARD_TEXT_ROWS = 200

export function renderHotShards(r: HotShardsResult): string {
  const out: string[] = []
  const header: Array<[string, string | undefined]> = [
    ['Stream', r.stream ?? '(offline record file)'],
    ['Mode', r.mode === 'offline' ? undefined : r.mode],
    ['Window', `${r.window.start} → ${r.window.end} (${r.window.seconds} s)`],
    ['Source', r.source],
    ['Hot rule', `utilisation ≥ ${pct(r.threshold)} for ≥ ${r.minMinutes} min, or any throttled record`],
  ]
  if (r.sample)
    header.push([
      'Sample',
      `${r.sample.type} from ${r.sample.startedAt}, ${r.sample.seconds} s of ${r.sample.shards.length} shard(s); ${r.sample.note}`,
    ])
  out.push(renderKeyValues(header), '')

  const rows = r.shards.slice(0, SHARD_TEXT_ROWS).map((s) => {
    const u = s.utilisation
    const colour = utilColour(u.p99, r.threshold)
    return [
      s.hot ? paint('red', `${s.shardId} ●`) : s.shardId,
      pct(s.keySpaceShare),
      s.measured ? paint(colour, `${pct(u.avg)} / ${pct(u.p99)} / ${pct(u.max)}`) : paint('dim', 'not measured'),
      s.measured ? `${rate(s.bytesPerSec.avg)} / ${rate(s.bytesPerSec.p99)}` : '',
      s.measured ? `${records(s.recordsPerSec.avg)} / ${records(s.recordsPerSec.p99)}` : '',
      s.throttledRecords === null
        ? paint('dim', '?')
        : s.throttledRecords > 0
          ? paint('red', String(Math.round(s.throttledRecords)))
          : '0',
      topKeyCell(s),
    ]
  })
  out.push(
    renderTable({
      align: ['left', 'right', 'right', 'right', 'right', 'right', 'left'],
      head: [
        'Shard',
        'Key space',
        'Utilisation avg / p99 / max',
        'Bytes/s avg / p99',
        'Records/s avg / p99',
        'Throttled',
        'Top key (share)',
      ],
      // Narrow terminals lose the key-space share, then the byte and record rates (--json keeps all).
      optional: [1, 4, 3],
      rows,
      title: `Shards by utilisation (${r.shards.length} open)`,
    }),
  )
  const notDrawn = r.shards.length - SHARD_TEXT_ROWS
  if (notDrawn > 0)
    out.push(
      paint(
        'dim',
        `… and ${notDrawn} more shard(s) (${r.shards.slice(SHARD_TEXT_ROWS).filter((s) => s.hot).length} hot), not drawn: --json lists all ${r.shards.length}.`,
      ),
    )

  if (r.streamMetrics) {
    const sm = r.streamMetrics
    out.push(
      '',
      renderKeyValues([
        [
          'Stream-level',
          `${rate(sm.bytesPerSec.avg)} avg, ${records(sm.recordsPerSec.avg)} records/s avg, ${Math.round(sm.throttledRecords)} throttled`,
        ],
        [
          'If spread evenly',
          `${pct(sm.utilisationIfEven.avg)} avg / ${pct(sm.utilisationIfEven.max)} max per shard (a hot shard can be far above this)`,
        ],
      ]),
    )
  }

  for (const s of r.shards.filter((x) => x.hot && x.topKeys.length > 0)) {
    out.push(
      '',
      renderTable({
        align: ['left', 'right', 'right', 'right', 'right'],
        head: ['Key', 'Share', 'Bytes/s', 'Records/s', 'Hash key'],
        optional: [4, 3],
        rows: s.topKeys.map((k) => [
          displayKey(k.partitionKey),
          pct(k.share),
          rate(k.bytesPerSec),
          records(k.recordsPerSec),
          k.hashKey,
        ]),
        title: `Top keys of ${s.shardId}${s.topKeys[0] && (s.topKeys[0].errorBound.bytes > 0 || s.topKeys[0].errorBound.records > 0) ? ` (counts may be low by up to ${formatBytes(Math.round(s.topKeys[0].errorBound.bytes))} / ${records(s.topKeys[0].errorBound.records)} records)` : ''}`,
      }),
    )
  }

  if (r.hotKeys.length > 0) {
    out.push(
      '',
      renderTable({
        align: ['left', 'left', 'right', 'right', 'right', 'left'],
        head: ['Hot key', 'Shard', 'Share', 'Bytes/s', 'Records/s', "Over a shard's limit"],
        optional: [4, 3],
        rows: r.hotKeys.map((k) => [
          displayKey(k.partitionKey),
          k.shardId,
          pct(k.share),
          rate(k.bytesPerSec),
          records(k.recordsPerSec),
          overLimitText(k, r),
        ]),
      }),
    )
  }

  const colour = r.verdict === 'healthy' ? 'green' : 'red'
  out.push('', `${paint('bold', 'Verdict:')} ${paint(colour, VERDICT_TEXT[r.verdict])}`)
  for (const rec of r.recommendations) out.push(`  ${paint('dim', '→')} ${rec}`)
  return out.join('\n')
}

/**
 * Whether a key alone needs more than a shard. Its rate is an average over the window, so a key
 * under the limit on average can still carry a shard over its hard limit in a burst: when the
 * shard went over its limit in some seconds and the key carries most of it, "no" would be wrong.
 */
function overLimitText(k: HotShardsResult['hotKeys'][number], r: HotShardsResult): string {
  if (k.exceedsShardLimit) return paint('red', 'yes')
  const shard = r.shards.find((s) => s.shardId === k.shardId)
  if (shard?.secondsOverLimit && k.share >= 0.5)
    return paint('red', `in bursts (the shard was over its limit ${shard.secondsOverLimit} s)`)
  return 'no (on average)'
}

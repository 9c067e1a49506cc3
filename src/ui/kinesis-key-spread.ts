import type {KeySpreadResult} from '../lib/kinesis/key-spread.js'

import {formatBytes} from '../lib/core/parse/size.js'
import {paint} from './color.js'
import {displayKey, pct, utilColour} from './kinesis-hot-shards.js'
import {renderKeyValues, renderTable} from './table.js'

export function renderKeySpread(r: KeySpreadResult): string {
  const out: string[] = [
    renderKeyValues([
      ['Records', `${r.records} (${r.distinctKeys} distinct keys, ${formatBytes(r.bytes)} incl. partition keys)`],
      [
        'Rates over',
        r.span
          ? `${r.span.seconds} s (${r.span.source === 'timestamps' ? "the records' timestamps" : '--window'})`
          : paint('dim', 'unknown (no timestamps; pass --window for rates)'),
      ],
    ]),
    '',
  ]
  out.push(
    renderTable({
      align: ['right', 'right', 'right', 'left', 'right', 'right', 'left'],
      head: [
        'Shards',
        'Max/mean bytes',
        'Max/mean records',
        'Hottest shard',
        'Its share',
        'Its utilisation',
        'Its top key',
      ],
      rows: r.counts.map((c) => {
        const top = c.hottest.topKeys[0]
        return [
          c.shardCount,
          c.imbalance.bytes.toFixed(2),
          c.imbalance.records.toFixed(2),
          c.hottest.shardId,
          pct(c.hottest.share),
          c.hottest.utilisation === null
            ? paint('dim', '?')
            : paint(utilColour(c.hottest.utilisation, r.threshold), pct(c.hottest.utilisation)),
          top ? `${displayKey(top.partitionKey, 24)} (${pct(top.share)} of it)` : '',
        ]
      }),
      title: "Spread over AWS's initial even ranges",
    }),
  )
  for (const c of r.counts.filter((x) => x.shardCount <= 16)) {
    out.push(
      '',
      renderTable({
        align: ['left', 'right', 'right', 'right'],
        head: ['Shard', 'Bytes share', 'Records share', 'Utilisation'],
        rows: c.shards.map((s) => [
          s.shardId,
          pct(s.bytesShare),
          pct(s.recordsShare),
          s.utilisation === null ? '?' : paint(utilColour(s.utilisation, r.threshold), pct(s.utilisation)),
        ]),
        title: `${c.shardCount} shard(s)`,
      }),
    )
  }

  out.push(
    '',
    r.smallestShardCount
      ? `${paint('bold', 'Smallest shard count')} that keeps every shard under ${pct(r.threshold)} (average rates): ${paint('green', String(r.smallestShardCount.shardCount))} (hottest shard at ${pct(r.smallestShardCount.maxUtilisation)})`
      : `${paint('bold', 'Smallest shard count:')} none — ${r.smallestShardCountNote ?? 'not found'}`,
  )
  return out.join('\n')
}

import type {WhereIsResult} from '../lib/kinesis/where-is.js'

import {paint} from './color.js'
import {displayKey} from './kinesis-hot-shards.js'
import {renderTable} from './table.js'

export function renderWhereIs(r: WhereIsResult): string {
  const rows = r.keys.map((k) => [
    k.partitionKey === undefined
      ? paint('dim', `explicit ${displayKey(k.explicitHashKey ?? '', 44)}`)
      : displayKey(k.partitionKey),
    k.hashKey,
    k.shardId ?? paint('red', 'no open shard holds this hash'),
    k.positionInShard === null ? '' : `${(k.positionInShard * 100).toFixed(1)} %`,
  ])
  return renderTable({
    align: ['left', 'right', 'left', 'right'],
    head: ['Key', 'Hash key (MD5 as 128-bit integer)', 'Shard', 'Position in range'],
    rows,
    title: `${r.stream ? `Stream ${r.stream}` : 'Offline'}: ${r.ranges.openShards} open shard(s) from ${r.ranges.source}`,
  })
}

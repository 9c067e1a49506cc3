/**
 * What an Athena run read and cost (or, with --print-sql, the query it would run), as text.
 */
import type {AthenaRunInfo} from '../lib/kinesis/athena/hot-shards-athena.js'

const GB = 1_073_741_824

export function renderAthenaRun(run: AthenaRunInfo): string {
  const lines: string[] = []
  if (run.stats) {
    const s = run.stats
    lines.push(
      `Athena query ${s.queryExecutionId} (workgroup ${s.workGroup}): ${(s.dataScannedBytes / GB).toFixed(3)} GB scanned, $${s.costUsd.toFixed(4)} at $5/TB${s.totalMillis === undefined ? '' : `, ${(s.totalMillis / 1000).toFixed(1)} s`}`,
      `Partitions: ${run.partitions}`,
    )
    if (s.outputLocation) lines.push(`Result: ${s.outputLocation}`)
  } else {
    lines.push(run.sql, '', `-- partitions: ${run.partitions}`)
  }

  if (run.estimate)
    lines.push(
      `Scan estimate: ${run.estimate.bytes === null ? 'unknown' : `${(run.estimate.bytes / GB).toFixed(3)} GB`} (${run.estimate.note})`,
    )
  return lines.join('\n')
}

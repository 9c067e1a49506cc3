import type {ReshardPlan} from '../lib/kinesis/reshard/plan.js'
import type {
  MergeShardsParams,
  RangeView,
  ReshardResult,
  SplitShardParams,
  UpdateShardCountParams,
  ValidationCheck,
} from '../lib/kinesis/reshard/types.js'

import {paint} from './color.js'
import {renderKeyValues, renderTable} from './table.js'

const SPACE = 2n ** 128n

function share(r: RangeView): string {
  const width = BigInt(r.endingHashKey) - BigInt(r.startingHashKey) + 1n
  return `${(Number((width * 1_000_000n) / SPACE) / 10_000).toFixed(2)} %`
}

function util(u: number | undefined): string {
  if (u === undefined) return ''
  const text = `${(u * 100).toFixed(1)} %`
  return u >= 1 ? paint('red', text) : u >= 0.8 ? paint('yellow', text) : text
}

export function renderRanges(title: string, ranges: readonly RangeView[], utilisationLabel = 'Utilisation'): string {
  const withLoad = ranges.some((r) => r.predictedUtilisation !== undefined)
  return renderTable({
    align: ['left', 'right', 'right', 'right', 'right'],
    head: ['Shard', 'StartingHashKey', 'EndingHashKey', 'Key space', ...(withLoad ? [utilisationLabel] : [])],
    // The 39-digit hash keys go first on a narrow terminal (--json and --shard-map-out keep them).
    optional: [2, 1],
    rows: ranges.map((r) => [
      r.shardId ?? paint('cyan', '(new)'),
      r.startingHashKey,
      r.endingHashKey,
      share(r),
      ...(withLoad ? [util(r.predictedUtilisation)] : []),
    ]),
    title,
  })
}

function stepParams(operation: string, params: unknown): string {
  switch (operation) {
    case 'MergeShards': {
      const p = params as MergeShardsParams
      return `ShardToMerge=${p.ShardToMerge ?? `(new: [${p.ShardToMergeRange.StartingHashKey} …])`}\nAdjacentShardToMerge=${p.AdjacentShardToMerge ?? `(new: [${p.AdjacentShardRange.StartingHashKey} …])`}`
    }

    case 'SplitShard': {
      const p = params as SplitShardParams
      return `ShardToSplit=${p.ShardToSplit ?? `(new: [${p.HashKeyRange.StartingHashKey} …])`}\nNewStartingHashKey=${p.NewStartingHashKey}`
    }

    default: {
      const p = params as UpdateShardCountParams
      return `TargetShardCount=${p.TargetShardCount}\nScalingType=${p.ScalingType}`
    }
  }
}

const STATUS_MARK: Record<ValidationCheck['status'], string> = {fail: '✘', ok: '✔', unknown: '?', warn: '!'}
const STATUS_COLOR = {fail: 'red', ok: 'green', unknown: 'dim', warn: 'yellow'} as const

function renderChecks(checks: readonly ValidationCheck[]): string {
  return checks
    .map((c) => `${paint(STATUS_COLOR[c.status], STATUS_MARK[c.status])} ${paint('bold', c.check)}: ${c.detail}`)
    .join('\n')
}

function wrap(text: string, width = 60): string {
  const words = text.split(' ')
  const lines: string[] = []
  let line = ''
  for (const w of words) {
    if (line && line.length + w.length + 1 > width) {
      lines.push(line)
      line = w
    } else line = line ? `${line} ${w}` : w
  }

  if (line) lines.push(line)
  return lines.join('\n')
}

function formatSeconds(s: number): string {
  return s < 120 ? `${s} s` : `${Math.round(s / 60)} min`
}

/** The reviewed plan: validation, steps with exact hash keys and reasons, ranges before and after. */
export function renderReshardPlan(plan: ReshardPlan): string {
  const s = plan.summary
  const parts = [
    renderKeyValues([
      ['Stream', plan.baseline.streamName],
      ['Strategy', s.strategy],
      ['Open shards', `${s.before.length} → ${s.after.length}`],
      [
        'API calls',
        `${s.apiCalls} (${
          plan.steps
            .map((st) => st.operation)
            .filter((v, i, a) => a.indexOf(v) === i)
            .join(', ') || 'none'
        }), one at a time`,
      ],
      [
        'Estimated time',
        s.apiCalls === 0
          ? '—'
          : `about ${formatSeconds(s.estimatedSeconds)} (waits for ACTIVE included; AWS takes seconds to minutes per step)`,
      ],
    ]),
    '',
    paint('bold', 'Checks'),
    renderChecks(s.checks),
    '',
  ]
  if (plan.steps.length === 0) {
    parts.push(paint('green', 'Nothing to do: the stream already matches this strategy.'))
  } else {
    parts.push(
      renderTable({
        head: ['#', 'Operation', 'Parameters', 'Reason', 'Predicted'],
        optional: [0, 4],
        rows: plan.steps.map((st) => [
          st.id,
          st.operation,
          stepParams(st.operation, st.params),
          wrap(st.reason, 48),
          wrap(st.effect ?? '', 28),
        ]),
        title: `Steps (${plan.steps.length})`,
      }),
    )
  }

  parts.push(
    '',
    renderRanges('Open shards before', s.before),
    '',
    renderRanges(
      plan.steps.length === 0 ? 'Open shards after (unchanged)' : 'Open shards after (predicted)',
      s.after,
      'Predicted',
    ),
  )
  if (s.notes.length > 0) parts.push('', ...s.notes.map((n) => `${paint('yellow', 'Note:')} ${n}`))
  return parts.join('\n')
}

/** What is printed after an apply: the live open shards. */
export function renderReshardResult(result: ReshardResult): string {
  if (!result.applied) return ''
  return renderRanges(`Open shards of ${result.stream} now (${result.after.length})`, result.after)
}

import type {CopySplitOutcome, CopySplitResult} from '../lib/redshift/copy-split.js'

import {formatBytes} from '../lib/core/parse/size.js'
import {paint} from './color.js'
import {renderKeyValues, renderTable} from './table.js'

/** The copy-split report for people: where the slice count came from, the parts, the manifest and the COPY. */
export function renderCopySplit(result: CopySplitResult, notes: CopySplitOutcome['notes'], dryRun: boolean): string {
  const files = result.parts.length
  const spread =
    result.balance.minBytes > 0 ? ((result.balance.maxBytes / result.balance.minBytes - 1) * 100).toFixed(2) : 'n/a'
  const summary = renderKeyValues([
    ['Slices', `${result.slices.count ?? 'none (Serverless)'} — ${result.slices.source}`],
    ['Files', `${files} (${notes.planReason})`],
    [
      'Input',
      dryRun
        ? `${notes.inputStoredBytes === undefined ? 'size unknown' : formatBytes(notes.inputStoredBytes)} (${notes.compression})`
        : `${formatBytes(result.input.bytes ?? 0)} of ${result.input.format}${notes.compression === 'none' ? '' : ` (${notes.compression}, ${notes.inputStoredBytes === undefined ? 'stdin' : formatBytes(notes.inputStoredBytes)} stored)`}, ${(result.input.records ?? 0).toLocaleString('en-US')} records`,
    ],
    ['Header', `${result.input.header} — ${notes.headerReason}`],
    ...(dryRun
      ? ([['Estimate', `about ${formatBytes(result.balance.maxBytes)} per file`]] as Array<[string, string]>)
      : ([
          [
            'Balance',
            `${formatBytes(result.balance.minBytes)} – ${formatBytes(result.balance.maxBytes)} (max/min +${spread} %)`,
          ],
          [
            'Verified',
            `${(result.input.records ?? 0).toLocaleString('en-US')} records in = ${result.parts.reduce((n, p) => n + (p.records ?? 0), 0).toLocaleString('en-US')} records in the parts (counted by each compressor)`,
          ],
          [
            'Speed',
            `${(result.elapsedMs / 1000).toFixed(1)} s, ${result.throughputMBps} MB/s of input on ${notes.workers} compression thread(s)`,
          ],
          ...(notes.skipped.length > 0
            ? ([
                ['Skipped', `${notes.skipped.length} part(s) already uploaded with the same size and checksum`],
              ] as Array<[string, string]>)
            : []),
        ] as Array<[string, string]>)),
    ['Manifest', result.manifest],
  ])
  const shown =
    result.parts.length > 40 ? [...result.parts.slice(0, 20), undefined, ...result.parts.slice(-10)] : result.parts
  const table = renderTable({
    align: ['left', 'right', 'right', 'left'],
    head: ['Part', dryRun ? 'Est. bytes' : 'Bytes', 'Records', 'SHA-256'],
    rows: shown.map((p) =>
      p === undefined
        ? [`… ${result.parts.length - 30} more`, '', '', '']
        : [
            p.path,
            dryRun ? `~${formatBytes(p.bytes)}` : p.bytes.toLocaleString('en-US'),
            p.records === null ? '' : p.records.toLocaleString('en-US'),
            p.checksum ? `${p.checksum.slice(7, 19)}…` : '',
          ],
    ),
  })
  const title = dryRun
    ? paint('bold', 'Plan (dry run: nothing was read past the first 64 KiB, nothing was written)')
    : paint('bold', 'Split done')
  return `${title}\n${summary}\n\n${table}\n\n${paint('bold', 'COPY statement')}\n${result.copySql}`
}

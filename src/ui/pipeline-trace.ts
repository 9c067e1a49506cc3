/** Renderer of `pipeline trace`: one block per hop, ✔ / ✘ / ?, evidence, then the fix. */
import type {TraceResult} from '../lib/pipeline/trace/types.js'

import {paint} from './color.js'

const MARK = {broken: paint('red', '✘'), ok: paint('green', '✔'), unknown: paint('yellow', '?')}
/** Evidence lines per hop in text; --json has all. */
const EVIDENCE_SHOWN = 8

export function renderTrace(r: TraceResult): string {
  const lines = [`s3://${r.object.bucket}/${r.object.key}`]
  for (const hop of r.hops) {
    lines.push('', `${MARK[hop.status]} ${hop.hop}. ${paint('bold', hop.name)}`)
    for (const e of hop.evidence.slice(0, EVIDENCE_SHOWN)) lines.push(`    ${e}`)
    if (hop.evidence.length > EVIDENCE_SHOWN)
      lines.push(paint('dim', `    … ${hop.evidence.length - EVIDENCE_SHOWN} more in --json`))
    for (const f of hop.fix) lines.push(`    ${paint('cyan', '→')} ${f}`)
  }

  const broken = r.hops.find((h) => h.status === 'broken')
  lines.push(
    '',
    broken
      ? paint('red', `First broken hop: ${broken.hop}. ${broken.name}`)
      : r.hops.every((h) => h.status === 'ok')
        ? paint('green', 'The chain is whole and the work succeeded.')
        : paint('yellow', 'No hop is broken, but some could not be checked (?).'),
  )
  return lines.join('\n')
}

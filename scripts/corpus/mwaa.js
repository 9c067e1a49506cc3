// `npm run corpus -- mwaa PATH`: runs `mwaa triage --logs FILE --json` on every log file under
// PATH and prints, per file, the top finding's category, every category found and the exit code.
// The expected category of a file (the cause its source thread states) is read from a sidecar
// `FILE.expected` (first line), or from a first line `# expected: CATEGORY` in the file itself; when
// there is one, the line says whether the top finding (top-1) or one of the first three (top-3)
// names it, and the summary counts the hits.
import {existsSync, readFileSync} from 'node:fs'

const SIDECAR = '.expected'
const INLINE = /^#\s*expected:\s*(\S+)/

function expectedOf(file) {
  if (existsSync(file + SIDECAR))
    return (
      readFileSync(file + SIDECAR, 'utf8')
        .split('\n', 1)[0]
        .trim() || undefined
    )
  const head = readFileSync(file, 'utf8').slice(0, 200).split('\n', 1)[0]
  return INLINE.exec(head)?.[1]
}

export default {
  describe({envelope, item}) {
    const findings = envelope?.result?.findings
    const categories = Array.isArray(findings) ? [...new Set(findings.map((f) => f.category))] : []
    const counts = {}
    let verdict = ''
    if (item.expected) {
      counts.expected = 1
      const top1 = categories[0] === item.expected
      const top3 = categories.slice(0, 3).includes(item.expected)
      if (top1) counts['top-1'] = 1
      if (top3) counts['top-3'] = 1
      verdict = `\texpected=${item.expected}\t${top1 ? 'top-1' : top3 ? 'top-3' : 'miss'}`
    }

    if (!Array.isArray(findings)) {
      counts.refused = 1
      return {counts, text: `refused: ${envelope?.error?.message ?? 'no JSON envelope'}${verdict}`}
    }

    if (categories.length === 0) counts['nothing found'] = 1
    return {counts, text: `top=${categories[0] ?? '(nothing found)'}\tall=${categories.join(',') || '-'}${verdict}`}
  },

  items(target, {filesUnder}) {
    return filesUnder(target)
      .filter((file) => !file.endsWith(SIDECAR) && !/(^|\/)(README|sources|labels)[^/]*$/i.test(file))
      .map((file) => ({args: ['mwaa', 'triage', '--logs', file, '--json'], expected: expectedOf(file), label: file}))
  },
}

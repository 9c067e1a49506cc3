// `npm run corpus -- redshift-copy-check DIR`: `redshift copy-check --input DATA --table-ddl DDL
// --copy-options TEXT --json` for every `case.json` under DIR: {"input": "data file", "ddl": "CREATE
// TABLE file", "options": "COPY options or statement", "table"?: "name", "expect"?: {"badRecords":
// n, "codes"?: {"1214": n}}} (paths relative to the case's folder). Per case: records, bad records,
// codes, warnings; with `expect`, whether the findings are what the source says COPY does (a
// published file that loads has `"badRecords": 0`, so any finding there is a false error).
import {readFileSync} from 'node:fs'
import path from 'node:path'

export default {
  describe({envelope, item}) {
    if (!envelope) return {counts: {'no envelope': 1}, text: 'no JSON envelope (crash?)'}
    if (envelope.status === 'error')
      return {counts: {refused: 1}, text: `refused: ${envelope.error?.code ?? ''} ${envelope.error?.message ?? ''}`}
    const r = envelope.result
    const codes = Object.entries(r.byCode ?? {})
      .map(([c, n]) => `${c}×${n}`)
      .join(' ')
    const warnings = (envelope.warnings ?? []).length
    const counts = {bad: r.badRecords, cases: 1, records: r.records}
    let verdict = ''
    if (item.expect) {
      const same =
        r.badRecords === item.expect.badRecords &&
        Object.entries(item.expect.codes ?? {}).every(([c, n]) => (r.byCode?.[c] ?? 0) === n)
      verdict = same ? ' as expected' : ` NOT as expected (${JSON.stringify(item.expect)})`
      counts[same ? 'as expected' : r.badRecords > item.expect.badRecords ? 'false errors' : 'misses'] = 1
    }

    return {
      counts,
      text: `records=${r.records} bad=${r.badRecords}${codes ? ` ${codes}` : ''}${warnings ? ` warnings=${warnings}` : ''}${verdict}`,
    }
  },

  items(target, {filesUnder}) {
    return filesUnder(target)
      .filter((f) => path.basename(f) === 'case.json')
      .map((file) => {
        const dir = path.dirname(file)
        const c = JSON.parse(readFileSync(file, 'utf8'))
        return {
          args: [
            'redshift',
            'copy-check',
            '--input',
            path.join(dir, c.input),
            '--table-ddl',
            path.join(dir, c.ddl),
            ...(c.table ? ['--table', c.table] : []),
            '--copy-options',
            c.options,
            '--json',
          ],
          expect: c.expect,
          label: path.relative(target, dir) || dir,
        }
      })
  },
}

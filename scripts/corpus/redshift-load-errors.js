// `npm run corpus -- redshift-load-errors DIR`: `redshift load-errors --errors-file FILE --json` on
// every .csv/.tsv/.json/.txt file under DIR. A sidecar FILE.expected holds the load error code whose
// meaning explains the row (as the source thread established it); the verdict per file is right
// (the first group is explained by that code's meaning), wrong, or unread (refused / no group).
import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'

const ERRORS_FILE = /\.(csv|tsv|json|txt)$/i

export default {
  describe({envelope, item}) {
    if (!envelope || envelope.status === 'error')
      return {counts: {unread: 1}, text: `unread: ${envelope?.error?.message ?? 'no JSON envelope'}`}
    const group = envelope.result?.groups?.[0]
    if (!group) return {counts: {unread: 1}, text: 'no error group'}
    const {meaning} = group
    const {expected} = item
    const verdict = expected === undefined ? 'explained' : meaning.startsWith(expected.meaning) ? 'right' : 'wrong'
    return {
      counts: {[verdict]: 1},
      text: `${verdict}\tcode=${group.code ?? '-'} meaning="${meaning}"${expected ? ` (expected ${expected.code})` : ''}`,
    }
  },

  items(target, {filesUnder}) {
    return filesUnder(target)
      .filter((file) => ERRORS_FILE.test(file))
      .map((file) => {
        const sidecar = `${file}.expected`
        const code = existsSync(sidecar) ? readFileSync(sidecar, 'utf8').trim() : undefined
        return {
          args: ['redshift', 'load-errors', '--errors-file', file, '--json'],
          expected: code ? {code, meaning: MEANINGS[code] ?? `load error ${code}`} : undefined,
          label: path.relative(process.cwd(), file),
        }
      })
  },
}

// The documented meanings (DG r_Load_Error_Reference.html), first words: enough to compare.
const MEANINGS = {
  1202: 'Input data had more columns',
  1204: 'Input data exceeded the acceptable range',
  1205: 'Date format is not valid',
  1206: 'Timestamp format is not valid',
  1207: 'Data contained a value outside of the expected range of 0-9',
  1213: 'A field specified as NOT NULL',
  1214: 'Delimiter not found',
  1216: 'Input line is not valid',
  1220: 'String contains invalid or unsupported UTF-8',
}

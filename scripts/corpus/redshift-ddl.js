// `npm run corpus -- redshift-ddl DIR`: `redshift copy-check --table-ddl FILE --json` (no --input:
// the DDL is read and its tables listed) on every .sql/.ddl file under DIR. On a corpus of valid,
// published Redshift DDL every refusal is a false error of the CREATE TABLE reader. Per file: the
// tables read, their column count, and the CREATE TABLEs passed over (AS SELECT, LIKE) with why.
import path from 'node:path'

const DDL_FILE = /\.(sql|ddl)$/i

export default {
  describe({envelope, exitCode}) {
    if (!envelope) return {counts: {'no envelope': 1}, text: 'no JSON envelope (crash?)'}
    if (envelope.status === 'error') {
      const noTable = /holds no CREATE TABLE/.test(envelope.error?.message ?? '')
      return {
        counts: noTable ? {'files without CREATE TABLE': 1} : {'parse failures': 1},
        text: `exit=${exitCode} ${noTable ? 'no table' : 'ERROR'}: ${envelope.error?.message ?? 'unknown'}`,
      }
    }

    const tables = envelope.result?.tables ?? []
    const skipped = envelope.result?.skipped ?? []
    const columns = tables.reduce((n, t) => n + t.columns.length, 0)
    const unchecked = tables.flatMap((t) => t.columns.filter((c) => c.kind === 'unchecked').map((c) => c.type))
    return {
      counts: {
        columns,
        'columns of unchecked types': unchecked.length,
        'statements passed over': skipped.length,
        tables: tables.length,
      },
      text: [
        `tables=${tables.length}`,
        `columns=${columns}`,
        unchecked.length > 0 ? `unchecked=[${[...new Set(unchecked)].join(' ')}]` : '',
        skipped.length > 0 ? `skipped=${skipped.length}` : '',
      ]
        .filter(Boolean)
        .join(' '),
    }
  },

  items(target, {filesUnder}) {
    return filesUnder(target)
      .filter((file) => DDL_FILE.test(file))
      .map((file) => ({
        args: ['redshift', 'copy-check', '--table-ddl', file, '--json'],
        label: path.relative(process.cwd(), file),
      }))
  },
}

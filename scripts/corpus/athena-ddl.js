// `npm run corpus -- athena-ddl DIR`: `athena lint-columns --ddl FILE` on every .sql/.ddl/.hql file
// under DIR (one statement or more per file). On a corpus of valid, published DDL every error is a
// false error: the summary counts them, with the warnings and the files that could not be read.
import path from 'node:path'

const DDL_FILE = /\.(sql|ddl|hql)$/i

/** Rule and name of each finding, once. */
function show(list) {
  return [...new Set(list.map((f) => `${f.rule}:${f.path ?? f.column ?? f.table ?? f.database}`))]
}

export default {
  describe({envelope, exitCode}) {
    if (!envelope) return {counts: {'no envelope': 1}, text: 'no JSON envelope (crash?)'}
    if (envelope.status === 'error')
      return {counts: {'parse failures': 1}, text: `error: ${envelope.error?.message ?? 'unknown'}`}
    const findings = envelope.result?.findings ?? []
    const errors = findings.filter((f) => f.severity === 'error')
    const warnings = findings.filter((f) => f.severity === 'warning')
    const text = [
      `errors=${errors.length}`,
      `warnings=${warnings.length}`,
      errors.length > 0 ? `[${show(errors).join(' ')}]` : '',
      warnings.length > 0 ? `(warn ${show(warnings).join(' ')})` : '',
    ]
      .filter(Boolean)
      .join(' ')
    return {
      counts: {
        errors: errors.length,
        'files with errors': errors.length > 0 ? 1 : 0,
        'files with exit 1': exitCode === 1 ? 1 : 0,
        warnings: warnings.length,
      },
      text,
    }
  },

  items(target, {filesUnder}) {
    return filesUnder(target)
      .filter((file) => DDL_FILE.test(file))
      .map((file) => ({
        args: ['athena', 'lint-columns', '--ddl', file, '--json'],
        label: path.relative(process.cwd(), file),
      }))
  },
}

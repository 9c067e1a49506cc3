// `npm run corpus -- s3-lifecycle DIR`: lints every file under DIR with `pipeops s3 lifecycle lint
// --file F --json` and prints, per file, the exit code, the error and warning counts with their
// codes, and the reason when the file could not be read (exit 6), so a false error or a parse
// failure on someone's real files shows up in one line.
const READABLE = /\.(json|ya?ml|template|tf)$/i

/** The distinct finding codes of a list, sorted: "LC001,LC023". */
const codes = (list) => [...new Set(list.map((f) => f.code))].sort().join(',')

export default {
  describe({envelope, exitCode, stderr}) {
    if (!envelope) return {counts: {'no envelope': 1}, text: `no JSON envelope: ${stderr.trim().split('\n')[0] ?? ''}`}
    if (envelope.status === 'error') {
      const parse = exitCode === 6
      return {
        counts: parse ? {'parse failures': 1} : {'other failures': 1},
        text: `${parse ? 'parse failure' : 'failure'}: ${envelope.error.code}: ${envelope.error.message}`,
      }
    }

    const findings = (envelope.result.configurations ?? []).flatMap((c) => c.findings ?? [])
    const errors = findings.filter((f) => f.severity === 'error')
    const warnings = findings.filter((f) => f.severity === 'warning')
    return {
      counts: {
        errors: errors.length,
        'files with errors': errors.length > 0 ? 1 : 0,
        warnings: warnings.length,
      },
      text: `errors=${errors.length}${errors.length > 0 ? ` (${codes(errors)})` : ''}\twarnings=${warnings.length}${warnings.length > 0 ? ` (${codes(warnings)})` : ''}`,
    }
  },
  items(target, {filesUnder}) {
    return filesUnder(target)
      .filter((file) => READABLE.test(file))
      .map((file) => ({args: ['s3', 'lifecycle', 'lint', '--file', file, '--json'], label: file}))
  },
}

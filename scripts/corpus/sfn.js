// `npm run corpus -- sfn PATH`: `sfn lint --json` on every state machine file under PATH (ASL
// JSON/YAML, CloudFormation/SAM templates, Terraform files); counts definitions linted, those not
// readable offline, unreadable files (exit 6) and findings per rule.
const DEFINITION_FILE = /\.(json|ya?ml|tf)$/i

export default {
  describe({envelope, exitCode, stderr}) {
    if (!envelope || envelope.status === 'error') {
      const message = envelope?.error?.message ?? stderr.trim().split('\n')[0] ?? 'no output'
      return {counts: {[`exit ${exitCode} files`]: 1}, text: message}
    }

    const {definitions, findings} = envelope.result
    const counts = {
      definitions: definitions.filter((d) => !d.unreadable).length,
      'definitions not readable offline': definitions.filter((d) => d.unreadable).length,
    }
    for (const f of findings) counts[`${f.severity} ${f.rule}`] = (counts[`${f.severity} ${f.rule}`] ?? 0) + 1
    const rules = [...new Set(findings.map((f) => f.rule))]
    const unread = definitions.filter((d) => d.unreadable).map((d) => `${d.source}: ${d.unreadable}`)
    return {counts, text: [`${findings.length} finding(s)`, rules.join(','), ...unread].filter(Boolean).join('\t')}
  },
  items(target, {filesUnder}) {
    return filesUnder(target)
      .filter((file) => DEFINITION_FILE.test(file))
      .map((file) => ({args: ['sfn', 'lint', '--definition', file, '--json'], label: file}))
  },
}

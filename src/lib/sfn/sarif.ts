/** SARIF for `sfn lint` (shape: src/lib/core/sarif.ts): the file, and the state's path as the logical location. */
import type {LintedFinding} from './lint.js'

import {buildSarif, type SarifLog} from '../core/sarif.js'
import {RULES} from './rules.js'

export function sfnLintSarif(findings: readonly LintedFinding[], file: string, toolVersion: string): SarifLog {
  return buildSarif(
    {
      informationUri: 'https://github.com/pipeops/pipeops/blob/main/docs/stepfunctions.md',
      name: 'pipeops sfn lint',
      rules: RULES.map((r) => ({description: r.description, id: r.id, level: r.severity, title: r.title})),
      version: toolVersion,
    },
    findings.map((f) => ({
      fingerprint: `${f.source}:${f.path}:${f.rule}`,
      level: f.severity,
      logical: {kind: f.state === null ? 'module' : 'member', name: `${f.source} ${f.path}`},
      message: f.message,
      physical: {file},
      ruleId: f.rule,
    })),
  )
}

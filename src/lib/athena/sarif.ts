/**
 * SARIF for `athena lint-columns` (the shape is src/lib/core/sarif.ts): a physical location (file,
 * line, column) when the name came from a DDL file, the file alone for other local files, and a
 * logical location (database.table.column.path) always.
 */
import type {LocatedFinding} from './model.js'

import {buildSarif, type SarifLog} from '../core/sarif.js'
import {RULES} from './rules.js'

export type {SarifLog} from '../core/sarif.js'

export function toSarif(findings: LocatedFinding[], toolVersion: string): SarifLog {
  return buildSarif(
    {
      informationUri: 'https://github.com/pipeops/pipeops/blob/main/docs/athena-lint-columns.md',
      name: 'pipeops athena lint-columns',
      rules: RULES.map((r) => ({
        description: r.description,
        id: r.id,
        level: r.severity === 'error' ? 'error' : 'warning',
        properties: {context: r.context},
        title: r.title,
      })),
      version: toolVersion,
    },
    findings.map((f) => {
      const logical = [f.database, f.table, f.path ?? f.column].filter((x) => x !== null && x !== '').join('.')
      const file = f.position?.file ?? f.source?.file
      return {
        fingerprint: `${logical}:${f.rule}`,
        level: f.severity === 'error' ? 'error' : 'warning',
        logical: {
          kind: f.kind === 'database' ? 'namespace' : f.kind === 'table' ? 'type' : 'member',
          name: logical || f.name,
        },
        message: `${f.message} Fix: ${f.suggestion}`,
        ...(file ? {physical: {column: f.position?.column, file, line: f.position?.line}} : {}),
        ruleId: f.rule,
      }
    }),
  )
}

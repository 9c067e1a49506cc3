/**
 * SARIF 2.1.0 for CI code scanning: one result per finding; a physical location (file, line,
 * column) when the name came from a DDL file, the file alone for other local files, and a logical
 * location (database.table.column.path) always.
 */
import type {LocatedFinding} from './model.js'

import {RULES} from './rules.js'

export interface SarifLog {
  $schema: string
  runs: unknown[]
  version: '2.1.0'
}

export function toSarif(findings: LocatedFinding[], toolVersion: string): SarifLog {
  const ruleIndex = new Map(RULES.map((r, i) => [r.id, i]))
  const results = findings.map((f) => {
    const logical = [f.database, f.table, f.path ?? f.column].filter((x) => x !== null && x !== '').join('.')
    const locations: unknown[] = []
    const file = f.position?.file ?? f.source?.file
    const physical = file
      ? {
          physicalLocation: {
            artifactLocation: {uri: file.replaceAll('\\', '/')},
            ...(f.position ? {region: {startColumn: f.position.column, startLine: f.position.line}} : {}),
          },
        }
      : {}
    locations.push({
      ...physical,
      logicalLocations: [
        {
          fullyQualifiedName: logical || f.name,
          kind: f.kind === 'database' ? 'namespace' : f.kind === 'table' ? 'type' : 'member',
        },
      ],
    })
    return {
      level: f.severity === 'error' ? 'error' : 'warning',
      locations,
      message: {text: `${f.message} Fix: ${f.suggestion}`},
      partialFingerprints: {nameLocation: `${logical}:${f.rule}`},
      ruleId: f.rule,
      ruleIndex: ruleIndex.get(f.rule),
    }
  })
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        results,
        tool: {
          driver: {
            informationUri: 'https://github.com/pipeops/pipeops/blob/main/docs/athena-lint-columns.md',
            name: 'pipeops athena lint-columns',
            rules: RULES.map((r) => ({
              defaultConfiguration: {level: r.severity === 'error' ? 'error' : 'warning'},
              fullDescription: {text: r.description},
              id: r.id,
              name: r.id.replaceAll(/-(\w)/g, (_, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase()),
              properties: {context: r.context},
              shortDescription: {text: r.title},
            })),
            version: toolVersion,
          },
        },
      },
    ],
    version: '2.1.0',
  }
}

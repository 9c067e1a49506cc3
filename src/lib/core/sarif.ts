/**
 * SARIF 2.1.0 for CI code scanning, shared by every linter of pipeops: one run, the tool's rule
 * catalogue in the driver, one result per finding with a logical location (and a physical one
 * when the finding came from a local file).
 */

export interface SarifLog {
  $schema: string
  runs: unknown[]
  version: '2.1.0'
}

export type SarifLevel = 'error' | 'note' | 'warning'

export interface SarifRule {
  description: string
  id: string
  level: SarifLevel
  properties?: Record<string, unknown>
  title: string
}

export interface SarifResult {
  /** Stable across runs for the same problem in the same place (code scanning de-duplicates on it). */
  fingerprint: string
  level: SarifLevel
  logical: {kind: string; name: string}
  message: string
  physical?: {column?: number | undefined; file: string; line?: number | undefined}
  ruleId: string
}

export interface SarifTool {
  informationUri: string
  name: string
  rules: readonly SarifRule[]
  version: string
}

/** PascalCase of a kebab-case rule id: `too-long` → `TooLong` (SARIF's rule `name`). */
function ruleName(id: string): string {
  return id.replaceAll(/-(\w)/g, (_, c: string) => c.toUpperCase()).replace(/^\w/, (c) => c.toUpperCase())
}

export function buildSarif(tool: SarifTool, results: readonly SarifResult[]): SarifLog {
  const ruleIndex = new Map(tool.rules.map((r, i) => [r.id, i]))
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        results: results.map((r) => ({
          level: r.level,
          locations: [
            {
              ...(r.physical
                ? {
                    physicalLocation: {
                      artifactLocation: {uri: r.physical.file.replaceAll('\\', '/')},
                      ...(r.physical.line === undefined
                        ? {}
                        : {region: {startColumn: r.physical.column, startLine: r.physical.line}}),
                    },
                  }
                : {}),
              logicalLocations: [{fullyQualifiedName: r.logical.name, kind: r.logical.kind}],
            },
          ],
          message: {text: r.message},
          partialFingerprints: {nameLocation: r.fingerprint},
          ruleId: r.ruleId,
          ruleIndex: ruleIndex.get(r.ruleId),
        })),
        tool: {
          driver: {
            informationUri: tool.informationUri,
            name: tool.name,
            rules: tool.rules.map((r) => ({
              defaultConfiguration: {level: r.level},
              fullDescription: {text: r.description},
              id: r.id,
              name: ruleName(r.id),
              ...(r.properties ? {properties: r.properties} : {}),
              shortDescription: {text: r.title},
            })),
            version: tool.version,
          },
        },
      },
    ],
    version: '2.1.0',
  }
}

/**
 * `sfn lint`: structure rules (errors) and practice rules (warnings) over every definition read
 * from the input. Pure: takes loaded definitions, returns findings.
 */
import type {WorkflowType} from './asl.js'
import type {DefinitionFormat, LoadedDefinition} from './read-definition.js'

import {statesOf} from './asl.js'
import {lintPractice} from './lint-practice.js'
import {lintStructure} from './lint-structure.js'
import {type SfnFinding} from './rules.js'

export interface LintedFinding extends SfnFinding {
  /** Which definition of the input: "template.yaml Resources.Orders". */
  source: string
}

export interface LintedDefinition {
  errors: number
  format: DefinitionFormat
  source: string
  /** Number of states, nested ones included; null when unreadable. */
  states: null | number
  type: null | WorkflowType
  /** Why this definition could not be read offline; it was not linted. */
  unreadable?: string
  warnings: number
}

export interface SfnLintResult {
  definitions: LintedDefinition[]
  errors: number
  findings: LintedFinding[]
  warnings: number
}

export interface LintOptions {
  /** Only these rule ids (empty: all). */
  only?: readonly string[]
  /** Rule ids to skip. */
  skip?: readonly string[]
  /** The workflow type to assume where the input does not say (--type). */
  type?: undefined | WorkflowType
}

export function lintDefinitions(loaded: readonly LoadedDefinition[], options: LintOptions = {}): SfnLintResult {
  const findings: LintedFinding[] = []
  const definitions: LintedDefinition[] = []
  const keep = (f: SfnFinding): boolean =>
    (options.only === undefined || options.only.length === 0 || options.only.includes(f.rule)) &&
    !(options.skip ?? []).includes(f.rule)
  for (const item of loaded) {
    const type = item.type ?? options.type ?? null
    if (!item.definition) {
      definitions.push({
        errors: 0,
        format: item.format,
        source: item.source,
        states: null,
        type,
        unreadable: item.unreadable ?? 'unreadable',
        warnings: 0,
      })
      continue
    }

    const own = [...lintStructure(item.definition), ...lintPractice(item.definition, {type: type ?? undefined})]
      .filter((f) => keep(f))
      .map((f) => ({...f, source: item.source}))
    findings.push(...own)
    definitions.push({
      errors: own.filter((f) => f.severity === 'error').length,
      format: item.format,
      source: item.source,
      states: statesOf(item.definition).length,
      type,
      warnings: own.filter((f) => f.severity === 'warning').length,
    })
  }

  return {
    definitions,
    errors: findings.filter((f) => f.severity === 'error').length,
    findings,
    warnings: findings.filter((f) => f.severity === 'warning').length,
  }
}

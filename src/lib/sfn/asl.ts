/**
 * The Amazon States Language as pipeops reads it: loose object types (a definition under lint can
 * hold anything), how unresolved template values look, how a place in a definition is named, and
 * a walk over every scope (the top level, each Parallel branch, each Map's item processor).
 */

export type Json = Record<string, unknown>

export const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

export type QueryLanguage = 'JSONata' | 'JSONPath'
export type WorkflowType = 'EXPRESS' | 'STANDARD'

/**
 * A value a template left unresolved (`${LambdaArn}` of DefinitionSubstitutions or Fn::Sub, a
 * Terraform reference, a CloudFormation intrinsic) is kept as a string holding `${…}`: its real
 * value is unknown, so no rule may call it wrong, missing or fine.
 */
export function isUnresolved(value: unknown): boolean {
  return typeof value === 'string' && /\$\{[^}]*\}/.test(value)
}

/** `$.States['Load file'].Retry[0]`: a readable, unambiguous address of a place in a definition. */
export function childPath(parent: string, key: number | string): string {
  if (typeof key === 'number') return `${parent}[${key}]`
  return /^[A-Za-z_][\w]*$/.test(key) ? `${parent}.${key}` : `${parent}['${key.replaceAll("'", String.raw`\'`)}']`
}

export interface Scope {
  /** The state that owns this scope (a Parallel or Map), or null at the top level. */
  owner: null | {kind: 'Map' | 'Parallel'; name: string; state: Json}
  /** The scope holding the owner state; null at the top level. */
  parent: null | Scope
  /** Where this scope's `States` object is, e.g. `$.States.Fanout.Branches[0]`. */
  path: string
  /** The query language a state of this scope inherits when it sets none. */
  queryLanguage: QueryLanguage
  /** The object holding StartAt and States (the definition, a branch, an ItemProcessor). */
  scope: Json
}

export function queryLanguageOf(value: unknown, inherited: QueryLanguage): QueryLanguage {
  return value === 'JSONata' || value === 'JSONPath' ? value : inherited
}

/** The item processor of a Map: `ItemProcessor`, or the deprecated `Iterator`. */
export function mapProcessor(state: Json): Json | undefined {
  if (isObj(state.ItemProcessor)) return state.ItemProcessor
  if (isObj(state.Iterator)) return state.Iterator
  return undefined
}

/** DISTRIBUTED when the Map's ProcessorConfig says so (inline otherwise, as AWS defaults). */
export function isDistributedMap(state: Json): boolean {
  const processor = mapProcessor(state)
  return isObj(processor?.ProcessorConfig) && processor.ProcessorConfig.Mode === 'DISTRIBUTED'
}

/** Every scope of a definition, the top level first, nested scopes depth-first. */
export function scopesOf(definition: Json): Scope[] {
  const out: Scope[] = []
  const visit = (
    scope: Json,
    path: string,
    inherited: QueryLanguage,
    owner: Scope['owner'],
    parent: null | Scope,
  ): void => {
    const queryLanguage = queryLanguageOf(scope.QueryLanguage, inherited)
    const here: Scope = {owner, parent, path, queryLanguage, scope}
    out.push(here)
    if (!isObj(scope.States)) return
    for (const [name, state] of Object.entries(scope.States)) {
      if (!isObj(state)) continue
      const statePath = childPath(childPath(path, 'States'), name)
      const stateLanguage = queryLanguageOf(state.QueryLanguage, queryLanguage)
      if (state.Type === 'Parallel' && Array.isArray(state.Branches)) {
        for (const [i, branch] of state.Branches.entries()) {
          if (isObj(branch))
            visit(
              branch,
              childPath(childPath(statePath, 'Branches'), i),
              stateLanguage,
              {
                kind: 'Parallel',
                name,
                state,
              },
              here,
            )
        }
      } else if (state.Type === 'Map') {
        const key = isObj(state.ItemProcessor) ? 'ItemProcessor' : 'Iterator'
        const processor = mapProcessor(state)
        if (processor) visit(processor, childPath(statePath, key), stateLanguage, {kind: 'Map', name, state}, here)
      }
    }
  }

  visit(definition, '$', queryLanguageOf(definition.QueryLanguage, 'JSONPath'), null, null)
  return out
}

export interface LocatedState {
  name: string
  path: string
  queryLanguage: QueryLanguage
  scope: Scope
  state: Json
}

/** Every state of every scope, with its address and the query language it runs with. */
export function statesOf(definition: Json): LocatedState[] {
  const out: LocatedState[] = []
  for (const scope of scopesOf(definition)) {
    if (!isObj(scope.scope.States)) continue
    for (const [name, state] of Object.entries(scope.scope.States)) {
      if (!isObj(state)) continue
      out.push({
        name,
        path: childPath(childPath(scope.path, 'States'), name),
        queryLanguage: queryLanguageOf(state.QueryLanguage, scope.queryLanguage),
        scope,
        state,
      })
    }
  }

  return out
}

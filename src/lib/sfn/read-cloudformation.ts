/**
 * State machines of a CloudFormation or SAM template:
 * - `AWS::StepFunctions::StateMachine`: `Definition` (an object), `DefinitionString` (a string,
 *   `Fn::Sub`, `Fn::Join`), `DefinitionSubstitutions`, `StateMachineType`;
 * - `AWS::Serverless::StateMachine`: `Definition`, `DefinitionUri` (a local file; an S3 location
 *   cannot be read offline), `DefinitionSubstitutions`, `Type`.
 * Values CloudFormation resolves at deploy time (Ref, GetAtt, parameters, pseudo parameters)
 * stay unknown `${…}` placeholders.
 */
import {isIntrinsicFunction} from '../core/parse/cloudformation-yaml.js'
import {isObj, type Json, type WorkflowType} from './asl.js'
import {type PlaceholderLookup, resolvePlaceholders} from './placeholders.js'

export interface TemplateStateMachine {
  /** The definition as text (JSON or YAML) or as an object; undefined when it cannot be read offline. */
  definition?: {object: unknown} | {text: string}
  /** A local file the definition lives in (SAM DefinitionUri), relative to the template. */
  definitionFile?: string
  lookup: PlaceholderLookup
  /** "Resources.OrderMachine" */
  source: string
  type?: undefined | WorkflowType
  /** Why the definition cannot be read (an S3 location, an unresolvable expression). */
  unreadable?: string
}

/** A part of an Fn::Join that is neither text nor a known intrinsic: unknown. */
const UNKNOWN_PART = `\${…}`

/** A short, stable name for an intrinsic left unresolved: `${GetAtt Fn.Arn}`, `${Ref Bucket}`. */
export function describeIntrinsic(value: Json): string {
  const [key, arg] = Object.entries(value)[0]!
  const name = key.replace(/^Fn::/, '')
  const text =
    typeof arg === 'string' ? arg : Array.isArray(arg) && arg.every((a) => typeof a === 'string') ? arg.join('.') : '…'
  return `\${${name} ${text.replaceAll(/[{}$]/g, '')}}`
}

/** Replace every intrinsic in a definition object by its unknown placeholder. */
function placeholdIntrinsics(value: unknown): unknown {
  if (isIntrinsicFunction(value)) return describeIntrinsic(value)
  if (Array.isArray(value)) return value.map((v) => placeholdIntrinsics(v))
  if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, placeholdIntrinsics(v)]))
  return value
}

/** Known substitution values: literal strings and numbers; an intrinsic's value is unknown. */
function substitutionLookup(...maps: unknown[]): PlaceholderLookup {
  return (name) => {
    for (const map of maps) {
      if (!isObj(map) || !(name in map)) continue
      const v = map[name]
      return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined
    }

    return undefined
  }
}

/** The text of a DefinitionString: a string, Fn::Sub (string or [string, variables]) or Fn::Join. */
function definitionStringText(value: unknown): undefined | {text: string; variables?: unknown} {
  if (typeof value === 'string') return {text: value}
  if (!isObj(value)) return undefined
  const sub = value['Fn::Sub']
  if (typeof sub === 'string') return {text: sub}
  if (Array.isArray(sub) && typeof sub[0] === 'string') return {text: sub[0], variables: sub[1]}
  const join = value['Fn::Join']
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    const parts = join[1].map((p) => {
      if (typeof p === 'string') return p
      const inner = definitionStringText(p)
      if (inner && inner.variables === undefined) return inner.text
      return isIntrinsicFunction(p) ? describeIntrinsic(p) : UNKNOWN_PART
    })
    return {text: parts.join(join[0])}
  }

  return undefined
}

/** CloudFormation and SAM default to STANDARD; a type given by an intrinsic is unknown. */
function workflowType(value: unknown): undefined | WorkflowType {
  if (value === undefined) return 'STANDARD'
  return value === 'EXPRESS' || value === 'STANDARD' ? value : undefined
}

export function readTemplateStateMachines(template: Json): TemplateStateMachine[] {
  const out: TemplateStateMachine[] = []
  const resources = isObj(template.Resources) ? template.Resources : {}
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (!isObj(resource)) continue
    const kind = resource.Type
    if (kind !== 'AWS::StepFunctions::StateMachine' && kind !== 'AWS::Serverless::StateMachine') continue
    const props = isObj(resource.Properties) ? resource.Properties : {}
    const source = `Resources.${logicalId}`
    const type = workflowType(kind === 'AWS::Serverless::StateMachine' ? props.Type : props.StateMachineType)
    const base = {lookup: substitutionLookup(props.DefinitionSubstitutions), source, type}
    if (props.Definition !== undefined) {
      out.push({...base, definition: {object: placeholdIntrinsics(props.Definition)}})
    } else if (props.DefinitionString !== undefined) {
      const found = definitionStringText(props.DefinitionString)
      if (found) {
        out.push({
          ...base,
          definition: {text: found.text},
          lookup: substitutionLookup(found.variables, props.DefinitionSubstitutions),
        })
      } else {
        out.push({...base, unreadable: 'DefinitionString is an expression pipeops cannot evaluate offline'})
      }
    } else if (typeof props.DefinitionUri === 'string' && !/^s3:\/\//i.test(props.DefinitionUri)) {
      out.push({...base, definitionFile: props.DefinitionUri})
    } else if (props.DefinitionUri !== undefined || props.DefinitionS3Location !== undefined) {
      out.push({...base, unreadable: 'the definition is stored in S3 (DefinitionUri/DefinitionS3Location)'})
    } else {
      out.push({...base, unreadable: 'the resource has no Definition, DefinitionString or DefinitionUri'})
    }
  }

  return out
}

/** Substitute DefinitionSubstitutions (and Fn::Sub variables) into a definition given as text. */
export function substituteDefinitionText(text: string, lookup: PlaceholderLookup): string {
  return resolvePlaceholders(text, lookup, {escape: 'cloudformation', json: /^\s*[[{]/.test(text)})
}

/** Substitute into every string of a definition given as an object (Definition with DefinitionSubstitutions). */
export function substituteDefinitionObject(value: unknown, lookup: PlaceholderLookup): unknown {
  if (typeof value === 'string') return resolvePlaceholders(value, lookup, {escape: 'cloudformation', json: false})
  if (Array.isArray(value)) return value.map((v) => substituteDefinitionObject(v, lookup))
  if (isObj(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteDefinitionObject(v, lookup)]))
  return value
}

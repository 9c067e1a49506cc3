/**
 * `aws_sfn_state_machine` resources of a Terraform file. The file's blocks are read with
 * the `@cdktf/hcl2json` package (HashiCorp's own HCL parser, compiled to WebAssembly); the `definition`
 * attribute is then evaluated by hcl-expression.ts:
 * - a heredoc or quoted string: the definition's JSON, interpolations kept as unknown values;
 * - `jsonencode({...})`: the object constructor, references kept as unknown values;
 * - `templatefile(path, {vars})` / `file(path)`: the local file, with the literal variables
 *   substituted (`path.module` is the .tf file's folder);
 * - anything else (`local.definition`, `data.template_file.x.rendered`): unreadable offline.
 *
 * The HCL parse itself is the shared one (lib/core/parse/hcl.ts). The S3 lifecycle flow evaluates
 * expressions with its own evaluator (s3/lifecycle/tf-expressions.ts); the two should become one.
 */
import path from 'node:path'

import {parseHclFile} from '../core/parse/hcl.js'
import {isObj, type WorkflowType} from './asl.js'
import {evaluateHclExpression, HclExpressionError, type HclExpressionValue} from './hcl-expression.js'

export interface TerraformStateMachine {
  /** The definition: JSON text (placeholders kept), or undefined when unreadable. */
  definition?: {text: string}
  /** A template file to read and substitute (templatefile/file), relative to the current folder. */
  definitionFile?: {path: string; variables: Record<string, string | undefined>}
  /** "aws_sfn_state_machine.orders" */
  source: string
  /** Variables of a template_file data source whose template is inline text. */
  templateVariables?: Record<string, string | undefined>
  type?: undefined | WorkflowType
  unreadable?: string
}

type Hcl2JsonBlocks = Record<string, Record<string, Array<Record<string, unknown>>>>

/** The inner expression of `${…}` when the whole attribute is one interpolation, else undefined. */
function wholeInterpolation(text: string): string | undefined {
  if (!text.startsWith('${') || !text.endsWith('}')) return undefined
  let depth = 0
  for (let i = 1; i < text.length; i++) {
    if (text[i] === '{') depth++
    else if (text[i] === '}') {
      depth--
      if (depth === 0) return i === text.length - 1 ? text.slice(2, -1) : undefined
    }
  }

  return undefined
}

function resolvePathExpression(value: HclExpressionValue | undefined, moduleDir: string): string | undefined {
  if (typeof value !== 'string') return undefined
  const replaced = value.replaceAll(/\$\{path\.(module|root)\}/g, moduleDir).replaceAll(/\$\{path\.cwd\}/g, '.')
  return /\$\{/.test(replaced) ? undefined : path.resolve(moduleDir, replaced)
}

/** Literal variables of templatefile()/template_file (strings, numbers, booleans); others unknown. */
function literalVariables(vars: unknown): Record<string, string | undefined> {
  const variables: Record<string, string | undefined> = {}
  for (const [k, v] of Object.entries(isObj(vars) ? vars : {})) {
    variables[k] =
      (typeof v === 'string' && !/\$\{/.test(v)) || typeof v === 'number' || typeof v === 'boolean'
        ? String(v)
        : undefined
  }

  return variables
}

/**
 * `data.template_file.NAME.rendered` (the template provider, still common): its `template`
 * attribute read like a definition, with its literal `vars`.
 */
function readTemplateFileData(
  name: string,
  templates: Record<string, Array<Record<string, unknown>>>,
  moduleDir: string,
): Omit<TerraformStateMachine, 'source' | 'type'> {
  const body = templates[name]?.[0]
  if (!body)
    return {
      unreadable: `the definition is data.template_file.${name}.rendered, and that data source is not in this file`,
    }
  const inner = readDefinition(body.template, moduleDir, {})
  const variables = literalVariables(Array.isArray(body.vars) ? body.vars[0] : body.vars)
  if (inner.definitionFile) return {definitionFile: {path: inner.definitionFile.path, variables}}
  if (inner.definition) return {definition: inner.definition, templateVariables: variables}
  return inner
}

function readDefinition(
  raw: unknown,
  moduleDir: string,
  templates: Record<string, Array<Record<string, unknown>>>,
): Omit<TerraformStateMachine, 'source' | 'type'> {
  if (typeof raw !== 'string') return {unreadable: 'the resource has no definition attribute'}
  const expression = wholeInterpolation(raw)
  if (expression === undefined) return {definition: {text: raw}}
  let evaluated
  try {
    evaluated = evaluateHclExpression(expression)
  } catch (error) {
    if (error instanceof HclExpressionError)
      return {unreadable: `the definition expression cannot be read (${error.message})`}
    throw error
  }

  if (evaluated.call) {
    const {args, name} = evaluated.call
    const file = resolvePathExpression(args[0], moduleDir)
    if ((name === 'templatefile' || name === 'file') && file)
      return {definitionFile: {path: file, variables: name === 'templatefile' ? literalVariables(args[1]) : {}}}

    const first = typeof args[0] === 'string' ? JSON.stringify(args[0]) : '…'
    return {
      unreadable: `the definition is ${name}(${first}${args.length > 1 ? ', …' : ''}), which pipeops cannot evaluate offline${file ? '' : ' (its path depends on a variable)'}`,
    }
  }

  const {value} = evaluated
  if (typeof value === 'string' && !/^\$\{[^}]*\}$/.test(value)) return {definition: {text: value}}
  const templateFile = typeof value === 'string' ? /^\$\{data\.template_file\.([\w-]+)\.rendered\}$/.exec(value) : null
  if (templateFile) return readTemplateFileData(templateFile[1]!, templates, moduleDir)
  return {
    unreadable: `the definition is ${typeof value === 'string' ? value.slice(2, -1) : 'an expression'}, which pipeops cannot evaluate offline`,
  }
}

export async function readTerraformStateMachines(text: string, file: string): Promise<TerraformStateMachine[]> {
  const parsed = (await parseHclFile(text, file)) as {data?: Hcl2JsonBlocks; resource?: Hcl2JsonBlocks}

  const moduleDir = path.dirname(path.resolve(file))
  const machines = parsed.resource?.aws_sfn_state_machine ?? {}
  const out: TerraformStateMachine[] = []
  for (const [name, bodies] of Object.entries(machines)) {
    for (const body of bodies) {
      // Terraform's default is STANDARD; a type given by an expression is unknown.
      const type = body.type === undefined ? 'STANDARD' : typeof body.type === 'string' ? body.type.toUpperCase() : ''
      out.push({
        source: `aws_sfn_state_machine.${name}`,
        type: type === 'EXPRESS' || type === 'STANDARD' ? type : undefined,
        ...readDefinition(body.definition, moduleDir, parsed.data?.template_file ?? {}),
      })
    }
  }

  return out
}

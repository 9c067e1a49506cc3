/**
 * Where `sfn lint` and `sfn retry-timeline` get definitions: a local file in any supported form
 * (ASL JSON or YAML, a CloudFormation/SAM template, a Terraform file), each state machine in it
 * read into an ASL object with unresolved values kept unknown.
 *
 * A file that is none of these is an InputError (exit 6). A state machine whose definition cannot
 * be read offline (stored in S3, built by an expression) is returned with `unreadable`, never as
 * an empty or a failing definition.
 */
import {readdir, readFile} from 'node:fs/promises'
import path from 'node:path'

import {InputError} from '../core/errors.js'
import {parseCloudFormationYaml} from '../core/parse/cloudformation-yaml.js'
import {isObj, type Json, type WorkflowType} from './asl.js'
import {resolvePlaceholders} from './placeholders.js'
import {readTemplateStateMachines, substituteDefinitionObject, substituteDefinitionText} from './read-cloudformation.js'
import {readTerraformStateMachines} from './read-terraform.js'

export type DefinitionFormat = 'asl' | 'cloudformation' | 'live' | 'terraform'

export interface LoadedDefinition {
  /** The ASL object; undefined when `unreadable` says why it cannot be read. */
  definition?: Json
  format: DefinitionFormat
  /** "machine.asl.json", "template.yaml Resources.Orders", "main.tf aws_sfn_state_machine.orders". */
  source: string
  /** STANDARD or EXPRESS when the input says (CloudFormation, SAM, Terraform, live); unknown otherwise. */
  type?: undefined | WorkflowType
  unreadable?: string
}

async function readText(file: string, what: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    const {code} = error as NodeJS.ErrnoException
    throw new InputError(
      `cannot read ${what} ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
      {
        code: code === 'ENOENT' ? 'FileNotFound' : 'InvalidInput',
        suggestions: ['Check the path given to --definition.'],
      },
    )
  }
}

/**
 * A file whose name differs only in case: the template then works on macOS and Windows (whose
 * file systems ignore case) and fails on Linux, as seen in public SAM samples. Named, not used.
 */
async function caseOnlyMatch(file: string): Promise<string> {
  const names = await readdir(path.dirname(file)).catch(() => [] as string[])
  const wanted = path.basename(file).toLowerCase()
  const found = names.find((n) => n.toLowerCase() === wanted)
  return found ? `; there is ${found}, whose name differs in case: found on macOS and Windows, not on Linux` : ''
}

/** Parse JSON or YAML text; a syntax error is an InputError naming the file and the first problem. */
function parseStructured(text: string, file: string): unknown {
  const json = /^\s*[[{]/.test(text)
  try {
    return json ? JSON.parse(text) : parseCloudFormationYaml(text)
  } catch (error) {
    throw new InputError(`${file} is not valid ${json ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`, {
      suggestions: [
        'Fix the syntax; --definition reads ASL JSON or YAML, CloudFormation/SAM templates and Terraform files.',
      ],
    })
  }
}

const looksLikeAsl = (v: unknown): v is Json => isObj(v) && ('StartAt' in v || 'States' in v)

/** A definition given as text (after substitution): JSON or YAML that must be an ASL object. */
function definitionFromText(text: string, where: string): Json | string {
  let value: unknown
  try {
    value = /^\s*[[{]/.test(text) ? JSON.parse(text) : parseCloudFormationYaml(text)
  } catch (error) {
    return `the definition is not valid JSON/YAML: ${(error as Error).message.split('\n')[0]}`
  }

  return looksLikeAsl(value) ? value : `${where} is not a state machine definition (no StartAt/States)`
}

export async function loadDefinitionFile(file: string): Promise<LoadedDefinition[]> {
  const text = await readText(file, 'definition file')
  return parseDefinitionFile(text, file)
}

export async function parseDefinitionFile(text: string, file: string): Promise<LoadedDefinition[]> {
  const name = path.basename(file)
  const dir = path.dirname(path.resolve(file))
  if (/\.(tf|hcl)$/i.test(file) || /^\s*resource\s+"aws_sfn_state_machine"/m.test(text)) {
    const machines = await readTerraformStateMachines(text, file)
    if (machines.length === 0) {
      throw new InputError(`${file} has no aws_sfn_state_machine resource`, {
        suggestions: ['Point --definition at the .tf file that declares the state machine.'],
      })
    }

    return Promise.all(
      machines.map(async (m): Promise<LoadedDefinition> => {
        const base = {format: 'terraform' as const, source: `${name} ${m.source}`, type: m.type}
        if (m.unreadable) return {...base, unreadable: m.unreadable}
        let body = m.definition?.text
        if (m.definitionFile) {
          const template = await readFile(m.definitionFile.path, 'utf8').catch((error: NodeJS.ErrnoException) => error)
          if (typeof template !== 'string')
            return {
              ...base,
              unreadable: `the template file ${m.definitionFile.path} cannot be read (${template.code === 'ENOENT' ? 'no such file' : template.message})`,
            }
          const vars = m.definitionFile.variables
          body = resolvePlaceholders(template, (k) => vars[k], {escape: 'terraform', json: /^\s*[[{]/.test(template)})
        } else if (body !== undefined) {
          const vars = m.templateVariables ?? {}
          body = resolvePlaceholders(body, (k) => vars[k], {escape: 'terraform', json: /^\s*[[{]/.test(body)})
        }

        const definition = definitionFromText(body ?? '', m.source)
        return typeof definition === 'string' ? {...base, unreadable: definition} : {...base, definition}
      }),
    )
  }

  const data = parseStructured(text, file)
  if (looksLikeAsl(data)) return [{definition: data, format: 'asl', source: name}]
  if (isObj(data) && typeof data.definition === 'string' && typeof data.stateMachineArn === 'string') {
    // The output of `aws stepfunctions describe-state-machine` saved to a file.
    const definition = definitionFromText(data.definition, 'definition')
    const type: undefined | WorkflowType = data.type === 'EXPRESS' || data.type === 'STANDARD' ? data.type : undefined
    const base = {format: 'live' as const, source: `${name} ${data.stateMachineArn}`, type}
    return [typeof definition === 'string' ? {...base, unreadable: definition} : {...base, definition}]
  }

  if (isObj(data) && isObj(data.Resources)) {
    const machines = readTemplateStateMachines(data)
    if (machines.length === 0) {
      throw new InputError(
        `${file} is a CloudFormation template without an AWS::StepFunctions::StateMachine or AWS::Serverless::StateMachine`,
        {suggestions: ['Point --definition at the template that declares the state machine.']},
      )
    }

    return Promise.all(
      machines.map(async (m): Promise<LoadedDefinition> => {
        const base = {format: 'cloudformation' as const, source: `${name} ${m.source}`, type: m.type}
        if (m.unreadable) return {...base, unreadable: m.unreadable}
        if (m.definitionFile) {
          const uriFile = path.resolve(dir, m.definitionFile)
          const uriText = await readFile(uriFile, 'utf8').catch((error: NodeJS.ErrnoException) => error)
          if (typeof uriText !== 'string')
            return {
              ...base,
              unreadable: `DefinitionUri ${m.definitionFile} cannot be read (${uriText.code === 'ENOENT' ? `no such file${await caseOnlyMatch(uriFile)}` : uriText.message})`,
            }
          const definition = definitionFromText(substituteDefinitionText(uriText, m.lookup), m.definitionFile)
          return typeof definition === 'string' ? {...base, unreadable: definition} : {...base, definition}
        }

        if (m.definition && 'object' in m.definition) {
          const definition = substituteDefinitionObject(m.definition.object, m.lookup)
          return looksLikeAsl(definition)
            ? {...base, definition}
            : {...base, unreadable: 'Definition is not a state machine definition (no StartAt/States)'}
        }

        const definition = definitionFromText(substituteDefinitionText(m.definition?.text ?? '', m.lookup), m.source)
        return typeof definition === 'string' ? {...base, unreadable: definition} : {...base, definition}
      }),
    )
  }

  throw new InputError(`${file} is not a state machine definition`, {
    suggestions: [
      'Give ASL JSON/YAML (with StartAt and States), a CloudFormation/SAM template with a state machine, or a Terraform file with aws_sfn_state_machine.',
    ],
  })
}

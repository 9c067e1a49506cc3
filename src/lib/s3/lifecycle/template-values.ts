/**
 * Values supplied for a template on the command line: CloudFormation parameters (--parameter
 * KEY=VALUE, --parameters-file in the formats `aws cloudformation create-stack` and `deploy`
 * accept) and Terraform variables (--var NAME=VALUE, --var-file FILE.tfvars / .tfvars.json).
 */
import {readFile} from 'node:fs/promises'

import type {TemplateValues} from './load.js'

import {InputError, UsageError} from '../../core/errors.js'
import {readTfvars} from './read-terraform.js'

function keyValue(pair: string, flag: string): [string, string] {
  const at = pair.indexOf('=')
  if (at <= 0)
    throw new UsageError(`${flag} "${pair}" is not KEY=VALUE`, {suggestions: [`Write ${flag} RetentionDays=30.`]})
  return [pair.slice(0, at).trim(), pair.slice(at + 1)]
}

/**
 * A parameters file: `[{"ParameterKey": …, "ParameterValue": …}]` (create-stack), `{"Parameters":
 * {…}}` (deploy / template configuration files), `["Key=Value", …]`, or Key=Value words.
 */
export function parseParametersFile(text: string, file: string): Map<string, string> {
  const out = new Map<string, string>()
  const trimmed = text.trim()
  if (!/^[[{]/.test(trimmed)) {
    for (const word of trimmed.split(/\s+/).filter(Boolean)) out.set(...keyValue(word, '--parameters-file entry'))
    return out
  }

  let data: unknown
  try {
    data = JSON.parse(trimmed)
  } catch (error) {
    throw new InputError(`${file} is not valid JSON: ${(error as Error).message}`, {
      suggestions: [
        'Give a create-stack parameters file ([{"ParameterKey": …, "ParameterValue": …}]) or {"Parameters": {…}}.',
      ],
    })
  }

  const entries = Array.isArray(data)
    ? data
    : typeof data === 'object' && data !== null && 'Parameters' in data
      ? (data as {Parameters: unknown}).Parameters
      : undefined
  if (Array.isArray(entries)) {
    for (const e of entries) {
      if (typeof e === 'string') out.set(...keyValue(e, '--parameters-file entry'))
      else if (
        typeof e === 'object' &&
        e !== null &&
        typeof (e as {ParameterKey?: unknown}).ParameterKey === 'string'
      ) {
        const {ParameterKey, ParameterValue, UsePreviousValue} = e as {
          ParameterKey: string
          ParameterValue?: unknown
          UsePreviousValue?: boolean
        }
        // UsePreviousValue: the deployed value is not in the file, so the parameter stays unresolved.
        if (!UsePreviousValue && ParameterValue !== undefined) out.set(ParameterKey, String(ParameterValue))
      } else
        throw new InputError(`${file}: ${JSON.stringify(e)} is not a parameter entry`, {
          suggestions: ['Use {"ParameterKey": "K", "ParameterValue": "V"}.'],
        })
    }
  } else if (typeof entries === 'object' && entries !== null) {
    for (const [k, v] of Object.entries(entries)) out.set(k, String(v))
  } else {
    throw new InputError(`${file} is not a parameters file`, {
      suggestions: ['Give [{"ParameterKey": …, "ParameterValue": …}] or {"Parameters": {"Key": "Value"}}.'],
    })
  }

  return out
}

async function readText(file: string, flag: string): Promise<string> {
  try {
    return await readFile(file, 'utf8')
  } catch (error) {
    throw new InputError(
      `cannot read ${file} (${flag}): ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        code: 'FileNotFound',
        suggestions: [`Check the path given to ${flag}.`],
      },
    )
  }
}

/** A --var value: numbers and booleans as Terraform would read them, the rest as a string. */
function varValue(text: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text)
  if (text === 'true' || text === 'false') return text === 'true'
  return text
}

export async function loadTemplateValues(flags: {
  parameter?: string[] | undefined
  parametersFile?: string | undefined
  var?: string[] | undefined
  varFile?: string[] | undefined
}): Promise<TemplateValues> {
  const parameters = new Map<string, string>()
  if (flags.parametersFile)
    for (const [k, v] of parseParametersFile(
      await readText(flags.parametersFile, '--parameters-file'),
      flags.parametersFile,
    ))
      parameters.set(k, v)
  for (const p of flags.parameter ?? []) parameters.set(...keyValue(p, '--parameter'))
  const vars = new Map<string, unknown>()
  for (const file of flags.varFile ?? [])
    for (const [k, v] of await readTfvars(await readText(file, '--var-file'), file)) vars.set(k, v)
  for (const v of flags.var ?? []) {
    const [k, text] = keyValue(v, '--var')
    vars.set(k, varValue(text))
  }

  return {parameters, vars}
}

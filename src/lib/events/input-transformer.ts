/**
 * What a rule's target receives for an event: the whole event, a constant `Input`, the part an
 * `InputPath` selects, or an `InputTransformer`'s output. EventBridge's documented behaviour
 * (user guide, "Amazon EventBridge input transformation"; API reference, InputTransformer):
 * - `InputPathsMap` variables are JSON paths (dot notation, array indices, `*`) into the event;
 *   a path that is not in the event creates no variable;
 * - in a JSON template, a placeholder outside quotes becomes the value as JSON (a string gets its
 *   quotes), inside quotes the value's text, *not escaped*: a value holding a quote breaks the
 *   JSON the target receives; a template that is not a JSON object or array (a quoted string,
 *   or plain text) gets the values' text;
 * - reserved variables: `aws.events.rule-arn`, `aws.events.rule-name`,
 *   `aws.events.event.ingestion-time`, `aws.events.event` (the event without `detail`) and
 *   `aws.events.event.json` (the whole event); the last two only as JSON values.
 * What cannot be known offline (the ingestion time) is said, not invented.
 */

export interface TargetInputConfig {
  input?: string | undefined
  inputPath?: string | undefined
  inputTransformer?: undefined | {inputPathsMap?: Record<string, string> | undefined; inputTemplate: string}
}

export interface TargetInput {
  kind: 'constant' | 'event' | 'path' | 'transformer'
  /** The text the target receives (JSON or a plain string). */
  text: string
  /** Whether `text` parses as JSON (a target such as Step Functions needs JSON). */
  validJson: boolean
  warnings: string[]
}

type Json = boolean | Json[] | null | number | string | {[key: string]: Json}

/** `$.detail.object.key`, `$.resources[0]`, `$.detail.*` → the value(s), or undefined when absent. */
export function readJsonPath(event: Json, path: string): Json | undefined {
  if (path === '$') return event
  if (!path.startsWith('$')) return undefined
  const steps: Array<number | string> = []
  const re = /\.([^.[\]]+)|\[(\d+|\*)\]|\['([^']*)'\]/gy
  re.lastIndex = 1
  let m: null | RegExpExecArray
  while (re.lastIndex < path.length && (m = re.exec(path))) {
    if (m[1] !== undefined) steps.push(m[1])
    else if (m[2] === undefined) {
      steps.push(m[3]!)
    } else {
      steps.push(m[2] === '*' ? '*' : Number(m[2]))
    }
  }

  if (re.lastIndex !== path.length && steps.length === 0) return undefined
  let values: Json[] = [event]
  let wildcard = false
  for (const step of steps) {
    const next: Json[] = []
    for (const v of values) {
      if (step === '*') {
        wildcard = true
        if (Array.isArray(v)) next.push(...v)
        else if (v && typeof v === 'object') next.push(...Object.values(v))
      } else if (typeof step === 'number') {
        if (Array.isArray(v) && step < v.length) next.push(v[step]!)
      } else if (v && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, step)) next.push(v[step]!)
    }

    values = next
  }

  if (wildcard) return values
  return values.length === 1 ? values[0] : undefined
}

const isJson = (text: string): boolean => {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

/** Where the placeholders are: inside a JSON string literal of the template or not. */
function placeholderSpans(
  template: string,
  names = /^[\w.-]+$/,
): Array<{end: number; inString: boolean; name: string; start: number}> {
  const spans: Array<{end: number; inString: boolean; name: string; start: number}> = []
  let inString = false
  for (let i = 0; i < template.length; i++) {
    const c = template[i]
    if (c === '\\' && inString) {
      i++
      continue
    }

    if (c === '"') inString = !inString
    else if (c === '<') {
      const close = template.indexOf('>', i + 1)
      const name = close > i ? template.slice(i + 1, close) : ''
      if (names.test(name)) {
        spans.push({end: close + 1, inString, name, start: i})
        i = close
      }
    }
  }

  return spans
}

export function targetInput(
  event: Record<string, unknown>,
  config: TargetInputConfig,
  rule: {arn?: string | undefined; name: string},
): TargetInput {
  const ev = event as Json
  if (config.input !== undefined)
    return {kind: 'constant', text: config.input, validJson: isJson(config.input), warnings: []}
  if (config.inputPath !== undefined) {
    const value = readJsonPath(ev, config.inputPath)
    return value === undefined
      ? {kind: 'path', text: '', validJson: false, warnings: [`InputPath ${config.inputPath} is not in this event`]}
      : {kind: 'path', text: JSON.stringify(value), validJson: true, warnings: []}
  }

  const transformer = config.inputTransformer
  if (!transformer) return {kind: 'event', text: JSON.stringify(event), validJson: true, warnings: []}
  const warnings: string[] = []
  const values = new Map<string, Json | undefined>()
  for (const [name, path] of Object.entries(transformer.inputPathsMap ?? {})) {
    const value = readJsonPath(ev, path)
    if (value === undefined)
      warnings.push(`<${name}>: ${path} is not in this event, so EventBridge creates no variable`)
    values.set(name, value)
  }

  const withoutDetail = Object.fromEntries(Object.entries(event).filter(([k]) => k !== 'detail'))
  const reserved: Record<string, Json | undefined> = {
    'aws.events.event': withoutDetail as Json,
    'aws.events.event.json': ev,
    'aws.events.rule-arn': rule.arn,
    'aws.events.rule-name': rule.name,
  }
  const template = transformer.inputTemplate
  // A template that is not a JSON object or array is text: every value goes in as its text.
  const jsonTemplate = /^\s*[[{]/.test(template)
  let out = ''
  let at = 0
  for (const found of placeholderSpans(template)) {
    const span = jsonTemplate ? found : {...found, inString: true}
    out += template.slice(at, span.start)
    at = span.end
    if (span.name === 'aws.events.event.ingestion-time') {
      warnings.push('<aws.events.event.ingestion-time> is when EventBridge received the event: the event time is shown')
      out += span.inString ? String(event.time ?? '') : JSON.stringify(event.time ?? null)
      continue
    }

    const known = values.has(span.name) || span.name in reserved
    const value = values.has(span.name) ? values.get(span.name) : reserved[span.name]
    if (!known) {
      warnings.push(`<${span.name}> is not defined in InputPathsMap: EventBridge leaves the text as it is`)
      out += template.slice(span.start, span.end)
      continue
    }

    if (value === undefined) continue
    if (span.inString) {
      const text = typeof value === 'string' ? value : JSON.stringify(value)
      if (/["\\\n]/.test(text))
        warnings.push(
          `<${span.name}> is inside quotes and its value holds a quote, backslash or newline: EventBridge does not escape it, so the target gets broken JSON`,
        )
      out += text
    } else out += JSON.stringify(value)
  }

  out += template.slice(at)
  const valid = isJson(out)
  if (!valid && jsonTemplate) warnings.push('the transformed input is not valid JSON')
  return {kind: 'transformer', text: out, validJson: valid, warnings}
}

/**
 * What an EventBridge Pipes target receives for one record with an `InputTemplate` (Pipes user
 * guide, "Amazon EventBridge Pipes input transformation"): placeholders are JSON paths into the
 * record (`<$.body.detail.object.key>`; an SQS `body` that is JSON is read as JSON) or reserved
 * `aws.pipes.*` variables; inside quotes a value goes in as its text, outside as JSON, as for rules.
 * A path that is not in the record, or a variable only AWS knows (the ingestion time), is named in
 * a warning and left out.
 */
export function pipesInput(record: Json, template: string, reserved: Record<string, string | undefined>): TargetInput {
  const warnings: string[] = []
  const jsonTemplate = /^\s*[[{]/.test(template)
  let out = ''
  let at = 0
  for (const found of placeholderSpans(template, /^(\$[^<>\s]*|aws\.pipes\.[\w.-]+)$/)) {
    const span = jsonTemplate ? found : {...found, inString: true}
    out += template.slice(at, span.start)
    at = span.end
    let value: Json | undefined
    if (span.name.startsWith('$')) {
      value = readJsonPath(record, span.name)
      if (value === undefined) warnings.push(`<${span.name}> is not in this record`)
    } else if (span.name === 'aws.pipes.event.json' || span.name === 'aws.pipes.event') value = record
    else {
      value = reserved[span.name]
      if (value === undefined) warnings.push(`<${span.name}> is known only to AWS when the pipe runs`)
    }

    if (value === undefined) continue
    out += span.inString ? (typeof value === 'string' ? value : JSON.stringify(value)) : JSON.stringify(value)
  }

  out += template.slice(at)
  const valid = isJson(out)
  if (!valid && jsonTemplate) warnings.push('the transformed input is not valid JSON')
  return {kind: 'transformer', text: out, validJson: valid, warnings}
}

/**
 * Terraform input: the `aws_s3_bucket_lifecycle_configuration` resources of an HCL file, read with
 * a small parser for the literal subset such resources use (blocks, strings, numbers, booleans,
 * maps; references are kept as text). Enough to lint generated or hand-written files.
 */
import {InputError} from '../../core/errors.js'
import {type Finding, makeFinding} from './findings.js'
import {
  buildFilter,
  clean,
  type Expiration,
  type LifecycleConfiguration,
  type LifecycleRule,
  type NoncurrentTransition,
  type RuleFilter,
  type Tag,
  type Transition,
} from './model.js'

export type HclValue = boolean | number | string | {[k: string]: HclValue}

export interface HclBlock {
  attrs: Record<string, HclValue>
  blocks: HclBlock[]
  labels: string[]
  line: number
  type: string
}

interface Token {
  line: number
  type: 'eof' | 'ident' | 'nl' | 'num' | 'punct' | 'str'
  value: string
}

/** A double-quoted HCL string starting at `start`; returns its value and the index after it. */
function readString(text: string, start: number, where: string): {end: number; value: string} {
  let j = start + 1
  let value = ''
  while (j < text.length && text[j] !== '"') {
    if (text[j] === '\\') {
      const n = text[j + 1]
      value += n === 'n' ? '\n' : n === 't' ? '\t' : (n ?? '')
      j += 2
    } else {
      value += text[j]
      j++
    }
  }

  if (j >= text.length)
    throw new InputError(`${where}: unterminated string`, {suggestions: ['Close the string with a double quote.']})
  return {end: j + 1, value: value.replaceAll('$${', '${').replaceAll('%%{', '%{')}
}

/** The comment starting at `start` (#, // up to the end of the line, or a block comment). */
function commentAt(text: string, start: number, where: string): string {
  if (text[start] === '/' && text[start + 1] === '*') {
    const end = text.indexOf('*/', start + 2)
    return text.slice(start, end === -1 ? text.length : end + 2)
  }

  if (text[start] === '/' && text[start + 1] !== '/') {
    throw new InputError(`${where}: unexpected character "/"`, {
      suggestions: [
        'pipeops reads literal Terraform (no expressions); lint the s3api JSON or the live bucket instead.',
      ],
    })
  }

  const end = text.indexOf('\n', start)
  return text.slice(start, end === -1 ? text.length : end)
}

function tokenize(text: string, file: string): Token[] {
  const out: Token[] = []
  let i = 0
  let line = 1
  while (i < text.length) {
    const c = text[i]!
    switch (c) {
      case '\n': {
        out.push({line, type: 'nl', value: '\n'})
        line++
        i++

        break
      }

      case ' ':
      case '\t':
      case '\r': {
        i++
        break
      }

      case '"': {
        const {end, value} = readString(text, i, `${file}:${line}`)
        out.push({line, type: 'str', value})
        i = end

        break
      }

      case '#':
      case '/': {
        const chunk = commentAt(text, i, `${file}:${line}`)
        line += chunk.split('\n').length - 1
        i += chunk.length

        break
      }

      default: {
        if (/[-\d]/.test(c) && /\d/.test(text[c === '-' ? i + 1 : i] ?? '')) {
          const m = /^-?\d+(\.\d+)?/.exec(text.slice(i))!
          out.push({line, type: 'num', value: m[0]})
          i += m[0].length
        } else if (/[A-Za-z_]/.test(c)) {
          const m = /^[\w.\-[\]*]+/.exec(text.slice(i))!
          out.push({line, type: 'ident', value: m[0]})
          i += m[0].length
        } else if ('{}=,:[]()'.includes(c)) {
          out.push({line, type: 'punct', value: c})
          i++
        } else {
          throw new InputError(`${file}:${line}: unexpected character "${c}"`, {
            suggestions: [
              'pipeops reads literal Terraform (no expressions); lint the s3api JSON or the live bucket instead.',
            ],
          })
        }
      }
    }
  }

  out.push({line, type: 'eof', value: ''})
  return out
}

export function parseHcl(text: string, file = 'input'): HclBlock[] {
  const tokens = tokenize(text, file)
  let pos = 0
  const peek = (): Token => tokens[pos]!
  const next = (): Token => tokens[pos++]!
  const skipNl = (): void => {
    while (peek().type === 'nl' || (peek().type === 'punct' && peek().value === ',')) pos++
  }

  const fail = (t: Token, what: string): never => {
    throw new InputError(
      `${file}:${t.line}: expected ${what}, found ${t.type === 'eof' ? 'end of file' : `"${t.value}"`}`,
      {
        suggestions: ['Check the Terraform syntax (terraform fmt / terraform validate).'],
      },
    )
  }

  const value = (): HclValue => {
    const t = next()
    if (t.type === 'str') return t.value
    if (t.type === 'num') return Number(t.value)
    if (t.type === 'ident') return t.value === 'true' ? true : t.value === 'false' ? false : t.value
    if (t.type === 'punct' && t.value === '{') {
      const map: Record<string, HclValue> = {}
      skipNl()
      while (!(peek().type === 'punct' && peek().value === '}')) {
        const k = next()
        if (k.type !== 'ident' && k.type !== 'str') fail(k, 'a map key')
        const eq = next()
        if (eq.type !== 'punct' || (eq.value !== '=' && eq.value !== ':')) fail(eq, '"=" in a map')
        map[k.value] = value()
        skipNl()
      }

      next()
      return map
    }

    return fail(t, 'a value')
  }

  const body = (end: 'eof' | '}'): {attrs: Record<string, HclValue>; blocks: HclBlock[]} => {
    const attrs: Record<string, HclValue> = {}
    const blocks: HclBlock[] = []
    skipNl()
    while (!(end === 'eof' ? peek().type === 'eof' : peek().type === 'punct' && peek().value === '}')) {
      const name = next()
      if (name.type !== 'ident') fail(name, 'an attribute or block name')
      if (peek().type === 'punct' && peek().value === '=') {
        next()
        attrs[name.value] = value()
      } else {
        const labels: string[] = []
        while (peek().type === 'str' || peek().type === 'ident') labels.push(next().value)
        const open = next()
        if (open.type !== 'punct' || open.value !== '{') fail(open, '"{"')
        const inner = body('}')
        next()
        blocks.push({...inner, labels, line: name.line, type: name.value})
      }

      skipNl()
    }

    return {attrs, blocks}
  }

  return body('eof').blocks
}

export interface TerraformConfig {
  config: LifecycleConfiguration
  findings: Finding[]
  source: string
}

const num = (v: HclValue | undefined): number | undefined =>
  typeof v === 'number' ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined
const str = (v: HclValue | undefined): string | undefined => (typeof v === 'string' ? v : undefined)

/** A `filter {}` block: `and {}` with tags as a map, or single predicates (several are kept, for lint to report). */
function tfFilter(filter: HclBlock): RuleFilter {
  const and = filter.blocks.find((x) => x.type === 'and')
  const tagBlock = filter.blocks.find((x) => x.type === 'tag')
  if (and) {
    const tagsMap = and.attrs.tags
    const tags: Tag[] =
      typeof tagsMap === 'object' ? Object.entries(tagsMap).map(([Key, v]) => ({Key, Value: String(v)})) : []
    return clean<RuleFilter>({
      And: {
        ...(str(and.attrs.prefix) === undefined ? {} : {Prefix: str(and.attrs.prefix)}),
        ...(tags.length > 0 ? {Tags: tags} : {}),
        ...(num(and.attrs.object_size_greater_than) === undefined
          ? {}
          : {ObjectSizeGreaterThan: num(and.attrs.object_size_greater_than)}),
        ...(num(and.attrs.object_size_less_than) === undefined
          ? {}
          : {ObjectSizeLessThan: num(and.attrs.object_size_less_than)}),
      },
    } as RuleFilter)
  }

  // Keep several top-level predicates as they are, so lint reports the filter-form error.
  return clean<RuleFilter>({
    ...(str(filter.attrs.prefix) === undefined ? {} : {Prefix: str(filter.attrs.prefix)}),
    ...(tagBlock ? {Tag: {Key: str(tagBlock.attrs.key) ?? '', Value: str(tagBlock.attrs.value) ?? ''}} : {}),
    ...(num(filter.attrs.object_size_greater_than) === undefined
      ? {}
      : {ObjectSizeGreaterThan: num(filter.attrs.object_size_greater_than)}),
    ...(num(filter.attrs.object_size_less_than) === undefined
      ? {}
      : {ObjectSizeLessThan: num(filter.attrs.object_size_less_than)}),
  } as RuleFilter)
}

/** The action blocks of a `rule {}`, added to `rule`. */
function tfActions(b: HclBlock, rule: LifecycleRule): void {
  const transitions = b.blocks.filter((x) => x.type === 'transition')
  if (transitions.length > 0) {
    rule.Transitions = transitions.map((t) =>
      clean<Transition>({
        StorageClass: str(t.attrs.storage_class) ?? '',
        ...(num(t.attrs.days) === undefined ? {} : {Days: num(t.attrs.days)}),
        ...(str(t.attrs.date) === undefined ? {} : {Date: str(t.attrs.date)}),
      } as Transition),
    )
  }

  const exp = b.blocks.find((x) => x.type === 'expiration')
  if (exp) {
    rule.Expiration = clean<Expiration>({
      ...(num(exp.attrs.days) === undefined ? {} : {Days: num(exp.attrs.days)}),
      ...(str(exp.attrs.date) === undefined ? {} : {Date: str(exp.attrs.date)}),
      ...(typeof exp.attrs.expired_object_delete_marker === 'boolean'
        ? {ExpiredObjectDeleteMarker: exp.attrs.expired_object_delete_marker}
        : {}),
    } as Expiration)
  }

  const ncts = b.blocks.filter((x) => x.type === 'noncurrent_version_transition')
  if (ncts.length > 0) {
    rule.NoncurrentVersionTransitions = ncts.map((t) =>
      clean<NoncurrentTransition>({
        StorageClass: str(t.attrs.storage_class) ?? '',
        ...(num(t.attrs.noncurrent_days) === undefined ? {} : {NoncurrentDays: num(t.attrs.noncurrent_days)}),
        ...(num(t.attrs.newer_noncurrent_versions) === undefined
          ? {}
          : {NewerNoncurrentVersions: num(t.attrs.newer_noncurrent_versions)}),
      } as NoncurrentTransition),
    )
  }

  const nce = b.blocks.find((x) => x.type === 'noncurrent_version_expiration')
  if (nce) {
    rule.NoncurrentVersionExpiration = clean<{NewerNoncurrentVersions?: number; NoncurrentDays?: number}>({
      ...(num(nce.attrs.noncurrent_days) === undefined ? {} : {NoncurrentDays: num(nce.attrs.noncurrent_days)}),
      ...(num(nce.attrs.newer_noncurrent_versions) === undefined
        ? {}
        : {NewerNoncurrentVersions: num(nce.attrs.newer_noncurrent_versions)}),
    } as {NewerNoncurrentVersions?: number; NoncurrentDays?: number})
  }

  const abort = b.blocks.find((x) => x.type === 'abort_incomplete_multipart_upload')
  if (abort)
    rule.AbortIncompleteMultipartUpload =
      num(abort.attrs.days_after_initiation) === undefined
        ? {}
        : {DaysAfterInitiation: num(abort.attrs.days_after_initiation)!}
}

/** Every `aws_s3_bucket_lifecycle_configuration` resource of the file, as model configurations. */
export function readTerraform(text: string, file: string): TerraformConfig[] {
  const out: TerraformConfig[] = []
  for (const res of parseHcl(text, file)) {
    if (res.type !== 'resource' || res.labels[0] !== 'aws_s3_bucket_lifecycle_configuration') continue
    const findings: Finding[] = []
    const source = `aws_s3_bucket_lifecycle_configuration.${res.labels[1] ?? ''}`
    const config: LifecycleConfiguration = {Rules: []}
    const tdm = str(res.attrs.transition_default_minimum_object_size)
    if (tdm !== undefined) config.TransitionDefaultMinimumObjectSize = tdm
    for (const [i, b] of res.blocks.filter((x) => x.type === 'rule').entries()) {
      const rule: LifecycleRule = {Status: str(b.attrs.status) ?? ''}
      const id = str(b.attrs.id)
      if (id !== undefined) rule.ID = id
      const filter = b.blocks.find((x) => x.type === 'filter')
      if (str(b.attrs.prefix) !== undefined) rule.Prefix = str(b.attrs.prefix)!
      if (filter) {
        rule.Filter = tfFilter(filter)
      } else if (rule.Prefix === undefined) {
        rule.Filter = buildFilter({prefix: '', tags: []})
        findings.push(
          makeFinding(
            'filter-missing',
            `rule #${i + 1}${id ? ` "${id}"` : ''}: no filter block; the AWS provider requires one of filter or prefix ("filter {}" for the whole bucket)`,
            {
              path: `${source}.rule[${i}]`,
              ruleId: id,
              ruleIndex: i,
              suggestion: 'Add filter {} to the rule.',
            },
          ),
        )
      }

      tfActions(b, rule)
      config.Rules.push(rule)
    }

    out.push({config, findings, source})
  }

  return out
}

/**
 * CloudFormation templates in YAML use short-form intrinsics (`!Ref`, `!Sub`, `!GetAtt`, …) that
 * a plain YAML parser rejects. This reads them as the long form (`{"Fn::Sub": …}`), so a template
 * parses into the same object its JSON form would.
 *
 * The one reader of CloudFormation YAML, shared by every flow that reads templates (S3 lifecycle,
 * Step Functions).
 */
import jsYaml from 'js-yaml'
import {type CollectionTag, parse, type ScalarTag} from 'yaml'

const SHORT_FORMS = [
  'And',
  'Base64',
  'Cidr',
  'Condition',
  'Equals',
  'FindInMap',
  'GetAtt',
  'GetAZs',
  'If',
  'ImportValue',
  'Join',
  'Length',
  'Not',
  'Or',
  'Ref',
  'Select',
  'Split',
  'Sub',
  'ToJsonString',
  'Transform',
]

function longName(shortName: string): string {
  return shortName === 'Ref' || shortName === 'Condition' ? shortName : `Fn::${shortName}`
}

/** `!GetAtt Fn.Arn` is the one short form whose scalar means a list (`["Fn", "Arn"]`). */
function scalarValue(shortName: string, text: string): unknown {
  if (shortName !== 'GetAtt') return text
  const dot = text.indexOf('.')
  return dot === -1 ? text : [text.slice(0, dot), text.slice(dot + 1)]
}

/** A tag in every YAML node kind, read as `{key: value}`. */
function tagAs(tag: string, key: string, scalar: (text: string) => unknown): Array<CollectionTag | ScalarTag> {
  return [
    {identify: () => false, resolve: (v: string) => ({[key]: scalar(v)}), tag},
    {
      collection: 'seq',
      identify: () => false,
      resolve: (v: {toJSON(): unknown}) => ({[key]: v.toJSON()}),
      tag,
    } as unknown as CollectionTag,
    {
      collection: 'map',
      identify: () => false,
      resolve: (v: {toJSON(): unknown}) => ({[key]: v.toJSON()}),
      tag,
    } as unknown as CollectionTag,
  ]
}

export const CLOUDFORMATION_YAML_TAGS: Array<CollectionTag | ScalarTag> = SHORT_FORMS.flatMap((name) =>
  tagAs(`!${name}`, longName(name), (text) => scalarValue(name, text)),
)

const KNOWN_TAGS = new Set([
  '!!binary',
  '!!bool',
  '!!float',
  '!!int',
  '!!map',
  '!!null',
  '!!seq',
  '!!str',
  ...SHORT_FORMS.map((n) => `!${n}`),
])

/**
 * Tags that are not intrinsics (macros' own tags, `!Rain::Embed`, …) would be dropped by a plain
 * YAML reader, leaving a bare string or map; they are kept as `{"!Tag": value}` so that readers
 * treat them as unknown values.
 */
function customTags(text: string): Array<CollectionTag | ScalarTag> {
  const names = new Set<string>()
  for (const m of text.matchAll(/(?:^|[\s[{,:-])(![A-Za-z][\w:.-]*)/g)) if (!KNOWN_TAGS.has(m[1]!)) names.add(m[1]!)
  return [...names].flatMap((tag) => tagAs(tag, tag, (v) => v))
}

/**
 * CloudFormation accepts a comment right after a closing quote (`Prefix: 'logs/'# keep`), which YAML
 * itself does not; such a `#` gets a space before it. Only used when the strict reading failed.
 */
export function spaceCommentsAfterQuotes(text: string): string {
  return text
    .split('\n')
    .map((line) => {
      let out = ''
      let quote: string | undefined
      for (let i = 0; i < line.length; i++) {
        const c = line[i]!
        out += c
        if (quote === undefined) {
          if (c === '#') return out + line.slice(i + 1)
          if ((c === "'" || c === '"') && /(^|[\s:[{,-])$/.test(line.slice(0, i))) quote = c
        } else if (quote === '"' && c === '\\') {
          out += line[i + 1] ?? ''
          i++
        } else if (c === quote) {
          if (quote === "'" && line[i + 1] === "'") {
            out += "'"
            i++
          } else {
            quote = undefined
            if (line[i + 1] === '#') out += ' '
          }
        }
      }

      return out
    })
    .join('\n')
}

/** The same short forms for js-yaml. */
const CLOUDFORMATION_SCHEMA = jsYaml.DEFAULT_SCHEMA.extend(
  SHORT_FORMS.flatMap((name) =>
    (['scalar', 'sequence', 'mapping'] as const).map(
      (kind) =>
        new jsYaml.Type(`!${name}`, {
          construct: (data: unknown) => ({
            [longName(name)]: kind === 'scalar' ? scalarValue(name, String(data ?? '')) : data,
          }),
          kind,
        }),
    ),
  ),
)

/**
 * YAML (any CloudFormation short forms read as long forms) or JSON, which is YAML too.
 *
 * CloudFormation, SAM and cfn-lint read templates with PyYAML, which accepts a flow collection
 * (`KeyPolicy: {` … `}`) whose closing bracket is indented less than its key; `yaml` follows the
 * YAML spec and rejects it. Real templates do this, so a template `yaml` rejects is read again
 * with js-yaml (a port of PyYAML); only when both fail is the text invalid, with `yaml`'s message.
 * A comment right after a closing quote, which CloudFormation accepts too, is repaired first.
 */
export function parseCloudFormationYaml(text: string): unknown {
  const options = {
    customTags: [...CLOUDFORMATION_YAML_TAGS, ...customTags(text)],
    maxAliasCount: 100,
    uniqueKeys: false,
  }
  try {
    return parse(text, options)
  } catch (error) {
    const repaired = spaceCommentsAfterQuotes(text)
    if (repaired !== text) {
      try {
        return parse(repaired, options)
      } catch {
        // not the quote-comment form: try PyYAML's reading below
      }
    }

    try {
      return jsYaml.load(text, {json: true, schema: CLOUDFORMATION_SCHEMA})
    } catch {
      throw error
    }
  }
}

/** `{"Ref": …}`, `{"Fn::GetAtt": …}`, `{"Condition": …}`: a one-key object naming an intrinsic. */
export function isIntrinsicFunction(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const keys = Object.keys(value)
  return keys.length === 1 && /^(Ref|Condition|Fn::\w+)$/.test(keys[0]!)
}

/**
 * CloudFormation templates in YAML use short-form intrinsics (`!Ref`, `!Sub`, `!GetAtt`, …) that
 * a plain YAML parser rejects. This reads them as the long form (`{"Fn::Sub": …}`), so a template
 * parses into the same object its JSON form would.
 *
 * Shared by every reader of CloudFormation input. (src/lib/s3/lifecycle/read-cfn.ts still has its
 * own copy of these tags; it should import this module when that reader is reworked.)
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
  'Not',
  'Or',
  'Ref',
  'Select',
  'Split',
  'Sub',
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

export const CLOUDFORMATION_YAML_TAGS: Array<CollectionTag | ScalarTag> = SHORT_FORMS.flatMap((name) => [
  {identify: () => false, resolve: (v: string) => ({[longName(name)]: scalarValue(name, v)}), tag: `!${name}`},
  {
    collection: 'seq',
    identify: () => false,
    resolve: (v: {toJSON(): unknown}) => ({[longName(name)]: v.toJSON()}),
    tag: `!${name}`,
  } as unknown as CollectionTag,
  {
    collection: 'map',
    identify: () => false,
    resolve: (v: {toJSON(): unknown}) => ({[longName(name)]: v.toJSON()}),
    tag: `!${name}`,
  } as unknown as CollectionTag,
])

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
 */
export function parseCloudFormationYaml(text: string): unknown {
  try {
    return parse(text, {customTags: CLOUDFORMATION_YAML_TAGS, maxAliasCount: 100, uniqueKeys: false})
  } catch (error) {
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

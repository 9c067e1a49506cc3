/**
 * CloudFormation templates in YAML use short-form intrinsics (`!Ref`, `!Sub`, `!GetAtt`, …) that
 * a plain YAML parser rejects. This reads them as the long form (`{"Fn::Sub": …}`), so a template
 * parses into the same object its JSON form would.
 *
 * Shared by every reader of CloudFormation input. (src/lib/s3/lifecycle/read-cfn.ts still has its
 * own copy of these tags; it should import this module when that reader is reworked.)
 */
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

/** YAML (any CloudFormation short forms read as long forms) or JSON, which is YAML too. */
export function parseCloudFormationYaml(text: string): unknown {
  return parse(text, {customTags: CLOUDFORMATION_YAML_TAGS, maxAliasCount: 100, uniqueKeys: false})
}

/** `{"Ref": …}`, `{"Fn::GetAtt": …}`, `{"Condition": …}`: a one-key object naming an intrinsic. */
export function isIntrinsicFunction(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const keys = Object.keys(value)
  return keys.length === 1 && /^(Ref|Condition|Fn::\w+)$/.test(keys[0]!)
}

/* eslint-disable no-template-curly-in-string -- CloudFormation !Sub and Terraform templates are literal ${…} text */
/**
 * Templates as people write them (constructs learned from public CloudFormation and Terraform
 * files; every fixture here is our own text): intrinsic functions, HCL expressions, both provider
 * forms, the legacy s3api shape, and the rule that an unknown value never produces an error.
 */
import fc from 'fast-check'
import {readFile} from 'node:fs/promises'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

import type {Finding} from '../../../src/lib/s3/lifecycle/findings.js'

import {spaceCommentsAfterQuotes} from '../../../src/lib/core/parse/cloudformation-yaml.js'
import {IntrinsicResolver, Unresolved} from '../../../src/lib/s3/lifecycle/cfn-intrinsics.js'
import {parseConfigurationText, type TemplateValues} from '../../../src/lib/s3/lifecycle/load.js'
import {lintConfigurations, type LintResult} from '../../../src/lib/s3/lifecycle/service.js'
import {parseParametersFile} from '../../../src/lib/s3/lifecycle/template-values.js'
import {evaluateTf, type TfScope, TfUnknown} from '../../../src/lib/s3/lifecycle/tf-expressions.js'
import {validateConfiguration} from '../../../src/lib/s3/lifecycle/validate.js'

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/s3-lifecycle/templates')

async function lint(file: string, values: TemplateValues = {}): Promise<LintResult> {
  const text = await readFile(path.join(dir, file), 'utf8')
  return lintConfigurations(await parseConfigurationText(text, file, values))
}

/** "source: CODE@path" for every finding, to compare whole results at once. */
function summary(result: LintResult): string[] {
  return result.configurations.flatMap((c) => c.findings.map((f) => `${c.source}: ${f.code}@${f.path ?? ''}`))
}

const notes = (result: LintResult) =>
  result.configurations.flatMap((c) => c.findings.filter((f) => f.severity === 'info').map((f) => f.message))

function resolver(over: Partial<ConstructorParameters<typeof IntrinsicResolver>[0]> = {}): IntrinsicResolver {
  return new IntrinsicResolver({
    conditions: new Map(),
    mappings: {},
    parameters: {},
    parameterValues: new Map(),
    ...over,
  })
}

describe('CloudFormation intrinsic functions', () => {
  it('Ref: a supplied value, else the Default (noted), else unknown', () => {
    const parameters = {A: {Default: 30, Type: 'Number'}, B: {Type: 'Number'}}
    const r = resolver({parameters, parameterValues: new Map([['B', '90']])})
    expect(r.resolve({Ref: 'A'})).toBe(30)
    expect(r.assumptions).toEqual(['parameter A'])
    expect(r.resolve({Ref: 'B'})).toBe('90')
    expect(resolver({parameters}).resolve({Ref: 'B'})).toBeInstanceOf(Unresolved)
    expect(resolver().resolve({Ref: 'SomeBucket'})).toBeInstanceOf(Unresolved)
    expect(resolver().resolve({Ref: 'AWS::Region'})).toBeInstanceOf(Unresolved)
  })

  it('Fn::Sub, Fn::Join, Fn::Select, Fn::Split over known parts; pseudo parameters stay placeholders', () => {
    const r = resolver({parameters: {Env: {Default: 'dev'}}})
    expect(r.resolve({'Fn::Sub': '${Env}/logs/${AWS::AccountId}/${!Literal}'})).toBe(
      'dev/logs/${AWS::AccountId}/${Literal}',
    )
    expect(r.resolve({'Fn::Sub': ['${X}-${Env}', {X: 'raw'}]})).toBe('raw-dev')
    expect(r.resolve({'Fn::Sub': '${Bucket.Arn}/x'})).toBeInstanceOf(Unresolved)
    expect(r.resolve({'Fn::Join': ['/', [{Ref: 'Env'}, 'a', {Ref: 'AWS::StackName'}]]})).toBe('dev/a/${AWS::StackName}')
    expect(r.resolve({'Fn::Select': [1, {'Fn::Split': [',', 'a,b,c']}]})).toBe('b')
    expect(r.resolve({'Fn::Select': [5, ['a']]})).toBeInstanceOf(Unresolved)
  })

  it('Fn::FindInMap on the Mappings, with the DefaultValue extension; a missing entry is unknown', () => {
    const r = resolver({mappings: {M: {prod: {Days: 365}}}})
    expect(r.resolve({'Fn::FindInMap': ['M', 'prod', 'Days']})).toBe(365)
    expect(r.resolve({'Fn::FindInMap': ['M', 'dev', 'Days']})).toBeInstanceOf(Unresolved)
    expect(r.resolve({'Fn::FindInMap': ['M', 'dev', 'Days', {DefaultValue: 7}]})).toBe(7)
  })

  it('Fn::If takes the branch of the condition value being read; AWS::NoValue removes the member', () => {
    const value = {a: {'Fn::If': ['C', 1, {Ref: 'AWS::NoValue'}]}, b: [{'Fn::If': ['C', {Ref: 'AWS::NoValue'}, 'x']}]}
    expect(resolver({conditions: new Map([['C', true]])}).resolve(value)).toEqual({a: 1, b: []})
    expect(resolver({conditions: new Map([['C', false]])}).resolve(value)).toEqual({b: ['x']})
    expect(resolver().resolve({'Fn::If': ['C', 1, 2]})).toBeInstanceOf(Unresolved)
  })

  it('GetAtt, ImportValue, GetAZs, Base64, Cidr, Transform and custom tags are unknown', () => {
    for (const v of [
      {'Fn::GetAtt': ['B', 'Arn']},
      {'Fn::ImportValue': 'x'},
      {'Fn::GetAZs': ''},
      {'Fn::Base64': 'x'},
      {'Fn::Cidr': ['10.0.0.0/16', 2, 8]},
      {'Fn::Transform': {Name: 'M'}},
      {'!Tool::Lookup': 'x'},
    ])
      expect(resolver().resolve(v)).toBeInstanceOf(Unresolved)
  })

  it('parameters, mappings, Sub and Join in a template: checked for the defaults, one note per rule', async () => {
    const result = await lint('cfn-parameters.yaml')
    expect(result.errors).toBe(0)
    expect(result.configurations[0]!.configuration!.Rules[0]).toMatchObject({
      Expiration: {Days: 400},
      Filter: {Prefix: 'finance/ledger/'},
      Transitions: [{Days: 120, StorageClass: 'GLACIER'}],
    })
    expect(result.configurations[0]!.configuration!.Rules[2]!.AbortIncompleteMultipartUpload).toEqual({
      DaysAfterInitiation: 7,
    })
    const n = notes(result)
    expect(n).toHaveLength(2)
    expect(n[0]).toMatch(/ExpirationInDays comes from parameter KeepDays: checked for its default only \(400\)/)
    expect(n[1]).toMatch(
      /TransitionInDays is parameter ArchiveAfter \(no Default; pass --parameter ArchiveAfter=VALUE\)/,
    )
  })

  it('supplied parameters replace the defaults (create-stack and deploy file formats, --parameter)', async () => {
    const createStack = parseParametersFile(
      await readFile(path.join(dir, 'params-create-stack.json'), 'utf8'),
      'p.json',
    )
    const short = await lint('cfn-parameters.yaml', {parameters: createStack})
    // Keep 20 days but archive to Glacier at day 120: S3 rejects an expiration before a transition.
    expect(summary(short)).toContain('cfn-parameters.yaml:17 Resources.Ledger: LC005@Rules[0].Expiration.Days')
    const deploy = parseParametersFile(await readFile(path.join(dir, 'params-deploy.json'), 'utf8'), 'p.json')
    const ops = await lint('cfn-parameters.yaml', {parameters: deploy})
    expect(ops.errors).toBe(0)
    expect(ops.configurations[0]!.configuration!.Rules[0]!.Transitions).toEqual([
      {Days: 200, StorageClass: 'DEEP_ARCHIVE'},
    ])
    expect(parseParametersFile('A=1 B=x=y', 'p.txt')).toEqual(
      new Map([
        ['A', '1'],
        ['B', 'x=y'],
      ]),
    )
    expect(parseParametersFile('["A=1"]', 'p.json')).toEqual(new Map([['A', '1']]))
  })

  it('checks both branches of every If, labelled with the condition values', async () => {
    const result = await lint('cfn-if-branches.yaml')
    expect(result.configurations.map((c) => [c.source, c.rules, c.errors])).toEqual([
      ['cfn-if-branches.yaml:8 Resources.Events (IsProd false)', 1, 0],
      ['cfn-if-branches.yaml:8 Resources.Events (IsProd true)', 2, 1],
    ])
    expect(summary(result)).toContain(
      'cfn-if-branches.yaml:8 Resources.Events (IsProd true): LC003@Rules[0].Transitions[0].Days',
    )
  })

  it('a branch the parameter default does not open is read with that parameter unknown', async () => {
    const result = await lint('cfn-condition-guarded.yaml')
    expect(result.errors).toBe(0)
    expect(notes(result)).toEqual([
      expect.stringMatching(/ExpirationInDays is parameter PurgeAfterDays \(a value other than its default/),
    ])
    const supplied = await lint('cfn-condition-guarded.yaml', {parameters: new Map([['PurgeAfterDays', '0']])})
    // With 0 supplied the rule cannot exist: only the branch without it is read.
    expect(supplied.configurations.map((c) => c.rules)).toEqual([1])
  })

  it('imports, attributes, macros and custom tags are unknown: notes, no errors, no warnings built on them', async () => {
    const result = await lint('cfn-unknowns.yaml')
    expect(result.errors).toBe(0)
    expect(result.warnings).toBe(0)
    expect(notes(result)).toHaveLength(4)
  })

  it('literals a Transform macro may rewrite are not checked', async () => {
    const result = await lint('cfn-macro-literal.yaml')
    expect(result.errors).toBe(0)
    expect(notes(result)).toEqual([expect.stringMatching(/which macro FillRetention may rewrite/)])
  })

  it('long-form JSON functions resolve like the short YAML tags', async () => {
    const result = await lint('cfn-long-form.json')
    expect(result.errors).toBe(0)
    expect(result.configurations[0]!.configuration!.Rules[0]).toMatchObject({
      Expiration: {Days: 60},
      Filter: {Prefix: 'eu/out/'},
      ID: 'exports-eu',
    })
  })

  it('reads a comment right after a closing quote, as CloudFormation does', async () => {
    const result = await lint('cfn-quote-comment.yaml')
    expect(result.errors).toBe(0)
    expect(result.configurations[0]!.configuration!.Rules[0]).toMatchObject({ID: 'thumbnails', Status: 'Enabled'})
    expect(spaceCommentsAfterQuotes(`a: 'it''s'# c\nb: "x#y"# d`)).toBe(`a: 'it''s' # c\nb: "x#y" # d`)
  })
})

function scope(over: Partial<TfScope> = {}): TfScope {
  return {iterators: new Map(), locals: {}, variables: {}, varValues: new Map(), ...over}
}

describe('Terraform', () => {
  it('evaluates var, local, index, lookup, try, min/max, arithmetic, comparisons and templates', () => {
    const s = scope({
      locals: {cls: 'GLACIER', days: '${var.base * 2}'},
      variables: {base: {default: 45}, m: {default: {a: 1}}, stage: {}},
    })
    const assumptions: string[] = []
    expect(evaluateTf('${local.days}', s, assumptions)).toBe(90)
    expect(assumptions).toEqual(['variable base'])
    expect(evaluateTf('${var.m["a"]}', s)).toBe(1)
    expect(evaluateTf('${var.m.a + 1}', s)).toBe(2)
    expect(evaluateTf('${lookup(var.m, "b", 7)}', s)).toBe(7)
    expect(evaluateTf('${try(var.stage, "x")}', s)).toBe('x')
    expect(evaluateTf('${max(1, var.base)}', s)).toBe(45)
    expect(evaluateTf('${var.base == 45 ? "Enabled" : "Disabled"}', s)).toBe('Enabled')
    expect(evaluateTf('logs/${local.cls}/', s)).toBe('logs/GLACIER/')
    expect(evaluateTf('${var.stage}', s)).toBeInstanceOf(TfUnknown)
    expect(evaluateTf('${aws_s3_bucket.b.id}', s)).toBeInstanceOf(TfUnknown)
    expect(evaluateTf('${jsonencode({a = 1})}', s)).toBeInstanceOf(TfUnknown)
    expect(evaluateTf('${var.stage == "prod" ? 1 : 2}', s)).toBeInstanceOf(TfUnknown)
    expect(evaluateTf('${var.stage}', scope({variables: {stage: {}}, varValues: new Map([['stage', 'prod']])}))).toBe(
      'prod',
    )
  })

  it('reads ordinary HCL (depends_on, functions, index expressions, operators, heredoc, for)', async () => {
    const result = await lint('tf-expressions.tf')
    expect(result.errors).toBe(0)
    const rules = result.configurations[0]!.configuration!.Rules
    expect(rules[0]).toMatchObject({Expiration: {Days: 180}, Transitions: [{Days: 90, StorageClass: 'GLACIER'}]})
    expect(rules[1]).toMatchObject({AbortIncompleteMultipartUpload: {DaysAfterInitiation: 3}, Expiration: {Days: 7}})
    expect(notes(result)).toEqual([
      expect.stringMatching(/status is a condition on var.env \(no default; pass --var env=VALUE/),
      expect.stringMatching(/days comes from variable retention: checked for the default only \(7\)/),
    ])
  })

  it('--var and .tfvars values replace the defaults', async () => {
    const {readTfvars} = await import('../../../src/lib/s3/lifecycle/read-terraform.js')
    const vars = await readTfvars(await readFile(path.join(dir, 'prod.tfvars'), 'utf8'), 'prod.tfvars')
    const result = await lint('tf-expressions.tf', {vars})
    const rules = result.configurations[0]!.configuration!.Rules
    expect(rules[0]).toMatchObject({Expiration: {Days: 60}, Status: 'Enabled'})
    // Expiry on day 60 before the Glacier transition on day 90: S3 rejects it.
    expect(summary(result)).toContain(
      'tf-expressions.tf:26 aws_s3_bucket_lifecycle_configuration.data: LC005@Rules[0].Expiration.Days',
    )
  })

  it('expands dynamic "rule" over a literal list; an input for_each is not checked; modules are not followed', async () => {
    const result = await lint('tf-dynamic.tf')
    expect(result.configurations.map((c) => [c.source, c.status, c.rules])).toEqual([
      ['tf-dynamic.tf:28 aws_s3_bucket_lifecycle_configuration.input', 'checked', 0],
      ['tf-dynamic.tf:6 aws_s3_bucket_lifecycle_configuration.literal', 'checked', 2],
      ['tf-dynamic.tf module.archive', 'no-configuration', 0],
    ])
    expect(summary(result)).toEqual(
      expect.arrayContaining([
        'tf-dynamic.tf:28 aws_s3_bucket_lifecycle_configuration.input: LN001@Rules',
        'tf-dynamic.tf:6 aws_s3_bucket_lifecycle_configuration.literal: LC003@Rules[0].Transitions[0].Days',
        'tf-dynamic.tf module.archive: LN002@module.archive',
      ]),
    )
    expect(result.configurations[0]!.findings.some((f) => f.code === 'LW005')).toBe(false)
  })

  it('provider v3 lifecycle_rule: prefix and tags become the filter; Days with the delete-marker flag is an error', async () => {
    const result = await lint('tf-provider-v3.tf')
    const rules = result.configurations[0]!.configuration!.Rules
    expect(rules[0]).toMatchObject({
      Filter: {And: {Prefix: 'archive/', Tags: [{Key: 'keep', Value: 'long'}]}},
      ID: 'archive',
      Status: 'Enabled',
    })
    expect(rules[2]).toMatchObject({AbortIncompleteMultipartUpload: {DaysAfterInitiation: 2}, Filter: {}})
    expect(summary(result).filter((s) => s.includes(': LC'))).toEqual([
      'tf-provider-v3.tf:3 aws_s3_bucket.legacy (lifecycle_rule, provider v3): LC013@Rules[1].Expiration',
    ])
  })

  it('a rule without filter or prefix is a warning, as the provider gives it', async () => {
    const result = await lint('tf-no-filter.tf')
    expect(result.errors).toBe(0)
    expect(summary(result)).toEqual([
      'tf-no-filter.tf:2 aws_s3_bucket_lifecycle_configuration.scratch: LW010@Rules[0].Filter',
    ])
  })

  it("a syntax error is unreadable input (exit 6) with the parser's message", async () => {
    await expect(parseConfigurationText('resource "aws_s3_bucket" "b" {\n  x = \n}\n', 'bad.tf')).rejects.toMatchObject(
      {
        exitCode: 6,
        message: expect.stringMatching(/bad.tf is not valid HCL: .*bad.tf:2/),
      },
    )
  })
})

describe('the deprecated put-bucket-lifecycle shape', () => {
  it('is linted as its put-bucket-lifecycle-configuration equivalent, with one warning about the API', async () => {
    const result = await lint('legacy-put-bucket-lifecycle.json')
    expect(result.errors).toBe(0)
    expect(result.configurations[0]!.configuration!.Rules[0]).toMatchObject({
      Prefix: 'reports/2019/',
      Transitions: [{Days: 90, StorageClass: 'GLACIER'}],
    })
    expect(result.configurations[0]!.configuration!.Rules[1]!.NoncurrentVersionTransitions).toEqual([
      {NoncurrentDays: 30, StorageClass: 'STANDARD_IA'},
    ])
    expect(summary(result).filter((s) => /LW008|LC0/.test(s))).toEqual([
      'legacy-put-bucket-lifecycle.json: LW008@LifecycleConfiguration',
    ])
  })
})

function rule(over: object): object {
  return {Filter: {Prefix: 'logs/'}, Status: 'Enabled', ...over}
}

/** The LW004 findings for two rules under the same prefix. */
function overlaps(a: object, b: object): Finding[] {
  return validateConfiguration({Rules: [rule(a), rule(b)] as never}).filter((f) => f.id === 'overlapping-rules')
}

describe('LW004 overlapping rules say what S3 does', () => {
  it('IA at day 30 and expiry at day 365 both happen: no warning (S3: overlapping prefixes, no conflict)', () => {
    expect(
      overlaps(
        {ID: 'ia', Transitions: [{Days: 30, StorageClass: 'STANDARD_IA'}]},
        {Expiration: {Days: 365}, ID: 'exp'},
      ),
    ).toEqual([])
  })

  it('deletion wins only on the same day', () => {
    const [f] = overlaps(
      {ID: 'ia', Transitions: [{Days: 30, StorageClass: 'STANDARD_IA'}]},
      {Expiration: {Days: 30}, ID: 'exp'},
    )
    expect(f!.message).toBe(
      'rule "exp": overlaps rule "ia": for objects under "logs/", on day 30 rule "exp" expires them and rule "ia" would move them to STANDARD_IA: deletion wins, they are deleted, not transitioned',
    )
  })

  it('a transition after the expiration never happens; two expirations: the earlier acts; two classes on one day: the cheaper', () => {
    expect(
      overlaps({ID: 'gl', Transitions: [{Days: 90, StorageClass: 'GLACIER'}]}, {Expiration: {Days: 60}, ID: 'exp'})[0]!
        .message,
    ).toMatch(/rule "gl"'s transition to GLACIER on day 90 never happens: rule "exp" deletes them on day 60/)
    expect(overlaps({Expiration: {Days: 10}, ID: 'a'}, {Expiration: {Days: 20}, ID: 'b'})[0]!.message).toMatch(
      /they expire when rule "a" says \(day 10\); the later expiration of rule "b" never acts on them/,
    )
    expect(
      overlaps(
        {ID: 'a', Transitions: [{Days: 40, StorageClass: 'STANDARD_IA'}]},
        {ID: 'b', Transitions: [{Days: 40, StorageClass: 'GLACIER_IR'}]},
      )[0]!.message,
    ).toMatch(/S3 picks the cheaper class, GLACIER_IR/)
  })
})

async function errorsOf(rules: object[]): Promise<Set<string>> {
  const text = JSON.stringify({
    Resources: {B: {Properties: {LifecycleConfiguration: {Rules: rules}}, Type: 'AWS::S3::Bucket'}},
  })
  const result = lintConfigurations(await parseConfigurationText(text, 't.json'))
  return new Set(
    result.configurations.flatMap((c) =>
      c.findings.filter((f) => f.severity === 'error').map((f) => `${f.code}@${f.path}`),
    ),
  )
}

describe('an unknown value never yields an error (property)', () => {
  const classes = ['STANDARD_IA', 'ONEZONE_IA', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE', 'INTELLIGENT_TIERING', 'BOGUS']
  const ruleArb = fc.record(
    {
      AbortIncompleteMultipartUpload: fc.record({DaysAfterInitiation: fc.integer({max: 40, min: 0})}),
      ExpirationInDays: fc.integer({max: 400, min: 0}),
      ExpiredObjectDeleteMarker: fc.boolean(),
      Id: fc.constantFrom('a', 'b'),
      NoncurrentVersionExpirationInDays: fc.integer({max: 400, min: 0}),
      Prefix: fc.constantFrom('', 'logs/', 'logs/a/', 'x*'),
      Status: fc.constantFrom('Enabled', 'Disabled', 'Off'),
      TagFilters: fc.constant([{Key: 'k', Value: 'v'}]),
      Transitions: fc.array(
        fc.record({StorageClass: fc.constantFrom(...classes), TransitionInDays: fc.integer({max: 400, min: 0})}),
        {maxLength: 3},
      ),
    },
    {requiredKeys: ['Status']},
  )
  const members = [
    'AbortIncompleteMultipartUpload',
    'ExpirationInDays',
    'ExpiredObjectDeleteMarker',
    'Id',
    'NoncurrentVersionExpirationInDays',
    'Prefix',
    'Status',
    'TagFilters',
    'Transitions',
  ]

  it('replacing any member by an unresolvable !ImportValue only ever removes errors', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(ruleArb, {maxLength: 3, minLength: 1}),
        fc.nat(),
        fc.constantFrom(...members),
        async (rules, which, member) => {
          const at = which % rules.length
          const unknown = rules.map((r, i) => (i === at ? {...r, [member]: {'Fn::ImportValue': 'elsewhere'}} : r))
          const concrete = await errorsOf(rules)
          for (const e of await errorsOf(unknown))
            expect(concrete.has(e), `${e} appeared with ${member} unknown`).toBe(true)
        },
      ),
      {numRuns: 200},
    )
  })
})

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import type {PipeopsError} from '../../../src/lib/core/errors.js'
import type {LifecycleConfiguration} from '../../../src/lib/s3/lifecycle/model.js'
import type {RuleSpec} from '../../../src/lib/s3/lifecycle/spec.js'

import {sameConfiguration} from '../../../src/lib/s3/lifecycle/apply.js'
import {render, toCfnRule, toTerraform} from '../../../src/lib/s3/lifecycle/formats.js'
import {parseConfigurationText} from '../../../src/lib/s3/lifecycle/load.js'
import {readTerraform} from '../../../src/lib/s3/lifecycle/read-terraform.js'
import {generatePolicy, lintConfigurations} from '../../../src/lib/s3/lifecycle/service.js'

const RICH: LifecycleConfiguration = {
  Rules: [
    {
      Filter: {
        And: {
          ObjectSizeGreaterThan: 131_072,
          ObjectSizeLessThan: 5_000_000_000,
          Prefix: 'raw/csv/',
          Tags: [
            {Key: 'team', Value: 'data'},
            {Key: 'tier', Value: 'gold'},
          ],
        },
      },
      ID: 'csv-archive',
      NoncurrentVersionExpiration: {NewerNoncurrentVersions: 3, NoncurrentDays: 400},
      NoncurrentVersionTransitions: [
        {NoncurrentDays: 30, StorageClass: 'STANDARD_IA'},
        {NewerNoncurrentVersions: 2, NoncurrentDays: 90, StorageClass: 'GLACIER'},
      ],
      Status: 'Enabled',
      Transitions: [
        {Days: 180, StorageClass: 'STANDARD_IA'},
        {Days: 730, StorageClass: 'GLACIER'},
      ],
    },
    {
      AbortIncompleteMultipartUpload: {DaysAfterInitiation: 7},
      Filter: {Prefix: 'raw/'},
      ID: 'abort',
      Status: 'Enabled',
    },
    {Expiration: {ExpiredObjectDeleteMarker: true}, Filter: {}, ID: 'markers', Status: 'Disabled'},
    {
      Expiration: {Date: '2030-01-01T00:00:00.000Z'},
      Filter: {Tag: {Key: 'temp', Value: 'yes'}},
      ID: 'dated',
      Status: 'Enabled',
      Transitions: [{Date: '2029-01-01T00:00:00.000Z', StorageClass: 'GLACIER_IR'}],
    },
    {Expiration: {Days: 90}, Filter: {ObjectSizeLessThan: 1024}, ID: 'tiny', Status: 'Enabled'},
  ],
  TransitionDefaultMinimumObjectSize: 'varies_by_storage_class',
}

async function readBack(text: string, file: string): Promise<LifecycleConfiguration> {
  const loaded = await parseConfigurationText(text, file)
  expect(loaded).toHaveLength(1)
  expect(loaded[0]!.findings).toEqual([])
  return loaded[0]!.config!
}

describe('output formats', () => {
  it('CloudFormation uses its own names and string sizes', () => {
    const cfn = toCfnRule(RICH.Rules[0]!)
    expect(cfn).toMatchObject({
      Id: 'csv-archive',
      ObjectSizeGreaterThan: '131072',
      ObjectSizeLessThan: '5000000000',
      Prefix: 'raw/csv/',
      TagFilters: [
        {Key: 'team', Value: 'data'},
        {Key: 'tier', Value: 'gold'},
      ],
    })
    expect(cfn.Transitions).toEqual([
      {StorageClass: 'STANDARD_IA', TransitionInDays: 180},
      {StorageClass: 'GLACIER', TransitionInDays: 730},
    ])
    expect(cfn.NoncurrentVersionTransitions).toEqual([
      {StorageClass: 'STANDARD_IA', TransitionInDays: 30},
      {NewerNoncurrentVersions: 2, StorageClass: 'GLACIER', TransitionInDays: 90},
    ])
    expect(cfn).not.toHaveProperty('Filter')
    expect(cfn).not.toHaveProperty('ID')
    expect(toCfnRule(RICH.Rules[2]!)).toMatchObject({
      ExpiredObjectDeleteMarker: true,
      Id: 'markers',
      Status: 'Disabled',
    })
    expect(toCfnRule({Expiration: {Days: 90}, Filter: {}, ID: 'x', Status: 'Enabled'})).toEqual({
      ExpirationInDays: 90,
      Id: 'x',
      Status: 'Enabled',
    })
  })

  it('Terraform uses filter {}, and/tags, and the default minimum size setting', () => {
    const tf = toTerraform(
      {Rules: [{Expiration: {Days: 90}, Filter: {}, ID: 'all', Status: 'Enabled'}]},
      {bucket: 'my-bucket'},
    )
    expect(tf).toMatch(/resource "aws_s3_bucket_lifecycle_configuration" "this" \{/)
    expect(tf).toMatch(/bucket\s+= "my-bucket"/)
    expect(tf).toMatch(/transition_default_minimum_object_size = "all_storage_classes_128K"/)
    expect(tf).toMatch(/filter \{\}/)
    const rich = toTerraform(RICH)
    expect(rich).toMatch(/and \{\n\s+prefix\s+= "raw\/csv\/"[\s\S]*tags = \{\n\s+team = "data"/)
    expect(rich).toMatch(
      /noncurrent_version_transition \{\n\s+noncurrent_days\s+= 90\n\s+newer_noncurrent_versions = 2/,
    )
    expect(rich).toMatch(/expired_object_delete_marker = true/)
    expect(rich).toMatch(/bucket\s+= aws_s3_bucket.this.id/)
  })

  it('writes Terraform that the HCL parser reads back: one resource with five rules', async () => {
    const [res] = await readTerraform(toTerraform(RICH), 'main.tf')
    expect(res!.config!.Rules).toHaveLength(5)
  })

  for (const [format, file, syntax] of [
    ['s3api', 'lifecycle.json', undefined],
    ['cloudformation', 'template.yaml', 'yaml'],
    ['cloudformation', 'template.json', 'json'],
    ['terraform', 'main.tf', undefined],
  ] as const) {
    it(`round-trips every rule through ${format}${syntax ? ` (${syntax})` : ''}`, async () => {
      const text = render(RICH, format, {bucket: 'b', ...(syntax ? {syntax} : {})})
      const back = await readBack(text, file)
      expect(back.Rules.map((r) => r.ID)).toEqual(RICH.Rules.map((r) => r.ID))
      // s3api JSON carries the minimum-size setting on the command line, not in the body.
      const wanted = format === 's3api' ? {Rules: RICH.Rules} : RICH
      expect(sameConfiguration(back, wanted)).toBe(true)
      expect(sameConfiguration(wanted, back)).toBe(true)
    })
  }

  it('reads Terraform with comments and several resources', async () => {
    const text = `# lifecycle
resource "aws_s3_bucket_lifecycle_configuration" "a" {
  bucket = aws_s3_bucket.a.id // the bucket
  /* a block
     comment */
  rule {
    id     = "x"
    status = "Enabled"
    filter {}
    expiration {
      days = 30
    }
  }
}
resource "aws_s3_bucket" "b" { bucket = "b" }
resource "aws_s3_bucket_lifecycle_configuration" "c" {
  bucket = "c"
  rule {
    status = "Enabled"
    filter {
      prefix = "p/"
      object_size_greater_than = 10
    }
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}
`
    const loaded = await parseConfigurationText(text, 'main.tf')
    expect(loaded.map((l) => l.source)).toEqual([
      'main.tf:2 aws_s3_bucket_lifecycle_configuration.a',
      'main.tf:16 aws_s3_bucket_lifecycle_configuration.c',
    ])
    expect(loaded[0]!.config!.Rules).toEqual([{Expiration: {Days: 30}, Filter: {}, ID: 'x', Status: 'Enabled'}])
    // Two predicates outside and {}: kept as written, so lint reports the filter form (and abort with size).
    expect(lintConfigurations([loaded[1]!]).configurations[0]!.findings.map((f) => f.id)).toEqual([
      'filter-form',
      'abort-mpu-with-size',
    ])
  })

  it('reads every bucket of a CloudFormation template with intrinsic functions', async () => {
    const template = `AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  Env: {Type: String}
Resources:
  Raw:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub 'raw-\${Env}'
      LifecycleConfiguration:
        Rules:
          - Id: archive
            Status: Enabled
            Prefix: csv/
            Transitions:
              - StorageClass: Glacier
                TransitionInDays: 10
          - Id: abort
            Status: Enabled
            AbortIncompleteMultipartUpload: {DaysAfterInitiation: 7}
  Logs:
    Type: AWS::S3::Bucket
  Queue:
    Type: AWS::SQS::Queue
`
    const loaded = await parseConfigurationText(template, 'stack.yaml')
    expect(loaded.map((l) => [l.source, l.format, l.config?.Rules.length])).toEqual([
      ['stack.yaml:5 Resources.Raw', 'cloudformation', 2],
      ['stack.yaml:20 Resources.Logs', 'cloudformation', undefined],
    ])
    expect(loaded[0]!.config!.Rules[0]!.Transitions).toEqual([{Days: 10, StorageClass: 'GLACIER'}])
    const lint = lintConfigurations(loaded)
    expect(lint.configurations.map((c) => c.status)).toEqual(['checked', 'no-configuration'])
    expect(lint.errors).toBe(0)
  })

  it('flags CloudFormation sizes that are not strings, and s3api names in a template', async () => {
    const loaded = await parseConfigurationText(
      JSON.stringify({
        Resources: {
          B: {
            Properties: {
              LifecycleConfiguration: {
                Rules: [{ExpirationInDays: 30, ID: 'x', ObjectSizeGreaterThan: 100, Status: 'Enabled'}],
              },
            },
            Type: 'AWS::S3::Bucket',
          },
        },
      }),
      't.json',
    )
    expect(loaded[0]!.findings.map((f) => f.message)).toEqual([
      expect.stringMatching(/\.ID: unknown property \(CloudFormation spells it Id\)/),
      expect.stringMatching(/ObjectSizeGreaterThan: is 100; CloudFormation types sizes as String/),
    ])
  })
})

const ORDER = [
  'ia-after',
  'intelligent-tiering-after',
  'onezone-ia-after',
  'glacier-ir-after',
  'glacier-after',
  'deep-archive-after',
] as const

/** Transitions in a plausible order with increasing days: sometimes valid, sometimes not. */
const specArb: fc.Arbitrary<RuleSpec> = fc
  .record({
    abort: fc.option(fc.constantFrom('1d', '7d', 3), {nil: undefined}),
    classes: fc.subarray([...ORDER]),
    expireGap: fc.option(fc.integer({max: 500, min: 0}), {nil: undefined}),
    first: fc.integer({max: 90, min: 0}),
    gaps: fc.array(fc.integer({max: 400, min: 0}), {maxLength: 6, minLength: 6}),
    markers: fc.boolean(),
    minSize: fc.option(fc.constantFrom('128KB', '1MB', 0), {nil: undefined}),
    noncurrent: fc.option(fc.tuple(fc.integer({max: 90, min: 0}), fc.integer({max: 400, min: 0})), {nil: undefined}),
    prefix: fc.constantFrom('', 'raw/', 'raw/csv/', 'logs/'),
    tags: fc.option(fc.constantFrom({team: 'data'}, {a: '1', b: '2'}), {nil: undefined}),
    unit: fc.constantFrom('d', 'days', 'months-ish'),
  })
  .map((r) => {
    const spec: RuleSpec = {prefix: r.prefix}
    let day = r.first
    for (const [i, key] of r.classes.entries()) {
      if (i > 0) day += r.gaps[i]!
      spec[key] = r.unit === 'months-ish' && day % 30 === 0 ? `${day / 30} months` : r.unit === 'days' ? day : `${day}d`
    }

    if (r.expireGap !== undefined) spec['expire-after'] = day + r.expireGap
    if (r.abort !== undefined) spec['abort-multipart-after'] = r.abort
    if (r.markers) spec['delete-expired-markers'] = true
    if (r.minSize !== undefined) spec['min-size'] = r.minSize
    if (r.tags) spec.tags = r.tags
    if (r.noncurrent) {
      spec['noncurrent-ia-after'] = r.noncurrent[0]
      spec['noncurrent-expire-after'] = r.noncurrent[0] + r.noncurrent[1]
    }

    return spec
  })

describe('generate → lint round trip (property)', () => {
  it('every policy generate prints lints without errors in all three formats; the rest are refused', async () => {
    let accepted = 0
    let refused = 0
    await fc.assert(
      fc.asyncProperty(fc.array(specArb, {maxLength: 3, minLength: 1}), async (specs) => {
        const withIds = specs.map((s, i) => ({spec: {...s, id: `rule-${i}`}}))
        let result
        try {
          result = generatePolicy({format: 's3api', specs: withIds})
        } catch (error) {
          // A spec without any action is a usage error before validation.
          expect((error as PipeopsError).exitCode).toBe(2)
          expect((error as Error).message).toMatch(/has no action/)
          return
        }

        if (!result.valid) {
          // Refused: error findings that name S3's objection, and no output at all.
          expect(result.findings.some((f) => f.severity === 'error')).toBe(true)
          expect(result.output).toBeUndefined()
          refused++
          return
        }

        accepted++

        for (const [format, file] of [
          ['s3api', 'l.json'],
          ['cloudformation', 't.yaml'],
          ['terraform', 'm.tf'],
        ] as const) {
          const loaded = await parseConfigurationText(render(result.configuration, format), file)
          const lint = lintConfigurations(loaded)
          expect(lint.errors, `${format}: ${JSON.stringify(lint.configurations[0]?.findings)}`).toBe(0)
          expect(sameConfiguration(loaded[0]!.config, result.configuration)).toBe(true)
        }
      }),
      {numRuns: 300},
    )
    // Both paths must really be exercised.
    expect(accepted).toBeGreaterThan(20)
    expect(refused).toBeGreaterThan(20)
  })
})

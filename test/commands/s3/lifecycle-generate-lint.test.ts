import {
  GetBucketLifecycleConfigurationCommand,
  GetBucketVersioningCommand,
  ListObjectsV2Command,
  S3Client,
} from '@aws-sdk/client-s3'
import {mockClient} from 'aws-sdk-client-mock'
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {beforeEach, describe, expect, it} from 'vitest'

import type {GenerateCommandResult} from '../../../src/commands/s3/lifecycle/generate.js'
import type {ExplainResult, LintResult} from '../../../src/lib/s3/lifecycle/service.js'

import S3LifecycleExplain from '../../../src/commands/s3/lifecycle/explain.js'
import S3LifecycleLint from '../../../src/commands/s3/lifecycle/lint.js'
import {CLASSIC_GENERATE} from '../../fixtures/s3-lifecycle/classic-argv.js'
import {useTestAwsEnv} from '../../helpers/aws-env.js'
import {expectCallsDeclared} from '../../helpers/iam.js'
import {errorOf, resultOf, runJson, runText} from '../../helpers/run.js'

const s3 = mockClient(S3Client)
const FIXTURES = path.resolve('test/fixtures/s3-lifecycle')
const CLASSIC = CLASSIC_GENERATE

describe('s3 lifecycle generate', () => {
  useTestAwsEnv()

  beforeEach(() => s3.reset())

  it('prints the classic policy with the day arithmetic and warnings, and makes no AWS call', async () => {
    const run = await runText(CLASSIC)
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/→ STANDARD_IA\s+│ 6months\s+│\s+180 │ 180 days \(6 months × 30\)/)
    expect(run.stdout).toMatch(/→ GLACIER\s+│ 2y\s+│\s+730 │ 730 days \(2 years × 365\)/)
    expect(run.stdout).toMatch(/✔ Valid: S3 would accept this configuration/)
    expect(run.stdout).toMatch(/"StorageClass": "STANDARD_IA"/)
    expect(s3.calls()).toHaveLength(0)
  })

  it('returns the configuration and output under --json for each format', async () => {
    const s3api = resultOf(await runJson<GenerateCommandResult>(CLASSIC))
    expect(s3api.configuration.Rules[0]).toEqual({
      Filter: {Prefix: 'raw/csv/'},
      ID: 'raw-csv-lifecycle',
      Status: 'Enabled',
      Transitions: [
        {Days: 180, StorageClass: 'STANDARD_IA'},
        {Days: 730, StorageClass: 'GLACIER'},
      ],
    })
    expect(JSON.parse(s3api.output!)).toEqual({Rules: s3api.configuration.Rules})
    expect(s3api.findings.map((f) => f.id)).toEqual(['small-objects', 'no-abort-multipart'])
    const cfn = resultOf(await runJson<GenerateCommandResult>([...CLASSIC, '--format', 'cloudformation']))
    expect(cfn.output).toMatch(/TransitionInDays: 180/)
    expect(cfn.output).toMatch(/Id: raw-csv-lifecycle/)
    const cfnJson = resultOf(
      await runJson<GenerateCommandResult>([...CLASSIC, '--format', 'cloudformation', '--syntax', 'json']),
    )
    expect(JSON.parse(cfnJson.output!).Resources.Bucket.Type).toBe('AWS::S3::Bucket')
    const tf = resultOf(await runJson<GenerateCommandResult>([...CLASSIC, '--format', 'terraform', '--bucket', 'lake']))
    expect(tf.output).toMatch(/transition_default_minimum_object_size = "all_storage_classes_128K"/)
    expect(tf.output).toMatch(/bucket\s+= "lake"/)
  })

  it("reports a policy S3 would reject as findings (exit 1), with S3's words, and never prints or writes it", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 's3lc-'))
    const out = path.join(dir, 'never.json')
    const run = await runJson<GenerateCommandResult>(['s3', 'lifecycle', 'generate', '--ia-after', '10d', '--out', out])
    expect(run.exitCode).toBe(1)
    expect(run.envelope.status).toBe('findings')
    const result = resultOf(run)
    expect(result.valid).toBe(false)
    expect(result.output).toBeUndefined()
    expect(result.findings[0]).toMatchObject({
      code: 'LC003',
      s3Message: "'Days' in Transition action must be greater than or equal to 30 for storageClass 'STANDARD_IA'",
      severity: 'error',
    })
    expect(existsSync(out)).toBe(false)
    const text = await runText(['s3', 'lifecycle', 'generate', '--ia-after', '10d'])
    expect(text.exitCode).toBe(1)
    expect(text.stdout).toMatch(/✘ S3 would reject this policy \(1 error\(s\)\): it is not printed/)
    expect(text.stdout).not.toMatch(/"Rules"/)
  })

  it('--out on a folder or under a file: exit 6 naming the path, nothing generated', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pipeops-out-'))
    writeFileSync(path.join(dir, 'f'), 'x')
    const folder = await runJson(['s3', 'lifecycle', 'generate', '--expire-after', '30d', '--out', dir])
    expect(folder.exitCode).toBe(6)
    expect(errorOf(folder)).toMatchObject({
      code: 'OutputNotWritable',
      message: `--out ${dir}: cannot write here (it is a directory)`,
    })
    const under = await runJson([
      's3',
      'lifecycle',
      'generate',
      '--expire-after',
      '30d',
      '--out',
      path.join(dir, 'f', 'p.json'),
    ])
    expect(under.exitCode).toBe(6)
    expect(errorOf(under).message).toMatch(/a parent in the path is a file/)
  })

  it('refuses a duration whose day count S3 cannot store (exit 2)', async () => {
    const run = await runJson(['s3', 'lifecycle', 'generate', '--expire-after', '99999999y'])
    expect(run.exitCode).toBe(2)
    expect(errorOf(run).message).toMatch(/^--expire-after 99999999y is [\d,]+ days: S3 accepts at most 2,147,483,647/)
    expect((await runJson(['s3', 'lifecycle', 'generate', '--expire-after', '100y'])).exitCode).toBe(0)
  })

  it('needs at least one action, and rejects bad durations and sizes by flag name', async () => {
    expect(errorOf(await runJson(['s3', 'lifecycle', 'generate', '--prefix', 'x/'])).message).toMatch(
      /no lifecycle action given/,
    )
    expect(errorOf(await runJson(['s3', 'lifecycle', 'generate', '--ia-after', 'soon'])).message).toMatch(
      /--ia-after "soon" is not a duration/,
    )
    const bad = await runJson(['s3', 'lifecycle', 'generate', '--expire-after', '30d', '--min-size', 'huge'])
    expect(bad.exitCode).toBe(2)
    expect(errorOf(bad).message).toMatch(/--min-size "huge" is not a size/)
    expect(errorOf(await runJson(['s3', 'lifecycle', 'generate', '--expire-after', '30d', '--apply'])).message).toMatch(
      /^--apply is used only with --bucket or --plan/,
    )
  })

  it('reads a spec file with several rules and writes --out atomically', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 's3lc-'))
    const out = path.join(dir, 'lifecycle.json')
    const result = resultOf(
      await runJson<GenerateCommandResult>([
        's3',
        'lifecycle',
        'generate',
        '--spec',
        path.join(FIXTURES, 'spec.yaml'),
        '--out',
        out,
      ]),
    )
    expect(result.configuration.Rules.map((r) => r.ID)).toEqual(['csv-archive', 'logs', 'abort-uploads'])
    expect(result.configuration.TransitionDefaultMinimumObjectSize).toBe('all_storage_classes_128K')
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual({Rules: result.configuration.Rules})
    expect(result.writtenTo).toBe(out)
  })

  it('reports an invalid policy from a spec as findings, and unreadable specs as invalid input (exit 6)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 's3lc-'))
    const spec = path.join(dir, 'bad.yaml')
    writeFileSync(spec, 'rules:\n  - id: a\n    onezone-ia-after: 2 weeks\n')
    const run = await runJson<GenerateCommandResult>(['s3', 'lifecycle', 'generate', '--spec', spec])
    expect(run.exitCode).toBe(1)
    expect(resultOf(run).findings[0]!.s3Message).toMatch(/'ONEZONE_IA'/)
    writeFileSync(spec, 'rules:\n  - id: a\n    ia-after: soon\n')
    const unreadable = await runJson(['s3', 'lifecycle', 'generate', '--spec', spec])
    expect(unreadable.exitCode).toBe(6)
    expect(errorOf(unreadable).message).toMatch(/bad.yaml rules\[0\]: --ia-after "soon" is not a duration/)
    expect(errorOf(await runJson(['s3', 'lifecycle', 'generate', '--spec', spec, '--prefix', 'x/'])).message).toMatch(
      /--spec cannot be combined with rule flags \(--prefix\)/,
    )
  })

  it('estimates from --objects/--avg-size with the price date', async () => {
    const result = resultOf(
      await runJson<GenerateCommandResult>([
        ...CLASSIC,
        '--min-size',
        '128KB',
        '--objects',
        '1000000',
        '--avg-size',
        '1MB',
        '--horizon',
        '3y',
      ]),
    )
    const [scenario] = result.estimate!.scenarios
    expect(result.estimate!.prices).toMatchObject({asOf: '2025-06-30', region: 'us-east-1'})
    expect(result.estimate!.horizonDays).toBe(1095)
    expect(scenario!.transitions.map((t) => [t.storageClass, t.requests])).toEqual([
      ['STANDARD_IA', 1_000_000],
      ['GLACIER', 1_000_000],
    ])
    expect(scenario!.totals.total).toBeLessThan(scenario!.baseline.storage)
    const text = await runText([...CLASSIC, '--objects', '1000000', '--avg-size', '1MB'])
    expect(text.stdout).toMatch(/prices as of 2025-06-30, us-east-1/)
    expect(errorOf(await runJson([...CLASSIC, '--estimate'])).message).toMatch(/--estimate needs the objects/)
    expect(errorOf(await runJson([...CLASSIC, '--objects', '5'])).message).toMatch(
      /^--objects is used only with --avg-size/,
    )
  })

  it('samples a bucket with ListObjectsV2 for the size distribution', async () => {
    s3.on(ListObjectsV2Command, {ContinuationToken: undefined})
      .resolves({
        Contents: [
          {Key: 'raw/csv/a.csv', LastModified: new Date('2026-11-01T00:00:00Z'), Size: 4000, StorageClass: 'STANDARD'},
        ],
        IsTruncated: true,
        NextContinuationToken: 't1',
      })
      .on(ListObjectsV2Command, {ContinuationToken: 't1'})
      .resolves({
        Contents: [
          {
            Key: 'raw/csv/b.csv',
            LastModified: new Date(Date.now() - 300 * 86_400_000),
            Size: 50 * 2 ** 20,
            StorageClass: 'STANDARD',
          },
        ],
        IsTruncated: false,
      })
    const result = resultOf(await runJson<GenerateCommandResult>([...CLASSIC, '--sample-bucket', 'lake']))
    expect(result.estimate!.sample).toMatchObject({
      bucket: 'lake',
      complete: true,
      objects: 2,
      pages: 2,
      prefix: 'raw/csv/',
    })
    expect(result.estimate!.sample!.sizes.map((s) => [s.label, s.objects])).toEqual([
      ['< 40 KiB', 1],
      ['16–128 MiB', 1],
    ])
    // The 300-day-old large object is past 6 months: it moves to Standard-IA at once, to Glacier at day 730; the 4 KB one never moves.
    expect(result.estimate!.scenarios[0]!.transitions.map((t) => [t.storageClass, t.requests])).toEqual([
      ['STANDARD_IA', 1],
      ['GLACIER', 1],
    ])
    expect(s3.commandCalls(ListObjectsV2Command)[0]!.args[0].input).toMatchObject({Bucket: 'lake', Prefix: 'raw/csv/'})
    expectCallsDeclared((await import('../../../src/commands/s3/lifecycle/generate.js')).default.iam, {s3})
  })
})

describe('s3 lifecycle lint', () => {
  useTestAwsEnv()

  beforeEach(() => s3.reset())

  it('exits 1 with stable ids and S3 wording for a broken file', async () => {
    const run = await runJson<LintResult>(['s3', 'lifecycle', 'lint', '--file', path.join(FIXTURES, 'broken.json')])
    expect(run.exitCode).toBe(1)
    expect(run.envelope.status).toBe('findings')
    const result = resultOf(run)
    const errors = result.configurations[0]!.findings.filter((f) => f.severity === 'error')
    expect(errors.map((f) => f.code)).toEqual(['LC011', 'LC003', 'LC005', 'LC013'])
    expect(errors[1]!.s3Message).toBe(
      "'Days' in Transition action must be greater than or equal to 30 for storageClass 'STANDARD_IA'",
    )
    const text = await runText(['s3', 'lifecycle', 'lint', '--file', path.join(FIXTURES, 'broken.json')])
    expect(text.exitCode).toBe(1)
    expect(text.stdout).toMatch(/✘ 4 error\(s\): S3 would reject this configuration/)
  })

  it('exits 0 for a generated policy (round trip) and lints every bucket of a template', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 's3lc-'))
    for (const [format, file] of [
      ['s3api', 'l.json'],
      ['cloudformation', 't.yaml'],
      ['terraform', 'm.tf'],
    ]) {
      const out = path.join(dir, file!)
      await runJson([...CLASSIC, '--format', format!, '--out', out])
      const run = await runJson<LintResult>(['s3', 'lifecycle', 'lint', '--file', out])
      expect(run.exitCode, format).toBe(0)
      expect(resultOf(run).errors).toBe(0)
    }

    const template = resultOf(
      await runJson<LintResult>(['s3', 'lifecycle', 'lint', '--file', path.join(FIXTURES, 'template.yaml')]),
    )
    expect(template.configurations.map((c) => [c.source, c.status, c.errors])).toEqual([
      ['template.yaml:6 Resources.RawBucket', 'checked', 1],
      ['template.yaml:23 Resources.LogsBucket', 'checked', 0],
      ['template.yaml:35 Resources.EmptyBucket', 'no-configuration', 0],
    ])
  })

  it('reads a live bucket; NoSuchLifecycleConfiguration means "no configuration"', async () => {
    s3.on(GetBucketLifecycleConfigurationCommand).rejects(
      Object.assign(new Error('The lifecycle configuration does not exist'), {
        $metadata: {httpStatusCode: 404},
        name: 'NoSuchLifecycleConfiguration',
      }),
    )
    const run = await runJson<LintResult>(['s3', 'lifecycle', 'lint', '--bucket', 'lake'])
    expect(run.exitCode).toBe(0)
    expect(resultOf(run).configurations[0]).toMatchObject({source: 's3://lake', status: 'no-configuration'})
    expect((await runText(['s3', 'lifecycle', 'lint', '--bucket', 'lake'])).stdout).toMatch(
      /s3:\/\/lake \(bucket\): no configuration/,
    )
  })

  it("uses the bucket's versioning for the noncurrent clean-up warning", async () => {
    s3.on(GetBucketLifecycleConfigurationCommand).resolves({
      Rules: [
        {Expiration: {Days: 90}, Filter: {Prefix: 'tmp/'}, ID: 'tmp', Status: 'Enabled'},
        {AbortIncompleteMultipartUpload: {DaysAfterInitiation: 7}, Filter: {}, ID: 'abort', Status: 'Enabled'},
      ],
    })
    s3.on(GetBucketVersioningCommand).resolves({Status: 'Enabled'})
    const result = resultOf(await runJson<LintResult>(['s3', 'lifecycle', 'lint', '--bucket', 'lake']))
    expect(result.configurations[0]!.findings.map((f) => f.id)).toEqual(['versioned-without-noncurrent-cleanup'])
    expectCallsDeclared(S3LifecycleLint.iam, {s3})
  })

  it('says so when the endpoint has no lifecycle API (s3rver)', async () => {
    s3.on(GetBucketLifecycleConfigurationCommand).rejects(
      Object.assign(new Error('A parameter you provided implies functionality that is not implemented'), {
        $metadata: {httpStatusCode: 501},
        name: 'NotImplemented',
      }),
    )
    const run = await runJson(['s3', 'lifecycle', 'lint', '--bucket', 'lake'])
    expect(run.exitCode).toBe(2)
    expect(errorOf(run)).toMatchObject({code: 'LifecycleApiNotImplemented'})
    expect(errorOf(run).suggestions.join(' ')).toMatch(/--file/)
  })

  it('maps AccessDenied to exit 3 and a missing bucket to exit 4', async () => {
    s3.on(GetBucketLifecycleConfigurationCommand).rejects(
      Object.assign(new Error('Access Denied'), {
        $metadata: {httpStatusCode: 403, requestId: 'r1'},
        name: 'AccessDenied',
      }),
    )
    expect((await runJson(['s3', 'lifecycle', 'lint', '--bucket', 'lake'])).exitCode).toBe(3)
    s3.on(GetBucketLifecycleConfigurationCommand).rejects(
      Object.assign(new Error('The specified bucket does not exist'), {
        $metadata: {httpStatusCode: 404},
        name: 'NoSuchBucket',
      }),
    )
    expect((await runJson(['s3', 'lifecycle', 'lint', '--bucket', 'nope'])).exitCode).toBe(4)
  })

  it('rejects missing or both sources (exit 2), a missing file and unparsable input (exit 6)', async () => {
    expect((await runJson(['s3', 'lifecycle', 'lint'])).exitCode).toBe(2)
    expect((await runJson(['s3', 'lifecycle', 'lint', '--file', 'a.json', '--bucket', 'b'])).exitCode).toBe(2)
    const missing = await runJson(['s3', 'lifecycle', 'lint', '--file', '/nonexistent/l.json'])
    expect(missing.exitCode).toBe(6)
    expect(errorOf(missing).message).toMatch(/cannot read \/nonexistent\/l.json: no such file/)
    const dir = mkdtempSync(path.join(tmpdir(), 's3lc-'))
    writeFileSync(path.join(dir, 'x.json'), '{"Rules": [')
    expect(errorOf(await runJson(['s3', 'lifecycle', 'lint', '--file', path.join(dir, 'x.json')])).message).toMatch(
      /is not valid JSON/,
    )
  })

  it('names the line of Terraform it cannot read; reads expressions, leaving unknown ones unchecked', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 's3lc-'))
    const file = path.join(dir, 'main.tf')
    writeFileSync(
      file,
      'resource "aws_s3_bucket_lifecycle_configuration" "x" {\n  bucket = "b"\n  rule {\n    id = "a"\n    status = "Enabled"\n    expiration {\n      days = \n    }\n  }\n}\n',
    )
    const run = await runJson(['s3', 'lifecycle', 'lint', '--file', file])
    expect(run.exitCode).toBe(6)
    expect(errorOf(run).message).toMatch(/main.tf is not valid HCL: .*main.tf:7/)
    writeFileSync(
      file,
      'resource "aws_s3_bucket_lifecycle_configuration" "x" {\n  bucket = "b"\n  rule {\n    id = "a"\n    status = "Enabled"\n    filter {}\n    expiration { days = var.days + 1 }\n  }\n}\n',
    )
    const unknown = await runJson<LintResult>(['s3', 'lifecycle', 'lint', '--file', file])
    expect(unknown.exitCode).toBe(0)
    // The unknown expiration also silences the configuration-wide LW005 (it may be the rule's only action).
    expect(resultOf(unknown).configurations[0]!.findings.map((f) => f.code)).toEqual(['LN001'])
  })

  it('adds the estimate and the transition-request-cost warning', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 's3lc-'))
    const file = path.join(dir, 'da.json')
    writeFileSync(
      file,
      JSON.stringify({
        Rules: [
          {
            Filter: {ObjectSizeGreaterThan: 0},
            ID: 'da',
            Status: 'Enabled',
            Transitions: [{Days: 1, StorageClass: 'DEEP_ARCHIVE'}],
          },
          {AbortIncompleteMultipartUpload: {DaysAfterInitiation: 7}, Filter: {}, ID: 'abort', Status: 'Enabled'},
        ],
      }),
    )
    const result = resultOf(
      await runJson<LintResult>([
        's3',
        'lifecycle',
        'lint',
        '--file',
        file,
        '--objects',
        '2000000',
        '--avg-size',
        '20KB',
        '--horizon',
        '6months',
      ]),
    )
    expect(result.configurations[0]!.findings.map((f) => f.id)).toContain('transition-request-cost')
    expect(result.estimate!.scenarios[0]!.totals.transitions).toBeCloseTo(100, 6)
  })
})

describe('s3 lifecycle explain', () => {
  useTestAwsEnv()

  beforeEach(() => s3.reset())

  it('reads a live bucket and uses a --prices table with its date and region', async () => {
    s3.on(GetBucketLifecycleConfigurationCommand).resolves({
      Rules: [
        {
          Filter: {Prefix: 'logs/'},
          ID: 'logs',
          Status: 'Enabled',
          Transitions: [{Days: 30, StorageClass: 'GLACIER_IR'}],
        },
      ],
    })
    const dir = mkdtempSync(path.join(tmpdir(), 's3lc-'))
    const prices = path.join(dir, 'prices.json')
    const regionPrices = {
      intelligentTieringMonitoringPer1000: 0.0025,
      storageGbMonth: {
        DEEP_ARCHIVE: 0.002,
        GLACIER: 0.005,
        GLACIER_IR: 0.01,
        INTELLIGENT_TIERING: 0.05,
        ONEZONE_IA: 0.02,
        STANDARD: 0.05,
        STANDARD_IA: 0.03,
      },
      transitionPer1000: {
        DEEP_ARCHIVE: 0.1,
        GLACIER: 0.05,
        GLACIER_IR: 0.04,
        INTELLIGENT_TIERING: 0.02,
        ONEZONE_IA: 0.02,
        STANDARD_IA: 0.02,
      },
    }
    writeFileSync(
      prices,
      JSON.stringify({
        asOf: '2026-10-01',
        currency: 'USD',
        regions: {'eu-central-1': regionPrices},
        source: 'test table',
      }),
    )
    const result = resultOf(
      await runJson<ExplainResult>([
        's3',
        'lifecycle',
        'explain',
        '--bucket',
        'lake',
        '--key',
        'logs/a',
        '--size',
        '1GiB',
        '--prices',
        prices,
        '--region',
        'eu-central-1',
      ]),
    )
    expect(result.prices).toEqual({asOf: '2026-10-01', currency: 'USD', region: 'eu-central-1', source: 'test table'})
    expect(result.steps[1]).toMatchObject({
      day: 30,
      monthlyStorage: expect.closeTo(0.01, 9),
      requestCost: expect.closeTo(0.000_04, 12),
      storageClass: 'GLACIER_IR',
    })
    expect(result.source).toBe('s3://lake')
    expectCallsDeclared(S3LifecycleExplain.iam, {s3})
    const bad = await runJson([
      's3',
      'lifecycle',
      'explain',
      '--bucket',
      'lake',
      '--key',
      'a',
      '--size',
      '1MB',
      '--prices',
      path.join(FIXTURES, 'classic.json'),
    ])
    expect(bad.exitCode).toBe(6)
    expect(errorOf(bad).message).toMatch(/"asOf" must be the date of the prices/)
  })

  it('explains the classic policy for one object', async () => {
    const run = await runJson<ExplainResult>([
      's3',
      'lifecycle',
      'explain',
      '--file',
      path.join(FIXTURES, 'classic.json'),
      '--key',
      'raw/csv/2024/orders.csv',
      '--size',
      '40MB',
      '--age',
      '1y',
    ])
    const result = resultOf(run)
    expect(result.steps.map((s) => [s.day, s.storageClass])).toEqual([
      [0, 'STANDARD'],
      [180, 'STANDARD_IA'],
      [730, 'GLACIER'],
    ])
    expect(result.atAge).toEqual({ageDays: 365, storageClass: 'STANDARD_IA'})
    expect(result.matches.map((m) => m.matches)).toEqual([true, false])
    const text = await runText([
      's3',
      'lifecycle',
      'explain',
      '--file',
      path.join(FIXTURES, 'classic.json'),
      '--key',
      'logs/x',
      '--size',
      '4KB',
      '--tag',
      'team=data',
    ])
    expect(text.stdout).toMatch(/key does not start with "raw\/csv\/"/)
    expect(text.stdout).toMatch(/Per million such objects/)
    expectCallsDeclared(S3LifecycleExplain.iam, {s3})
  })

  it('needs --key and --size, and a valid size', async () => {
    expect(
      (await runJson(['s3', 'lifecycle', 'explain', '--file', path.join(FIXTURES, 'classic.json'), '--size', '1MB']))
        .exitCode,
    ).toBe(2)
    expect(
      errorOf(
        await runJson([
          's3',
          'lifecycle',
          'explain',
          '--file',
          path.join(FIXTURES, 'classic.json'),
          '--key',
          'a',
          '--size',
          'big',
        ]),
      ).message,
    ).toMatch(/--size "big" is not a size/)
  })
})

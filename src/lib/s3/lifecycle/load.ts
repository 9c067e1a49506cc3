/**
 * Where lifecycle configurations come from: a local file in any of the three formats, or a live
 * bucket (GetBucketLifecycleConfiguration; NoSuchLifecycleConfiguration means "none").
 */
import type {S3Client} from '@aws-sdk/client-s3'

import {readFile} from 'node:fs/promises'
import path from 'node:path'

import type {Finding} from './findings.js'
import type {LifecycleConfiguration} from './model.js'
import type {ValueNote} from './unknown-values.js'

import {InputError, UsageError} from '../../core/errors.js'
import {parseCloudFormationYaml} from '../../core/parse/cloudformation-yaml.js'
import {parseS3ApiConfiguration as parseS3Api} from './parse-s3api.js'
import {looksLikeCfnRules, readCfnTemplate, readCfnVariants} from './read-cfn.js'
import {readTerraform} from './read-terraform.js'
import {escapeRegExp, lineOf} from './source-lines.js'

export type InputFormat = 'bucket' | 'cloudformation' | 's3api' | 'terraform'

export interface LoadedConfiguration {
  /** Undefined when the source has no lifecycle configuration. */
  config?: LifecycleConfiguration | undefined
  /** Problems found while reading (malformed members, unknown fields). */
  findings: Finding[]
  format: InputFormat
  /** Values that were unknown, or checked for a default only (CloudFormation and Terraform). */
  notes?: ValueNote[]
  /** "lifecycle.json", "template.yaml Resources.RawBucket", "s3://bucket". */
  source: string
}

/** Values supplied for a template: CloudFormation parameters, Terraform variables. */
export interface TemplateValues {
  parameters?: ReadonlyMap<string, string> | undefined
  vars?: ReadonlyMap<string, unknown> | undefined
}

export async function loadFile(file: string, values: TemplateValues = {}): Promise<LoadedConfiguration[]> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const {code} = error as NodeJS.ErrnoException
    throw new InputError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : (error as Error).message}`, {
      code: code === 'ENOENT' ? 'FileNotFound' : 'InvalidInput',
      suggestions: ['Check the path given to --file.'],
    })
  }

  return parseConfigurationText(text, file, values)
}

/** Detect the format (s3api JSON, CloudFormation template or snippet, Terraform) and read it. */
export async function parseConfigurationText(
  text: string,
  file: string,
  values: TemplateValues = {},
): Promise<LoadedConfiguration[]> {
  const name = path.basename(file)
  if (/\.tf$/i.test(file) || /^\s*resource\s+"aws_s3_bucket(_lifecycle_configuration)?"/m.test(text)) {
    const configs = await readTerraform(text, file, {vars: values.vars})
    if (configs.length === 0) {
      throw new InputError(
        `${file} has no lifecycle configuration: no aws_s3_bucket_lifecycle_configuration resource, no lifecycle_rule in an aws_s3_bucket, no module given lifecycle rules`,
        {suggestions: ['Point --file at the .tf file that defines the lifecycle configuration.']},
      )
    }

    return configs.map((c) => ({
      config: c.config,
      findings: c.findings,
      format: 'terraform',
      notes: c.notes,
      source: c.source.startsWith(name) ? c.source : `${name} ${c.source}`,
    }))
  }

  let data: unknown
  try {
    data = /^\s*[[{]/.test(text) ? JSON.parse(text) : parseCloudFormationYaml(text)
  } catch (error) {
    throw new InputError(
      `${file} is not valid ${/^\s*[[{]/.test(text) ? 'JSON' : 'YAML'}: ${(error as Error).message.split('\n')[0]}`,
      {
        suggestions: [
          'Fix the syntax; lint reads s3api JSON, CloudFormation templates (YAML or JSON) and Terraform .tf files.',
        ],
      },
    )
  }

  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new InputError(
      `${file} is not a lifecycle configuration (expected an object with "Rules", or a CloudFormation template)`,
      {
        suggestions: ['Give the s3api JSON ({"Rules": [...]}), a CloudFormation template, or a Terraform file.'],
      },
    )
  }

  const obj = data as Record<string, unknown>
  if (typeof obj.Resources === 'object' && obj.Resources !== null) {
    const buckets = readCfnTemplate(obj, {parameters: values.parameters})
    if (buckets.length === 0) {
      throw new InputError(`${file} is a CloudFormation template without any AWS::S3::Bucket`, {
        suggestions: ['Point --file at the template that declares the bucket.'],
      })
    }

    return buckets.map((b) => {
      const id = escapeRegExp(b.source.split(' ')[0]!.replace(/^Resources\./, ''))
      // "  Logs:" in YAML, "\"Logs\": {" in JSON.
      const line = lineOf(text, new RegExp(`^\\s+(?:${id}|"${id}"|'${id}')\\s*:`, 'm'))
      return {
        config: b.config,
        findings: b.findings,
        format: 'cloudformation',
        notes: b.notes,
        source: `${name}${line ? `:${line}` : ''} ${b.source}`,
      }
    })
  }

  const inner =
    typeof obj.LifecycleConfiguration === 'object' && obj.LifecycleConfiguration !== null
      ? (obj.LifecycleConfiguration as Record<string, unknown>)
      : obj
  if (looksLikeCfnRules(inner.Rules)) {
    const base = {mappings: {}, parameters: {}, parameterValues: values.parameters ?? new Map<string, string>()}
    return readCfnVariants(inner, 'LifecycleConfiguration', base).map((v) => ({
      config: v.config,
      findings: v.findings,
      format: 'cloudformation',
      notes: v.notes,
      source: v.variant ? `${name} (${v.variant})` : name,
    }))
  }

  const {config, findings} = parseS3Api(data)
  return [{config, findings, format: 's3api', source: name}]
}

function isNoSuchLifecycle(error: unknown): boolean {
  const e = error as {Code?: string; name?: string}
  return e?.name === 'NoSuchLifecycleConfiguration' || e?.Code === 'NoSuchLifecycleConfiguration'
}

/** The bucket's configuration, or undefined when it has none. Other errors propagate (exit 3/4/5). */
export async function getBucketConfiguration(
  s3: S3Client,
  bucket: string,
  signal?: AbortSignal,
): Promise<LifecycleConfiguration | undefined> {
  // The SDK loads on first use (docs/architecture.md, "Heavy modules load when used"): linting a file never pays for it.
  const {GetBucketLifecycleConfigurationCommand} = await import('@aws-sdk/client-s3')
  try {
    const out = await s3.send(
      new GetBucketLifecycleConfigurationCommand({Bucket: bucket}),
      signal ? {abortSignal: signal} : {},
    )
    const {config} = parseS3Api({
      Rules: out.Rules ?? [],
      ...(out.TransitionDefaultMinimumObjectSize
        ? {TransitionDefaultMinimumObjectSize: out.TransitionDefaultMinimumObjectSize}
        : {}),
    })
    return config
  } catch (error) {
    if (isNoSuchLifecycle(error)) return undefined
    if ((error as {name?: string})?.name === 'NotImplemented') {
      // s3rver (the sandbox's S3) and some S3-compatible servers have no lifecycle API.
      throw new UsageError(
        `the S3 endpoint does not implement the bucket lifecycle API (GetBucketLifecycleConfiguration on ${bucket} answered NotImplemented)`,
        {
          cause: error,
          code: 'LifecycleApiNotImplemented',
          suggestions: [
            'Local emulators such as s3rver have no lifecycle API: lint and explain a file instead (--file lifecycle.json), or use a real bucket.',
          ],
        },
      )
    }

    throw error
  }
}

export async function loadBucket(s3: S3Client, bucket: string): Promise<LoadedConfiguration> {
  const config = await getBucketConfiguration(s3, bucket)
  return {config, findings: [], format: 'bucket', source: `s3://${bucket}`}
}

/** Enabled or Suspended versioning both leave noncurrent versions behind. */
export async function isBucketVersioned(s3: S3Client, bucket: string): Promise<boolean> {
  const {GetBucketVersioningCommand} = await import('@aws-sdk/client-s3')
  const out = await s3.send(new GetBucketVersioningCommand({Bucket: bucket}))
  return out.Status === 'Enabled' || out.Status === 'Suspended'
}

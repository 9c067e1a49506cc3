import {Flags, type Interfaces} from '@oclif/core'

import {BaseCommand, type BaseFlags, planFlags} from '../../../base-command.js'
import {renamedFrom} from '../../../flags/output.js'
import {applyFlag, planOutFlag} from '../../../flags/plan.js'
import {onlyWith} from '../../../flags/relations.js'
import {estimateFlags, estimateRequest, wantsEstimate} from '../../../flags/s3-lifecycle.js'
import {checkWritableFile, writeFileAtomic} from '../../../lib/core/atomic-write.js'
import {InputError, UsageError} from '../../../lib/core/errors.js'
import {
  makeApplyPlan,
  makeExecutor,
  mergeConfigurations,
  PLAN_KIND,
  planBucket,
  type RuleChange,
} from '../../../lib/s3/lifecycle/apply.js'
import {hasErrors} from '../../../lib/s3/lifecycle/findings.js'
import {FORMATS, type OutputFormat} from '../../../lib/s3/lifecycle/formats.js'
import {getBucketConfiguration} from '../../../lib/s3/lifecycle/load.js'
import {DEFAULT_MIN_SIZE_VALUES} from '../../../lib/s3/lifecycle/model.js'
import {
  type EstimateOutput,
  generatePolicy,
  type GenerateResult,
  runEstimate,
} from '../../../lib/s3/lifecycle/service.js'
import {loadSpecFile, type RuleSpec, SPEC_KEYS} from '../../../lib/s3/lifecycle/spec.js'
import {validateConfiguration} from '../../../lib/s3/lifecycle/validate.js'
import {renderApplyPlan, renderEstimate, renderGenerate} from '../../../ui/s3-lifecycle.js'

const afterFlag = (what: string) =>
  Flags.string({
    helpGroup: 'RULE',
    summary: `${what} after this long (e.g. 30d, 6months, 2y; month = 30 days, year = 365).`,
  })

export interface GenerateCommandResult extends GenerateResult {
  apply?: {
    backupFile?: string | undefined
    bucket: string
    changes: RuleChange[]
    mode: 'applied' | 'dry-run' | 'up-to-date'
    rulesAfter: number
    verified: boolean
  }
  estimate?: EstimateOutput
  writtenTo?: string
}

type GenerateFlags = BaseFlags & Interfaces.InferredFlags<(typeof S3LifecycleGenerate)['flags']>

/** The rules asked for: the spec file, or one rule from the rule flags (never both). */
async function rulesFromInput(
  flags: GenerateFlags,
): Promise<{defaultMinSize?: string | undefined; specs: Array<{spec: RuleSpec; where?: string}>}> {
  const values = flags as unknown as Record<string, unknown>
  const ruleKeys = SPEC_KEYS.filter((k) => k !== 'tags')
  const given = ruleKeys.filter((k) => values[k] !== undefined && values[k] !== false)
  if (flags.tag) given.push('tag')
  if (flags.spec) {
    if (given.length > 0)
      throw new UsageError(`--spec cannot be combined with rule flags (${given.map((g) => `--${g}`).join(', ')})`, {
        suggestions: ['Put every rule in the spec file, or drop --spec.'],
      })
    const loaded = await loadSpecFile(flags.spec)
    return {
      defaultMinSize: flags['transition-default-minimum-object-size'] ?? loaded.defaultMinSize,
      specs: loaded.specs,
    }
  }

  if (given.filter((g) => !['disabled', 'id', 'max-size', 'min-size', 'prefix', 'tag'].includes(g)).length === 0) {
    throw new UsageError('no lifecycle action given', {
      suggestions: [
        'Add actions, e.g. --ia-after 6months --glacier-after 2y, --expire-after 90d, --abort-multipart-after 7d; or give --spec FILE.',
      ],
    })
  }

  const spec: RuleSpec = {}
  for (const k of given.filter((g) => g !== 'tag')) (spec as Record<string, unknown>)[k] = values[k]
  if (flags.tag) spec.tags = flags.tag
  return {defaultMinSize: flags['transition-default-minimum-object-size'], specs: [{spec}]}
}

export default class S3LifecycleGenerate extends BaseCommand {
  static override description = `Builds a lifecycle configuration from flags (one rule) or a spec file (--spec, YAML or JSON, several rules) written with human durations, shows how S3 counts the days, checks it with the same validator as \`lint\` (a policy S3 would reject is never printed), and prints it as s3api JSON, CloudFormation or Terraform.

With --bucket it reads the bucket's current configuration and shows what would change: PutBucketLifecycleConfiguration replaces the whole configuration, so the new rules are merged by rule ID with the rules already there (--replace-all drops the others). --apply saves the previous configuration to a backup file, puts the merged one, and reads it back to verify.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --prefix raw/csv/ --ia-after 6months --glacier-after 2y',
    '<%= config.bin %> <%= command.id %> --prefix raw/csv/ --ia-after 6months --glacier-after 2y --format cloudformation',
    '<%= config.bin %> <%= command.id %> --prefix raw/csv/ --ia-after 6months --glacier-after 2y --format terraform --bucket my-data-lake',
    '<%= config.bin %> <%= command.id %> --spec lifecycle.yaml --format s3api --out lifecycle.json',
    '<%= config.bin %> <%= command.id %> --prefix logs/ --expire-after 90d --abort-multipart-after 7d --estimate --objects 5000000 --avg-size 20KB',
    '<%= config.bin %> <%= command.id %> --prefix raw/csv/ --ia-after 6months --glacier-after 2y --bucket my-data-lake --apply',
  ]
  static override flags = {
    ...planFlags,
    // Without --bucket nothing is read or changed: these flags would be ignored, so they need it.
    apply: applyFlag(onlyWith('bucket', 'plan')),
    'plan-out': planOutFlag(onlyWith('bucket')),
    ...estimateFlags,
    'abort-multipart-after': Flags.string({
      helpGroup: 'RULE',
      summary: 'Abort incomplete multipart uploads this long after they start (e.g. 7d).',
    }),
    'backup-out': Flags.string({
      // The backup is written by an apply, now or later from the saved plan (which names the file).
      ...onlyWith('apply', 'plan', 'plan-out'),
      ...renamedFrom('backup'),
      summary: 'Where --apply saves the previous configuration (default ./lifecycle-backup-BUCKET-TIME.json).',
    }),
    bucket: Flags.string({
      summary:
        'The bucket: named in CloudFormation/Terraform output; with it, the current rules are read and merged (see --apply).',
    }),
    'deep-archive-after': afterFlag('Move to Glacier Deep Archive (DEEP_ARCHIVE)'),
    'delete-expired-markers': Flags.boolean({
      helpGroup: 'RULE',
      summary: 'Remove delete markers that have no noncurrent versions left (ExpiredObjectDeleteMarker).',
    }),
    diff: Flags.boolean({
      ...onlyWith('bucket'),
      summary: "With --bucket: read the bucket's rules and show what --apply would change (read-only).",
    }),
    disabled: Flags.boolean({helpGroup: 'RULE', summary: 'Create the rule with Status Disabled.'}),
    'expire-after': afterFlag('Delete current versions'),
    format: Flags.string({default: 's3api', options: [...FORMATS], summary: 'Output format.'}),
    'glacier-after': afterFlag('Move to Glacier Flexible Retrieval (GLACIER)'),
    'glacier-ir-after': afterFlag('Move to Glacier Instant Retrieval (GLACIER_IR)'),
    'ia-after': afterFlag('Move to Standard-IA (STANDARD_IA; at least 30 days)'),
    id: Flags.string({
      helpGroup: 'RULE',
      summary: 'Rule ID (default: derived from the prefix and tags); --apply replaces the rule with the same ID.',
    }),
    'intelligent-tiering-after': afterFlag('Move to Intelligent-Tiering (INTELLIGENT_TIERING)'),
    'keep-newer-noncurrent': Flags.integer({
      helpGroup: 'RULE',
      max: 100,
      min: 1,
      summary: 'With --noncurrent-expire-after: keep this many newest noncurrent versions (1–100).',
    }),
    'max-size': Flags.string({
      helpGroup: 'RULE',
      summary: 'Only objects smaller than this (ObjectSizeLessThan), e.g. 1GB.',
    }),
    'min-size': Flags.string({
      helpGroup: 'RULE',
      summary: 'Only objects larger than this (ObjectSizeGreaterThan), e.g. 128KiB (131072 bytes, S3\'s "128 KB").',
    }),
    'noncurrent-deep-archive-after': afterFlag('Move noncurrent versions to DEEP_ARCHIVE'),
    'noncurrent-expire-after': afterFlag('Delete noncurrent versions'),
    'noncurrent-glacier-after': afterFlag('Move noncurrent versions to GLACIER'),
    'noncurrent-glacier-ir-after': afterFlag('Move noncurrent versions to GLACIER_IR'),
    'noncurrent-ia-after': afterFlag('Move noncurrent versions to STANDARD_IA (at least 30 days)'),
    'noncurrent-intelligent-tiering-after': afterFlag('Move noncurrent versions to INTELLIGENT_TIERING'),
    'noncurrent-onezone-ia-after': afterFlag('Move noncurrent versions to ONEZONE_IA (at least 30 days)'),
    'onezone-ia-after': afterFlag('Move to One Zone-IA (ONEZONE_IA; at least 30 days)'),
    out: Flags.string({summary: 'Also write the policy to this file (atomically).'}),
    prefix: Flags.string({
      helpGroup: 'RULE',
      summary: 'Only keys starting with this prefix (also the --sample-bucket prefix).',
    }),
    'replace-all': Flags.boolean({
      ...onlyWith('bucket'),
      summary: 'With --bucket: drop existing rules that the new policy does not contain (default: keep them).',
    }),
    spec: Flags.string({
      summary: "YAML or JSON file with several rules (keys are these flags' names); excludes the rule flags.",
    }),
    // No default here: a --syntax given with another --format is refused, not ignored (yaml applies below).
    syntax: Flags.string({options: ['yaml', 'json'], summary: 'CloudFormation output syntax (default yaml).'}),
    tag: Flags.string({
      helpGroup: 'RULE',
      multiple: true,
      summary: 'Only objects with this tag, key=value (repeatable; all must match).',
    }),
    'transition-default-minimum-object-size': Flags.string({
      options: [...DEFAULT_MIN_SIZE_VALUES],
      summary: "S3's default minimum size for transitions (S3 default all_storage_classes_128K).",
    }),
    versioned: Flags.boolean({
      default: false,
      summary: 'The bucket is versioned: warn when current versions expire but noncurrent ones are kept.',
    }),
  }
  static override iam = [
    {action: 's3:GetLifecycleConfiguration', when: 'with --bucket'},
    {action: 's3:PutLifecycleConfiguration', when: 'with --apply'},
    {action: 's3:ListBucket', when: 'with --sample-bucket'},
  ]
  static override summary =
    'Build a validated S3 lifecycle policy (s3api, CloudFormation, Terraform) and optionally merge-apply it.'

  public async run(): Promise<GenerateCommandResult> {
    const {flags} = await this.parse(S3LifecycleGenerate)
    const now = new Date()
    // A saved plan carries everything: apply it without re-generating.
    if (flags.plan) return this.applySavedPlan(flags.plan, flags)
    if (flags.syntax !== undefined && flags.format !== 'cloudformation')
      throw new UsageError(`--syntax is used only with --format cloudformation (not --format ${flags.format})`, {
        code: 'UnusedFlag',
        suggestions: ['Drop --syntax, or add --format cloudformation.'],
      })
    // Output paths are checked before any work or AWS call.
    if (flags.out) await checkWritableFile(flags.out, '--out')
    if (flags['plan-out']) await checkWritableFile(flags['plan-out'], '--plan-out')
    if (flags['backup-out']) await checkWritableFile(flags['backup-out'], '--backup-out')

    const estimate = wantsEstimate(flags)
    // Region is read for prices by --estimate; without --bucket or --estimate nothing goes to AWS.
    if (!flags.bucket && !estimate) this.rejectAwsFlags(flags, 'generating a policy without --bucket or --estimate')

    const {defaultMinSize, specs} = await rulesFromInput(flags)
    const result: GenerateCommandResult = generatePolicy({
      bucket: flags.bucket,
      defaultMinSize,
      format: flags.format as OutputFormat,
      fromFile: flags.spec,
      specs,
      syntax: (flags.syntax ?? 'yaml') as 'json' | 'yaml',
      versioned: flags.versioned,
    })
    if (!result.valid) {
      // An invalid policy is a finding (exit 1): it is never printed, written or applied.
      this.reportFindings()
      if (!this.jsonEnabled()) this.log(renderGenerate(result))
      return result
    }

    if (flags.out && result.output !== undefined) {
      await writeFileAtomic(flags.out, result.output, '--out')
      result.writtenTo = flags.out
    }

    if (estimate) result.estimate = await this.estimate(result, flags, now)

    if (!this.jsonEnabled()) {
      this.log(renderGenerate(result))
      if (flags.out) this.logToStderr(`Written to ${flags.out}.`)
      if (result.estimate) this.log(`\n${renderEstimate(result.estimate)}`)
    }

    if (
      flags.bucket &&
      (flags.apply || flags.diff || flags['plan-out'] || flags['replace-all'] || flags['backup-out'])
    ) {
      result.apply = await this.mergeAndApply(flags.bucket, result, flags, now)
    } else if (flags.bucket && !this.jsonEnabled()) {
      this.logToStderr(
        `Add --diff to see what would change on s3://${flags.bucket}, or --apply to merge these rules into it (the previous configuration is backed up first).`,
      )
    }

    return result
  }

  private async applySavedPlan(file: string, flags: GenerateFlags): Promise<GenerateCommandResult> {
    const aws = await this.awsClients(flags)
    const executor = makeExecutor({s3: await aws.create('s3')}, this.runContext())
    const run = await this.runPlan({
      executor,
      flags: {apply: true, plan: file, 'plan-out': undefined, yes: flags.yes},
      kind: PLAN_KIND,
      render: renderApplyPlan,
    })
    const saved = run.plan
    const target = saved.steps[0]?.params.configuration ?? saved.baseline.current ?? {Rules: []}
    if (run.mode === 'applied')
      this.warnUser(
        "S3 may take up to 48 hours to run new or changed lifecycle rules; billing changes as soon as a rule's condition is met.",
      )
    return {
      apply: {
        backupFile: executor.backupWritten,
        bucket: planBucket(saved),
        changes: saved.baseline.changes,
        mode: run.mode,
        rulesAfter: target.Rules.length,
        verified: run.mode === 'applied',
      },
      configuration: target,
      days: [],
      findings: [],
      format: 's3api',
      notes: [],
      valid: true,
    }
  }

  private async estimate(result: GenerateResult, flags: GenerateFlags, now: Date): Promise<EstimateOutput> {
    const settings = await this.awsSettings(flags)
    const progress = this.progress()
    const request = await estimateRequest(flags, {
      aws: () => this.awsClients(flags),
      now,
      prefix: flags.prefix ?? '',
      region: settings.region,
      signal: this.abortController.signal,
    })
    const estimate = await runEstimate(result.configuration, {
      ...request,
      onProgress: (n) => progress.update({detail: `${n} objects`, label: 'Sampling'}),
    })
    progress.stop()
    return estimate
  }

  private async mergeAndApply(
    bucket: string,
    result: GenerateResult,
    flags: GenerateFlags,
    now: Date,
  ): Promise<NonNullable<GenerateCommandResult['apply']>> {
    const aws = await this.awsClients(flags)
    const s3 = await aws.create('s3')
    const current = await getBucketConfiguration(s3, bucket, this.abortController.signal)
    const merge = mergeConfigurations(current, result.configuration, {replaceAll: flags['replace-all']})
    const mergedFindings = validateConfiguration(merge.target)
    if (hasErrors(mergedFindings)) {
      const errors = mergedFindings.filter((f) => f.severity === 'error')
      throw new InputError(
        `merged with the rules already on s3://${bucket}, the configuration would be rejected:\n${errors.map((f) => `  ${f.code} ${f.message}`).join('\n')}`,
        {
          code: 'MergedPolicyInvalid',
          details: {findings: errors},
          suggestions: [
            'Use --id to replace the conflicting existing rule, or --replace-all to drop the existing rules.',
            ...errors.flatMap((f) => (f.suggestion ? [f.suggestion] : [])),
          ],
        },
      )
    }

    const stamp = now.toISOString().replaceAll(/[:.]/g, '-')
    const backupFile = flags['backup-out'] ?? `lifecycle-backup-${bucket}-${stamp}.json`
    const executor = makeExecutor({s3}, this.runContext())
    const run = await this.runPlan({
      executor,
      flags: {apply: flags.apply, plan: undefined, 'plan-out': flags['plan-out'], yes: flags.yes},
      kind: PLAN_KIND,
      makePlan: async () => makeApplyPlan({backupFile, bucket, current, merge, now, region: aws.settings.region ?? ''}),
      render: renderApplyPlan,
    })
    if (run.mode === 'applied') {
      this.logToStderr(
        `Previous configuration saved to ${backupFile}; s3://${bucket} now has ${merge.target.Rules.length} rule(s) (read back and verified).`,
      )
      this.warnUser(
        "S3 may take up to 48 hours to run new or changed lifecycle rules; billing changes as soon as a rule's condition is met.",
      )
    }

    return {
      ...(executor.backupWritten ? {backupFile: executor.backupWritten} : {}),
      bucket,
      changes: merge.changes,
      mode: run.mode,
      rulesAfter: merge.target.Rules.length,
      verified: run.mode === 'applied',
    }
  }
}

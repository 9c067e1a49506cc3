import {Flags} from '@oclif/core'

import {BaseCommand} from '../../../base-command.js'
import {onlyWith} from '../../../flags/relations.js'
import {estimateFlags, estimateRequest, wantsEstimate} from '../../../flags/s3-lifecycle.js'
import {classifyError, InputError, UsageError} from '../../../lib/core/errors.js'
import {expandLintPaths, type FilesLintResult, lintFiles, worstExitCode} from '../../../lib/s3/lifecycle/lint-files.js'
import {isBucketVersioned, loadBucket, type LoadedConfiguration, loadFile} from '../../../lib/s3/lifecycle/load.js'
import {addEstimate, lintConfigurations, type LintResult} from '../../../lib/s3/lifecycle/service.js'
import {loadTemplateValues} from '../../../lib/s3/lifecycle/template-values.js'
import {renderFilesLint, renderLint} from '../../../ui/s3-lifecycle.js'

export default class S3LifecycleLint extends BaseCommand {
  static override description = `Checks a lifecycle configuration the way S3 does before it accepts one (errors, quoting S3's own error text where it is known) and for the traps S3 accepts but that cost money (warnings). Reads s3api JSON, CloudFormation templates (every AWS::S3::Bucket in them), Terraform aws_s3_bucket_lifecycle_configuration files, or the live configuration of a bucket.

Every finding has a stable code (LC… errors, LW… warnings) and name. Exit 1 when there is an error. --estimate adds transition request charges and storage per class over --horizon.

Several files in one run (--file repeated, several paths after one --file, or a directory: every .json/.yaml/.yml/.template/.tf under it) give one result per file; a file that cannot be read is reported in its place and the others are still checked. The exit code is the worst file's (70 > 6 > 1 > 0).`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --file lifecycle.json',
    '<%= config.bin %> <%= command.id %> --file template.yaml --json',
    '<%= config.bin %> <%= command.id %> --file template.yaml --parameter RetentionDays=400 --parameters-file params.json',
    '<%= config.bin %> <%= command.id %> --file main.tf --var-file prod.tfvars --var retention_days=90',
    '<%= config.bin %> <%= command.id %> --file templates/*.yaml --json',
    '<%= config.bin %> <%= command.id %> --file infra/ --file extra/lifecycle.json',
    '<%= config.bin %> <%= command.id %> --bucket my-data-lake',
    '<%= config.bin %> <%= command.id %> --file lifecycle.json --estimate --objects 2000000 --avg-size 4KB --horizon 3y',
    '<%= config.bin %> <%= command.id %> --bucket my-data-lake --estimate --sample-bucket my-data-lake --prefix raw/',
  ]
  static override flags = {
    ...estimateFlags,
    bucket: Flags.string({
      exactlyOne: ['file', 'bucket'],
      summary: 'Lint the live configuration of this bucket (GetBucketLifecycleConfiguration).',
    }),
    file: Flags.string({
      char: 'f',
      exactlyOne: ['file', 'bucket'],
      multiple: true,
      summary:
        's3api JSON, CloudFormation template (YAML/JSON) or Terraform file; repeatable, or a directory (one result per file).',
    }),
    parameter: Flags.string({
      helpGroup: 'TEMPLATE VALUES',
      multiple: true,
      summary: 'A CloudFormation parameter value, KEY=VALUE (repeatable); otherwise its Default is checked.',
    }),
    'parameters-file': Flags.string({
      helpGroup: 'TEMPLATE VALUES',
      summary:
        'CloudFormation parameters: [{"ParameterKey","ParameterValue"}] (create-stack), {"Parameters": {…}} or Key=Value words (deploy).',
    }),
    prefix: Flags.string({
      ...onlyWith('sample-bucket'),
      helpGroup: 'ESTIMATE',
      summary: 'With --sample-bucket: sample only keys under this prefix.',
    }),
    var: Flags.string({
      helpGroup: 'TEMPLATE VALUES',
      multiple: true,
      summary: 'A Terraform variable value, NAME=VALUE (repeatable); otherwise its default is checked.',
    }),
    'var-file': Flags.string({
      helpGroup: 'TEMPLATE VALUES',
      multiple: true,
      summary: 'A Terraform .tfvars (or .tfvars.json) file (repeatable; later values win).',
    }),
    versioned: Flags.boolean({
      allowNo: true,
      summary: 'The bucket is versioned (with --bucket it is read from GetBucketVersioning unless given).',
    }),
  }
  static override iam = [
    {action: 's3:GetLifecycleConfiguration', when: 'with --bucket'},
    {action: 's3:GetBucketVersioning', when: 'with --bucket'},
    {action: 's3:ListBucket', when: 'with --sample-bucket'},
  ]
  static override summary = 'Check an S3 lifecycle configuration for what S3 would reject and for costly traps.'

  public async run(): Promise<FilesLintResult | LintResult> {
    const {flags} = await this.parse(S3LifecycleLint)
    const estimate = wantsEstimate(flags)
    // Region is read for prices by --estimate; otherwise a lint of a file sends nothing to AWS.
    if (!flags.bucket && !estimate) this.rejectAwsFlags(flags, 'a lint of a file without --estimate')
    const files = flags.file ? await expandLintPaths(flags.file) : []
    // One regular file keeps the one-file result; several files, or a directory, give one result per file.
    if (flags.file && (flags.file.length > 1 || files.length !== 1 || files[0] !== flags.file[0]))
      return this.lintMany(files, flags, estimate)
    let loaded: LoadedConfiguration[]
    let {versioned} = flags
    if (flags.bucket) {
      const s3 = await (await this.awsClients(flags)).create('s3')
      loaded = [await loadBucket(s3, flags.bucket)]
      if (versioned === undefined && loaded[0]!.config) {
        try {
          versioned = await isBucketVersioned(s3, flags.bucket)
        } catch (error) {
          this.warnUser(
            `could not read the versioning of ${flags.bucket} (${classifyError(error).message}); pass --versioned if it is versioned.`,
          )
        }
      }
    } else {
      const values = await loadTemplateValues({
        parameter: flags.parameter,
        parametersFile: flags['parameters-file'],
        var: flags.var,
        varFile: flags['var-file'],
      })
      loaded = await loadFile(files[0]!, values)
    }

    let result = lintConfigurations(loaded, {versioned})
    if (estimate) {
      const settings = await this.awsSettings(flags)
      const progress = this.progress()
      const request = await estimateRequest(flags, {
        aws: () => this.awsClients(flags),
        now: new Date(),
        prefix: flags.prefix ?? '',
        region: settings.region,
        signal: this.abortController.signal,
      })
      result = await addEstimate(result, {
        ...request,
        onProgress: (n) => progress.update({detail: `${n} objects`, label: 'Sampling'}),
      })
      progress.stop()
    }

    if (result.errors > 0) this.reportFindings()
    if (!this.jsonEnabled()) this.log(renderLint(result))
    return result
  }

  private async lintMany(
    files: string[],
    flags: {
      parameter?: string[] | undefined
      'parameters-file'?: string | undefined
      var?: string[] | undefined
      'var-file'?: string[] | undefined
      versioned?: boolean | undefined
    },
    estimate: boolean,
  ): Promise<FilesLintResult> {
    if (estimate)
      throw new UsageError('--estimate prices one configuration: give one --file with it', {
        suggestions: ['Run lint over the files first, then --estimate on the one to price.'],
      })
    if (files.length === 0)
      throw new InputError('no file to lint: the directories given hold no .json, .yaml, .yml, .template or .tf file', {
        suggestions: ['Point --file at the templates or at the directory that holds them.'],
      })
    const values = await loadTemplateValues({
      parameter: flags.parameter,
      parametersFile: flags['parameters-file'],
      var: flags.var,
      varFile: flags['var-file'],
    })
    const result = await lintFiles(files, {values, versioned: flags.versioned})
    const worst = worstExitCode(result.files)
    if (worst !== 0) this.reportFindings(true, worst)
    if (!this.jsonEnabled()) this.log(renderFilesLint(result))
    return result
  }
}

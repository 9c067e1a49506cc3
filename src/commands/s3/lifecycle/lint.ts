import {Flags} from '@oclif/core'

import {BaseCommand} from '../../../base-command.js'
import {onlyWith} from '../../../flags/relations.js'
import {estimateFlags, estimateRequest, wantsEstimate} from '../../../flags/s3-lifecycle.js'
import {classifyError} from '../../../lib/core/errors.js'
import {isBucketVersioned, loadBucket, type LoadedConfiguration, loadFile} from '../../../lib/s3/lifecycle/load.js'
import {addEstimate, lintConfigurations, type LintResult} from '../../../lib/s3/lifecycle/service.js'
import {loadTemplateValues} from '../../../lib/s3/lifecycle/template-values.js'
import {renderLint} from '../../../ui/s3-lifecycle.js'

export default class S3LifecycleLint extends BaseCommand {
  static override description = `Checks a lifecycle configuration the way S3 does before it accepts one (errors, quoting S3's own error text where it is known) and for the traps S3 accepts but that cost money (warnings). Reads s3api JSON, CloudFormation templates (every AWS::S3::Bucket in them), Terraform aws_s3_bucket_lifecycle_configuration files, or the live configuration of a bucket.

Every finding has a stable code (LC… errors, LW… warnings) and name. Exit 1 when there is an error. --estimate adds transition request charges and storage per class over --horizon.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --file lifecycle.json',
    '<%= config.bin %> <%= command.id %> --file template.yaml --json',
    '<%= config.bin %> <%= command.id %> --file template.yaml --parameter RetentionDays=400 --parameters-file params.json',
    '<%= config.bin %> <%= command.id %> --file main.tf --var-file prod.tfvars --var retention_days=90',
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
      summary: 's3api JSON, CloudFormation template (YAML/JSON) or Terraform file.',
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

  public async run(): Promise<LintResult> {
    const {flags} = await this.parse(S3LifecycleLint)
    const estimate = wantsEstimate(flags)
    // Region is read for prices by --estimate; otherwise a lint of a file sends nothing to AWS.
    if (!flags.bucket && !estimate) this.rejectAwsFlags(flags, 'a lint of a file without --estimate')
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
      loaded = await loadFile(flags.file!, values)
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
}

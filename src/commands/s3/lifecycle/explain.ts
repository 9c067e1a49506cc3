import {Flags} from '@oclif/core'

import {BaseCommand} from '../../../base-command.js'
import {horizonDays, priceFlags, resolvePrices} from '../../../flags/s3-lifecycle.js'
import {UsageError} from '../../../lib/core/errors.js'
import {durationToDays, parseDuration} from '../../../lib/core/parse/duration.js'
import {parseKeyValueList} from '../../../lib/core/parse/lists.js'
import {parseSize} from '../../../lib/core/parse/size.js'
import {loadBucket, type LoadedConfiguration, loadFile} from '../../../lib/s3/lifecycle/load.js'
import {explainObject, type ExplainResult} from '../../../lib/s3/lifecycle/service.js'
import {renderExplain} from '../../../ui/s3-lifecycle.js'

export default class S3LifecycleExplain extends BaseCommand {
  static override description = `For one object (key, size, tags, age): which rules match and why the others do not, how S3 resolves several matching rules, and the object's timeline — when it moves to which class, when it is deleted, and what it costs to get there (storage with minimum billable sizes, transition requests, minimum-duration charges), per object and per million such objects.`
  static override examples = [
    '<%= config.bin %> <%= command.id %> --file lifecycle.json --key raw/csv/2024/01/orders.csv --size 40MB',
    '<%= config.bin %> <%= command.id %> --file lifecycle.json --key raw/csv/a.csv --size 4KB --tag team=data --age 200d',
    '<%= config.bin %> <%= command.id %> --bucket my-data-lake --key logs/app.log --size 1MB --json',
  ]
  static override flags = {
    ...priceFlags,
    age: Flags.string({
      default: '0d',
      summary: 'How old the object is now (e.g. 200d, 1y): shows the class it is in today.',
    }),
    bucket: Flags.string({exactlyOne: ['file', 'bucket'], summary: 'Use the live configuration of this bucket.'}),
    file: Flags.string({
      char: 'f',
      exactlyOne: ['file', 'bucket'],
      summary: 's3api JSON, CloudFormation template or Terraform file.',
    }),
    key: Flags.string({required: true, summary: 'Object key, e.g. raw/csv/2024/orders.csv.'}),
    size: Flags.string({required: true, summary: 'Object size, e.g. 4KB, 40MB.'}),
    source: Flags.string({
      summary:
        'Which bucket of a CloudFormation template or Terraform file (its logical id or resource name), when it has several.',
    }),
    tag: Flags.string({multiple: true, summary: 'Object tag key=value (repeatable).'}),
  }
  static override iam = [{action: 's3:GetLifecycleConfiguration', when: 'with --bucket'}]
  static override summary = 'Show which lifecycle rules apply to one object, its timeline and its cost.'

  public async run(): Promise<ExplainResult> {
    const {flags} = await this.parse(S3LifecycleExplain)
    const size = parseSize(flags.size, '--size')
    const ageDays = durationToDays(parseDuration(flags.age, '--age'), '--age')
    const tags = parseKeyValueList(flags.tag, '--tag')
    const settings = await this.awsSettings(flags)
    let loaded: LoadedConfiguration[]
    if (flags.bucket) {
      const s3 = await (await this.awsClients(flags)).create('s3')
      loaded = [await loadBucket(s3, flags.bucket)]
    } else {
      loaded = await loadFile(flags.file!)
    }

    const chosen = flags.source
      ? loaded.filter((l) => l.source.includes(flags.source!))
      : loaded.filter((l) => l.config)
    if (chosen.length !== 1) {
      const names = loaded.filter((l) => l.config).map((l) => l.source)
      if (loaded.length === 1) chosen.splice(0, chosen.length, loaded[0]!)
      else {
        throw new UsageError(
          `${chosen.length === 0 ? 'no' : chosen.length} configuration(s) match; choose one with --source`,
          {
            suggestions: [`Configurations in the input: ${names.join(', ') || 'none'}.`],
          },
        )
      }
    }

    const errors = chosen[0]!.findings.filter((f) => f.severity === 'error')
    if (errors.length > 0)
      this.warnUser(
        `the configuration has ${errors.length} problem(s) S3 would reject (run lint); explaining what can be read.`,
      )
    const unknown = (chosen[0]!.notes ?? []).filter((n) => n.unknown)
    if (unknown.length > 0)
      this.warnUser(
        `${unknown.length} value(s) of the configuration are not known before deployment (${unknown[0]!.text}${unknown.length > 1 ? '; …' : ''}): the timeline leaves them out. Pass --bucket, or lint with --parameter / --var to see them.`,
      )
    const result = explainObject(
      chosen[0]!,
      {ageDays, key: flags.key, size, storageClass: 'STANDARD', tags},
      {
        horizonDays: horizonDays(flags),
        now: new Date(),
        prices: await resolvePrices(flags, settings.region),
      },
    )
    if (!this.jsonEnabled()) this.log(renderExplain(result))
    return result
  }
}

import {Flags} from '@oclif/core'

import {BaseCommand, PIPEOPS_VERSION} from '../base-command.js'
import {loadIamDeclarations} from '../command-registry.js'
import {checkIdentity, describeSetup, type DoctorReport} from '../lib/doctor/doctor.js'
import {principalArnForSimulation} from '../lib/doctor/identity.js'
import {checkPermissions} from '../lib/doctor/permissions.js'
import {renderDoctor} from '../ui/doctor.js'

export default class Doctor extends BaseCommand {
  static override description =
    "Shows the Node and pipeops versions, the region and profile in use and where they came from, endpoint overrides, and the AWS identity (STS GetCallerIdentity). With --check-permissions it simulates every command's IAM actions for that identity."
  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --profile prod --region eu-west-1 --check-permissions',
    '<%= config.bin %> <%= command.id %> --json',
  ]
  static override flags = {
    'check-permissions': Flags.boolean({
      default: false,
      summary: "Simulate each command's declared IAM actions with iam:SimulatePrincipalPolicy.",
    }),
  }
  static override iam = [
    'sts:GetCallerIdentity',
    {action: 'iam:SimulatePrincipalPolicy', when: 'with --check-permissions'},
  ]
  static override summary = 'Check versions, region, profile, endpoints, credentials and permissions.'

  public async run(): Promise<DoctorReport> {
    const {flags} = await this.parse(Doctor)
    const settings = await this.awsSettings(flags)
    const setup = describeSetup(settings, {node: process.version, pipeops: PIPEOPS_VERSION})
    if (!settings.region)
      this.warnUser(
        'no AWS region is set: pass --region, export AWS_REGION, or set region in your profile. Checking credentials against us-east-1.',
      )
    // STS answers in every region; doctor must work before a region is configured.
    const clients = this.clientFactory({...settings, region: settings.region ?? 'us-east-1'})
    const identity = await checkIdentity(await clients.create('sts'), setup)
    const report: DoctorReport = {...setup, identity}
    if (flags['check-permissions']) {
      const principal = principalArnForSimulation(identity.arn)
      report.permissions = principal
        ? await checkPermissions(await clients.create('iam'), principal, await loadIamDeclarations(this.config))
        : {skipped: `${identity.arn} cannot be simulated (root, federated or service principal)`}
    }

    if (!this.jsonEnabled()) this.log(renderDoctor(report))
    return report
  }
}

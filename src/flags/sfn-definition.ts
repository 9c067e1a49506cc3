/**
 * Where `sfn lint` and `sfn retry-timeline` read a definition: a local file (offline) or the
 * deployed state machine (DescribeStateMachine). One flag pair, one IAM list, one reader.
 */
import {Flags} from '@oclif/core'

export const sfnDefinitionFlags = {
  definition: Flags.string({
    char: 'd',
    exactlyOne: ['definition', 'state-machine'],
    summary: 'ASL JSON/YAML, CloudFormation/SAM template, Terraform file, or saved describe-state-machine output.',
  }),
  'state-machine': Flags.string({
    exactlyOne: ['definition', 'state-machine'],
    summary: 'The deployed definition: a state machine name or ARN (of the machine, a version or an alias).',
  }),
}

export const sfnDefinitionIam = [
  {action: 'states:DescribeStateMachine', when: 'with --state-machine'},
  {action: 'states:ListStateMachines', when: 'with --state-machine NAME'},
  {action: 'states:DescribeStateMachineAlias', when: 'with --state-machine ALIAS_ARN'},
]

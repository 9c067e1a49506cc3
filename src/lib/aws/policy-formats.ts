import {stringify} from 'yaml'

import type {PolicyDocument} from './iam.js'

export type PolicyFormat = 'cloudformation' | 'json' | 'terraform'

/** The policy as IAM JSON, a CloudFormation AWS::IAM::ManagedPolicy resource, or a Terraform aws_iam_policy_document. */
export function formatPolicy(policy: PolicyDocument, format: PolicyFormat, name = 'PipeopsPolicy'): string {
  switch (format) {
    case 'cloudformation': {
      return stringify({
        Resources: {
          [name]: {
            Properties: {Description: 'Least-privilege policy for pipeops commands', PolicyDocument: policy},
            Type: 'AWS::IAM::ManagedPolicy',
          },
        },
      })
    }

    case 'terraform': {
      const statements = policy.Statement.map(
        (s) =>
          `  statement {\n    sid       = ${JSON.stringify(s.Sid)}\n    effect    = "Allow"\n    actions   = [\n${s.Action.map((a) => `      ${JSON.stringify(a)},`).join('\n')}\n    ]\n    resources = ["*"]\n  }`,
      )
      const id = name
        .replaceAll(/[^A-Za-z0-9_]/g, '_')
        .replaceAll(/([a-z])([A-Z])/g, '$1_$2')
        .toLowerCase()
      return `data "aws_iam_policy_document" "${id}" {\n${statements.join('\n\n')}\n}\n\nresource "aws_iam_policy" "${id}" {\n  name   = "${name}"\n  policy = data.aws_iam_policy_document.${id}.json\n}\n`
    }

    default: {
      return JSON.stringify(policy, null, 2)
    }
  }
}

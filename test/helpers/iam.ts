import type {AwsStub} from 'aws-sdk-client-mock'

import {expect} from 'vitest'

import type {ServiceName} from '../../src/lib/aws/clients.js'

import {iamActionForSdkCommand, type IamDeclaration, normaliseDeclaration} from '../../src/lib/aws/iam.js'

/**
 * Every SDK command that the mocks received must map to an IAM action the command declares,
 * so `pipeops iam-policy` never under-grants.
 */

export function expectCallsDeclared(
  iam: IamDeclaration,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- stubs of different clients
  mocks: Partial<Record<ServiceName, AwsStub<any, any, any>>>,
): void {
  const declared = new Set(normaliseDeclaration(iam).map((d) => d.action))
  const sent = new Set<string>()
  for (const [service, mock] of Object.entries(mocks)) {
    for (const call of mock?.calls() ?? []) {
      const command = call.args[0] as {constructor: {name: string}}
      sent.add(iamActionForSdkCommand(service as ServiceName, command.constructor.name))
    }
  }

  expect([...sent].filter((a) => !declared.has(a))).toEqual([])
}

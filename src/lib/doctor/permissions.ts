import {type IAMClient, SimulatePrincipalPolicyCommand} from '@aws-sdk/client-iam'

import {type IamDeclaration, normaliseDeclaration} from '../aws/iam.js'

export interface CommandPermissions {
  allowed: string[]
  command: string
  denied: string[]
}

export interface PermissionReport {
  commands: CommandPermissions[]
  principalArn: string
}

/**
 * Simulate every declared action of every command for one principal with
 * iam:SimulatePrincipalPolicy (all actions in one paginated simulation), then group by command.
 */
export async function checkPermissions(
  iam: Pick<IAMClient, 'send'>,
  principalArn: string,
  commands: Array<{commandId: string; iam: IamDeclaration}>,
): Promise<PermissionReport> {
  const actions = [...new Set(commands.flatMap((c) => normaliseDeclaration(c.iam).map((d) => d.action)))].sort()
  const decisions = new Map<string, string>()
  // The API takes at most 128 action names per call (ActionNames: 128 items).
  for (let i = 0; i < actions.length; i += 128) {
    let marker: string | undefined
    do {
      const page = await iam.send(
        new SimulatePrincipalPolicyCommand({
          ActionNames: actions.slice(i, i + 128),
          PolicySourceArn: principalArn,
          ...(marker ? {Marker: marker} : {}),
        }),
      )
      for (const r of page.EvaluationResults ?? []) {
        if (r.EvalActionName) decisions.set(r.EvalActionName, r.EvalDecision ?? 'implicitDeny')
      }

      marker = page.IsTruncated ? page.Marker : undefined
    } while (marker)
  }

  return {
    commands: commands.map((c) => {
      const declared = normaliseDeclaration(c.iam).map((d) => d.action)
      return {
        allowed: declared.filter((a) => decisions.get(a) === 'allowed'),
        command: c.commandId,
        denied: declared.filter((a) => decisions.get(a) !== 'allowed'),
      }
    }),
    principalArn,
  }
}

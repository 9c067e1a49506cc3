/**
 * `--state-machine NAME|ARN` for `sfn lint` and `sfn retry-timeline`: the definition as deployed,
 * read with DescribeStateMachine. A version ARN (`…:stateMachine:NAME:3`) describes that version;
 * an alias ARN (`…:stateMachine:NAME:prod`) routes to one or two versions
 * (DescribeStateMachineAlias), and each is read, since either may run.
 * Facts: the API reference of DescribeStateMachine and DescribeStateMachineAlias.
 */
import type {SFNClient} from '@aws-sdk/client-sfn'

import type {RunContext} from '../core/run-context.js'

import {isObj, type WorkflowType} from './asl.js'
import {loadDefinitionFile, type LoadedDefinition} from './read-definition.js'
import {resolveStateMachine} from './state-machines.js'

/** `arn:aws:states:R:A:stateMachine:NAME:QUALIFIER` with a qualifier that is not a version number. */
export function isAliasArn(arn: string): boolean {
  const parts = arn.split(':')
  return parts[5] === 'stateMachine' && parts.length === 8 && !/^\d+$/.test(parts[7]!)
}

function loaded(source: string, text: string | undefined, type: string): LoadedDefinition {
  const workflowType = type === 'EXPRESS' || type === 'STANDARD' ? (type as WorkflowType) : undefined
  let definition: unknown
  try {
    definition = text === undefined ? undefined : JSON.parse(text)
  } catch (error) {
    return {
      format: 'live',
      source,
      type: workflowType,
      unreadable: `its definition is not JSON: ${(error as Error).message}`,
    }
  }

  if (!isObj(definition))
    return {
      format: 'live',
      source,
      type: workflowType,
      unreadable: 'DescribeStateMachine returned no definition object',
    }
  return {definition, format: 'live', source, type: workflowType}
}

export async function loadLiveDefinitions(
  sfn: SFNClient,
  stateMachine: string,
  ctx: RunContext,
): Promise<LoadedDefinition[]> {
  if (isAliasArn(stateMachine)) {
    const {DescribeStateMachineAliasCommand} = await import('@aws-sdk/client-sfn')
    const alias = await sfn.send(new DescribeStateMachineAliasCommand({stateMachineAliasArn: stateMachine}), {
      abortSignal: ctx.signal,
    })
    const out: LoadedDefinition[] = []
    for (const route of alias.routingConfiguration ?? []) {
      if (!route.stateMachineVersionArn) continue
      const version = await resolveStateMachine(sfn, route.stateMachineVersionArn, ctx)
      out.push(
        loaded(
          `${route.stateMachineVersionArn} (alias ${alias.name ?? stateMachine}, ${route.weight}%)`,
          version.definition,
          version.type,
        ),
      )
    }

    return out
  }

  const machine = await resolveStateMachine(sfn, stateMachine, ctx)
  return [loaded(machine.arn, machine.definition, machine.type)]
}

/** A local file (offline) or the deployed state machine; the client is built only when needed. */
export async function loadDefinitions(
  source: {definition?: string | undefined; stateMachine?: string | undefined},
  sfnClient: () => Promise<SFNClient>,
  ctx: RunContext,
): Promise<LoadedDefinition[]> {
  if (source.definition) return loadDefinitionFile(source.definition)
  return loadLiveDefinitions(await sfnClient(), source.stateMachine!, ctx)
}

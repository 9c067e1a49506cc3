/**
 * Lambda functions reading the stream: their event source mappings (ListEventSourceMappings for
 * the stream ARN, every page) and what in their configuration blocks a shard or loses records.
 */
import type {EventSourceMappingConfiguration, LambdaClient} from '@aws-sdk/client-lambda'

import type {RunContext} from '../../core/run-context.js'
import type {Consumer, Finding} from './types.js'

import {abortOpts} from '../../aws/abort.js'

export async function listStreamMappings(
  lambda: Pick<LambdaClient, 'send'>,
  streamArn: string,
  ctx: RunContext,
): Promise<EventSourceMappingConfiguration[]> {
  const {ListEventSourceMappingsCommand} = await import('@aws-sdk/client-lambda')
  const out: EventSourceMappingConfiguration[] = []
  let marker: string | undefined
  do {
    const page = await lambda.send(
      new ListEventSourceMappingsCommand({EventSourceArn: streamArn, ...(marker ? {Marker: marker} : {})}),
      abortOpts(ctx.signal),
    )
    out.push(...(page.EventSourceMappings ?? []))
    marker = page.NextMarker
  } while (marker)

  return out
}

type MappingCheck = (m: EventSourceMappingConfiguration, name: string, uuid: string) => Finding | undefined

/** MaximumRetryAttempts and MaximumRecordAgeInSeconds both -1 (AWS's defaults): retried until the records expire. */
function retriesForever(m: EventSourceMappingConfiguration): boolean {
  return (m.MaximumRetryAttempts ?? -1) === -1 && (m.MaximumRecordAgeInSeconds ?? -1) === -1
}

/** States a mapping passes through on its own after a create or update call: it reads again once Enabled. */
const TRANSIENT_STATES = new Set(['Creating', 'Enabling', 'Updating'])

const MAPPING_CHECKS: MappingCheck[] = [
  (m, name, uuid) => {
    if (!m.State || m.State === 'Enabled') return undefined
    const reason = m.StateTransitionReason ? ` (${m.StateTransitionReason})` : ''
    // Right after create-event-source-mapping the state is Creating: not a fault, a moment to wait.
    if (TRANSIENT_STATES.has(m.State))
      return {
        fix: `Wait a minute, then check it is Enabled: aws lambda get-event-source-mapping --uuid ${uuid} --query State.`,
        kind: 'esm-not-enabled',
        message: `event source mapping ${uuid} → ${name} is ${m.State}${reason}: it starts reading once Enabled`,
        severity: 'info',
        shardId: null,
      }
    return {
      fix: `aws lambda update-event-source-mapping --uuid ${uuid} --enabled (if it was turned off on purpose, records past retention are lost).`,
      kind: 'esm-not-enabled',
      message: `event source mapping ${uuid} → ${name} is ${m.State}${reason}: nothing reads for it`,
      severity: m.State === 'Disabled' ? 'critical' : 'warning',
      shardId: null,
    }
  },
  (m, name, uuid) =>
    retriesForever(m)
      ? {
          fix: `Bound the retries: aws lambda update-event-source-mapping --uuid ${uuid} --maximum-retry-attempts 10 --maximum-record-age-in-seconds 3600 (and add an on-failure destination).`,
          kind: 'esm-retries-forever',
          message: `${name}: MaximumRetryAttempts and MaximumRecordAgeInSeconds are -1: one failing batch is retried until its records expire, and its shard is blocked meanwhile`,
          severity: 'warning',
          shardId: null,
        }
      : undefined,
  (m, name, uuid) =>
    m.BisectBatchOnFunctionError
      ? undefined
      : {
          fix: `aws lambda update-event-source-mapping --uuid ${uuid} --bisect-batch-on-function-error: a poison record is then isolated instead of failing the whole batch.`,
          kind: 'esm-bisect-off',
          message: `${name}: BisectBatchOnFunctionError is off`,
          severity: 'info',
          shardId: null,
        },
  (m, name, uuid) =>
    m.DestinationConfig?.OnFailure?.Destination
      ? undefined
      : {
          fix: `Add an on-failure destination (SQS, SNS, S3 or Kafka): aws lambda update-event-source-mapping --uuid ${uuid} --destination-config '{"OnFailure":{"Destination":"arn:aws:sqs:…"}}'`,
          kind: 'esm-no-failure-destination',
          message: `${name}: no on-failure destination: records dropped after the retries are gone without a trace`,
          severity: retriesForever(m) ? 'info' : 'warning',
          shardId: null,
        },
  (m, name) => {
    const last = m.LastProcessingResult
    if (!last || last === 'OK' || last === 'No records processed') return undefined
    return {
      fix: `Read the function's logs (aws logs tail /aws/lambda/${name} --since 1h) for the failing batch.`,
      kind: 'esm-last-processing-failed',
      message: `${name}: last processing result "${last}"`,
      severity: 'warning',
      shardId: null,
    }
  },
]

/** One mapping → a consumer with its findings (pure). */
export function analyseMapping(m: EventSourceMappingConfiguration): Consumer {
  const name = m.FunctionArn?.split(':function:')[1] ?? m.FunctionArn ?? m.UUID ?? 'unknown function'
  const uuid = m.UUID ?? '?'
  const findings = MAPPING_CHECKS.map((check) => check(m, name, uuid)).filter((f): f is Finding => f !== undefined)
  const settings = [
    `batch ${m.BatchSize ?? '?'}`,
    `parallelization ${m.ParallelizationFactor ?? 1}`,
    ...(m.TumblingWindowInSeconds ? [`tumbling window ${m.TumblingWindowInSeconds} s`] : []),
    `starting ${m.StartingPosition ?? '?'}`,
  ]
  return {findings, kind: 'lambda', name, shards: [], source: `event source mapping ${uuid} (${settings.join(', ')})`}
}

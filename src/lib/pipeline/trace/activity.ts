/**
 * Hops 6 and 7: did the rule fire, and what did it start.
 *
 * Hop 6 reads CloudWatch `AWS/Events` per rule around the object's time (EventBridge user guide,
 * "Monitoring"): `TriggeredRules`, `Invocations`, `FailedInvocations`, `InvocationsSentToDlq`,
 * `ThrottledRules`; dimension `RuleName` (plus `EventBusName` on a custom bus). Some metrics are
 * only emitted when non-zero, so no datapoint is a zero — but metrics lag, so a window that ends
 * in the last 15 minutes is not yet final.
 *
 * Hop 7: for a Step Functions target, the executions started from a minute before the object's
 * time whose input holds the key (ListExecutions + DescribeExecution, at most `maxExecutions`);
 * for a Lambda target, log lines of the function that mention the key (FilterLogEvents).
 */
import type {CloudWatchClient} from '@aws-sdk/client-cloudwatch'

import type {RunContext} from '../../core/run-context.js'
import type {TraceClients} from './trace.js'
import type {ExecutionRecord, Hop, RuleRecord} from './types.js'

import {reasonOf} from '../../core/error-reason.js'
import {serviceOf} from './targets.js'

const METRICS = [
  'TriggeredRules',
  'Invocations',
  'FailedInvocations',
  'InvocationsSentToDlq',
  'ThrottledRules',
] as const
const BEFORE_MS = 5 * 60_000
const AFTER_MS = 30 * 60_000
const SETTLE_MS = 15 * 60_000

/** Where hops 6 and 7 look: around the object's time by default, or from --since until now. */
export interface ActivityWindow {
  objectTime: Date | undefined
  since?: Date | undefined
}

export async function activityHop(
  cloudwatch: CloudWatchClient | undefined,
  rules: RuleRecord[],
  window: ActivityWindow,
  ctx: RunContext,
): Promise<Hop> {
  const {objectTime, since} = window
  const hop: Hop = {evidence: [], fix: [], hop: 6, name: 'Did it fire', status: 'unknown'}
  if (rules.length === 0) {
    hop.evidence.push('no enabled matching rule')
    return hop
  }

  if (!cloudwatch) {
    hop.evidence.push('offline: CloudWatch metrics not read')
    return hop
  }

  const from = since ?? (objectTime ? new Date(objectTime.getTime() - BEFORE_MS) : undefined)
  if (!from) {
    hop.evidence.push("the object's time is unknown: give --event-time, or --since for a window")
    return hop
  }

  const {GetMetricStatisticsCommand} = await import('@aws-sdk/client-cloudwatch')
  const start = from
  const end = new Date(
    since || !objectTime ? ctx.now().getTime() : Math.min(objectTime.getTime() + AFTER_MS, ctx.now().getTime()),
  )
  let fired = false
  let failed = false
  let unknown = false
  for (const rule of rules) {
    const sums: Partial<Record<(typeof METRICS)[number], number>> = {}
    try {
      for (const metric of METRICS) {
        const dimensions = [{Name: 'RuleName', Value: rule.name}]
        if (rule.eventBusName !== 'default') dimensions.unshift({Name: 'EventBusName', Value: rule.eventBusName})
        const out = await cloudwatch.send(
          new GetMetricStatisticsCommand({
            Dimensions: dimensions,
            EndTime: end,
            MetricName: metric,
            Namespace: 'AWS/Events',
            Period: 60,
            StartTime: start,
            Statistics: ['Sum'],
          }),
          {abortSignal: ctx.signal},
        )
        sums[metric] = (out.Datapoints ?? []).reduce((s, d) => s + (d.Sum ?? 0), 0)
      }
    } catch (error) {
      unknown = true
      hop.evidence.push(`${rule.name}: metrics not readable (${reasonOf(error)})`)
      continue
    }

    hop.evidence.push(
      `${rule.name}, ${start.toISOString()} – ${end.toISOString()}: ${METRICS.map((m) => `${m} ${sums[m]}`).join(', ')}`,
    )
    if ((sums.TriggeredRules ?? 0) > 0 || (sums.Invocations ?? 0) > 0) fired = true
    if ((sums.FailedInvocations ?? 0) > 0 || (sums.InvocationsSentToDlq ?? 0) > 0) {
      failed = true
      hop.fix.push(
        `${rule.name}: invocations failed — read the dead-letter queue's ERROR_CODE and ERROR_MESSAGE attributes, or add one: aws events put-targets --rule ${rule.name} --targets 'Id=ID,Arn=ARN,DeadLetterConfig={Arn=QUEUE_ARN}'`,
      )
    }
  }

  const settled = ctx.now().getTime() - (objectTime ?? start).getTime() > SETTLE_MS
  if (failed) hop.status = 'broken'
  else if (fired) hop.status = 'ok'
  else if (unknown || !settled) {
    hop.status = 'unknown'
    if (!settled) hop.evidence.push('metrics lag: the window is not yet final (less than 15 minutes after the object)')
  } else {
    hop.status = 'broken'
    hop.evidence.push('no matching rule fired in the window')
    hop.fix.push(
      'If hops 2 and 4 are ✔, EventBridge delivery may have been turned on after the object was written: write it again (aws s3 cp s3://B/K s3://B/K --metadata-directive REPLACE) and trace again',
    )
  }

  return hop
}

export async function executionsHop(
  clients: TraceClients,
  rules: RuleRecord[],
  key: string,
  window: ActivityWindow,
  maxExecutions: number,
  ctx: RunContext,
): Promise<{executions: ExecutionRecord[]; hop: Hop}> {
  const {objectTime, since} = window
  const hop: Hop = {evidence: [], fix: [], hop: 7, name: 'What it started', status: 'unknown'}
  const executions: ExecutionRecord[] = []
  const targets = rules.flatMap((r) => (r.targets ?? []).map((t) => t.arn))
  if (targets.length === 0) {
    hop.evidence.push('no target of a matching rule')
    return {executions, hop}
  }

  // Executions and log lines from a minute before the object (clocks differ), or from --since.
  const from = since ?? (objectTime ? new Date(objectTime.getTime() - 60_000) : undefined)
  if (!from) {
    hop.evidence.push("the object's time is unknown: give --event-time, or --since for a window")
    return {executions, hop}
  }

  const until = since || !objectTime ? ctx.now().getTime() : objectTime.getTime() + AFTER_MS

  let ok = false
  let broken = false
  for (const arn of targets) {
    const service = serviceOf(arn)
    if (service === 'states' && clients.sfn) {
      const {DescribeExecutionCommand, ListExecutionsCommand} = await import('@aws-sdk/client-sfn')
      try {
        const listed = await clients.sfn.send(new ListExecutionsCommand({maxResults: 100, stateMachineArn: arn}), {
          abortSignal: ctx.signal,
        })
        const after = (listed.executions ?? [])
          .filter((e) => e.startDate && e.startDate.getTime() >= from.getTime())
          .slice(0, maxExecutions)
        for (const e of after) {
          const d = await clients.sfn.send(new DescribeExecutionCommand({executionArn: e.executionArn}), {
            abortSignal: ctx.signal,
          })
          const record: ExecutionRecord = {
            executionArn: e.executionArn!,
            holdsKey: (d.input ?? '').includes(key),
            startDate: d.startDate?.toISOString(),
            status: d.status,
            stopDate: d.stopDate?.toISOString(),
          }
          if (d.status === 'FAILED' || d.status === 'TIMED_OUT' || d.status === 'ABORTED')
            record.summary = `${d.error ?? d.status}${d.cause ? `: ${d.cause.slice(0, 300)}` : ''}`
          executions.push(record)
        }

        const mine = executions.filter((e) => e.holdsKey && e.executionArn.includes(arn.split(':').at(-1)!))
        if (mine.length === 0) {
          hop.evidence.push(
            `${arn}: ${after.length} execution(s) started in the window; none has the key in its input (an input transformer may leave it out)`,
          )
          continue
        }

        for (const e of mine) {
          hop.evidence.push(`${e.executionArn}: ${e.status}${e.summary ? ` — ${e.summary}` : ''}`)
          if (e.status === 'SUCCEEDED') ok = true
          if (e.summary) {
            broken = true
            hop.fix.push(`pipeops sfn explain ${e.executionArn}`)
          }
        }
      } catch (error) {
        hop.evidence.push(`${arn}: executions not readable (${reasonOf(error)})`)
      }
    } else if (service === 'lambda' && clients.logs) {
      const {FilterLogEventsCommand} = await import('@aws-sdk/client-cloudwatch-logs')
      const name = arn.split(':')[6]!
      try {
        const out = await clients.logs.send(
          new FilterLogEventsCommand({
            endTime: until,
            filterPattern: JSON.stringify(key),
            limit: 20,
            logGroupName: `/aws/lambda/${name}`,
            startTime: from.getTime(),
          }),
          {abortSignal: ctx.signal},
        )
        const lines = out.events ?? []
        hop.evidence.push(
          lines.length > 0
            ? `/aws/lambda/${name}: ${lines.length} log line(s) mention the key, e.g. ${lines[0]!.message?.trim().slice(0, 200)}`
            : `/aws/lambda/${name}: no log line mentions the key in the window`,
        )
        if (lines.some((l) => /error|exception|task timed out/i.test(l.message ?? ''))) broken = true
        else if (lines.length > 0) ok = true
      } catch (error) {
        hop.evidence.push(`/aws/lambda/${name}: logs not readable (${reasonOf(error)})`)
      }
    } else {
      hop.evidence.push(
        `${arn}: ${clients.sfn || clients.logs ? `${service} targets are not followed by this version` : 'offline: not read'}`,
      )
    }
  }

  hop.status = broken ? 'broken' : ok ? 'ok' : 'unknown'
  return {executions, hop}
}

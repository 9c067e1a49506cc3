/**
 * EventBridge Pipes that read an SQS queue a matching rule sends to: the next hop of the chain
 * when the rule's target is a queue. For each pipe (ListPipes by source, DescribePipe): its state,
 * its target, whether its source filter (FilterCriteria: any of its patterns) lets this event's
 * message through, evaluated with the event-pattern matcher, and what its input template gives.
 *
 * The message is built as a pipe reads it from SQS (Pipes user guide, "Amazon SQS as a source";
 * the record of Lambda's SQS event): `body` is the text the rule delivered, read as JSON when it is
 * JSON (as Pipes filters and templates read it), with `eventSource`, `eventSourceARN` and
 * `awsRegion`. `messageId`, `attributes` and the rest are known only to SQS: a filter that fails
 * only on them is unknown, not a drop.
 */
import type {JsonValue} from '../../events/compile-pattern.js'

import {compilePattern} from '../../events/compile-pattern.js'
import {pipesInput} from '../../events/input-transformer.js'
import {explainNode, nodeMatches} from '../../events/match.js'

/** A pipe as DescribePipe tells it. */
export interface PipeFacts {
  arn?: string | undefined
  currentState?: string | undefined
  desiredState?: string | undefined
  /** The patterns of SourceParameters.FilterCriteria.Filters (none: every message passes). */
  filters: string[]
  inputTemplate?: string | undefined
  name: string
  source?: string | undefined
  stateReason?: string | undefined
  target?: string | undefined
}

export interface PipesVerdict {
  evidence: string[]
  fix: string[]
  status: 'broken' | 'ok' | 'unknown'
}

/** Fields of the record the trace builds; a filter failing on any other is undecided. */
const KNOWN_FIELDS = /^(body|eventSource|eventSourceARN|awsRegion)(\.|$)/

function sqsRecord(queueArn: string, delivered: string): {[key: string]: unknown} {
  let body: unknown = delivered
  try {
    const parsed: unknown = JSON.parse(delivered)
    if (typeof parsed === 'object' && parsed !== null) body = parsed
  } catch {
    // Not JSON: Pipes filters and templates see the text.
  }

  return {awsRegion: queueArn.split(':')[3], body, eventSource: 'aws:sqs', eventSourceARN: queueArn}
}

/** Does the pipe's filter let the record through: true, false, or undefined (with why). */
function filterVerdict(pipe: PipeFacts, record: {[key: string]: unknown}): {passes?: boolean; why: string} {
  if (pipe.filters.length === 0) return {passes: true, why: 'no filter: every message passes'}
  let undecided = ''
  const failed: string[] = []
  for (const [i, text] of pipe.filters.entries()) {
    let compiled
    try {
      compiled = compilePattern(JSON.parse(text) as JsonValue)
    } catch (error) {
      return {why: `filter ${i + 1} is not read (${(error as Error).message})`}
    }

    if (nodeMatches(compiled.root, record)) return {passes: true, why: `filter ${i + 1} matches`}
    const fields = explainNode(compiled.root, record)
      .filter((e) => !e.ok)
      .map((e) => e.field)
    if (fields.some((f) => !KNOWN_FIELDS.test(f))) undecided ||= fields.find((f) => !KNOWN_FIELDS.test(f))!
    failed.push(`filter ${i + 1} fails on ${fields.join(', ')}`)
  }

  if (undecided) return {why: `${failed.join('; ')} (${undecided} is known only to SQS)`}
  return {passes: false, why: failed.join('; ')}
}

/** One pipe: its evidence lines, its fix, and whether it lets the message through (undefined: cannot tell). */
function onePipe(
  pipe: PipeFacts,
  queueArn: string,
  record: {[key: string]: unknown},
): {fix?: string | undefined; lines: string[]; through?: boolean | undefined} {
  const state = pipe.currentState ?? 'state unknown'
  const filter = filterVerdict(pipe, record)
  const outcome =
    filter.passes === undefined
      ? `? ${filter.why}`
      : `${filter.passes ? 'passes' : 'drops'} this message (${filter.why})`
  const lines = [
    `pipe ${pipe.name} (${state}${pipe.stateReason ? `: ${pipe.stateReason}` : ''}) → ${pipe.target ?? 'target unknown'}: ${outcome}`,
  ]
  if (filter.passes && pipe.inputTemplate !== undefined) {
    const given = pipesInput(record as JsonValue, pipe.inputTemplate, {
      'aws.pipes.pipe-arn': pipe.arn,
      'aws.pipes.pipe-name': pipe.name,
      'aws.pipes.source-arn': pipe.source ?? queueArn,
      'aws.pipes.target-arn': pipe.target,
    })
    lines.push(`pipe ${pipe.name} gives its target ${given.text.slice(0, 500)}`, ...given.warnings)
  }

  const running = pipe.currentState === 'RUNNING'
  let fix: string | undefined
  if (!running && pipe.currentState !== undefined && filter.passes !== false)
    fix =
      pipe.desiredState === 'STOPPED' || pipe.currentState === 'STOPPED'
        ? `aws pipes start-pipe --name ${pipe.name}`
        : `Pipe ${pipe.name} is ${pipe.currentState}${pipe.stateReason ? ` (${pipe.stateReason})` : ''}: see aws pipes describe-pipe --name ${pipe.name}`
  const through = filter.passes === undefined || pipe.currentState === undefined ? undefined : filter.passes && running
  return {fix, lines, through}
}

/**
 * The pipes reading `queueArn` for the message `delivered` (what the rule sends the queue). Broken
 * when no running pipe lets it through; unknown when that cannot be told; ok otherwise.
 */
export function pipesCheck(queueArn: string, delivered: string, pipes: PipeFacts[]): PipesVerdict {
  const verdict: PipesVerdict = {evidence: [], fix: [], status: 'ok'}
  if (pipes.length === 0) {
    verdict.evidence.push('no EventBridge pipe reads this queue')
    return verdict
  }

  const record = sqsRecord(queueArn, delivered)
  const results = pipes.map((pipe) => onePipe(pipe, queueArn, record))
  for (const r of results) {
    verdict.evidence.push(...r.lines)
    if (r.fix) verdict.fix.push(r.fix)
  }

  if (!results.some((r) => r.through))
    verdict.status = results.some((r) => r.through === undefined) ? 'unknown' : 'broken'
  return verdict
}

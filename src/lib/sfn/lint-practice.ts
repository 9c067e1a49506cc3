/**
 * Practice rules (warnings): what Step Functions accepts but AWS advises against. Each rule's
 * source is in rules.ts. A value a template left unresolved never triggers a warning by itself.
 */
import {
  childPath,
  isDistributedMap,
  isObj,
  isUnresolved,
  type Json,
  type LocatedState,
  statesOf,
  type WorkflowType,
} from './asl.js'
import {taskIntegration} from './integration.js'
import {catchersOf, errorMatches, retrierSettings, retriersOf, worstCaseWaitSeconds} from './retry.js'
import {ruleInfo, type SfnFinding} from './rules.js'

/** The Lambda service errors AWS says to retry (SFN-DG bp-lambda-serviceexception), plus throttling. */
export const LAMBDA_TRANSIENT_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
]

export const STANDARD_LIMIT_SECONDS = 365 * 24 * 3600
export const EXPRESS_LIMIT_SECONDS = 5 * 60

export function formatSeconds(seconds: number): string {
  if (seconds < 120) return `${Number(seconds.toFixed(3))} s`
  const units: Array<[string, number]> = [
    ['d', 86_400],
    ['h', 3600],
    ['min', 60],
    ['s', 1],
  ]
  const parts: string[] = []
  let rest = Math.round(seconds)
  for (const [unit, size] of units) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)} ${unit}`)
      rest %= size
    }

    if (parts.length === 2) break
  }

  return parts.join(' ')
}

/** The workflow type a state runs in: a distributed Map's children have their own ExecutionType. */
function runsAs(located: LocatedState, machineType: undefined | WorkflowType): undefined | WorkflowType {
  for (let {scope} = located; scope.owner && scope.parent; scope = scope.parent) {
    const {state} = scope.owner
    if (state.Type === 'Map' && isDistributedMap(state)) {
      const processor = isObj(state.ItemProcessor) ? state.ItemProcessor : {}
      const config = isObj(processor.ProcessorConfig) ? processor.ProcessorConfig : {}
      return config.ExecutionType === 'EXPRESS'
        ? 'EXPRESS'
        : config.ExecutionType === 'STANDARD'
          ? 'STANDARD'
          : undefined
    }
  }

  return machineType
}

export interface PracticeContext {
  /** STANDARD or EXPRESS when known (templates, live); undefined for a bare ASL file. */
  type?: undefined | WorkflowType
}

export function lintPractice(definition: Json, context: PracticeContext): SfnFinding[] {
  const findings: SfnFinding[] = []
  const emit = (rule: string, state: string, path: string, message: string): void => {
    findings.push({message, path, rule, severity: ruleInfo(rule).severity, state})
  }

  const located = statesOf(definition)
  const machineTimeout = typeof definition.TimeoutSeconds === 'number' ? definition.TimeoutSeconds : undefined
  for (const s of located) {
    const {name, path, state} = s
    const type = runsAs(s, context.type)
    if (state.Type === 'Task') checkTask(s, type, emit)
    if (state.Type === 'Map' && isDistributedMap(state)) {
      const tolerated = [
        'ToleratedFailurePercentage',
        'ToleratedFailurePercentagePath',
        'ToleratedFailureCount',
        'ToleratedFailureCountPath',
      ]
      if (tolerated.every((k) => state[k] === undefined))
        emit(
          'map-tolerated-failure',
          name,
          path,
          `the distributed Map "${name}" fails as a whole on its first failed item; set ToleratedFailurePercentage (or ToleratedFailureCount) to the share of bad items the run may skip`,
        )
    }

    if (state.Type === 'Task' || state.Type === 'Parallel' || state.Type === 'Map') {
      checkCatchers(s, emit)
      checkRetryBudget(s, type, s.scope.owner ? undefined : machineTimeout, emit)
    }
  }

  return findings
}

type Emit = (rule: string, state: string, path: string, message: string) => void

function checkTask(s: LocatedState, type: undefined | WorkflowType, emit: Emit): void {
  const {name, path, state} = s
  const integration = taskIntegration(state.Resource)
  if (!integration) return
  const retriers = retriersOf(state).map((r) => retrierSettings(r))
  if (integration.lambda) {
    const missing = LAMBDA_TRANSIENT_ERRORS.filter(
      (error) => !retriers.some((r) => r.maxAttempts !== 0 && errorMatches(r.errorEquals, error)),
    )
    if (
      missing.length > 0 &&
      !retriersOf(state).some((r) => isUnresolved(r.ErrorEquals) || isUnresolved(r.MaxAttempts))
    )
      emit(
        'lambda-transient-retry',
        name,
        childPath(path, 'Retry'),
        `the Lambda task "${name}" does not retry ${missing.join(', ')}: transient Lambda service errors fail the state at once. Add a retrier such as {"ErrorEquals": ["Lambda.ServiceException", "Lambda.AWSLambdaException", "Lambda.SdkClientException", "Lambda.TooManyRequestsException"], "IntervalSeconds": 1, "MaxAttempts": 3, "BackoffRate": 2, "JitterStrategy": "FULL"}`,
      )
  }

  const waits = integration.pattern !== 'request-response'
  if (waits && state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) {
    const what = {
      activity: 'an activity worker',
      callback: 'a task token callback',
      'request-response': '',
      sync: 'a job to finish (.sync)',
    }[integration.pattern]
    emit(
      'task-timeout-missing',
      name,
      childPath(path, 'TimeoutSeconds'),
      `"${name}" waits for ${what} with no TimeoutSeconds: if nobody answers, it waits until the execution times out${type === 'EXPRESS' ? '' : ' (a year for a Standard workflow)'}`,
    )
  }

  if (
    (integration.pattern === 'callback' || integration.pattern === 'activity') &&
    state.HeartbeatSeconds === undefined &&
    state.HeartbeatSecondsPath === undefined
  )
    emit(
      'heartbeat-missing',
      name,
      childPath(path, 'HeartbeatSeconds'),
      `"${name}" waits for ${integration.pattern === 'activity' ? 'an activity worker' : 'a callback'} without HeartbeatSeconds: a worker that died is only noticed when TimeoutSeconds runs out`,
    )
  if (type === 'EXPRESS' && integration.pattern !== 'request-response') {
    const what = {activity: 'activities', callback: '.waitForTaskToken (callbacks)', sync: '.sync (Run a Job)'}[
      integration.pattern
    ]
    emit(
      'express-unsupported-integration',
      name,
      childPath(path, 'Resource'),
      `"${name}" uses ${what}, which Express workflows do not support (Request Response only)`,
    )
  }
}

function checkCatchers(s: LocatedState, emit: Emit): void {
  if (s.queryLanguage !== 'JSONPath') return
  const states = isObj(s.scope.scope.States) ? s.scope.scope.States : {}
  for (const [i, catcher] of catchersOf(s.state).entries()) {
    if (catcher.ResultPath !== undefined) continue
    const next = typeof catcher.Next === 'string' ? states[catcher.Next] : undefined
    // Going straight to a Fail state, the input is not needed any more.
    if (isObj(next) && next.Type === 'Fail') continue
    emit(
      'catch-discards-input',
      s.name,
      childPath(childPath(s.path, 'Catch'), i),
      `the catcher of "${s.name}" for ${Array.isArray(catcher.ErrorEquals) ? catcher.ErrorEquals.join(', ') : 'its errors'} has no ResultPath: "${String(catcher.Next)}" receives only {Error, Cause}, not the input of "${s.name}". Keep both with "ResultPath": "$.error"`,
    )
  }
}

function checkRetryBudget(
  s: LocatedState,
  type: undefined | WorkflowType,
  machineTimeout: number | undefined,
  emit: Emit,
): void {
  const {name, path, state} = s
  const retriers = retriersOf(state)
  for (const [i, retrier] of retriers.entries()) {
    const settings = retrierSettings(retrier)
    if (settings.maxAttempts === 0 && settings.errorEquals.some((e) => e === 'States.ALL' || e === 'States.TaskFailed'))
      emit(
        'catch-all-never-retries',
        name,
        childPath(childPath(path, 'Retry'), i),
        `the retrier for ${settings.errorEquals.join(', ')} on "${name}" has MaxAttempts 0: it retries nothing, and the errors it matches reach no later retrier${catchersOf(state).length > 0 ? ' (they go straight to Catch)' : ''}`,
      )
  }

  if (retriers.length === 0) return
  let waits = 0
  let attempts = 1
  for (const retrier of retriers) {
    const settings = retrierSettings(retrier)
    const worst = worstCaseWaitSeconds(settings)
    if (worst === null || settings.maxAttempts === null) return
    waits += worst
    attempts += settings.maxAttempts
  }

  const perAttempt = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : 0
  const total = waits + attempts * perAttempt
  const limit =
    machineTimeout === undefined
      ? type === 'EXPRESS'
        ? {seconds: EXPRESS_LIMIT_SECONDS, what: 'the 5-minute limit of an Express execution'}
        : {
            seconds: STANDARD_LIMIT_SECONDS,
            what: `the 1-year limit of a ${type === 'STANDARD' ? 'Standard' : 'Standard (assumed)'} execution`,
          }
      : {seconds: machineTimeout, what: `the state machine's TimeoutSeconds (${formatSeconds(machineTimeout)})`}
  if (total > limit.seconds) {
    const how =
      perAttempt > 0
        ? `${attempts} attempts × TimeoutSeconds ${perAttempt} s + ${formatSeconds(waits)} of waits`
        : `${formatSeconds(waits)} of waits between ${attempts} attempts`
    emit(
      'retry-exceeds-timeout',
      name,
      childPath(path, 'Retry'),
      `the retry policy of "${name}" can take ${formatSeconds(total)} (${how}), longer than ${limit.what}: the execution times out before the retries are exhausted and no Catch runs. Lower MaxAttempts or BackoffRate, or set MaxDelaySeconds`,
    )
  }
}

/**
 * What a Step Functions error means and what to do about it. Sources: SPEC Appendix A (States.*
 * names), SFN-DG concepts-error-handling and bp-lambda-serviceexception, the Lambda runtime
 * error shapes (shared/reference/stepfunctions-eventbridge.md, parts 2 and 4).
 */
import type {ParsedCause} from './history.js'

export interface ErrorExplanation {
  fix: string[]
  /** For permission errors: the IAM action the state machine's role lacks and a minimal statement. */
  missingPermission?: {action: string; resource: string; statement: {Action: string; Effect: 'Allow'; Resource: string}}
  summary: string
}

export interface ErrorInput {
  cause: null | string
  error: null | string
  kind: 'aborted' | 'execution-failed' | 'execution-timeout' | 'fail-state' | 'task'
  parsed: null | ParsedCause
  timeoutSeconds?: number | undefined
}

const TRANSIENT_LAMBDA = new Set([
  'Lambda.AWSLambdaException',
  'Lambda.ClientExecutionTimeoutException',
  'Lambda.SdkClientException',
  'Lambda.ServiceException',
  'Lambda.TooManyRequestsException',
])

/** "… is not authorized to perform: lambda:InvokeFunction on resource: arn:… because …" */
function missingPermission(cause: null | string): ErrorExplanation['missingPermission'] {
  const m = cause
    ? /not authorized to perform:?\s+([\w-]+:[\w*]+)(?:\s+on resource:?\s+(\S+?))?(?:[\s,.;]|$)/i.exec(cause)
    : null
  if (!m) return undefined
  const resource = m[2] ?? '*'
  return {action: m[1]!, resource, statement: {Action: m[1]!, Effect: 'Allow', Resource: resource}}
}

export function explainError(input: ErrorInput): ErrorExplanation {
  const {error, kind, parsed, timeoutSeconds} = input
  if (kind === 'execution-timeout')
    return {
      fix: [
        "Raise the state machine's TimeoutSeconds, or find why the state named here ran so long (a task without TimeoutSeconds, a long retry schedule: see sfn retry-timeline).",
      ],
      summary:
        "The execution ran longer than the state machine's TimeoutSeconds and was stopped while this state was running.",
    }
  if (kind === 'aborted')
    return {
      fix: ['Find who called StopExecution (CloudTrail: trail lookup --event-name StopExecution).'],
      summary: 'The execution was stopped (StopExecution) while this state was running.',
    }
  if (kind === 'fail-state')
    return {
      fix: ['Look at the state that routed here (a Choice rule or a Catch) and the input it saw.'],
      summary: `The execution reached this Fail state${error ? ` (Error ${error})` : ''} without a task failing before it: the failure is the definition's own decision.`,
    }
  const permission = missingPermission(input.cause)
  if (error === 'States.Permissions' || /AccessDenied/i.test(error ?? '') || permission) {
    return {
      fix: [
        permission
          ? `Add ${permission.action} on ${permission.resource} to the state machine's execution role.`
          : "Add the action named in the cause to the state machine's execution role.",
      ],
      ...(permission ? {missingPermission: permission} : {}),
      summary: "The state machine's role is not allowed to make the call this task makes.",
    }
  }

  switch (error) {
    case 'Lambda.ResourceNotFoundException': {
      return {
        fix: ["Check the FunctionName (and its alias or version) in the task's Parameters and the function's region."],
        summary: 'The Lambda function (or its alias/version) does not exist.',
      }
    }

    case 'Lambda.Unknown':
    case 'Sandbox.Timedout': {
      return {
        fix: [
          "Raise the function's own timeout (Lambda configuration) or make it faster; the task's TimeoutSeconds does not stop it.",
        ],
        summary: 'The Lambda function ran out of its own timeout (or its runtime died) before it returned.',
      }
    }

    case 'States.DataLimitExceeded': {
      return {
        fix: [
          'Return less: select what the next state needs with ResultSelector/OutputPath, or write big results to S3 and pass the key.',
        ],
        summary: "A state's output (or input) was larger than the 256 KiB payload quota.",
      }
    }

    case 'States.HeartbeatTimeout': {
      return {
        fix: [
          'Make the worker send SendTaskHeartbeat more often than HeartbeatSeconds, or find why it stopped (it may have crashed).',
        ],
        summary: 'The worker did not send a heartbeat within HeartbeatSeconds.',
      }
    }

    case 'States.Runtime': {
      return {
        fix: [
          'Fix the path or expression named in the cause (a JSONPath that is missing from the input, a null, a bad type); States.Runtime is never retried or caught.',
        ],
        summary: 'The state machine could not evaluate a path or expression of this state (the cause says which).',
      }
    }

    case 'States.Timeout': {
      return {
        fix: [
          "Raise the task's TimeoutSeconds if the work legitimately takes longer, or find why it was slow; add a retrier for States.Timeout if a retry helps.",
        ],
        summary: `The task ran longer than its TimeoutSeconds${timeoutSeconds ? ` (${timeoutSeconds} s)` : ''}.`,
      }
    }

    default: {
      break
    }
  }

  if (error && TRANSIENT_LAMBDA.has(error))
    return {
      fix: [
        'Add a retrier for the transient Lambda errors (Lambda.ServiceException, Lambda.AWSLambdaException, Lambda.SdkClientException, Lambda.TooManyRequestsException) with backoff; sfn lint flags tasks without one.',
      ],
      summary: "A transient error of the Lambda service (not of the function's code): AWS recommends retrying it.",
    }
  if (parsed?.errorType || parsed?.errorMessage)
    return {
      fix: ['Fix the function (its stack trace is above), or catch this errorType if it is expected.'],
      summary: `The function threw ${parsed.errorType ?? 'an error'}${parsed.errorMessage ? `: ${parsed.errorMessage}` : ''}.`,
    }
  return {
    fix: ['Read the cause; the service the task called returned this error.'],
    summary: `The task failed with ${error ?? 'an error with no name'}.`,
  }
}

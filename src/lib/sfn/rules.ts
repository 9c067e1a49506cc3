/**
 * The rule catalogue of `sfn lint`: stable ids, severities and what each rule means, with its
 * source. Errors are what Step Functions rejects when the state machine is created (the Amazon
 * States Language spec, and AWS's own validation where the two differ); warnings are practices AWS
 * recommends, each naming the page it comes from.
 * Sources: shared/reference/stepfunctions-eventbridge.md (SPEC = states-language.net/spec.html,
 * ASLS = aws/amazon-states-language-service validation schema, SFN-DG = the Step Functions
 * developer guide).
 */

export type Severity = 'error' | 'warning'

export interface SfnFinding {
  message: string
  /** Where in the definition: `$.States.Load.Retry[0].IntervalSeconds`. */
  path: string
  rule: string
  severity: Severity
  /** The state the finding is about, or null for the top level. */
  state: null | string
}

export interface RuleInfo {
  description: string
  id: string
  severity: Severity
  title: string
}

export const RULES: readonly RuleInfo[] = [
  {
    description:
      'The definition and every Parallel branch and Map item processor need StartAt and a non-empty States object (SPEC "Top-level fields").',
    id: 'definition-shape',
    severity: 'error',
    title: 'Missing StartAt or States',
  },
  {
    description:
      'StartAt, Next, Default, a Choice rule\'s Next and a Catcher\'s Next must name a state of the same scope: a branch cannot jump out of its Parallel or Map (SPEC "Transitions").',
    id: 'unknown-state',
    severity: 'error',
    title: 'Transition to a state that does not exist',
  },
  {
    description:
      'Every state must be reachable from StartAt; Step Functions rejects definitions with unreachable states (ASLS UNREACHABLE_STATE).',
    id: 'unreachable-state',
    severity: 'error',
    title: 'State cannot be reached',
  },
  {
    description:
      'Each scope needs a terminal state (End: true, Succeed or Fail) (SPEC "Terminal state"; ASLS NO_TERMINAL_STATE).',
    id: 'no-terminal-state',
    severity: 'error',
    title: 'No terminal state',
  },
  {
    description:
      'Task, Parallel, Map, Pass and Wait states need exactly one of Next or End: true; Choice, Succeed and Fail take neither (SPEC "Transitions").',
    id: 'next-or-end',
    severity: 'error',
    title: 'Next/End missing or both given',
  },
  {
    description:
      'Type must be one of Task, Pass, Choice, Wait, Succeed, Fail, Parallel, Map; Task needs Resource, Choice needs Choices, Parallel needs Branches, Map needs ItemProcessor (or the older Iterator) (SPEC).',
    id: 'state-shape',
    severity: 'error',
    title: 'State type or required field missing',
  },
  {
    description:
      'Only the fields of the state type are allowed: no Retry/Catch on Pass, Choice, Wait, Succeed or Fail; no Parameters on Wait; no ResultPath on Choice, and so on (SPEC field tables; the lists of ASLS, which AWS applies).',
    id: 'field-not-allowed',
    severity: 'error',
    title: 'Field not allowed on this state type',
  },
  {
    description:
      'Fields of the wrong type or range: TimeoutSeconds and HeartbeatSeconds positive integers with heartbeat < timeout, one of Seconds/SecondsPath/Timestamp/TimestampPath on Wait, not both of a field and its …Path twin, state names ≤ 80 characters (SPEC).',
    id: 'field-value',
    severity: 'error',
    title: 'Field has a wrong type or value',
  },
  {
    description: 'Every Retrier and Catcher needs a non-empty ErrorEquals of strings (SPEC "Error names").',
    id: 'error-equals-empty',
    severity: 'error',
    title: 'ErrorEquals missing or empty',
  },
  {
    description:
      'States.ALL must appear alone in its ErrorEquals and in the last Retrier or Catcher (SPEC "Retrying after error", "Fallback states").',
    id: 'states-all-position',
    severity: 'error',
    title: 'States.ALL not alone or not last',
  },
  {
    description:
      "Retrier fields: IntervalSeconds integer 1–99999999, MaxAttempts integer 0–99999999, BackoffRate ≥ 1.0, MaxDelaySeconds integer 1–31622400, JitterStrategy FULL or NONE; no other fields (SPEC; ASLS common.json). ASLS's schema allows IntervalSeconds 0; the spec and the AWS documentation say positive, which pipeops follows.",
    id: 'retrier-value',
    severity: 'error',
    title: 'Retrier field out of range',
  },
  {
    description:
      'A Catcher needs ErrorEquals and Next; ResultPath only in JSONPath states, Output only in JSONata states (SPEC "Fallback states").',
    id: 'catcher-shape',
    severity: 'error',
    title: 'Malformed Catcher',
  },
  {
    description:
      'Each Choice rule has exactly one comparison operator (or And/Or/Not), a Variable in JSONPath (a Condition in JSONata), a Next at the top level only, and operands of the right type (SPEC "Choice Rules"; ASLS MUTUALLY_EXCLUSIVE_CHOICE_PROPERTIES).',
    id: 'choice-rule',
    severity: 'error',
    title: 'Malformed Choice rule',
  },
  {
    description:
      'Map: ProcessorConfig.Mode INLINE or DISTRIBUTED, ExecutionType STANDARD or EXPRESS (required for DISTRIBUTED), ItemReader/ItemBatcher/ResultWriter/ToleratedFailure*/Label only on a distributed Map, ToleratedFailurePercentage 0–100, MaxConcurrency ≥ 0, ItemBatcher with MaxItemsPerBatch or MaxInputBytesPerBatch (SPEC "Map State"; SFN-DG state-map-distributed).',
    id: 'map-config',
    severity: 'error',
    title: 'Map configuration invalid',
  },
  {
    description:
      'JSONPath fields (InputPath, Parameters, ResultSelector, ResultPath, OutputPath, ItemsPath, …Path, Choice Variable, `.$` keys) are not allowed in JSONata states, nor Arguments, Output, Items or Condition in JSONPath states; a JSONata top level cannot hold JSONPath states (SPEC "Query languages"; SFN-DG transforming-data).',
    id: 'query-language',
    severity: 'error',
    title: 'Field of the other query language',
  },
  {
    description:
      'Intrinsic functions are States.Format, StringToJson, JsonToString, Array, ArrayPartition, ArrayContains, ArrayRange, ArrayGetItem, ArrayLength, ArrayUnique, Base64Encode, Base64Decode, Hash, JsonMerge, MathRandom, MathAdd, StringSplit and UUID; names are case-sensitive (SPEC "Intrinsic Functions").',
    id: 'intrinsic-function',
    severity: 'error',
    title: 'Unknown intrinsic function',
  },
  {
    description:
      'Lambda tasks should retry Lambda.ServiceException, Lambda.AWSLambdaException, Lambda.SdkClientException and Lambda.TooManyRequestsException: transient errors of the Lambda service, not of your code (SFN-DG bp-lambda-serviceexception: "Handle transient Lambda service exceptions").',
    id: 'lambda-transient-retry',
    severity: 'warning',
    title: 'Lambda task does not retry transient Lambda errors',
  },
  {
    description:
      'A Task without TimeoutSeconds waits as long as the execution may live (a year for Standard) if the worker never answers (SFN-DG bp "Use timeouts to avoid stuck executions"; state-task).',
    id: 'task-timeout-missing',
    severity: 'warning',
    title: 'Task without TimeoutSeconds',
  },
  {
    description:
      'A callback (.waitForTaskToken) or activity task without HeartbeatSeconds cannot notice a worker that died; only TimeoutSeconds ends it (SFN-DG connect-to-resource "Callback", state-task).',
    id: 'heartbeat-missing',
    severity: 'warning',
    title: 'Callback or activity without HeartbeatSeconds',
  },
  {
    description:
      'A Catcher without ResultPath replaces the state\'s input by the error output ({Error, Cause}); the next state no longer sees the data it needs. Keep the input with "ResultPath": "$.error" (SPEC "Fallback states"; SFN-DG concepts-error-handling).',
    id: 'catch-discards-input',
    severity: 'warning',
    title: 'Catcher throws away the state input',
  },
  {
    description:
      "The worst case of a retry policy (every attempt running until TimeoutSeconds, every wait at its longest) outlives the execution: the machine's TimeoutSeconds, or the service limit of 1 year (Standard) or 5 minutes (Express) (SFN-DG service-quotas, concepts-error-handling).",
    id: 'retry-exceeds-timeout',
    severity: 'warning',
    title: 'Retry schedule longer than the execution can live',
  },
  {
    description:
      'A catch-all retrier (States.ALL or States.TaskFailed) with MaxAttempts 0 retries nothing: it looks like a retry policy, and by the first-match rule no later retrier gets the error either (SPEC "Retrying after error").',
    id: 'catch-all-never-retries',
    severity: 'warning',
    title: 'Catch-all retrier with MaxAttempts 0',
  },
  {
    description:
      'Express workflows support only the Request Response pattern: no .sync, no .waitForTaskToken, no activities (SFN-DG concepts-standard-vs-express, connect-to-resource).',
    id: 'express-unsupported-integration',
    severity: 'warning',
    title: 'Integration pattern Express workflows do not support',
  },
  {
    description:
      'A distributed Map fails as a whole on its first failed item unless ToleratedFailurePercentage or ToleratedFailureCount says otherwise (default 0) — over thousands of items one bad record stops the run (SPEC "Map State"; SFN-DG state-map-distributed).',
    id: 'map-tolerated-failure',
    severity: 'warning',
    title: 'Distributed Map tolerates no failed item',
  },
]

export const RULE_IDS = RULES.map((r) => r.id)

const BY_ID = new Map(RULES.map((r) => [r.id, r]))

export function ruleInfo(id: string): RuleInfo {
  const rule = BY_ID.get(id)
  if (!rule) throw new Error(`unknown sfn rule id ${id}`)
  return rule
}

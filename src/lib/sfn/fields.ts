/**
 * Which fields each state type allows, and which belong to one query language only.
 * Sources: SPEC field tables; ASLS src/validation/validationSchema.ts (the lists AWS's validation
 * and the console's editor apply).
 */

const COMMON = ['Type', 'Comment', 'QueryLanguage', 'Next', 'End', 'InputPath', 'OutputPath']

export const ALLOWED_FIELDS: Record<string, ReadonlySet<string>> = {
  Choice: new Set([
    'Assign',
    'Choices',
    'Comment',
    'Default',
    'InputPath',
    'Output',
    'OutputPath',
    'QueryLanguage',
    'Type',
  ]),
  Fail: new Set(['Cause', 'CausePath', 'Comment', 'Error', 'ErrorPath', 'QueryLanguage', 'Type']),
  Map: new Set([
    'Assign',
    'Catch',
    'ItemBatcher',
    'ItemProcessor',
    'ItemReader',
    'Items',
    'ItemSelector',
    'ItemsPath',
    'Iterator',
    'Label',
    'MaxConcurrency',
    'MaxConcurrencyPath',
    'Output',
    'Parameters',
    'ResultPath',
    'ResultSelector',
    'ResultWriter',
    'Retry',
    'ToleratedFailureCount',
    'ToleratedFailureCountPath',
    'ToleratedFailurePercentage',
    'ToleratedFailurePercentagePath',
    ...COMMON,
  ]),
  Parallel: new Set([
    'Arguments',
    'Assign',
    'Branches',
    'Catch',
    'Output',
    'Parameters',
    'ResultPath',
    'ResultSelector',
    'Retry',
    ...COMMON,
  ]),
  Pass: new Set(['Assign', 'Output', 'Parameters', 'Result', 'ResultPath', ...COMMON]),
  Succeed: new Set(['Comment', 'InputPath', 'Output', 'OutputPath', 'QueryLanguage', 'Type']),
  Task: new Set([
    'Arguments',
    'Assign',
    'Catch',
    'Credentials',
    'HeartbeatSeconds',
    'HeartbeatSecondsPath',
    'Output',
    'Parameters',
    'Resource',
    'ResultPath',
    'ResultSelector',
    'Retry',
    'TimeoutSeconds',
    'TimeoutSecondsPath',
    ...COMMON,
  ]),
  Wait: new Set(['Assign', 'Output', 'Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath', ...COMMON]),
}

export const STATE_TYPES = Object.keys(ALLOWED_FIELDS)

export const ROOT_FIELDS = new Set(['Comment', 'QueryLanguage', 'StartAt', 'States', 'TimeoutSeconds', 'Version'])
export const BRANCH_FIELDS = new Set(['Comment', 'QueryLanguage', 'StartAt', 'States'])
export const PROCESSOR_FIELDS = new Set(['ProcessorConfig', ...BRANCH_FIELDS])

/** Fields that exist only in JSONPath states (SPEC "Query languages"). */
export const JSONPATH_ONLY = [
  'CausePath',
  'ErrorPath',
  'HeartbeatSecondsPath',
  'InputPath',
  'ItemsPath',
  'MaxConcurrencyPath',
  'OutputPath',
  'Parameters',
  'Result',
  'ResultPath',
  'ResultSelector',
  'SecondsPath',
  'TimeoutSecondsPath',
  'TimestampPath',
  'ToleratedFailureCountPath',
  'ToleratedFailurePercentagePath',
]

/** Fields that exist only in JSONata states. */
export const JSONATA_ONLY = ['Arguments', 'Items', 'Output']

export const RETRIER_FIELDS = new Set([
  'BackoffRate',
  'Comment',
  'ErrorEquals',
  'IntervalSeconds',
  'JitterStrategy',
  'MaxAttempts',
  'MaxDelaySeconds',
])
export const CATCHER_FIELDS = new Set(['Assign', 'Comment', 'ErrorEquals', 'Next', 'Output', 'ResultPath'])

export const INTRINSIC_FUNCTIONS = [
  'States.Array',
  'States.ArrayContains',
  'States.ArrayGetItem',
  'States.ArrayLength',
  'States.ArrayPartition',
  'States.ArrayRange',
  'States.ArrayUnique',
  'States.Base64Decode',
  'States.Base64Encode',
  'States.Format',
  'States.Hash',
  'States.JsonMerge',
  'States.JsonToString',
  'States.MathAdd',
  'States.MathRandom',
  'States.StringSplit',
  'States.StringToJson',
  'States.UUID',
]

/** The comparison operators of a JSONPath Choice rule, with the operand each takes. */
export const CHOICE_OPERATORS: Record<
  string,
  'boolean' | 'number' | 'path' | 'rule' | 'rules' | 'string' | 'timestamp'
> = {
  And: 'rules',
  BooleanEquals: 'boolean',
  BooleanEqualsPath: 'path',
  IsBoolean: 'boolean',
  IsNull: 'boolean',
  IsNumeric: 'boolean',
  IsPresent: 'boolean',
  IsString: 'boolean',
  IsTimestamp: 'boolean',
  Not: 'rule',
  NumericEquals: 'number',
  NumericEqualsPath: 'path',
  NumericGreaterThan: 'number',
  NumericGreaterThanEquals: 'number',
  NumericGreaterThanEqualsPath: 'path',
  NumericGreaterThanPath: 'path',
  NumericLessThan: 'number',
  NumericLessThanEquals: 'number',
  NumericLessThanEqualsPath: 'path',
  NumericLessThanPath: 'path',
  Or: 'rules',
  StringEquals: 'string',
  StringEqualsPath: 'path',
  StringGreaterThan: 'string',
  StringGreaterThanEquals: 'string',
  StringGreaterThanEqualsPath: 'path',
  StringGreaterThanPath: 'path',
  StringLessThan: 'string',
  StringLessThanEquals: 'string',
  StringLessThanEqualsPath: 'path',
  StringLessThanPath: 'path',
  StringMatches: 'string',
  TimestampEquals: 'timestamp',
  TimestampEqualsPath: 'path',
  TimestampGreaterThan: 'timestamp',
  TimestampGreaterThanEquals: 'timestamp',
  TimestampGreaterThanEqualsPath: 'path',
  TimestampGreaterThanPath: 'path',
  TimestampLessThan: 'timestamp',
  TimestampLessThanEquals: 'timestamp',
  TimestampLessThanEqualsPath: 'path',
  TimestampLessThanPath: 'path',
}

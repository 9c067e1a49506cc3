/**
 * Structure rules (errors): what Step Functions rejects when a state machine is created.
 * Every check skips a value a template left unresolved (asl.ts, isUnresolved): unknown is not wrong.
 */
import {
  childPath,
  isDistributedMap,
  isObj,
  isUnresolved,
  type Json,
  mapProcessor,
  type QueryLanguage,
  scopesOf,
  statesOf,
} from './asl.js'
import {
  ALLOWED_FIELDS,
  BRANCH_FIELDS,
  CATCHER_FIELDS,
  CHOICE_OPERATORS,
  INTRINSIC_FUNCTIONS,
  JSONATA_ONLY,
  JSONPATH_ONLY,
  PROCESSOR_FIELDS,
  RETRIER_FIELDS,
  ROOT_FIELDS,
  STATE_TYPES,
} from './fields.js'
import {catchersOf} from './retry.js'
import {ruleInfo, type SfnFinding} from './rules.js'

type Emit = (rule: string, state: null | string, path: string, message: string) => void

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v)
const isJsonata = (v: unknown): boolean => typeof v === 'string' && /^\s*\{%[\s\S]*%\}\s*$/.test(v)
const describe = (v: unknown): string => (typeof v === 'string' ? `"${v}"` : JSON.stringify(v))

/** An integer in [min, max], a JSONata expression where allowed, or an unknown value. */
function intInRange(value: unknown, min: number, max: number, jsonata: boolean): boolean {
  if (isUnresolved(value) || (jsonata && isJsonata(value))) return true
  return isInt(value) && value >= min && value <= max
}

function checkRoot(definition: Json, emit: Emit): void {
  for (const key of Object.keys(definition)) {
    if (!ROOT_FIELDS.has(key))
      emit('field-not-allowed', null, childPath('$', key), `"${key}" is not a top-level field of a state machine`)
  }

  const {QueryLanguage, TimeoutSeconds} = definition
  if (
    QueryLanguage !== undefined &&
    QueryLanguage !== 'JSONPath' &&
    QueryLanguage !== 'JSONata' &&
    !isUnresolved(QueryLanguage)
  )
    emit(
      'field-value',
      null,
      '$.QueryLanguage',
      `QueryLanguage is ${describe(QueryLanguage)}; it must be "JSONPath" or "JSONata"`,
    )
  if (TimeoutSeconds !== undefined && !intInRange(TimeoutSeconds, 1, 99_999_999, false))
    emit(
      'field-value',
      null,
      '$.TimeoutSeconds',
      `TimeoutSeconds is ${describe(TimeoutSeconds)}; it must be a positive integer`,
    )
}

/** StartAt/States of each scope, transitions, reachability, terminal states. */
function checkScopes(definition: Json, emit: Emit): void {
  for (const scope of scopesOf(definition)) {
    const {path} = scope
    const owner = scope.owner?.name ?? null
    const where = scope.owner ? `${scope.owner.kind} state "${scope.owner.name}" (${path})` : 'the state machine'
    const allowed = scope.owner === null ? null : scope.owner.kind === 'Map' ? PROCESSOR_FIELDS : BRANCH_FIELDS
    if (allowed) {
      for (const key of Object.keys(scope.scope)) {
        if (!allowed.has(key))
          emit(
            'field-not-allowed',
            owner,
            childPath(path, key),
            `"${key}" is not a field of ${scope.owner!.kind === 'Map' ? 'a Map item processor' : 'a Parallel branch'}`,
          )
      }
    }

    const states = scope.scope.States
    if (!isObj(states) || Object.keys(states).length === 0) {
      emit(
        'definition-shape',
        owner,
        childPath(path, 'States'),
        `${where} has no States (an object with at least one state)`,
      )
      continue
    }

    for (const [name, state] of Object.entries(states)) {
      if (isObj(state)) continue
      const hint =
        name === 'QueryLanguage' || name === 'TimeoutSeconds' || name === 'Comment'
          ? ` (${name} belongs at the top level, beside StartAt)`
          : ''
      emit(
        'state-shape',
        name,
        childPath(childPath(path, 'States'), name),
        `States.${name} is ${describe(state)}, not a state (an object with a Type)${hint}`,
      )
    }

    const names = new Set(
      Object.entries(states)
        .filter(([, state]) => isObj(state))
        .map(([name]) => name),
    )
    const {StartAt} = scope.scope
    if (typeof StartAt !== 'string') {
      if (!isUnresolved(StartAt))
        emit('definition-shape', owner, childPath(path, 'StartAt'), `${where} has no StartAt naming its first state`)
      continue
    }

    if (!names.has(StartAt) && !isUnresolved(StartAt)) {
      emit(
        'unknown-state',
        owner,
        childPath(path, 'StartAt'),
        `StartAt names "${StartAt}", which is not a state of ${where}${suggestName(StartAt, names)}`,
      )
    }

    // Every transition out of each state; unknown targets reported, reachable ones walked.
    const edges = new Map<string, string[]>()
    let hasTerminal = false
    let unknownTarget = false
    for (const [name, state] of Object.entries(states)) {
      if (!isObj(state)) continue
      const statePath = childPath(childPath(path, 'States'), name)
      const targets: Array<[string, unknown]> = []
      if (state.Next !== undefined) targets.push([childPath(statePath, 'Next'), state.Next])
      if (state.Default !== undefined) targets.push([childPath(statePath, 'Default'), state.Default])
      if (Array.isArray(state.Choices)) {
        for (const [i, rule] of state.Choices.entries())
          if (isObj(rule) && rule.Next !== undefined)
            targets.push([childPath(childPath(childPath(statePath, 'Choices'), i), 'Next'), rule.Next])
      }

      for (const [i, catcher] of catchersOf(state).entries())
        if (catcher.Next !== undefined)
          targets.push([childPath(childPath(childPath(statePath, 'Catch'), i), 'Next'), catcher.Next])
      const out: string[] = []
      for (const [targetPath, target] of targets) {
        if (isUnresolved(target)) {
          unknownTarget = true
          continue
        }

        if (typeof target !== 'string') {
          emit(
            'field-value',
            name,
            targetPath,
            `${targetPath.split('.').pop()} must be a state name (a string), not ${describe(target)}`,
          )
          continue
        }

        if (names.has(target)) out.push(target)
        else
          emit(
            'unknown-state',
            name,
            targetPath,
            `"${name}" goes to "${target}", which is not a state of ${where}${suggestName(target, names)}`,
          )
      }

      edges.set(name, out)
      if (state.End === true || state.Type === 'Succeed' || state.Type === 'Fail') hasTerminal = true
    }

    if (!hasTerminal)
      emit(
        'no-terminal-state',
        owner,
        childPath(path, 'States'),
        `${where} has no terminal state (End: true, Succeed or Fail): it can never finish`,
      )
    if (unknownTarget || !names.has(StartAt)) continue
    const reached = new Set<string>([StartAt])
    const queue = [StartAt]
    while (queue.length > 0) {
      for (const next of edges.get(queue.shift()!) ?? []) {
        if (!reached.has(next)) {
          reached.add(next)
          queue.push(next)
        }
      }
    }

    for (const name of names) {
      if (!reached.has(name))
        emit(
          'unreachable-state',
          name,
          childPath(childPath(path, 'States'), name),
          `"${name}" cannot be reached from StartAt "${StartAt}"; Step Functions rejects unreachable states`,
        )
    }
  }
}

function suggestName(target: string, names: Set<string>): string {
  const lower = target.toLowerCase().replaceAll(/\s+/g, '')
  const close = [...names].find((n) => n.toLowerCase().replaceAll(/\s+/g, '') === lower)
  return close ? ` (did you mean "${close}"?)` : ''
}

function checkErrorEquals(
  list: unknown,
  name: string,
  path: string,
  kind: 'Catcher' | 'Retrier',
  last: boolean,
  emit: Emit,
): void {
  const listPath = childPath(path, 'ErrorEquals')
  if (isUnresolved(list)) return
  if (!Array.isArray(list) || list.length === 0) {
    emit('error-equals-empty', name, listPath, `${kind} needs ErrorEquals: a non-empty list of error names`)
    return
  }

  if (list.some((e) => typeof e !== 'string'))
    emit('error-equals-empty', name, listPath, 'ErrorEquals must hold error names (strings)')
  if (list.includes('States.ALL')) {
    if (list.length > 1)
      emit(
        'states-all-position',
        name,
        listPath,
        `States.ALL must be alone in its ErrorEquals, not with ${list.filter((e) => e !== 'States.ALL').join(', ')}`,
      )
    if (!last)
      emit(
        'states-all-position',
        name,
        listPath,
        `States.ALL must be in the last ${kind}: the ones after it can never match`,
      )
  }
}

function checkRetriers(state: Json, name: string, path: string, emit: Emit): void {
  if (state.Retry === undefined) return
  if (!Array.isArray(state.Retry)) {
    if (!isUnresolved(state.Retry))
      emit('retrier-value', name, childPath(path, 'Retry'), 'Retry must be a list of retriers')
    return
  }

  for (const [i, retrier] of state.Retry.entries()) {
    const p = childPath(childPath(path, 'Retry'), i)
    if (!isObj(retrier)) {
      emit('retrier-value', name, p, 'a retrier must be an object')
      continue
    }

    for (const key of Object.keys(retrier))
      if (!RETRIER_FIELDS.has(key)) emit('retrier-value', name, childPath(p, key), `"${key}" is not a retrier field`)
    checkErrorEquals(retrier.ErrorEquals, name, p, 'Retrier', i === state.Retry.length - 1, emit)
    const {BackoffRate, IntervalSeconds, JitterStrategy, MaxAttempts, MaxDelaySeconds} = retrier
    if (IntervalSeconds !== undefined && !intInRange(IntervalSeconds, 1, 99_999_999, false))
      emit(
        'retrier-value',
        name,
        childPath(p, 'IntervalSeconds'),
        `IntervalSeconds is ${describe(IntervalSeconds)}; it must be a whole number of seconds from 1 to 99999999`,
      )
    if (MaxAttempts !== undefined && !intInRange(MaxAttempts, 0, 99_999_999, false))
      emit(
        'retrier-value',
        name,
        childPath(p, 'MaxAttempts'),
        `MaxAttempts is ${describe(MaxAttempts)}; it must be a whole number from 0 to 99999999`,
      )
    if (
      BackoffRate !== undefined &&
      !isUnresolved(BackoffRate) &&
      !(typeof BackoffRate === 'number' && BackoffRate >= 1)
    )
      emit(
        'retrier-value',
        name,
        childPath(p, 'BackoffRate'),
        `BackoffRate is ${describe(BackoffRate)}; it must be a number ≥ 1.0`,
      )
    if (MaxDelaySeconds !== undefined && !intInRange(MaxDelaySeconds, 1, 31_622_400, false))
      emit(
        'retrier-value',
        name,
        childPath(p, 'MaxDelaySeconds'),
        `MaxDelaySeconds is ${describe(MaxDelaySeconds)}; it must be a whole number of seconds from 1 to 31622400`,
      )
    if (
      JitterStrategy !== undefined &&
      JitterStrategy !== 'FULL' &&
      JitterStrategy !== 'NONE' &&
      !isUnresolved(JitterStrategy)
    )
      emit(
        'retrier-value',
        name,
        childPath(p, 'JitterStrategy'),
        `JitterStrategy is ${describe(JitterStrategy)}; it must be "FULL" or "NONE"`,
      )
  }
}

function checkCatchers(state: Json, name: string, path: string, language: QueryLanguage, emit: Emit): void {
  if (state.Catch === undefined) return
  if (!Array.isArray(state.Catch)) {
    if (!isUnresolved(state.Catch))
      emit('catcher-shape', name, childPath(path, 'Catch'), 'Catch must be a list of catchers')
    return
  }

  for (const [i, catcher] of state.Catch.entries()) {
    const p = childPath(childPath(path, 'Catch'), i)
    if (!isObj(catcher)) {
      emit('catcher-shape', name, p, 'a catcher must be an object')
      continue
    }

    for (const key of Object.keys(catcher))
      if (!CATCHER_FIELDS.has(key)) emit('catcher-shape', name, childPath(p, key), `"${key}" is not a catcher field`)
    checkErrorEquals(catcher.ErrorEquals, name, p, 'Catcher', i === state.Catch.length - 1, emit)
    if (catcher.Next === undefined)
      emit('catcher-shape', name, childPath(p, 'Next'), 'a catcher needs Next: the state to go to when it matches')
    if (language === 'JSONata' && catcher.ResultPath !== undefined)
      emit(
        'query-language',
        name,
        childPath(p, 'ResultPath'),
        'ResultPath is a JSONPath field; in a JSONata state use Output (and $states.errorOutput)',
      )
    if (language === 'JSONPath' && catcher.Output !== undefined)
      emit(
        'query-language',
        name,
        childPath(p, 'Output'),
        'Output is a JSONata field; in a JSONPath state use ResultPath',
      )
  }
}

function checkChoiceRule(
  rule: unknown,
  name: string,
  path: string,
  top: boolean,
  language: QueryLanguage,
  emit: Emit,
): void {
  if (isUnresolved(rule)) return
  if (!isObj(rule)) {
    emit('choice-rule', name, path, 'a Choice rule must be an object')
    return
  }

  if (top && rule.Next === undefined)
    emit('choice-rule', name, childPath(path, 'Next'), 'a Choice rule needs Next: the state to go to when it matches')
  if (!top && rule.Next !== undefined)
    emit(
      'choice-rule',
      name,
      childPath(path, 'Next'),
      'Next is only allowed on a top-level Choice rule, not inside And/Or/Not',
    )
  if (language === 'JSONata') {
    if (rule.Condition === undefined)
      emit('choice-rule', name, childPath(path, 'Condition'), 'a JSONata Choice rule needs Condition ("{% … %}")')
    for (const key of Object.keys(rule)) {
      if (key === 'Variable' || key in CHOICE_OPERATORS)
        emit(
          'query-language',
          name,
          childPath(path, key),
          `"${key}" is a JSONPath Choice field; a JSONata rule uses Condition`,
        )
      else if (!['Assign', 'Comment', 'Condition', 'Next', 'Output'].includes(key))
        emit('choice-rule', name, childPath(path, key), `"${key}" is not a field of a Choice rule`)
    }

    return
  }

  const operators = Object.keys(rule).filter((k) => k in CHOICE_OPERATORS)
  for (const key of Object.keys(rule)) {
    if (key === 'Condition' || key === 'Output')
      emit(
        'query-language',
        name,
        childPath(path, key),
        `"${key}" is a JSONata field; a JSONPath Choice rule uses Variable and a comparison operator`,
      )
    else if (!(key in CHOICE_OPERATORS) && !['Assign', 'Comment', 'Next', 'Variable'].includes(key))
      emit('choice-rule', name, childPath(path, key), `"${key}" is not a comparison operator or field of a Choice rule`)
  }

  if (operators.length === 0) {
    emit(
      'choice-rule',
      name,
      path,
      'the Choice rule has no comparison operator (StringEquals, NumericGreaterThan, IsPresent, And, …)',
    )
    return
  }

  if (operators.length > 1) {
    emit(
      'choice-rule',
      name,
      path,
      `the Choice rule has ${operators.length} comparison operators (${operators.join(', ')}); use one, and combine with And/Or`,
    )
    return
  }

  const op = operators[0]!
  const kind = CHOICE_OPERATORS[op]!
  const operand = rule[op]
  const opPath = childPath(path, op)
  if (kind === 'rules' || kind === 'rule') {
    if (rule.Variable !== undefined)
      emit(
        'choice-rule',
        name,
        childPath(path, 'Variable'),
        `Variable is not used with ${op}; put it in each nested rule`,
      )
    if (kind === 'rules') {
      if (!Array.isArray(operand) || operand.length === 0) {
        if (!isUnresolved(operand)) emit('choice-rule', name, opPath, `${op} needs a non-empty list of rules`)
      } else
        for (const [i, nested] of operand.entries())
          checkChoiceRule(nested, name, childPath(opPath, i), false, language, emit)
    } else checkChoiceRule(operand, name, opPath, false, language, emit)
    return
  }

  if (rule.Variable === undefined)
    emit('choice-rule', name, childPath(path, 'Variable'), `${op} compares a Variable, which this rule lacks`)
  else if (typeof rule.Variable !== 'string' || (!rule.Variable.startsWith('$') && !isUnresolved(rule.Variable)))
    emit(
      'choice-rule',
      name,
      childPath(path, 'Variable'),
      `Variable is ${describe(rule.Variable)}; it must be a path starting with "$"`,
    )
  if (isUnresolved(operand)) return
  const ok =
    kind === 'boolean'
      ? typeof operand === 'boolean'
      : kind === 'number'
        ? typeof operand === 'number'
        : kind === 'path'
          ? typeof operand === 'string' && operand.startsWith('$')
          : kind === 'timestamp'
            ? typeof operand === 'string' &&
              /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(operand)
            : typeof operand === 'string'
  if (!ok) {
    const want = {
      boolean: 'true or false',
      number: 'a number',
      path: 'a path starting with "$"',
      string: 'a string',
      timestamp: 'an RFC 3339 timestamp with an upper-case T and Z (2026-01-31T09:00:00Z)',
    }[kind]
    emit('choice-rule', name, opPath, `${op} is ${describe(operand)}; it must be ${want}`)
  }
}

function checkMap(state: Json, name: string, path: string, emit: Emit): void {
  if (state.ItemProcessor !== undefined && state.Iterator !== undefined)
    emit(
      'map-config',
      name,
      childPath(path, 'Iterator'),
      'a Map has either ItemProcessor or the older Iterator, not both',
    )
  const processor = mapProcessor(state)
  const distributed = isDistributedMap(state)
  if (processor && isObj(processor.ProcessorConfig)) {
    const {ExecutionType, Mode} = processor.ProcessorConfig
    const p = childPath(childPath(path, isObj(state.ItemProcessor) ? 'ItemProcessor' : 'Iterator'), 'ProcessorConfig')
    if (Mode !== undefined && Mode !== 'INLINE' && Mode !== 'DISTRIBUTED' && !isUnresolved(Mode))
      emit('map-config', name, childPath(p, 'Mode'), `Mode is ${describe(Mode)}; it must be "INLINE" or "DISTRIBUTED"`)
    if (
      ExecutionType !== undefined &&
      ExecutionType !== 'STANDARD' &&
      ExecutionType !== 'EXPRESS' &&
      !isUnresolved(ExecutionType)
    )
      emit(
        'map-config',
        name,
        childPath(p, 'ExecutionType'),
        `ExecutionType is ${describe(ExecutionType)}; it must be "STANDARD" or "EXPRESS"`,
      )
    if (distributed && ExecutionType === undefined)
      emit(
        'map-config',
        name,
        childPath(p, 'ExecutionType'),
        'a distributed Map needs ExecutionType (STANDARD or EXPRESS) for its child executions',
      )
  }

  if (!distributed) {
    for (const key of ['ItemReader', 'ItemBatcher', 'ResultWriter', 'Label'])
      if (state[key] !== undefined)
        emit(
          'map-config',
          name,
          childPath(path, key),
          `${key} is only allowed on a distributed Map (ProcessorConfig.Mode "DISTRIBUTED")`,
        )
  }

  const {MaxConcurrency, ToleratedFailureCount, ToleratedFailurePercentage} = state
  if (MaxConcurrency !== undefined && !intInRange(MaxConcurrency, 0, Number.MAX_SAFE_INTEGER, true))
    emit(
      'map-config',
      name,
      childPath(path, 'MaxConcurrency'),
      `MaxConcurrency is ${describe(MaxConcurrency)}; it must be a whole number ≥ 0 (0 = no limit)`,
    )
  if (
    ToleratedFailurePercentage !== undefined &&
    !isUnresolved(ToleratedFailurePercentage) &&
    !isJsonata(ToleratedFailurePercentage) &&
    !(
      typeof ToleratedFailurePercentage === 'number' &&
      ToleratedFailurePercentage >= 0 &&
      ToleratedFailurePercentage <= 100
    )
  )
    emit(
      'map-config',
      name,
      childPath(path, 'ToleratedFailurePercentage'),
      `ToleratedFailurePercentage is ${describe(ToleratedFailurePercentage)}; it must be a number from 0 to 100`,
    )
  if (ToleratedFailureCount !== undefined && !intInRange(ToleratedFailureCount, 0, Number.MAX_SAFE_INTEGER, true))
    emit(
      'map-config',
      name,
      childPath(path, 'ToleratedFailureCount'),
      `ToleratedFailureCount is ${describe(ToleratedFailureCount)}; it must be a whole number ≥ 0`,
    )
  if (isObj(state.ItemBatcher)) {
    const b = state.ItemBatcher
    if (
      ['MaxItemsPerBatch', 'MaxItemsPerBatchPath', 'MaxInputBytesPerBatch', 'MaxInputBytesPerBatchPath'].every(
        (k) => b[k] === undefined,
      )
    )
      emit(
        'map-config',
        name,
        childPath(path, 'ItemBatcher'),
        'ItemBatcher needs MaxItemsPerBatch or MaxInputBytesPerBatch',
      )
  }

  if (isObj(state.ItemReader) && state.ItemReader.Resource === undefined)
    emit(
      'map-config',
      name,
      childPath(childPath(path, 'ItemReader'), 'Resource'),
      'ItemReader needs Resource (arn:aws:states:::s3:getObject or s3:listObjectsV2)',
    )
}

/** Intrinsic function names in a JSONPath `.$` value (text inside single quotes is data, not a call). */
function checkIntrinsics(value: unknown, name: string, path: string, emit: Emit): void {
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) checkIntrinsics(v, name, childPath(path, i), emit)
    return
  }

  if (!isObj(value)) return
  for (const [key, v] of Object.entries(value)) {
    const p = childPath(path, key)
    if (key.endsWith('.$') && typeof v === 'string') {
      const code = v.replaceAll(/'(?:[^'\\]|\\.)*'/g, "''")
      for (const m of code.matchAll(/\b(States\.[A-Za-z0-9]+)\s*\(/g)) {
        if (!INTRINSIC_FUNCTIONS.includes(m[1]!)) {
          const close = INTRINSIC_FUNCTIONS.find((f) => f.toLowerCase() === m[1]!.toLowerCase())
          emit(
            'intrinsic-function',
            name,
            p,
            `${m[1]} is not an intrinsic function${close ? ` (names are case-sensitive: ${close})` : ''}`,
          )
        }
      }
    } else checkIntrinsics(v, name, p, emit)
  }
}

function hasDollarKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some((v) => hasDollarKey(v))
  if (!isObj(value)) return false
  return Object.entries(value).some(([k, v]) => k.endsWith('.$') || hasDollarKey(v))
}

function checkState(
  state: Json,
  name: string,
  path: string,
  language: QueryLanguage,
  rootLanguage: QueryLanguage,
  emit: Emit,
): void {
  if ([...name].length > 80)
    emit(
      'field-value',
      name,
      path,
      `the state name is ${[...name].length} characters; Step Functions allows at most 80`,
    )
  const type = state.Type
  if (isUnresolved(type)) return
  if (typeof type !== 'string' || !STATE_TYPES.includes(type)) {
    emit(
      'state-shape',
      name,
      childPath(path, 'Type'),
      type === undefined
        ? 'the state has no Type'
        : `Type is ${describe(type)}; it must be one of ${STATE_TYPES.join(', ')}`,
    )
    return
  }

  const allowed = ALLOWED_FIELDS[type]!
  for (const key of Object.keys(state)) {
    if (!allowed.has(key))
      emit('field-not-allowed', name, childPath(path, key), `"${key}" is not allowed on a ${type} state`)
  }

  const lang = state.QueryLanguage
  if (lang !== undefined && lang !== 'JSONPath' && lang !== 'JSONata' && !isUnresolved(lang))
    emit(
      'field-value',
      name,
      childPath(path, 'QueryLanguage'),
      `QueryLanguage is ${describe(lang)}; it must be "JSONPath" or "JSONata"`,
    )
  if (rootLanguage === 'JSONata' && lang === 'JSONPath')
    emit(
      'query-language',
      name,
      childPath(path, 'QueryLanguage'),
      'a state machine whose top-level QueryLanguage is JSONata cannot have JSONPath states',
    )
  const other = language === 'JSONata' ? JSONPATH_ONLY : JSONATA_ONLY
  for (const key of other) {
    if (state[key] !== undefined && allowed.has(key))
      emit(
        'query-language',
        name,
        childPath(path, key),
        `${key} is a ${language === 'JSONata' ? 'JSONPath' : 'JSONata'} field; this state uses ${language}${language === 'JSONata' ? ' (use Arguments/Output/Items)' : ' (set "QueryLanguage": "JSONata" to use it)'}`,
      )
  }

  if (language === 'JSONata') {
    for (const key of ['Arguments', 'Output', 'Assign', 'ItemSelector'])
      if (hasDollarKey(state[key]))
        emit(
          'query-language',
          name,
          childPath(path, key),
          `${key} has keys ending in ".$", a JSONPath form; JSONata states write "{% … %}" values instead`,
        )
  } else {
    for (const key of ['Parameters', 'ResultSelector', 'ItemSelector', 'Assign'])
      checkIntrinsics(state[key], name, childPath(path, key), emit)
  }

  const isTerminalType = type === 'Choice' || type === 'Succeed' || type === 'Fail'
  if (!isTerminalType) {
    const hasNext = state.Next !== undefined
    const ends = state.End === true
    if (hasNext && ends) emit('next-or-end', name, path, 'the state has both Next and "End": true; keep one')
    else if (!hasNext && !ends && !isUnresolved(state.End))
      emit('next-or-end', name, path, 'the state has neither Next nor "End": true')
  }

  if (type === 'Task') {
    if (state.Resource === undefined)
      emit('state-shape', name, childPath(path, 'Resource'), 'a Task needs Resource (the ARN of what it runs)')
    else if (typeof state.Resource !== 'string' && !isUnresolved(state.Resource))
      emit('field-value', name, childPath(path, 'Resource'), 'Resource must be an ARN string')
    for (const [field, twin] of [
      ['TimeoutSeconds', 'TimeoutSecondsPath'],
      ['HeartbeatSeconds', 'HeartbeatSecondsPath'],
    ] as const) {
      if (state[field] !== undefined && state[twin] !== undefined)
        emit('field-value', name, childPath(path, twin), `give ${field} or ${twin}, not both`)
      if (state[field] !== undefined && !intInRange(state[field], 1, 99_999_999, language === 'JSONata'))
        emit(
          'field-value',
          name,
          childPath(path, field),
          `${field} is ${describe(state[field])}; it must be a positive whole number of seconds`,
        )
    }

    const {HeartbeatSeconds, TimeoutSeconds} = state
    if (
      typeof HeartbeatSeconds === 'number' &&
      typeof TimeoutSeconds === 'number' &&
      HeartbeatSeconds >= TimeoutSeconds
    )
      emit(
        'field-value',
        name,
        childPath(path, 'HeartbeatSeconds'),
        `HeartbeatSeconds (${HeartbeatSeconds}) must be smaller than TimeoutSeconds (${TimeoutSeconds})`,
      )
  }

  if (type === 'Choice') {
    if (!Array.isArray(state.Choices) || state.Choices.length === 0) {
      if (!isUnresolved(state.Choices))
        emit('state-shape', name, childPath(path, 'Choices'), 'a Choice state needs Choices: a non-empty list of rules')
    } else
      for (const [i, rule] of state.Choices.entries())
        checkChoiceRule(rule, name, childPath(childPath(path, 'Choices'), i), true, language, emit)
  }

  if (type === 'Wait') {
    const given = ['Seconds', 'SecondsPath', 'Timestamp', 'TimestampPath'].filter((k) => state[k] !== undefined)
    if (given.length !== 1)
      emit(
        'field-value',
        name,
        path,
        given.length === 0
          ? 'a Wait state needs one of Seconds, SecondsPath, Timestamp or TimestampPath'
          : `a Wait state takes one of ${given.join(', ')}, not several`,
      )
    if (state.Seconds !== undefined && !intInRange(state.Seconds, 0, 99_999_999, language === 'JSONata'))
      emit(
        'field-value',
        name,
        childPath(path, 'Seconds'),
        `Seconds is ${describe(state.Seconds)}; it must be a whole number ≥ 0`,
      )
  }

  if (type === 'Fail') {
    for (const [field, twin] of [
      ['Error', 'ErrorPath'],
      ['Cause', 'CausePath'],
    ] as const)
      if (state[field] !== undefined && state[twin] !== undefined)
        emit('field-value', name, childPath(path, twin), `give ${field} or ${twin}, not both`)
  }

  if (
    type === 'Parallel' &&
    (!Array.isArray(state.Branches) || state.Branches.length === 0) &&
    !isUnresolved(state.Branches)
  )
    emit(
      'state-shape',
      name,
      childPath(path, 'Branches'),
      'a Parallel state needs Branches: a non-empty list of {StartAt, States}',
    )
  if (type === 'Map') {
    if (!mapProcessor(state))
      emit(
        'state-shape',
        name,
        childPath(path, 'ItemProcessor'),
        'a Map state needs ItemProcessor (or the older Iterator): {StartAt, States}',
      )
    checkMap(state, name, path, emit)
  }

  if (ALLOWED_FIELDS[type]!.has('Retry')) {
    checkRetriers(state, name, path, emit)
    checkCatchers(state, name, path, language, emit)
  }
}

export function lintStructure(definition: Json): SfnFinding[] {
  const findings: SfnFinding[] = []
  const emit: Emit = (rule, state, path, message) =>
    findings.push({message, path, rule, severity: ruleInfo(rule).severity, state})
  checkRoot(definition, emit)
  checkScopes(definition, emit)
  const rootLanguage = definition.QueryLanguage === 'JSONata' ? 'JSONata' : 'JSONPath'
  for (const s of statesOf(definition)) checkState(s.state, s.name, s.path, s.queryLanguage, rootLanguage, emit)
  return findings
}

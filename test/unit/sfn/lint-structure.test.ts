/* eslint-disable no-template-curly-in-string -- `${…}` is the literal placeholder syntax of the templates under test */
import {describe, expect, it} from 'vitest'

import {oneTask, rulesOf, structure} from './helpers.js'

describe('lintStructure: transitions and scopes', () => {
  it("accepts the spec's Hello World and a Choice with a Default", () => {
    expect(
      structure({
        StartAt: 'Hello World',
        States: {
          'Hello World': {
            End: true,
            Resource: 'arn:aws:lambda:us-east-1:123456789012:function:HelloWorld',
            Type: 'Task',
          },
        },
      }),
    ).toEqual([])
    expect(
      structure({
        StartAt: 'Route',
        States: {
          Big: {Type: 'Succeed'},
          Route: {
            Choices: [{Next: 'Big', NumericGreaterThan: 100, Variable: '$.amount'}],
            Default: 'Small',
            Type: 'Choice',
          },
          Small: {Type: 'Succeed'},
        },
      }),
    ).toEqual([])
  })

  it('names a StartAt, Next, Default or catcher target that does not exist, with a close match', () => {
    const findings = structure({
      StartAt: 'load',
      States: {
        Load: {
          Catch: [{ErrorEquals: ['States.ALL'], Next: 'Alert'}],
          Next: 'Route',
          Resource: 'arn:aws:states:::glue:startJobRun.sync',
          Type: 'Task',
        },
        Route: {Choices: [{IsPresent: true, Next: 'Gone', Variable: '$.x'}], Default: 'Nowhere', Type: 'Choice'},
      },
    })
    const unknown = findings.filter((f) => f.rule === 'unknown-state')
    expect(unknown.map((f) => f.path)).toEqual([
      '$.StartAt',
      '$.States.Load.Catch[0].Next',
      '$.States.Route.Default',
      '$.States.Route.Choices[0].Next',
    ])
    expect(unknown[0]!.message).toContain('did you mean "Load"?')
    expect(rulesOf(findings)).toContain('no-terminal-state')
  })

  it('finds unreachable states and states that are not objects (QueryLanguage put inside States)', () => {
    const findings = structure({
      StartAt: 'A',
      States: {A: {End: true, Type: 'Pass'}, Orphan: {End: true, Type: 'Pass'}, QueryLanguage: 'JSONata'},
    })
    expect(findings.map((f) => [f.rule, f.state])).toEqual([
      ['state-shape', 'QueryLanguage'],
      ['unreachable-state', 'Orphan'],
    ])
    expect(findings[0]!.message).toContain('belongs at the top level')
  })

  it('checks Parallel branches and Map processors as their own scopes (no jumping out)', () => {
    const findings = structure({
      StartAt: 'Fan',
      States: {
        After: {Type: 'Succeed'},
        Each: {
          End: true,
          ItemProcessor: {StartAt: 'Item', States: {Item: {Next: 'After', Type: 'Pass'}}},
          Type: 'Map',
        },
        Fan: {
          Branches: [
            {StartAt: 'B1', States: {B1: {End: true, Type: 'Pass'}}},
            {StartAt: 'Nope', States: {B2: {Type: 'Pass'}}},
          ],
          Next: 'Each',
          Type: 'Parallel',
        },
      },
    })
    expect(findings.map((f) => [f.rule, f.path])).toEqual(
      expect.arrayContaining([
        ['unknown-state', '$.States.Fan.Branches[1].StartAt'],
        ['next-or-end', '$.States.Fan.Branches[1].States.B2'],
        ['unknown-state', '$.States.Each.ItemProcessor.States.Item.Next'],
        ['unreachable-state', '$.States.After'],
      ]),
    )
  })

  it('never calls an unresolved target unknown or a state unreachable because of it', () => {
    const findings = structure({
      StartAt: 'A',
      States: {A: {Next: '${NextState}', Type: 'Pass'}, B: {End: true, Type: 'Pass'}},
    })
    expect(findings).toEqual([])
  })
})

describe('lintStructure: fields per state type', () => {
  it('rejects Retry/Catch on Pass, Choice, Wait, Succeed and Fail, and End on Choice', () => {
    const retry = [{ErrorEquals: ['States.ALL']}]
    const findings = structure({
      StartAt: 'P',
      States: {
        C: {Catch: retry, Choices: [{BooleanEquals: true, Next: 'W', Variable: '$.ok'}], End: true, Type: 'Choice'},
        F: {Retry: retry, Type: 'Fail'},
        P: {Next: 'C', Retry: retry, Type: 'Pass'},
        S: {Retry: retry, Type: 'Succeed'},
        W: {Next: 'F', Retry: retry, Seconds: 5, Type: 'Wait'},
      },
    })
    const notAllowed = findings.filter((f) => f.rule === 'field-not-allowed').map((f) => f.path)
    expect(notAllowed).toEqual([
      '$.States.C.Catch',
      '$.States.C.End',
      '$.States.F.Retry',
      '$.States.P.Retry',
      '$.States.S.Retry',
      '$.States.W.Retry',
    ])
  })

  it('needs exactly one of Next and End, a Resource on a Task, one Wait field, and heartbeat < timeout', () => {
    const findings = structure({
      StartAt: 'T',
      States: {
        T: {End: true, HeartbeatSeconds: 60, Next: 'W', TimeoutSeconds: 60, Type: 'Task'},
        W: {End: true, Seconds: 1, Timestamp: '2026-01-01T00:00:00Z', Type: 'Wait'},
      },
    })
    expect(rulesOf(findings)).toEqual(['field-value', 'field-value', 'next-or-end', 'state-shape'])
  })

  it('checks Fail Error/ErrorPath pairs, type names and state name length', () => {
    const long = 'x'.repeat(81)
    const findings = structure({
      StartAt: long,
      States: {Bad: {Type: 'Lambda'}, [long]: {Error: 'E', ErrorPath: '$.e', Type: 'Fail'}},
    })
    expect(findings.map((f) => f.rule)).toEqual(expect.arrayContaining(['field-value', 'field-value', 'state-shape']))
  })
})

describe('lintStructure: Retry and Catch', () => {
  it('wants States.ALL alone and last, and ErrorEquals non-empty', () => {
    const findings = structure(
      oneTask({
        Catch: [{ErrorEquals: [], Next: 'Done'}],
        Retry: [{ErrorEquals: ['States.ALL', 'States.Timeout']}, {ErrorEquals: ['Custom']}],
      }),
    )
    expect(findings.map((f) => [f.rule, f.path])).toEqual([
      ['states-all-position', '$.States.Work.Retry[0].ErrorEquals'],
      ['states-all-position', '$.States.Work.Retry[0].ErrorEquals'],
      ['error-equals-empty', '$.States.Work.Catch[0].ErrorEquals'],
    ])
  })

  it('checks retrier ranges as the spec and AWS state them', () => {
    const findings = structure(
      oneTask({
        Retry: [
          {
            BackoffRate: 0.5,
            ErrorEquals: ['A'],
            IntervalSeconds: 0,
            JitterStrategy: 'RANDOM',
            MaxAttempts: -1,
            MaxDelaySeconds: 31_622_401,
          },
          {
            BackoffRate: 1,
            ErrorEquals: ['B'],
            IntervalSeconds: 1,
            JitterStrategy: 'FULL',
            MaxAttempts: 0,
            MaxDelaySeconds: 1,
            Timeout: 3,
          },
        ],
      }),
    )
    expect(findings.map((f) => f.path)).toEqual([
      '$.States.Work.Retry[0].IntervalSeconds',
      '$.States.Work.Retry[0].MaxAttempts',
      '$.States.Work.Retry[0].BackoffRate',
      '$.States.Work.Retry[0].MaxDelaySeconds',
      '$.States.Work.Retry[0].JitterStrategy',
      '$.States.Work.Retry[1].Timeout',
    ])
    expect(new Set(findings.map((f) => f.rule))).toEqual(new Set(['retrier-value']))
  })

  it('leaves unresolved retrier values alone', () => {
    expect(
      structure(oneTask({Retry: [{ErrorEquals: ['A'], IntervalSeconds: '${Interval}', MaxAttempts: '${Attempts}'}]})),
    ).toEqual([])
  })

  it('needs Next on a catcher and keeps ResultPath to JSONPath, Output to JSONata', () => {
    const findings = structure(oneTask({Catch: [{ErrorEquals: ['States.ALL'], Output: {}}]}))
    expect(rulesOf(findings)).toEqual(['catcher-shape', 'query-language'])
  })
})

const choice = (rule: unknown, language?: 'JSONata'): Record<string, unknown> => ({
  ...(language ? {QueryLanguage: language} : {}),
  StartAt: 'C',
  States: {C: {Choices: [rule], Default: 'D', Type: 'Choice'}, D: {Type: 'Succeed'}},
})

const map = (fields: Record<string, unknown>, config?: Record<string, unknown>): Record<string, unknown> => ({
  StartAt: 'M',
  States: {
    M: {
      End: true,
      ItemProcessor: {
        ProcessorConfig: config ?? {ExecutionType: 'STANDARD', Mode: 'DISTRIBUTED'},
        StartAt: 'I',
        States: {I: {End: true, Type: 'Pass'}},
      },
      Type: 'Map',
      ...fields,
    },
  },
})

describe('lintStructure: Choice rules', () => {
  it('accepts nested And/Not rules and the Is* operators', () => {
    expect(
      structure(
        choice({
          And: [
            {IsPresent: true, Variable: '$.a'},
            {Not: {StringEquals: 'x', Variable: '$.a'}},
            {TimestampGreaterThan: '2026-01-31T09:00:00Z', Variable: '$.t'},
          ],
          Next: 'D',
        }),
      ),
    ).toEqual([])
  })

  it('finds rules with no operator, two operators, wrong operand types, a nested Next and a missing Variable', () => {
    expect(rulesOf(structure(choice({Next: 'D', Variable: '$.a'})))).toEqual(['choice-rule'])
    expect(rulesOf(structure(choice({Next: 'D', NumericEquals: 1, StringEquals: 'a', Variable: '$.a'})))).toEqual([
      'choice-rule',
    ])
    expect(structure(choice({Next: 'D', NumericEquals: '1', Variable: '$.a'}))[0]!.message).toContain(
      'must be a number',
    )
    expect(structure(choice({Next: 'D', TimestampEquals: '2026-01-31 09:00', Variable: '$.t'}))[0]!.message).toContain(
      'RFC 3339',
    )
    expect(rulesOf(structure(choice({Next: 'D', Or: [{BooleanEquals: true, Next: 'D', Variable: '$.b'}]})))).toEqual([
      'choice-rule',
    ])
    expect(rulesOf(structure(choice({Next: 'D', StringEquals: 'a'})))).toEqual(['choice-rule'])
    expect(rulesOf(structure(choice({And: [], Next: 'D'})))).toEqual(['choice-rule'])
  })

  it('wants Condition in JSONata and no Variable there', () => {
    expect(structure(choice({Condition: '{% $states.input.ok %}', Next: 'D'}, 'JSONata'))).toEqual([])
    expect(rulesOf(structure(choice({Next: 'D', StringEquals: 'a', Variable: '$.a'}, 'JSONata')))).toEqual([
      'choice-rule',
      'query-language',
      'query-language',
    ])
  })
})

describe('lintStructure: Map', () => {
  it('accepts a distributed Map reading CSV from S3 in batches', () => {
    expect(
      structure(
        map({
          ItemBatcher: {MaxItemsPerBatch: 100},
          ItemReader: {
            Parameters: {Bucket: 'b', Key: 'k.csv'},
            ReaderConfig: {CSVHeaderLocation: 'FIRST_ROW', InputType: 'CSV'},
            Resource: 'arn:aws:states:::s3:getObject',
          },
          Label: 'rows',
          MaxConcurrency: 500,
          ResultWriter: {Parameters: {Bucket: 'b', Prefix: 'out'}, Resource: 'arn:aws:states:::s3:putObject'},
          ToleratedFailurePercentage: 5,
        }),
      ),
    ).toEqual([])
  })

  it('finds distributed-only fields on an inline Map, bad modes and ranges, an empty batcher', () => {
    const inline = structure(map({ItemReader: {Resource: 'arn:aws:states:::s3:getObject'}}, {Mode: 'INLINE'}))
    expect(inline.map((f) => f.path)).toEqual(['$.States.M.ItemReader'])
    const bad = structure(
      map({ItemBatcher: {BatchInput: {}}, MaxConcurrency: -1, ToleratedFailurePercentage: 150}, {Mode: 'DISTRIBUTED'}),
    )
    expect(bad.map((f) => f.rule)).toEqual(['map-config', 'map-config', 'map-config', 'map-config'])
    expect(structure(map({}, {ExecutionType: 'STANDARD', Mode: 'PARALLEL'}))[0]!.path).toBe(
      '$.States.M.ItemProcessor.ProcessorConfig.Mode',
    )
  })

  it('reads the older Iterator, but not both', () => {
    const processor = {StartAt: 'I', States: {I: {End: true, Type: 'Pass'}}}
    expect(structure({StartAt: 'M', States: {M: {End: true, Iterator: processor, Type: 'Map'}}})).toEqual([])
    expect(
      rulesOf(
        structure({StartAt: 'M', States: {M: {End: true, ItemProcessor: processor, Iterator: processor, Type: 'Map'}}}),
      ),
    ).toEqual(['map-config'])
  })
})

describe('lintStructure: query languages and intrinsic functions', () => {
  it('rejects JSONPath fields in JSONata states, JSONata fields in JSONPath states, and .$ keys in JSONata', () => {
    const findings = structure(
      oneTask({Arguments: {'Key.$': '$.k'}, Parameters: {}, QueryLanguage: 'JSONata', ResultPath: '$.r'}),
    )
    expect(findings.map((f) => f.path)).toEqual([
      '$.States.Work.Parameters',
      '$.States.Work.ResultPath',
      '$.States.Work.Arguments',
    ])
    expect(rulesOf(structure(oneTask({Output: '{% $states.result %}'})))).toEqual(['query-language'])
  })

  it('rejects a JSONPath state under a JSONata top level', () => {
    expect(rulesOf(structure(oneTask({QueryLanguage: 'JSONPath'}, {QueryLanguage: 'JSONata'})))).toEqual([
      'query-language',
    ])
  })

  it('knows the 18 intrinsic functions and is case-sensitive; quoted text is data', () => {
    expect(
      structure(
        oneTask({
          Parameters: {
            'id.$': 'States.UUID()',
            'msg.$': "States.Format('States.Nope({}) is text', $.x)",
            'parts.$': 'States.ArrayPartition(States.ArrayRange(1, 9, 1), 2)',
          },
        }),
      ),
    ).toEqual([])
    const findings = structure(oneTask({Parameters: {'a.$': 'States.format($.x)', 'b.$': 'States.JsonParse($.s)'}}))
    expect(findings.map((f) => f.message)).toEqual([
      'States.format is not an intrinsic function (names are case-sensitive: States.Format)',
      'States.JsonParse is not an intrinsic function',
    ])
  })
})

import {describe, expect, it} from 'vitest'

import {readJsonPath, targetInput} from '../../../src/lib/events/input-transformer.js'

/** An EC2-style event written for these tests, with the fields the user guide's examples use. */
const EVENT = {
  account: '123456789012',
  detail: {'instance-id': 'i-0123456789', state: 'RUNNING', tags: ['a', 'b']},
  'detail-type': 'EC2 Instance State-change Notification',
  id: '7bf73129-0000-4cd3-a780-95db273d1602',
  region: 'us-east-1',
  resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789'],
  source: 'aws.ec2',
  time: '2026-11-11T21:29:54Z',
  version: '0',
}
const RULE = {arn: 'arn:aws:events:us-east-1:123456789012:rule/example', name: 'example'}
const PATHS = {instance: '$.detail.instance-id', state: '$.detail.state'}

const transform = (inputTemplate: string, inputPathsMap: Record<string, string> = PATHS) =>
  targetInput(EVENT, {inputTransformer: {inputPathsMap, inputTemplate}}, RULE)

describe('readJsonPath', () => {
  it('reads dot notation with dashes, array indices and wildcards; absent paths are undefined', () => {
    expect(readJsonPath(EVENT, '$.detail.instance-id')).toBe('i-0123456789')
    expect(readJsonPath(EVENT, '$.resources[0]')).toBe(EVENT.resources[0])
    expect(readJsonPath(EVENT, '$.detail.tags[*]')).toEqual(['a', 'b'])
    expect(readJsonPath(EVENT, '$.detail.missing')).toBeUndefined()
    expect(readJsonPath(EVENT, '$.resources[3]')).toBeUndefined()
    expect(readJsonPath(EVENT, '$')).toBe(EVENT)
  })
})

describe('targetInput', () => {
  it('puts values as JSON outside quotes and as text inside quotes (JSON templates)', () => {
    const r = transform('{"instance": <instance>, "state": "<state>", "status": "instance <instance> is in <state>"}')
    expect(JSON.parse(r.text)).toEqual({
      instance: 'i-0123456789',
      state: 'RUNNING',
      status: 'instance i-0123456789 is in RUNNING',
    })
    expect(r).toMatchObject({kind: 'transformer', validJson: true, warnings: []})
  })

  it('keeps static values and arrays, and fills the reserved variables', () => {
    const r = transform(
      '{"state": [9, <state>, true], "rule": <aws.events.rule-name>, "arn": "<aws.events.rule-arn>", "event": <aws.events.event>}',
    )
    const out = JSON.parse(r.text) as {arn: string; event: Record<string, unknown>; rule: string; state: unknown[]}
    expect(out.state).toEqual([9, 'RUNNING', true])
    expect(out.rule).toBe('example')
    expect(out.arn).toBe(RULE.arn)
    expect(out.event).not.toHaveProperty('detail')
    expect(out.event.source).toBe('aws.ec2')
  })

  it('fills a string template with text', () => {
    expect(transform('"instance <instance> is in <state>"').text).toBe('"instance i-0123456789 is in RUNNING"')
    expect(transform('<instance> is in state <state>').text).toBe('i-0123456789 is in state RUNNING')
  })

  it('warns when a value inside quotes breaks the JSON (EventBridge does not escape it)', () => {
    const event = {...EVENT, detail: {...EVENT.detail, state: 'say "hi"'}}
    const r = targetInput(event, {inputTransformer: {inputPathsMap: PATHS, inputTemplate: '{"s": "<state>"}'}}, RULE)
    expect(r.validJson).toBe(false)
    expect(r.warnings.join(' ')).toContain('does not escape it')
  })

  it('says which variable has no value in this event and which placeholder is not defined', () => {
    const r = transform('{"k": "<key>", "x": "<other>"}', {key: '$.detail.object.key'})
    expect(r.warnings).toEqual([
      '<key>: $.detail.object.key is not in this event, so EventBridge creates no variable',
      '<other> is not defined in InputPathsMap: EventBridge leaves the text as it is',
    ])
  })

  it('passes the whole event, a constant Input or the InputPath selection', () => {
    expect(JSON.parse(targetInput(EVENT, {}, RULE).text)).toEqual(EVENT)
    expect(targetInput(EVENT, {input: '{"fixed":1}'}, RULE)).toMatchObject({
      kind: 'constant',
      text: '{"fixed":1}',
      validJson: true,
    })
    expect(targetInput(EVENT, {inputPath: '$.detail'}, RULE).text).toBe(JSON.stringify(EVENT.detail))
    expect(targetInput(EVENT, {inputPath: '$.nope'}, RULE).warnings).toEqual(['InputPath $.nope is not in this event'])
  })
})

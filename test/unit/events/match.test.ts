/**
 * The matcher against EventBridge's documented rules, one table per operator. Every case is ours,
 * written from the rules (EventBridge user guide "Event patterns", "Comparison operators",
 * "Matching null values and empty strings", "Arrays"; aws/event-ruler README) and from what AWS's
 * TestEventPattern answers (recorded; see docs/events-test-pattern.md).
 */
import {describe, expect, it} from 'vitest'

import {compilePattern, type JsonValue} from '../../../src/lib/events/compile-pattern.js'
import {explainNode, nodeMatches} from '../../../src/lib/events/match.js'

type Case = [name: string, pattern: JsonValue, event: {[key: string]: unknown}, matches: boolean]

function verdict(pattern: JsonValue, event: {[key: string]: unknown}): boolean {
  return nodeMatches(compilePattern(pattern).root, event)
}

const upload = {
  account: '210987654321',
  detail: {
    bucket: {name: 'raw-landing'},
    object: {etag: 'd41d8cd98f00b204e9800998ecf8427e', key: 'orders/2026/12/07/batch-7.csv', size: 2048},
    reason: 'PutObject',
    'source-ip-address': '192.0.2.44',
    tags: ['finance', 'daily'],
  },
  'detail-type': 'Object Created',
  region: 'eu-central-1',
  resources: ['arn:aws:s3:::raw-landing'],
  source: 'aws.s3',
}

const tables: Record<string, Case[]> = {
  $or: [
    ['one alternative matches', {$or: [{source: ['aws.ec2']}, {region: ['eu-central-1']}]}, upload, true],
    ['no alternative matches', {$or: [{source: ['aws.ec2']}, {region: ['us-east-1']}]}, upload, false],
    [
      '$or alongside fields (AND)',
      {$or: [{source: ['aws.ec2']}, {region: ['eu-central-1']}], account: ['000000000000']},
      upload,
      false,
    ],
    [
      '$or nested in a field',
      {detail: {$or: [{reason: ['CopyObject']}, {object: {size: [{numeric: ['>', 1000]}]}}]}},
      upload,
      true,
    ],
    [
      'an alternative with two fields needs both',
      {$or: [{region: ['us-east-1'], source: ['aws.s3']}, {account: ['1']}]},
      upload,
      false,
    ],
    ['$or with one element is a field named "$or"', {$or: {a: ['b']}}, {$or: {a: 'b'}}, true],
  ],
  'anything-but': [
    ['a single string', {detail: {reason: [{'anything-but': 'CopyObject'}]}}, upload, true],
    ['the excluded string', {detail: {reason: [{'anything-but': 'PutObject'}]}}, upload, false],
    ['a list of strings', {detail: {reason: [{'anything-but': ['CopyObject', 'PutObject']}]}}, upload, false],
    ['a list of numbers', {detail: {object: {size: [{'anything-but': [1, 2048]}]}}}, upload, false],
    ['a number pattern excludes numbers, not strings', {v: [{'anything-but': 5}]}, {v: '5'}, true],
    ['a missing field never matches anything-but', {v: [{'anything-but': 'x'}]}, {}, false],
    ['explicit null matches anything-but', {v: [{'anything-but': 'x'}]}, {v: null}, true],
    ['any element of an array not excluded', {v: [{'anything-but': 'a'}]}, {v: ['a', 'b']}, true],
    ['every element excluded', {v: [{'anything-but': ['a', 'b']}]}, {v: ['a', 'b']}, false],
    ['prefix', {detail: {object: {key: [{'anything-but': {prefix: 'tmp/'}}]}}}, upload, true],
    ['prefix excluded', {detail: {object: {key: [{'anything-but': {prefix: 'orders/'}}]}}}, upload, false],
    ['a prefix list', {v: [{'anything-but': {prefix: ['a', 'b']}}]}, {v: 'bx'}, false],
    ['prefix on a number: matches', {v: [{'anything-but': {prefix: '1'}}]}, {v: 12}, true],
    ['suffix', {detail: {object: {key: [{'anything-but': {suffix: '.tmp'}}]}}}, upload, true],
    ['suffix excluded', {detail: {object: {key: [{'anything-but': {suffix: '.csv'}}]}}}, upload, false],
    [
      'equals-ignore-case excluded',
      {v: [{'anything-but': {'equals-ignore-case': ['STOPPED']}}]},
      {v: 'stopped'},
      false,
    ],
    [
      'equals-ignore-case other value',
      {v: [{'anything-but': {'equals-ignore-case': 'STOPPED'}}]},
      {v: 'running'},
      true,
    ],
    ['wildcard excluded', {v: [{'anything-but': {wildcard: '*/lib/*'}}]}, {v: 'src/lib/x.js'}, false],
    ['wildcard other value', {v: [{'anything-but': {wildcard: '*/lib/*'}}]}, {v: 'src/app/x.js'}, true],
    ['wildcard on a number: matches', {v: [{'anything-but': {wildcard: '*'}}]}, {v: 7}, true],
  ],
  'arrays in events': [
    ['any element of an event array', {detail: {tags: ['daily']}}, upload, true],
    ['no element matches', {detail: {tags: ['weekly']}}, upload, false],
    ['nested arrays are flattened', {v: ['c']}, {v: [['a'], ['b', ['c']]]}, true],
    [
      'objects inside an array: one element holds the field',
      {items: {id: ['b']}},
      {items: [{id: 'a'}, {id: 'b'}]},
      true,
    ],
    [
      'array consistency: two fields from two elements do not match',
      {people: {first: ['Ana'], last: ['Diaz']}},
      {
        people: [
          {first: 'Ana', last: 'Silva'},
          {first: 'Rui', last: 'Diaz'},
        ],
      },
      false,
    ],
    [
      'array consistency: both fields in one element',
      {people: {first: ['Rui'], last: ['Diaz']}},
      {
        people: [
          {first: 'Ana', last: 'Silva'},
          {first: 'Rui', last: 'Diaz'},
        ],
      },
      true,
    ],
    ['an object where a leaf is asked for', {detail: {bucket: ['raw-landing']}}, upload, false],
    ['a JSON string is not parsed as an object', {detail: {k: ['v']}}, {detail: '{"k": "v"}'}, false],
  ],
  cidr: [
    ['IPv4 in the block', {detail: {'source-ip-address': [{cidr: '192.0.2.0/24'}]}}, upload, true],
    ['IPv4 outside the block', {detail: {'source-ip-address': [{cidr: '198.51.100.0/24'}]}}, upload, false],
    ['host bits in the block are ignored', {ip: [{cidr: '10.1.2.3/8'}]}, {ip: '10.200.0.1'}, true],
    ['IPv6 in the block', {ip: [{cidr: '2001:db8:1234:1a00::/64'}]}, {ip: '2001:db8:1234:1a00::9'}, true],
    ['IPv6 outside the block', {ip: [{cidr: '2001:db8:1234:1a00::/64'}]}, {ip: '2001:db8:1234:1b00::9'}, false],
    ['IPv4 address against an IPv6 block', {ip: [{cidr: '::/0'}]}, {ip: '10.0.0.1'}, false],
    ['a number is not an address', {ip: [{cidr: '10.0.0.0/8'}]}, {ip: 10}, false],
    ['text is not an address', {ip: [{cidr: '10.0.0.0/8'}]}, {ip: '10.0.0.x'}, false],
  ],
  'dotted keys': [
    ['a dotted key in the event is nested keys', {d: {s: {t: ['on']}}}, {d: {'s.t': 'on'}}, true],
    ['a dotted key in the pattern is nested keys', {d: {'s.t': ['on']}}, {d: {s: {t: 'on'}}}, true],
    ['an object under a dotted key is one level deeper', {d: {s: {t: ['on']}}}, {d: {'s.t': {t: 'on'}}}, false],
  ],
  'equals-ignore-case': [
    ['same letters, other case', {source: [{'equals-ignore-case': 'AWS.S3'}]}, upload, true],
    ['other letters', {source: [{'equals-ignore-case': 'aws.s4'}]}, upload, false],
    ['not a prefix match', {source: [{'equals-ignore-case': 'AWS'}]}, upload, false],
  ],
  'exact values, arrays as OR, AND across fields': [
    ['one exact value', {source: ['aws.s3']}, upload, true],
    ['any value of the list', {source: ['aws.ec2', 'aws.s3']}, upload, true],
    ['case-sensitive strings', {source: ['AWS.S3']}, upload, false],
    ['every field must match', {'detail-type': ['Object Created'], source: ['aws.sqs']}, upload, false],
    ['nested fields', {detail: {bucket: {name: ['raw-landing']}}}, upload, true],
    ['nested field with the wrong value', {detail: {bucket: {name: ['raw-landing-2']}}}, upload, false],
    ['a field the event lacks', {detail: {bucket: {arn: ['x']}}}, upload, false],
    ['fields the pattern does not name are ignored', {region: ['eu-central-1']}, upload, true],
    ['field names are case-sensitive', {Source: ['aws.s3']}, upload, false],
    ['an empty pattern matches every event', {}, upload, true],
  ],
  exists: [
    ['exists true on a value', {detail: {reason: [{exists: true}]}}, upload, true],
    ['exists true on a missing field', {detail: {restore: [{exists: true}]}}, upload, false],
    ['exists false on a missing field', {detail: {restore: [{exists: false}]}}, upload, true],
    ['exists false on a value', {detail: {reason: [{exists: false}]}}, upload, false],
    ['exists true on null: null is a value', {v: [{exists: true}]}, {v: null}, true],
    ['exists true on an object: not a leaf', {detail: {bucket: [{exists: true}]}}, upload, false],
    ['exists false on an object: not a leaf', {detail: {bucket: [{exists: false}]}}, upload, true],
    ['exists true on an empty array', {resources: [{exists: true}]}, {resources: []}, false],
    ['exists false on an empty array', {resources: [{exists: false}]}, {resources: []}, true],
    ['exists true on an array of values', {resources: [{exists: true}]}, upload, true],
    ['exists false under a missing parent', {a: {b: {c: [{exists: false}]}}}, upload, true],
    ['exists false OR anything-but', {v: [{'anything-but': 'x'}, {exists: false}]}, {}, true],
  ],
  'null and empty strings': [
    ['null matches null', {v: [null]}, {v: null}, true],
    ['null does not match a missing field', {v: [null]}, {}, false],
    ['null does not match an empty string', {v: [null]}, {v: ''}, false],
    ['"" matches ""', {v: ['']}, {v: ''}, true],
    ['"" does not match null', {v: ['']}, {v: null}, false],
    ['null does not match an empty array', {v: [null]}, {v: []}, false],
  ],
  'numbers and strings are different types': [
    ['number equals number', {detail: {object: {size: [2048]}}}, upload, true],
    ['a string pattern never equals a number', {detail: {object: {size: ['2048']}}}, upload, false],
    ['a number pattern never equals a string', {n: [5]}, {n: '5'}, false],
    ['300.0 in the event equals 300 in the pattern', {n: [300]}, {n: 300}, true],
    ['true is not "true"', {flag: [true]}, {flag: 'true'}, false],
    ['booleans match booleans', {flag: [false]}, {flag: false}, true],
  ],
  numeric: [
    ['greater than', {detail: {object: {size: [{numeric: ['>', 1024]}]}}}, upload, true],
    ['range', {detail: {object: {size: [{numeric: ['>=', 2048, '<', 4096]}]}}}, upload, true],
    ['outside the range', {detail: {object: {size: [{numeric: ['>', 0, '<=', 1024]}]}}}, upload, false],
    ['equals', {n: [{numeric: ['=', 3.5]}]}, {n: 3.5}, true],
    ['a bound is exclusive with <', {n: [{numeric: ['<', 10]}]}, {n: 10}, false],
    ['a bound is inclusive with <=', {n: [{numeric: ['<=', 10]}]}, {n: 10}, true],
    ['101.0 is greater than 100', {n: [{numeric: ['>', 100]}]}, {n: 101}, true],
    ['a numeric string is not a number', {n: [{numeric: ['>', 1]}]}, {n: '300'}, false],
    ['null is not a number', {n: [{numeric: ['>', 1]}]}, {n: null}, false],
  ],
  prefix: [
    ['prefix', {detail: {object: {key: [{prefix: 'orders/'}]}}}, upload, true],
    ['the prefix without its slash still matches', {detail: {object: {key: [{prefix: 'orders'}]}}}, upload, true],
    ['another prefix', {detail: {object: {key: [{prefix: 'returns/'}]}}}, upload, false],
    ['prefix is case-sensitive', {detail: {object: {key: [{prefix: 'Orders/'}]}}}, upload, false],
    ['prefix ignoring case', {detail: {object: {key: [{prefix: {'equals-ignore-case': 'ORDERS/'}}]}}}, upload, true],
    ['the empty prefix matches any string', {v: [{prefix: ''}]}, {v: 'x'}, true],
    ['prefix never matches a number', {v: [{prefix: '20'}]}, {v: 2048}, false],
  ],
  suffix: [
    ['suffix', {detail: {object: {key: [{suffix: '.csv'}]}}}, upload, true],
    ['another suffix', {detail: {object: {key: [{suffix: '.parquet'}]}}}, upload, false],
    ['suffix ignoring case', {detail: {object: {key: [{suffix: {'equals-ignore-case': '.CSV'}}]}}}, upload, true],
    ['suffix is case-sensitive', {detail: {object: {key: [{suffix: '.CSV'}]}}}, upload, false],
  ],
  wildcard: [
    ['star in the middle', {detail: {object: {key: [{wildcard: 'orders/*/batch-*.csv'}]}}}, upload, true],
    ['star matches across slashes', {detail: {object: {key: [{wildcard: 'orders*csv'}]}}}, upload, true],
    ['no match', {detail: {object: {key: [{wildcard: 'orders/*.json'}]}}}, upload, false],
    ['an escaped star is a star', {v: [{wildcard: String.raw`a\*b`}]}, {v: 'a*b'}, true],
    ['an escaped star does not match other characters', {v: [{wildcard: String.raw`a\*b`}]}, {v: 'axb'}, false],
    ['an escaped backslash is a backslash', {v: [{wildcard: String.raw`a\\*`}]}, {v: String.raw`a\zz`}, true],
    ['the empty wildcard matches only ""', {v: [{wildcard: ''}]}, {v: 'x'}, false],
    ['wildcard never matches a number', {v: [{wildcard: '*'}]}, {v: 1}, false],
    ['regex characters are literal', {v: [{wildcard: 'a.c*'}]}, {v: 'abcd'}, false],
  ],
}

describe('event pattern matching', () => {
  for (const [operator, cases] of Object.entries(tables)) {
    describe(operator, () => {
      it.each(cases)('%s', (_name, pattern, event, matches) => {
        expect(verdict(pattern, event)).toBe(matches)
      })
    })
  }

  it('counts at least 30 non-matching cases', () => {
    const negative = Object.values(tables)
      .flat()
      .filter((c) => !c[3])
    expect(negative.length).toBeGreaterThanOrEqual(30)
  })
})

describe('explanation', () => {
  it('names every field with the pattern, the event value and the verdict', () => {
    const pattern = compilePattern({
      detail: {bucket: {name: ['raw-landing']}, object: {key: [{prefix: 'orders'}], size: [{numeric: ['>', 4096]}]}},
      source: ['aws.s3'],
    })
    expect(explainNode(pattern.root, upload)).toEqual([
      {field: 'detail.bucket.name', ok: true, pattern: ['raw-landing'], value: 'raw-landing'},
      {field: 'detail.object.key', ok: true, pattern: [{prefix: 'orders'}], value: 'orders/2026/12/07/batch-7.csv'},
      {field: 'detail.object.size', ok: false, pattern: [{numeric: ['>', 4096]}], value: 2048},
      {field: 'source', ok: true, pattern: ['aws.s3'], value: 'aws.s3'},
    ])
  })

  it('leaves out the value of a missing field and names $or branches', () => {
    const pattern = compilePattern({$or: [{detail: {restore: ['x']}}, {source: ['aws.s3']}]})
    expect(explainNode(pattern.root, upload)).toEqual([
      {branch: '$or[0]', field: 'detail.restore', ok: false, pattern: ['x']},
      {branch: '$or[1]', field: 'source', ok: true, pattern: ['aws.s3'], value: 'aws.s3'},
    ])
  })

  it('explains the array element that matched', () => {
    const pattern = compilePattern({items: {id: ['b'], n: [2]}})
    const entries = explainNode(pattern.root, {
      items: [
        {id: 'a', n: 1},
        {id: 'b', n: 2},
      ],
    })
    expect(entries.map((e) => [e.field, e.value, e.ok])).toEqual([
      ['items.id', 'b', true],
      ['items.n', 2, true],
    ])
  })
})

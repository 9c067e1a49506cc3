import {describe, expect, it} from 'vitest'

import {nearestCommands} from '../../../src/hooks/command-not-found.js'

const config = {
  commandIDs: ['kinesis:hot-shards', 'kinesis:reshard', 'kinesis:where-is', 'glue:partition-sync', 'doctor', 'sandbox'],
  topics: [{name: 'kinesis'}, {name: 'glue'}],
} as unknown as Parameters<typeof nearestCommands>[1]

describe('nearestCommands', () => {
  it('suggests the nearest commands in the space form users type', () => {
    expect(nearestCommands('kinesis hotshards', config)).toEqual(['kinesis hot-shards'])
    expect(nearestCommands('kinesis reshards', config)[0]).toBe('kinesis reshard')
    expect(nearestCommands('docter', config)).toEqual(['doctor'])
    expect(nearestCommands('glu', config)).toEqual(['glue'])
    expect(nearestCommands('frobnicate', config)).toEqual([])
  })
})

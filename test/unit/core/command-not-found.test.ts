import {describe, expect, it} from 'vitest'

import {commandPrefix, nearestCommands} from '../../../src/hooks/command-not-found.js'

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

describe('commandPrefix', () => {
  const ids = {commandIDs: ['s3:lifecycle:lint', 'kinesis:hot-shards']}

  it('finds the command that an unexpected argument follows', () => {
    expect(commandPrefix('s3 lifecycle lint t.yaml', ids)).toBe('s3 lifecycle lint')
    expect(commandPrefix('kinesis hot-shards a b', ids)).toBe('kinesis hot-shards')
  })

  it('finds none for a mistyped command', () => {
    expect(commandPrefix('kinesis hotshards', ids)).toBeUndefined()
    expect(commandPrefix('s3 lifecycle', ids)).toBeUndefined()
  })
})

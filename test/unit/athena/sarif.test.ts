import {describe, expect, it} from 'vitest'

import {lintSchema} from '../../../src/lib/athena/lint.js'
import {RULES} from '../../../src/lib/athena/rules.js'
import {toSarif} from '../../../src/lib/athena/sarif.js'
import {ALL, col, schema, table} from './helpers.js'

interface Result {
  level: string
  locations: Array<{logicalLocations: Array<{fullyQualifiedName: string}>; physicalLocation?: unknown}>
  ruleId: string
  ruleIndex: number
}

describe('toSarif', () => {
  it('gives logical locations with nested paths, and every rule in the driver', () => {
    const t = table([col('items', 'array<struct<`Sku`:string>>')], {database: 'shop', table: 'orders'})
    const sarif = toSarif(lintSchema(schema(t), ALL).findings, '1.2.3') as unknown as {
      runs: Array<{
        results: Result[]
        tool: {driver: {rules: Array<{defaultConfiguration: {level: string}; id: string}>; version: string}}
      }>
    }
    const run = sarif.runs[0]!
    expect(run.tool.driver.version).toBe('1.2.3')
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual(RULES.map((r) => r.id))
    expect(run.results).toHaveLength(1)
    const [r] = run.results
    expect(r).toMatchObject({
      level: 'warning',
      ruleId: 'upper-case',
      ruleIndex: RULES.findIndex((x) => x.id === 'upper-case'),
    })
    expect(r!.locations[0]!.logicalLocations[0]!.fullyQualifiedName).toBe('shop.orders.items[].Sku')
    expect(r!.locations[0]!.physicalLocation).toBeUndefined()
  })
})

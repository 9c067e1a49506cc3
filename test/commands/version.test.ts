import {describe, expect, it} from 'vitest'

import {resultOf, runJson, runText} from '../helpers/run.js'

describe('pipeops version', () => {
  it('prints the versions in one line', async () => {
    const run = await runText(['version'])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/^pipeops \d+\.\d+\.\d+ \(node v\d+\.\d+\.\d+, \w+-\w+\)\n$/)
  })

  it('returns them in the envelope under --json', async () => {
    const info = resultOf(await runJson<{node: string; pipeops: string}>(['version']))
    expect(info.node).toBe(process.version)
    expect(info.pipeops).toMatch(/^\d+\.\d+\.\d+/)
  })

  it('prints only the selected value with --query (implies --json)', async () => {
    const run = await runText(['version', '--query', 'node'])
    expect(run.exitCode).toBe(0)
    expect(JSON.parse(run.stdout)).toBe(process.version)
  })

  it('refuses an invalid --query with exit 2 and one error envelope', async () => {
    const run = await runText(['version', '--query', 'node['])
    expect(run.exitCode).toBe(2)
    const envelope = JSON.parse(run.stdout) as {error: {code: string}; status: string}
    expect(envelope.status).toBe('error')
    expect(envelope.error.code).toBe('InvalidQuery')
  })

  it('refuses AWS flags it would ignore', async () => {
    const run = await runJson(['version', '--region', 'eu-west-1'])
    expect(run.exitCode).toBe(2)
  })
})

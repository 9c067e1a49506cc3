import {
  AthenaClient,
  BatchGetQueryExecutionCommand,
  GetQueryExecutionCommand,
  ListQueryExecutionsCommand,
  type QueryExecution,
} from '@aws-sdk/client-athena'
import {mockClient} from 'aws-sdk-client-mock'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {Readable} from 'node:stream'
import {afterAll, beforeEach, describe, expect, it} from 'vitest'

import AthenaExplainError, {type ExplainResult} from '../../../src/commands/athena/explain-error.js'
import {useTestAwsEnv} from '../../helpers/aws-env.js'
import {expectCallsDeclared} from '../../helpers/iam.js'
import {errorOf, resultOf, runJson, runText} from '../../helpers/run.js'

const athena = mockClient(AthenaClient)
const dir = mkdtempSync(path.join(tmpdir(), 'pipeops-athena-explain-'))
afterAll(() => rmSync(dir, {force: true, recursive: true}))

const DUP = 'HIVE_CURSOR_ERROR: Row is not a valid JSON Object - JSONException: Duplicate key "url"'

const failed = (id: string, reason: string, extra: Partial<QueryExecution> = {}): QueryExecution => ({
  Query: 'SELECT * FROM events',
  QueryExecutionId: id,
  Status: {
    AthenaError: {ErrorCategory: 2, ErrorType: 1301, Retryable: false},
    State: 'FAILED',
    StateChangeReason: reason,
    SubmissionDateTime: new Date('2026-11-20T10:00:00Z'),
  },
  WorkGroup: 'analysts',
  ...extra,
})

async function withStdin<T>(text: string, fn: () => Promise<T>): Promise<T> {
  const original = Object.getOwnPropertyDescriptor(process, 'stdin')!
  Object.defineProperty(process, 'stdin', {
    configurable: true,
    value: Object.assign(Readable.from([Buffer.from(text)]), {isTTY: false}),
  })
  try {
    return await fn()
  } finally {
    Object.defineProperty(process, 'stdin', original)
  }
}

describe('athena explain-error', () => {
  useTestAwsEnv()

  beforeEach(() => athena.reset())

  it('explains a message given as an argument', async () => {
    const run = await runJson<ExplainResult>(['athena', 'explain-error', DUP])
    expect(run.exitCode).toBe(0)
    const result = resultOf(run)
    expect(result.mode).toBe('message')
    if (result.mode !== 'message') return
    expect(result.explanation.known).toBe(true)
    expect(result.explanation.match).toMatchObject({id: 'json-duplicate-key', rules: ['duplicate-name']})
    expect(result.explanation.match?.fix).toMatch(/case.insensitive/)
  })

  it('prints cause, fix and the lint rule for people', async () => {
    const run = await runText([
      'athena',
      'explain-error',
      "FAILED: ParseException line 1:8 missing EOF at '-' near 'glue'",
    ])
    expect(run.stdout).toMatch(/DDL parse error at a hyphen/)
    expect(run.stdout).toMatch(/Fix\s+Enclose the name in backticks/)
    expect(run.stdout).toMatch(/Lint rule\s+special-character/)
  })

  it('reads --file and stdin', async () => {
    const p = path.join(dir, 'err.txt')
    writeFileSync(p, 'line 1:8: identifiers must not start with a digit; surround the identifier with double quotes\n')
    const fromFile = resultOf(await runJson<ExplainResult>(['athena', 'explain-error', '--file', p]))
    expect(fromFile.mode === 'message' && fromFile.explanation.match?.id).toBe('leading-digit')
    const fromStdin = await withStdin("SYNTAX_ERROR: line 1:8: Column '\uFEFFid' cannot be resolved", () =>
      runJson<ExplainResult>(['athena', 'explain-error', '-']),
    )
    const r = resultOf(fromStdin)
    expect(r.mode === 'message' && r.explanation.match?.id).toBe('column-cannot-be-resolved')
    expect(r.mode === 'message' && r.explanation.names[0]?.problems[0]?.rule).toBe('invisible-character')
  })

  it('says when a message is unknown', async () => {
    const run = await runText(['athena', 'explain-error', 'the flux capacitor overheated'])
    expect(run.exitCode).toBe(0)
    expect(run.stdout).toMatch(/Unknown error message/)
    expect(run.stdout).toMatch(/pipeops athena lint-columns/)
  })

  it('--query-execution-id fetches the failed query and explains it', async () => {
    athena.on(GetQueryExecutionCommand, {QueryExecutionId: 'q-1'}).resolves({QueryExecution: failed('q-1', DUP)})
    const result = resultOf(await runJson<ExplainResult>(['athena', 'explain-error', '--query-execution-id', 'q-1']))
    expect(result.mode).toBe('query')
    if (result.mode !== 'query') return
    expect(result.query).toMatchObject({
      errorCategory: 'USER',
      errorType: 1301,
      query: 'SELECT * FROM events',
      queryExecutionId: 'q-1',
      retryable: false,
      state: 'FAILED',
      workgroup: 'analysts',
    })
    expect(result.query.explanation?.match?.id).toBe('json-duplicate-key')
    expectCallsDeclared(AthenaExplainError.iam, {athena})
    athena
      .on(GetQueryExecutionCommand, {QueryExecutionId: 'q-ok'})
      .resolves({QueryExecution: {QueryExecutionId: 'q-ok', Status: {State: 'SUCCEEDED'}}})
    const ok = await runText(['athena', 'explain-error', '--query-execution-id', 'q-ok'])
    expect(ok.stdout).toMatch(/did not fail \(state SUCCEEDED\)/)
    athena
      .on(GetQueryExecutionCommand, {QueryExecutionId: 'nope'})
      .rejects(
        Object.assign(new Error('QueryExecution nope was not found'), {$metadata: {}, name: 'InvalidRequestException'}),
      )
    expect((await runJson(['athena', 'explain-error', '--query-execution-id', 'nope'])).exitCode).not.toBe(0)
  })

  it('--recent N groups the last failed queries by cause', async () => {
    athena
      .on(ListQueryExecutionsCommand, {NextToken: undefined})
      .resolves({NextToken: 'n2', QueryExecutionIds: ['a', 'b', 'c']})
      .on(ListQueryExecutionsCommand, {NextToken: 'n2'})
      .resolves({QueryExecutionIds: ['d', 'e']})
    athena.on(BatchGetQueryExecutionCommand).callsFake((input: {QueryExecutionIds: string[]}) => ({
      QueryExecutions: input.QueryExecutionIds.map((id) =>
        id === 'b'
          ? {QueryExecutionId: id, Status: {State: 'SUCCEEDED'}}
          : id === 'd'
            ? failed(id, 'Something odd')
            : failed(
                id,
                id === 'e'
                  ? 'HIVE_INVALID_METADATA: Hive metadata for table t is invalid: Table descriptor contains duplicate columns'
                  : DUP,
              ),
      ),
    }))
    const run = await runJson<ExplainResult>(['athena', 'explain-error', '--recent', '4', '--workgroup', 'analysts'])
    expect(run.exitCode).toBe(1)
    const result = resultOf(run)
    if (result.mode !== 'recent') throw new Error('expected recent')
    expect(result.recent).toMatchObject({failed: 4, scanned: 5, truncated: false, workgroup: 'analysts'})
    expect(result.recent.groups.map((g) => [g.id, g.count, g.queries.map((q) => q.queryExecutionId)])).toEqual([
      ['json-duplicate-key', 2, ['a', 'c']],
      ['duplicate-columns', 1, ['e']],
      ['unknown', 1, ['d']],
    ])
    expect(athena.commandCalls(ListQueryExecutionsCommand)[0]!.args[0].input).toMatchObject({
      MaxResults: 50,
      WorkGroup: 'analysts',
    })
    expectCallsDeclared(AthenaExplainError.iam, {athena})
    const text = await runText(['athena', 'explain-error', '--recent', '4', '--workgroup', 'analysts'])
    expect(text.stdout).toMatch(/4 failed queries in the last 5 of workgroup analysts, by cause/)
  })

  it('bad input: empty file is exit 6, conflicting sources exit 2', async () => {
    const p = path.join(dir, 'empty.txt')
    writeFileSync(p, '  \n')
    expect((await runJson(['athena', 'explain-error', '--file', p])).exitCode).toBe(6)
    expect(
      errorOf(await runJson(['athena', 'explain-error', '--file', path.join(dir, 'missing.txt')])).message,
    ).toMatch(/no such file/)
    expect((await runJson(['athena', 'explain-error', DUP, '--recent', '3'])).exitCode).toBe(2)
    expect((await runJson(['athena', 'explain-error', '--recent', '0'])).exitCode).toBe(2)
    const empty = await withStdin('', () => runJson(['athena', 'explain-error']))
    expect(empty.exitCode).toBe(2)
    expect(errorOf(empty).message).toMatch(/standard input was empty/)
  })

  it('bad input: a binary file is exit 6 and nothing of it is echoed as names', async () => {
    const p = path.join(dir, 'dump.bin')
    writeFileSync(p, Buffer.from(Array.from({length: 15_000}, (_, i) => (i * 131 + 7) % 256)))
    const run = await runJson(['athena', 'explain-error', '--file', p])
    expect(run.exitCode).toBe(6)
    expect(errorOf(run).message).toMatch(/dump\.bin is not text/)
  })
})

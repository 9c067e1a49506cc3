/**
 * `--query EXPR`: a JMESPath expression applied to a command's result, as the AWS CLI's `--query`
 * is applied to a response. JMESPath Community's implementation is used because it is maintained
 * (the original `jmespath` package has had no release since 2016) and implements the JMESPath
 * specification plus its community extensions (let-expressions, arithmetic, more functions).
 */
import {UsageError} from './errors.js'

const QUERY_HINT =
  'The expression selects from the "result" of --json; --query "keys(@)" lists its fields (JMESPath: https://jmespath.org).'

type JmesPath = typeof import('@jmespath-community/jmespath')

export interface JsonQuery {
  readonly expression: string
  /** The selected value; throws UsageError (exit 2) when the expression fails on this data. */
  select(result: unknown): unknown
}

/** Parse the expression before any work is done, so a typo costs nothing (exit 2, the parser's words). */
export async function compileJsonQuery(expression: string): Promise<JsonQuery> {
  const jmespath: JmesPath = await import('@jmespath-community/jmespath')
  if (expression.trim() === '') throw queryError(expression, 'the expression is empty')
  try {
    jmespath.compile(expression)
  } catch (error) {
    throw queryError(expression, messageOf(error))
  }

  return {
    expression,
    select(result) {
      // The result is plain data by contract (JSON-serialisable); round-tripping drops undefined
      // fields exactly as the envelope's JSON does, so the query sees what --json prints.
      // eslint-disable-next-line unicorn/prefer-structured-clone -- a clone would keep undefined and Dates; JSON is wanted
      const data = JSON.parse(JSON.stringify(result ?? null)) as Parameters<JmesPath['search']>[0]
      try {
        return jmespath.search(data, expression)
      } catch (error) {
        throw new UsageError(`--query ${JSON.stringify(expression)} failed on this result: ${messageOf(error)}`, {
          code: 'InvalidQuery',
          suggestions: [QUERY_HINT],
        })
      }
    },
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

function queryError(expression: string, why: string): UsageError {
  return new UsageError(`--query ${JSON.stringify(expression)} is not a valid JMESPath expression: ${why}`, {
    code: 'InvalidQuery',
    suggestions: [QUERY_HINT],
  })
}

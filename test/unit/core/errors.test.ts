import {describe, expect, it} from 'vitest'

import {classifyError, ExitCode, InputError, PipeopsError} from '../../../src/lib/core/errors.js'

function awsError(name: string, message = 'boom', extra: Record<string, unknown> = {}) {
  return Object.assign(new Error(message), {
    $fault: 'client',
    $metadata: {httpStatusCode: 400, requestId: 'req-1'},
    name,
    ...extra,
  })
}

describe('classifyError', () => {
  it.each([
    ['AccessDeniedException', ExitCode.Auth],
    ['AccessDenied', ExitCode.Auth],
    ['UnrecognizedClientException', ExitCode.Auth],
    ['InvalidClientTokenId', ExitCode.Auth],
    ['ExpiredTokenException', ExitCode.Auth],
    ['ExpiredToken', ExitCode.Auth],
    ['SignatureDoesNotMatch', ExitCode.Auth],
    ['ResourceNotFoundException', ExitCode.NotFound],
    ['EntityNotFoundException', ExitCode.NotFound],
    ['NoSuchBucket', ExitCode.NotFound],
    ['NoSuchLifecycleConfiguration', ExitCode.NotFound],
    ['ClusterNotFoundFault', ExitCode.NotFound],
    ['NotImplemented', ExitCode.Usage],
    ['NotEmulatedInSandbox', ExitCode.Usage],
    ['ThrottlingException', ExitCode.Throttled],
    ['Throttling', ExitCode.Throttled],
    ['LimitExceededException', ExitCode.Throttled],
    ['ProvisionedThroughputExceededException', ExitCode.Throttled],
    ['TooManyRequestsException', ExitCode.Throttled],
    ['SlowDown', ExitCode.Throttled],
    ['ValidationException', ExitCode.InvalidInput],
    ['InvalidArgumentException', ExitCode.InvalidInput],
  ])('maps %s to exit %i with the request id', (name, exit) => {
    const e = classifyError(awsError(name))
    expect(e.exitCode).toBe(exit)
    expect(e.code).toBe(name)
    expect(e.requestId).toBe('req-1')
    expect(e.suggestions.length).toBeGreaterThan(0)
  })

  it('treats HTTP 403 without a known name as access denied and 429 as throttling', () => {
    expect(
      classifyError(Object.assign(new Error('x'), {$metadata: {httpStatusCode: 403}, name: 'Weird'})).exitCode,
    ).toBe(ExitCode.Auth)
    expect(
      classifyError(Object.assign(new Error('x'), {$metadata: {httpStatusCode: 429}, name: 'Weird'})).exitCode,
    ).toBe(ExitCode.Throttled)
  })

  it('maps missing credentials to exit 3 with set-up suggestions', () => {
    const e = classifyError(
      Object.assign(new Error('Could not load credentials from any providers'), {name: 'CredentialsProviderError'}),
    )
    expect(e.exitCode).toBe(ExitCode.Auth)
    expect(e.code).toBe('CredentialsMissing')
    expect(e.suggestions.join('\n')).toMatch(/--profile/)
  })

  it('names the endpoint when it cannot be reached, also through a nested cause', () => {
    const inner = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4567'), {code: 'ECONNREFUSED'})
    const outer = Object.assign(new Error('socket hang up'), {
      cause: inner,
      name: 'Error',
      pipeopsEndpoint: 'http://127.0.0.1:4567',
      pipeopsService: 'Kinesis',
    })
    const e = classifyError(outer)
    expect(e.exitCode).toBe(ExitCode.Throttled)
    expect(e.code).toBe('EndpointUnreachable')
    expect(e.message).toContain('http://127.0.0.1:4567')
    expect(e.message).toContain('ECONNREFUSED')
  })

  it('keeps pipeops errors as they are', () => {
    const original = new InputError('bad file', {suggestions: ['fix it']})
    expect(classifyError(original)).toBe(original)
  })

  it('maps oclif parse errors (exit 2) to usage errors', () => {
    const e = classifyError(Object.assign(new Error('Unexpected argument: x'), {oclif: {exit: 2}}))
    expect(e.exitCode).toBe(ExitCode.Usage)
  })

  it('maps anything else to an internal error (70) that asks for a report', () => {
    const e = classifyError(new TypeError('cannot read properties of undefined'))
    expect(e).toBeInstanceOf(PipeopsError)
    expect(e.exitCode).toBe(ExitCode.Internal)
    expect(e.suggestions.join(' ')).toMatch(/bug/)
    expect(classifyError('a string').exitCode).toBe(ExitCode.Internal)
    expect(classifyError(null).exitCode).toBe(ExitCode.Internal)
  })

  it('treats 5xx server faults as retryable service errors (exit 5)', () => {
    const e = classifyError(
      Object.assign(new Error('oops'), {$fault: 'server', $metadata: {httpStatusCode: 503}, name: 'InternalFailure'}),
    )
    expect(e.exitCode).toBe(ExitCode.Throttled)
  })
})

describe('messages that name what failed', () => {
  it('NoSuchBucket names the bucket the request was for', () => {
    const error = classifyError(
      awsError('NoSuchBucket', 'The specified bucket does not exist', {
        $metadata: {httpStatusCode: 404},
        pipeopsResource: 'bucket pipeops-demo-lake',
      }),
    )
    expect(error.exitCode).toBe(ExitCode.NotFound)
    expect(error.message).toBe('not found (bucket pipeops-demo-lake): The specified bucket does not exist')
  })

  it('never says a name twice ("ENOENT: ENOENT"), and maps file-system errors to exit 6 with the reason', () => {
    expect(
      classifyError(awsError('ENOENT', 'ENOENT', {$fault: 'server', $metadata: {httpStatusCode: 500}})).message,
    ).toBe('AWS service error after retries: ENOENT')
    const fs = classifyError(
      Object.assign(new Error("EROFS: read-only file system, open '/ro/x'"), {
        code: 'EROFS',
        path: '/ro/x',
        syscall: 'open',
      }),
    )
    expect(fs).toMatchObject({
      code: 'FileSystemError',
      exitCode: 6,
      message: '/ro/x: cannot open it (read-only file system)',
    })
  })

  it('drops oclif\'s own "See more help" (the suggestion says it once)', () => {
    const e = classifyError(
      Object.assign(new Error('Nonexistent flag: --bogus\nSee more help with --help'), {oclif: {exit: 2}}),
    )
    expect(e.message).toBe('Nonexistent flag: --bogus')
  })
})

/**
 * The one error → exit-code map of pipeops (docs/architecture.md, "Exit codes").
 *
 * Domain code throws PipeopsError subclasses; anything else (AWS SDK errors, Node system errors,
 * plain bugs) goes through classifyError, which never throws and always returns a PipeopsError.
 */
import {stripVTControlCharacters} from 'node:util'

export const ExitCode = {
  Aborted: 8,
  Auth: 3,
  Findings: 1,
  Internal: 70,
  InvalidInput: 6,
  NotFound: 4,
  Ok: 0,
  Partial: 7,
  Throttled: 5,
  Usage: 2,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

export interface PipeopsErrorOptions {
  cause?: unknown
  code?: string
  /** Structured data a script may need (e.g. the partial-apply report). Serialised into the envelope. */
  details?: unknown
  requestId?: string | undefined
  suggestions?: string[]
}

export class PipeopsError extends Error {
  readonly code: string
  readonly details: unknown
  readonly exitCode: ExitCodeValue
  readonly requestId: string | undefined
  readonly suggestions: string[]

  constructor(exitCode: ExitCodeValue, message: string, options: PipeopsErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = 'PipeopsError'
    this.exitCode = exitCode
    this.code = options.code ?? defaultCode(exitCode)
    this.suggestions = options.suggestions ?? []
    this.requestId = options.requestId
    this.details = options.details
  }
}

/** Bad or conflicting flags and arguments (exit 2). */
export class UsageError extends PipeopsError {
  constructor(message: string, options: PipeopsErrorOptions = {}) {
    super(ExitCode.Usage, message, {code: 'UsageError', ...options})
    this.name = 'UsageError'
  }
}

/** Invalid input data or file: corrupt gzip, unparsable DDL, policy or log file (exit 6). */
export class InputError extends PipeopsError {
  constructor(message: string, options: PipeopsErrorOptions = {}) {
    super(ExitCode.InvalidInput, message, {code: 'InvalidInput', ...options})
    this.name = 'InputError'
  }
}

/** A named AWS resource does not exist (exit 4). */
export class NotFoundError extends PipeopsError {
  constructor(message: string, options: PipeopsErrorOptions = {}) {
    super(ExitCode.NotFound, message, {code: 'ResourceNotFound', ...options})
    this.name = 'NotFoundError'
  }
}

/** Confirmation declined or interrupted with state left consistent (exit 8). */
export class AbortedError extends PipeopsError {
  constructor(message: string, options: PipeopsErrorOptions = {}) {
    super(ExitCode.Aborted, message, {code: 'Aborted', ...options})
    this.name = 'AbortedError'
  }
}

/** An apply that finished some steps and not others (exit 7); details carry the report. */
export class PartialApplyError extends PipeopsError {
  constructor(message: string, options: PipeopsErrorOptions = {}) {
    super(ExitCode.Partial, message, {code: 'PartialApply', ...options})
    this.name = 'PartialApplyError'
  }
}

function defaultCode(exitCode: ExitCodeValue): string {
  switch (exitCode) {
    case ExitCode.Aborted: {
      return 'Aborted'
    }

    case ExitCode.Auth: {
      return 'AccessDenied'
    }

    case ExitCode.InvalidInput: {
      return 'InvalidInput'
    }

    case ExitCode.NotFound: {
      return 'ResourceNotFound'
    }

    case ExitCode.Partial: {
      return 'PartialApply'
    }

    case ExitCode.Throttled: {
      return 'Throttled'
    }

    case ExitCode.Usage: {
      return 'UsageError'
    }

    default: {
      return 'InternalError'
    }
  }
}

/** Fields that the SDK and Node put on errors; all optional because anything can be thrown. */
interface ErrorLike {
  $fault?: string
  $metadata?: {extendedRequestId?: string; httpStatusCode?: number; requestId?: string}
  $response?: {headers?: Record<string, string>}
  address?: string
  cause?: unknown
  code?: string
  Code?: string
  message?: string
  name?: string
  /** Set by the client factory's middleware: which endpoint the failing request went to. */
  pipeopsEndpoint?: string
  /** The resource the failing request named ("bucket lake"), set by the client factory. */
  pipeopsResource?: string
  pipeopsService?: string
  port?: number
  syscall?: string
}

/** Why a file-system call failed, in words, from a Node system error code. */
const FS_REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EEXIST: 'a file of that name is in the way',
  EISDIR: 'it is a directory',
  ENOENT: 'no such file or folder',
  ENOSPC: 'no space left on the device',
  ENOTDIR: 'a parent in the path is a file, not a folder',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
}

/** The reason in words for a file-system error code (undefined for other codes). */
export function fileSystemReason(code: string | undefined): string | undefined {
  return code ? FS_REASONS[code] : undefined
}

/** "Name: message", once when the message is only the name again ("ENOENT: ENOENT"). */
function nameAndMessage(f: {message: string; name: string}): string {
  return f.message === f.name || f.message.startsWith(`${f.name}:`) ? f.message : `${f.name}: ${f.message}`
}

const AUTH_NAMES = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'AuthFailure',
  'AuthorizationError',
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'InvalidAccessKeyId',
  'InvalidClientTokenId',
  'InvalidIdentityToken',
  'InvalidSignatureException',
  'InvalidToken',
  'MissingAuthenticationToken',
  'NotAuthorized',
  'RequestExpired',
  'SignatureDoesNotMatch',
  'TokenRefreshRequired',
  'UnauthorizedOperation',
  'UnrecognizedClientException',
])

const EXPIRED_NAMES = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired'])

const THROTTLE_NAMES = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'KMSThrottlingException',
  'LimitExceededException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'ServiceQuotaExceededException',
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'TransactionInProgressException',
])

const NOT_FOUND_NAMES = new Set([
  'EntityNotFoundException',
  'ExecutionDoesNotExist',
  'NotFound',
  'NotFoundException',
  'ResourceNotFoundException',
  'StateMachineDoesNotExist',
  'StreamNotFound',
  'TrailNotFoundException',
])

/** The endpoint cannot do the operation at all: an emulator, an S3-compatible store, the sandbox's stub. */
const NOT_IMPLEMENTED_NAMES = new Set(['NotEmulatedInSandbox', 'NotImplemented', 'NotImplementedException'])

const NETWORK_CODES = new Set([
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'ERR_HTTP2_STREAM_CANCEL',
  'ETIMEDOUT',
  'TimeoutError',
  'UND_ERR_CONNECT_TIMEOUT',
])

/** Where an error came from, so a message can name it ("the Kinesis endpoint …", "stream orders"). */
export interface ErrorContext {
  /** e.g. "--region eu-west-1 --profile prod": appended to not-found hints. */
  scope?: string
}

/**
 * oclif's failed flag relations (src/flags/relations.ts), said the pipeops way: a flag used only
 * beside another is an unused flag (it would have been ignored), named with the flag it needs.
 */
export function flagRelationMessage(message: string): undefined | {message: string; unused: boolean} {
  const reasons = /^The following errors? occurred:\s*\n([\s\S]*)$/.exec(stripVTControlCharacters(message))
  if (!reasons) return undefined
  const lines = reasons[1]!
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
  let unused = true
  const said = lines.map((line) => {
    const needs = /^(One|All) of the following must be provided when using (--\S+): (.+)$/.exec(line)
    if (needs) {
      const others = needs[3]!.split(', ')
      const list =
        others.length > 1
          ? `${others.slice(0, -1).join(', ')} ${needs[1] === 'One' ? 'or' : 'and'} ${others.at(-1)}`
          : others[0]
      return `${needs[2]} is used only with ${list}: without ${others.length > 1 ? 'them' : 'it'}, ${needs[2]} would be ignored`
    }

    unused = false
    const conflict = /^(--[^=\s]+)=?\S* cannot also be provided when using (--\S+)$/.exec(line)
    return conflict ? `${conflict[2]} cannot be combined with ${conflict[1]}` : line
  })
  return {message: said.join('; '), unused}
}

/** What the rules below look at, computed once per error. */
interface ErrorFacts {
  context: ErrorContext
  err: ErrorLike
  message: string
  name: string
  opts: {cause: unknown; code: string; requestId: string | undefined}
  status: number | undefined
  /** " (Kinesis endpoint http://…)" when the factory tagged the failing request. */
  where: string
}

interface ErrorRule {
  build(f: ErrorFacts): PipeopsError
  matches(f: ErrorFacts): boolean
}

/** Checked in order; the first match wins. */
const ERROR_RULES: ErrorRule[] = [
  {
    // oclif's own parse errors carry their exit code (2) already.
    // oclif's own "See more help with --help" goes: the suggestion says it once.
    build(f) {
      const message = f.message.replace(/\s*See more help with --help\.?\s*$/i, '')
      const relation = flagRelationMessage(message)
      return new UsageError(relation?.message ?? message, {
        cause: f.opts.cause,
        ...(relation?.unused ? {code: 'UnusedFlag'} : {}),
        suggestions: ['Run the command with --help to see its flags.'],
      })
    },
    matches: (f) => (f.err as {oclif?: {exit?: number}}).oclif?.exit === ExitCode.Usage,
  },
  {
    // A local file that cannot be read or written (Node system error): bad input or output path, exit 6.
    build: (f) =>
      new PipeopsError(
        ExitCode.InvalidInput,
        `${(f.err as {path?: string}).path ?? 'a file'}: cannot ${f.err.syscall === 'open' || f.err.syscall === 'read' || f.err.syscall === 'scandir' ? 'open it' : f.err.syscall} (${fileSystemReason(f.err.code)})`,
        {...f.opts, code: 'FileSystemError', suggestions: ['Check the path, the folder and its permissions.']},
      ),
    matches: (f) => f.err.syscall !== undefined && fileSystemReason(f.err.code) !== undefined,
  },
  {
    // Exit 5: the service could not be reached after retries. It is not a bug (70) and not bad input (6).
    build(f) {
      const endpoint = f.err.pipeopsEndpoint
      return new PipeopsError(
        ExitCode.Throttled,
        `cannot reach ${endpoint ?? 'the AWS endpoint'}${f.err.pipeopsService ? ` (${f.err.pipeopsService})` : ''}: ${findNetworkCode(f.err)}`,
        {
          ...f.opts,
          code: 'EndpointUnreachable',
          suggestions: endpoint
            ? [
                `Check that the endpoint ${endpoint} is right and listening (--endpoint-url, AWS_ENDPOINT_URL_*, AWS_ENDPOINT_URL).`,
                'For the local sandbox, start it first: pipeops sandbox',
              ]
            : ['Check your network connection, proxy settings and --region.'],
        },
      )
    },
    matches: (f) => findNetworkCode(f.err) !== undefined,
  },
  {
    build: (f) =>
      new PipeopsError(ExitCode.Auth, `AWS credentials not found: ${f.message}`, {
        ...f.opts,
        code: 'CredentialsMissing',
        suggestions: credentialSuggestions(),
      }),
    // An expired SSO session or credential_process output is "expired" (the rule below), not "not found".
    matches: (f) =>
      (f.name === 'CredentialsProviderError' && !/expired/i.test(f.message)) ||
      /could not load credentials|credential is missing|Unable to locate credentials/i.test(f.message),
  },
  {
    // An endpoint (an emulator, an S3-compatible store) that lacks the operation: not AWS's fault,
    // not worth a retry; the caller picked an endpoint that cannot do this.
    build: (f) =>
      new PipeopsError(ExitCode.Usage, `the endpoint does not implement this operation: ${f.message}${f.where}`, {
        ...f.opts,
        suggestions: [
          "Local emulators implement only part of each API: use the command's offline mode (local files), or run it against AWS.",
        ],
      }),
    matches: (f) => NOT_IMPLEMENTED_NAMES.has(f.name) || f.status === 501,
  },
  {
    build: (f) =>
      new PipeopsError(ExitCode.Auth, `AWS credentials have expired: ${f.message}${f.where}`, {
        ...f.opts,
        suggestions: ['Refresh your credentials (for SSO: aws sso login --profile NAME) and run the command again.'],
      }),
    matches: (f) =>
      EXPIRED_NAMES.has(f.name) ||
      /expired/i.test(f.name) ||
      /token.*expired|expired.*token|session .*has expired|returned expired credentials/i.test(f.message),
  },
  {
    build: (f) =>
      new PipeopsError(ExitCode.Auth, `access denied: ${f.message}${f.where}`, {
        ...f.opts,
        suggestions: [
          'Check which identity you are using: pipeops doctor',
          'Print the least-privilege policy this command needs: pipeops iam-policy COMMAND',
        ],
      }),
    matches: (f) => AUTH_NAMES.has(f.name) || f.name.startsWith('AccessDenied') || f.status === 403,
  },
  {
    build: (f) =>
      new PipeopsError(
        ExitCode.NotFound,
        `not found${f.err.pipeopsResource && !f.message.includes(f.err.pipeopsResource.replace(/^\w+ /, '')) ? ` (${f.err.pipeopsResource})` : ''}: ${f.message}${f.where}`,
        {
          ...f.opts,
          suggestions: [
            `Check the resource name, the account and the region${f.context.scope ? ` (${f.context.scope})` : ''}.`,
          ],
        },
      ),
    // Redshift and other Query-protocol services say ClusterNotFoundFault, SnapshotNotFoundFault, …
    matches: (f) =>
      NOT_FOUND_NAMES.has(f.name) ||
      f.name.startsWith('NoSuch') ||
      /NotFound(Exception|Fault)?$/.test(f.name) ||
      (f.status === 404 && f.name !== 'UnknownOperationException'),
  },
  {
    build: (f) =>
      new PipeopsError(ExitCode.Throttled, `throttled or over a service limit after retries: ${f.message}${f.where}`, {
        ...f.opts,
        suggestions: [
          'Wait a minute and run the command again; apply commands resume where they stopped.',
          'Raise retries with --max-attempts, or lower --concurrency where the command has it.',
        ],
      }),
    matches: (f) =>
      THROTTLE_NAMES.has(f.name) ||
      /Throttl|TooManyRequests|LimitExceeded|RateExceeded/i.test(f.name) ||
      f.status === 429,
  },
  {
    // A request AWS rejected as invalid: the input was wrong, not the program.
    build: (f) =>
      new PipeopsError(ExitCode.InvalidInput, `${nameAndMessage(f)}${f.where}`, {
        ...f.opts,
        suggestions: ["Check the values given to the command; the message above is AWS's own."],
      }),
    matches: (f) => f.err.$fault === 'client' || (f.status !== undefined && f.status >= 400 && f.status < 500),
  },
  {
    build: (f) =>
      new PipeopsError(ExitCode.Throttled, `AWS service error after retries: ${nameAndMessage(f)}${f.where}`, {
        ...f.opts,
        suggestions: ['This is a server-side error at AWS; wait and run the command again.'],
      }),
    matches: (f) => f.err.$fault === 'server' || (f.status !== undefined && f.status >= 500),
  },
]

/**
 * Map anything thrown to a PipeopsError with the documented exit code, a message naming the value,
 * and suggestions. Never throws.
 */
export function classifyError(thrown: unknown, context: ErrorContext = {}): PipeopsError {
  if (thrown instanceof PipeopsError) return thrown
  const err = (typeof thrown === 'object' && thrown !== null ? thrown : {message: String(thrown)}) as ErrorLike
  const name = err.name ?? err.Code ?? err.code ?? 'Error'
  const facts: ErrorFacts = {
    context,
    err,
    message: (err.message ?? '').trim() || name,
    name,
    opts: {
      cause: thrown,
      code: name,
      requestId: err.$metadata?.requestId ?? err.$response?.headers?.['x-amzn-requestid'],
    },
    status: err.$metadata?.httpStatusCode,
    where: err.pipeopsEndpoint ? ` (${err.pipeopsService ?? 'AWS'} endpoint ${err.pipeopsEndpoint})` : '',
  }
  const rule = ERROR_RULES.find((r) => r.matches(facts))
  if (rule) return rule.build(facts)
  return new PipeopsError(ExitCode.Internal, `internal error: ${facts.message}`, {
    ...facts.opts,
    code: 'InternalError',
    suggestions: ['This is a bug in pipeops. Run again with DEBUG=1 to see the stack trace, and report it.'],
  })
}

function findNetworkCode(err: ErrorLike): string | undefined {
  let current: unknown = err
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const c = current as ErrorLike
    if (c.code && NETWORK_CODES.has(c.code)) return c.code
    if (c.name && NETWORK_CODES.has(c.name)) return c.name
    current = c.cause
  }

  return undefined
}

function credentialSuggestions(): string[] {
  return [
    'Configure credentials: aws configure, aws sso login --profile NAME, or export AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.',
    'Pick a profile with --profile NAME (or AWS_PROFILE).',
    'For the local sandbox, paste the export lines that `pipeops sandbox` prints.',
  ]
}

import {Args, Flags} from '@oclif/core'
import {readFile} from 'node:fs/promises'

import {BaseCommand} from '../../base-command.js'
import {
  checkMessageText,
  explainMessage,
  explainQueryExecution,
  explainRecent,
  type Explanation,
  type QueryExplanation,
  type RecentReport,
} from '../../lib/athena/explain-error.js'
import {InputError, UsageError} from '../../lib/core/errors.js'
import {renderExplanation, renderQueryExplanation, renderRecent} from '../../ui/athena-explain.js'

export type ExplainResult =
  | {explanation: Explanation; mode: 'message'}
  | {mode: 'query'; query: QueryExplanation}
  | {mode: 'recent'; recent: RecentReport}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer))
  return Buffer.concat(chunks).toString('utf8')
}

export default class AthenaExplainError extends BaseCommand {
  static override args = {
    message: Args.string({
      description:
        'The error message (quoting it is best; unquoted words are joined with spaces). "-" reads it from stdin, as does piping with no argument.',
    }),
  }
  static override description =
    'Matches an Athena / Hive / Trino error message against a catalogue of known messages and prints the cause, the fix and the lint-columns rule that would have caught it; names quoted in the message are linted too. With --query-execution-id it fetches the failed query (GetQueryExecution: state change reason, AthenaError category/type/retryable, query text); with --recent N it groups the last N failed queries of a workgroup by cause (ListQueryExecutions + BatchGetQueryExecution). Unknown messages say so.'
  static override examples = [
    `<%= config.bin %> <%= command.id %> 'HIVE_CURSOR_ERROR: Row is not a valid JSON Object - JSONException: Duplicate key "url"'`,
    '<%= config.bin %> <%= command.id %> --file error.txt',
    'pbpaste | <%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --query-execution-id 3c7a2a1e-1111-2222-3333-444455556666',
    '<%= config.bin %> <%= command.id %> --recent 50 --workgroup analysts',
  ]
  static override flags = {
    file: Flags.string({
      exclusive: ['query-execution-id', 'recent'],
      summary: 'Read the error message from this file.',
    }),
    'query-execution-id': Flags.string({
      exclusive: ['file', 'recent'],
      summary: 'Fetch this query execution (GetQueryExecution) and explain why it failed.',
    }),
    recent: Flags.integer({
      exclusive: ['file', 'query-execution-id'],
      max: 1000,
      min: 1,
      summary: 'Group the last N failed queries by cause (ListQueryExecutions + BatchGetQueryExecution).',
    }),
    workgroup: Flags.string({
      dependsOn: ['recent'],
      summary: 'Workgroup for --recent (default: the primary workgroup).',
    }),
  }
  static override iam = [
    {action: 'athena:GetQueryExecution', when: 'with --query-execution-id'},
    {action: 'athena:ListQueryExecutions', when: 'with --recent'},
    {action: 'athena:BatchGetQueryExecution', when: 'with --recent'},
  ]
  /** The message may arrive as several words when it is not quoted. */
  static override strict = false
  static override summary = 'Explain an Athena error message: cause, fix, and the lint rule that catches it.'

  public async run(): Promise<ExplainResult> {
    const {argv, flags} = await this.parse(AthenaExplainError)
    const words = argv as string[]
    const args = {message: words.length > 0 ? words.join(' ') : undefined}
    if (
      args.message !== undefined &&
      args.message !== '-' &&
      (flags.file || flags['query-execution-id'] || flags.recent)
    ) {
      throw new UsageError(
        'give the message either as an argument or with --file / --query-execution-id / --recent, not both',
      )
    }

    if (!flags['query-execution-id'] && !flags.recent)
      this.rejectAwsFlags(flags, 'an explanation of a message (no --query-execution-id, no --recent)')
    if (flags['query-execution-id'] || flags.recent) {
      const aws = await this.awsClients(flags)
      const athena = await aws.create('athena')
      if (flags['query-execution-id']) {
        const query = await explainQueryExecution(
          {athena},
          {queryExecutionId: flags['query-execution-id']},
          this.runContext(),
        )
        if (!this.jsonEnabled()) this.log(renderQueryExplanation(query))
        return {mode: 'query', query}
      }

      const recent = await explainRecent(
        {athena},
        {count: flags.recent!, workgroup: flags.workgroup},
        this.runContext(),
      )
      if (recent.failed > 0) this.reportFindings()
      if (!this.jsonEnabled()) this.log(renderRecent(recent))
      return {mode: 'recent', recent}
    }

    let message: string
    if (flags.file) {
      try {
        message = await readFile(flags.file, 'utf8')
      } catch (error) {
        throw new InputError(
          `cannot read ${flags.file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`,
        )
      }
    } else if (args.message !== undefined && args.message !== '-') {
      message = args.message
    } else if (args.message === '-' || !process.stdin.isTTY) {
      message = await readStdin()
      if (message.trim() === '') {
        throw new UsageError('no error message given: standard input was empty', {
          suggestions: [
            'Pass the message in quotes, --file FILE, pipe it on stdin, --query-execution-id ID, or --recent N.',
          ],
        })
      }
    } else {
      throw new UsageError('no error message given', {
        suggestions: [
          'Pass the message in quotes, --file FILE, pipe it on stdin, --query-execution-id ID, or --recent N.',
        ],
      })
    }

    checkMessageText(
      message,
      flags.file ?? (args.message === undefined || args.message === '-' ? 'standard input' : 'the message'),
    )
    if (message.trim() === '')
      throw new InputError('the error message is empty', {
        suggestions: ['Paste the full message Athena printed, in quotes.'],
      })
    const explanation = explainMessage(message)
    if (!this.jsonEnabled()) this.log(renderExplanation(explanation))
    return {explanation, mode: 'message'}
  }
}

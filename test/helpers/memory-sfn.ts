/**
 * An in-memory Step Functions (one STANDARD state machine and its executions) answering the
 * operations `sfn redrive` uses, in the shapes of the JSON protocol: ListStateMachines,
 * DescribeStateMachine, ListExecutions, DescribeExecution and RedriveExecution. RedriveExecution
 * honours the clientToken as Step Functions does (the same token again is the same redrive, not a
 * second one) and refuses an execution that is not stopped, so a test can count real redrives.
 */
export interface MemoryExecution {
  cause?: string
  error?: string
  name: string
  /** Redrives that really happened (a repeated clientToken does not count). */
  redriveCount: number
  startDate: Date
  status: 'ABORTED' | 'FAILED' | 'RUNNING' | 'SUCCEEDED' | 'TIMED_OUT'
  stopDate?: Date
}

function sfnError(name: string, message: string, status = 400): Error {
  return Object.assign(new Error(message), {$metadata: {httpStatusCode: status}, name})
}

export class MemorySfn {
  readonly executions = new Map<string, MemoryExecution>()
  readonly machineArn: string
  /** clientToken → the execution it redrove and when. */
  private readonly tokens = new Map<string, {executionArn: string; redriveDate: Date}>()

  constructor(
    readonly machineName: string,
    private readonly region = 'us-east-1',
  ) {
    this.machineArn = `arn:aws:states:${region}:123456789012:stateMachine:${machineName}`
  }

  add(execution: MemoryExecution): string {
    const arn = this.executionArn(execution.name)
    this.executions.set(arn, execution)
    return arn
  }

  answer(operation: string, input: Record<string, unknown>): unknown {
    switch (operation) {
      case 'DescribeExecution': {
        const e = this.find(String(input.executionArn))
        const stopped = e.status !== 'RUNNING' && e.status !== 'SUCCEEDED'
        return {
          executionArn: input.executionArn,
          name: e.name,
          redriveCount: e.redriveCount,
          redriveStatus: stopped ? 'REDRIVABLE' : 'NOT_REDRIVABLE',
          startDate: e.startDate,
          stateMachineArn: this.machineArn,
          status: e.status,
          ...(stopped ? {} : {redriveStatusReason: `Execution is ${e.status}`}),
          ...(e.stopDate ? {stopDate: e.stopDate} : {}),
          ...(e.error ? {cause: e.cause, error: e.error} : {}),
        }
      }

      case 'DescribeStateMachine': {
        if (input.stateMachineArn !== this.machineArn)
          throw sfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(input.stateMachineArn)}'`)
        return {
          creationDate: new Date(0),
          definition: JSON.stringify({StartAt: 'Load', States: {Load: {End: true, Type: 'Pass'}}}),
          name: this.machineName,
          roleArn: 'arn:aws:iam::123456789012:role/sfn',
          stateMachineArn: this.machineArn,
          status: 'ACTIVE',
          type: 'STANDARD',
        }
      }

      case 'ListExecutions': {
        // Newest first by start date, two to a page: paging is exercised too.
        const all = [...this.executions.entries()]
          .filter(([, e]) => !input.statusFilter || e.status === input.statusFilter)
          .sort(([, a], [, b]) => b.startDate.getTime() - a.startDate.getTime())
        const from = Number(input.nextToken ?? 0)
        const page = all.slice(from, from + 2).map(([executionArn, e]) => ({
          executionArn,
          name: e.name,
          redriveCount: e.redriveCount,
          startDate: e.startDate,
          stateMachineArn: this.machineArn,
          status: e.status,
          ...(e.stopDate ? {stopDate: e.stopDate} : {}),
        }))
        return {executions: page, ...(from + 2 < all.length ? {nextToken: String(from + 2)} : {})}
      }

      case 'ListStateMachines': {
        return {
          stateMachines: [
            {creationDate: new Date(0), name: this.machineName, stateMachineArn: this.machineArn, type: 'STANDARD'},
          ],
        }
      }

      case 'RedriveExecution': {
        const executionArn = String(input.executionArn)
        const token = typeof input.clientToken === 'string' ? input.clientToken : undefined
        const seen = token === undefined ? undefined : this.tokens.get(token)
        if (seen?.executionArn === executionArn) return {redriveDate: seen.redriveDate}
        const e = this.find(executionArn)
        if (e.status === 'RUNNING' || e.status === 'SUCCEEDED')
          throw sfnError('ExecutionNotRedrivable', `Execution is ${e.status}: ${executionArn}`)
        e.redriveCount++
        e.status = 'RUNNING'
        delete e.stopDate
        const redriveDate = new Date()
        if (token !== undefined) this.tokens.set(token, {executionArn, redriveDate})
        return {redriveDate}
      }

      default: {
        throw sfnError('UnknownOperationException', `the fake has no ${operation}`)
      }
    }
  }

  executionArn(name: string): string {
    return `arn:aws:states:${this.region}:123456789012:execution:${this.machineName}:${name}`
  }

  private find(arn: string): MemoryExecution {
    const e = this.executions.get(arn)
    if (!e) throw sfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`)
    return e
  }
}

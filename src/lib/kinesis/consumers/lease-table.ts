/** Reading a KCL lease table live: a paged Scan (every page, LastEvaluatedKey → ExclusiveStartKey). */
import type {DynamoDBClient, ScanCommandInput} from '@aws-sdk/client-dynamodb'

import type {RunContext} from '../../core/run-context.js'
import type {AttributeMap} from './lease-items.js'

import {abortOpts} from '../../aws/abort.js'
import {NotFoundError} from '../../core/errors.js'

export type DynamoLike = Pick<DynamoDBClient, 'send'>

export async function scanLeaseTable(
  dynamodb: DynamoLike,
  table: string,
  ctx: RunContext,
  options: {consistentRead?: boolean | undefined} = {},
): Promise<AttributeMap[]> {
  const {ScanCommand} = await import('@aws-sdk/client-dynamodb')
  const items: AttributeMap[] = []
  let start: ScanCommandInput['ExclusiveStartKey']
  do {
    let page
    try {
      page = await dynamodb.send(
        new ScanCommand({
          ...(options.consistentRead ? {ConsistentRead: true} : {}),
          ...(start ? {ExclusiveStartKey: start} : {}),
          TableName: table,
        }),
        abortOpts(ctx.signal),
      )
    } catch (error) {
      if ((error as {name?: string}).name === 'ResourceNotFoundException') {
        throw new NotFoundError(`lease table ${table} not found`, {
          cause: error,
          suggestions: [
            'KCL names the lease table after the application (applicationName); give the table with --lease-table NAME (list tables: aws dynamodb list-tables).',
          ],
        })
      }

      throw error
    }

    for (const item of page.Items ?? []) items.push(item as unknown as AttributeMap)
    start = page.LastEvaluatedKey
  } while (start)

  return items
}

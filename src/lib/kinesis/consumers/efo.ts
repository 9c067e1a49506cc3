/** Enhanced fan-out consumers registered on the stream (ListStreamConsumers, every page). */
import type {KinesisClient, Consumer as KinesisConsumer} from '@aws-sdk/client-kinesis'

import type {RunContext} from '../../core/run-context.js'
import type {Consumer} from './types.js'

import {abortOpts} from '../../aws/abort.js'

export async function listEfoConsumers(
  kinesis: Pick<KinesisClient, 'send'>,
  streamArn: string,
  ctx: RunContext,
): Promise<KinesisConsumer[]> {
  const {ListStreamConsumersCommand} = await import('@aws-sdk/client-kinesis')
  const out: KinesisConsumer[] = []
  let token: string | undefined
  do {
    const page = await kinesis.send(
      new ListStreamConsumersCommand(token ? {NextToken: token, StreamARN: streamArn} : {StreamARN: streamArn}),
      abortOpts(ctx.signal),
    )
    out.push(...(page.Consumers ?? []))
    token = page.NextToken
  } while (token)

  return out
}

export function analyseEfoConsumer(c: KinesisConsumer): Consumer {
  const name = c.ConsumerName ?? c.ConsumerARN ?? 'unknown consumer'
  return {
    findings:
      c.ConsumerStatus && c.ConsumerStatus !== 'ACTIVE'
        ? [
            {
              fix:
                c.ConsumerStatus === 'CREATING'
                  ? 'Wait until it is ACTIVE (SubscribeToShard fails until then).'
                  : 'It is being deregistered: its application cannot subscribe; register it again if it is still needed.',
              kind: 'efo-consumer-not-active',
              message: `enhanced fan-out consumer ${name} is ${c.ConsumerStatus}`,
              severity: 'warning',
              shardId: null,
            },
          ]
        : [],
    kind: 'efo',
    name,
    shards: [],
    source: `enhanced fan-out consumer ${c.ConsumerARN ?? name} (status ${c.ConsumerStatus ?? 'unknown'}; its lag is not visible here: see SubscribeToShardEvent.MillisBehindLatest in CloudWatch)`,
  }
}

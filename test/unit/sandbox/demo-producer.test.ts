import {KinesisClient, PutRecordsCommand} from '@aws-sdk/client-kinesis'
import {mockClient} from 'aws-sdk-client-mock'
import {describe, expect, it} from 'vitest'

import {keepProducing, KINESIS_DEMO_HOT_KEY} from '../../../src/lib/sandbox/seeds/kinesis.js'

describe('the demo producer', () => {
  it('keeps writing the skewed mix while the sandbox runs, at a rate far inside the limits, and stops on Ctrl-C', async () => {
    const kinesis = new KinesisClient({credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, region: 'us-east-1'})
    const mock = mockClient(kinesis)
    mock.on(PutRecordsCommand).resolves({FailedRecordCount: 0, Records: []})
    const stop = new AbortController()
    let waits = 0
    const batches = await keepProducing(kinesis, {
      signal: stop.signal,
      async sleep(ms) {
        expect(ms).toBe(5000)
        if (++waits === 3) stop.abort()
      },
    })
    expect(batches).toBe(3)
    const records = mock.commandCalls(PutRecordsCommand).flatMap((c) => c.args[0].input.Records ?? [])
    // 250 records per 5 s: 50 records/s in all.
    expect(records).toHaveLength(750)
    const hot = records.filter((r) => r.PartitionKey === KINESIS_DEMO_HOT_KEY).length
    expect(hot / records.length).toBeCloseTo(0.5, 1)
  })

  it('reports a failure once and stops', async () => {
    const kinesis = new KinesisClient({credentials: {accessKeyId: 'x', secretAccessKey: 'y'}, region: 'us-east-1'})
    mockClient(kinesis).on(PutRecordsCommand).rejects(new Error('connection refused'))
    const errors: string[] = []
    const batches = await keepProducing(kinesis, {
      onError: (m) => errors.push(m),
      signal: new AbortController().signal,
      async sleep() {},
    })
    expect(batches).toBe(0)
    expect(errors).toEqual(['the demo producer stopped: connection refused'])
  })
})

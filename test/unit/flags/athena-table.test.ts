import {describe, expect, it} from 'vitest'

import {athenaTableRequest} from '../../../src/flags/athena-table.js'

describe('--athena-table flags → request', () => {
  const given = {'athena-table': 'lake.orders_raw', 'key-column': 'partition_key'}

  it('carries the table, the columns and the window, with the timestamp format by default', () => {
    const window = {endMs: 2000, startMs: 1000}
    expect(
      athenaTableRequest(
        {...given, 'bytes-column': 'size', 'max-scan-gb': '2.5', 'time-column': 'arrival', workgroup: 'wg'},
        window,
      ),
    ).toEqual({
      bytesColumn: 'size',
      catalog: undefined,
      keyColumn: 'partition_key',
      maxScanGb: 2.5,
      outputLocation: undefined,
      printSqlOnly: undefined,
      table: 'lake.orders_raw',
      timeColumn: 'arrival',
      timeFormat: 'timestamp',
      window,
      workGroup: 'wg',
    })
    expect(athenaTableRequest({...given, 'time-format': 'epoch-ms'}, undefined)).toMatchObject({
      timeFormat: 'epoch-ms',
      window: undefined,
    })
  })

  it('names the bad value and the fix (exit 2)', () => {
    expect(() => athenaTableRequest({'athena-table': 'lake.t'}, undefined)).toThrow(
      expect.objectContaining({exitCode: 2, message: expect.stringMatching(/needs --key-column/)}),
    )
    for (const bad of ['0', '-1', 'lots'])
      expect(() => athenaTableRequest({...given, 'max-scan-gb': bad}, undefined)).toThrow(
        `--max-scan-gb must be a positive number of GB, not "${bad}"`,
      )
    expect(() => athenaTableRequest({...given, 'output-location': 'bucket/prefix'}, undefined)).toThrow(
      /--output-location must be an s3:\/\/BUCKET\/PREFIX\/ URI, not "bucket\/prefix"/,
    )
    // The table name's shape is refused here, before any AWS set-up could ask for a region first.
    expect(() => athenaTableRequest({...given, 'athena-table': 'notatable'}, undefined)).toThrow(
      expect.objectContaining({exitCode: 2, message: '--athena-table must be DATABASE.TABLE, not "notatable"'}),
    )
  })
})

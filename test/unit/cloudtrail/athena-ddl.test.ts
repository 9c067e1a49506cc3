/* eslint-disable no-template-curly-in-string -- Athena location templates are literal ${key} placeholders */
import {describe, expect, it} from 'vitest'

import {parseDdl} from '../../../src/lib/athena/inputs/ddl.js'
import {cloudTrailTableDdl} from '../../../src/lib/cloudtrail/athena-ddl.js'

describe('cloudTrailTableDdl', () => {
  it('writes the partition-projected table for one account and Region, readable by the DDL parser', () => {
    const ddl = cloudTrailTableDdl({
      accountId: '111122223333',
      bucket: 's3://trail-logs/org-prefix',
      projection: true,
      projectionStart: '2025/01/01',
      region: 'eu-west-1',
      table: 'audit.cloudtrail_eu_west_1',
    })
    expect(ddl).toContain("LOCATION 's3://trail-logs/org-prefix/AWSLogs/111122223333/CloudTrail/eu-west-1'")
    expect(ddl).toContain(
      "'storage.location.template'='s3://trail-logs/org-prefix/AWSLogs/111122223333/CloudTrail/eu-west-1/${timestamp}'",
    )
    expect(ddl).toContain("'projection.timestamp.range'='2025/01/01,NOW'")
    const schema = parseDdl(ddl, 'cloudtrail.sql')
    const table = schema.tables[0]!
    expect(table.partitionKeys.map((k) => k.name)).toEqual(['timestamp'])
    expect(table.columns.map((c) => c.name)).toContain('requestparameters')
    expect(table.columns).toHaveLength(29)
  })

  it('writes region/year/month/day partitions for catalog partitions, with the organization folder', () => {
    const ddl = cloudTrailTableDdl({
      accountId: '111122223333',
      bucket: 's3://trail-logs',
      organizationId: 'o-abc123',
      projection: false,
      table: 'cloudtrail_logs',
    })
    expect(ddl).toContain("LOCATION 's3://trail-logs/AWSLogs/o-abc123/111122223333/CloudTrail/'")
    expect(parseDdl(ddl, 'ct.sql').tables[0]!.partitionKeys.map((k) => k.name)).toEqual([
      'region',
      'year',
      'month',
      'day',
    ])
  })

  it('names what is missing', () => {
    const base = {accountId: '111122223333', bucket: 's3://trail-bucket', projection: true, table: 't'}
    expect(() => cloudTrailTableDdl(base)).toThrow(/covers one Region: give --trail-region/)
    expect(() => cloudTrailTableDdl({...base, accountId: '12'})).toThrow(/12-digit/)
    expect(() => cloudTrailTableDdl({...base, projectionStart: '2025-01-01', region: 'us-east-1'})).toThrow(
      /yyyy\/MM\/dd/,
    )
  })
})

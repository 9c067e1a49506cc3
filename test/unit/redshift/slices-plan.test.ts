import {DescribeClustersCommand, RedshiftClient} from '@aws-sdk/client-redshift'
import {
  DescribeStatementCommand,
  ExecuteStatementCommand,
  GetStatementResultCommand,
  RedshiftDataClient,
} from '@aws-sdk/client-redshift-data'
import {mockClient} from 'aws-sdk-client-mock'
import fc from 'fast-check'
import {beforeEach, describe, expect, it} from 'vitest'

import {testRunContext} from '../../../src/lib/core/run-context.js'
import {buildCopySql, buildManifest} from '../../../src/lib/redshift/copy-sql.js'
import {chooseBlockSize, estimateOutput, LARGE_BLOCKS, planParts} from '../../../src/lib/redshift/plan.js'
import {resolveSlices, slicesForNodeType} from '../../../src/lib/redshift/slices.js'

const redshift = mockClient(RedshiftClient)
const data = mockClient(RedshiftDataClient)
const clients = {
  data: () => new RedshiftDataClient({region: 'us-east-1'}),
  redshift: () => new RedshiftClient({region: 'us-east-1'}),
}

describe('slices', () => {
  beforeEach(() => {
    redshift.reset()
    data.reset()
  })

  it('uses the documented node table offline and flags it as an estimate', async () => {
    expect(slicesForNodeType('ra3.4xlarge', 4)).toBe(16)
    expect(slicesForNodeType('dc2.8xlarge', 2)).toBe(32)
    expect(slicesForNodeType('ra3.large', 2)).toBeUndefined()
    const r = await resolveSlices({}, {nodes: 3, nodeType: 'ra3.xlplus'}, testRunContext())
    expect(r.slices).toMatchObject({count: 6, estimate: true})
    expect(r.slices.source).toMatch(/documented node table/)
    await expect(resolveSlices({}, {nodes: 2, nodeType: 'rg.xlarge'}, testRunContext())).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/rg\.xlarge/),
    })
  })

  it('counts STV_SLICES through the Data API (execute, poll, result)', async () => {
    redshift
      .on(DescribeClustersCommand)
      .resolves({Clusters: [{ClusterIdentifier: 'c1', NodeType: 'ra3.4xlarge', NumberOfNodes: 2}]})
    data.on(ExecuteStatementCommand).resolves({Id: 'st-1'})
    data
      .on(DescribeStatementCommand)
      .resolvesOnce({Id: 'st-1', Status: 'STARTED'})
      .resolves({Id: 'st-1', Status: 'FINISHED'})
    data.on(GetStatementResultCommand).resolves({Records: [[{longValue: 12}]]})
    const r = await resolveSlices(
      clients,
      {cluster: 'c1', database: 'dev', dbUser: 'loader', pollMs: 0},
      testRunContext(),
    )
    expect(r.slices).toEqual({
      count: 12,
      estimate: false,
      source: 'SELECT COUNT(*) FROM stv_slices on cluster c1 (Redshift Data API)',
    })
    // 12 live vs 8 from the table: the cluster was resized.
    expect(r.warnings.join(' ')).toMatch(/resized/)
    expect(data.commandCalls(ExecuteStatementCommand)[0]!.args[0].input).toMatchObject({
      ClusterIdentifier: 'c1',
      Database: 'dev',
      DbUser: 'loader',
      Sql: 'SELECT COUNT(*) FROM stv_slices',
    })
    expect(data.commandCalls(DescribeStatementCommand)).toHaveLength(2)
  })

  it('uses --secret-arn instead of --db-user', async () => {
    redshift.on(DescribeClustersCommand).resolves({Clusters: [{NodeType: 'dc2.large', NumberOfNodes: 2}]})
    data.on(ExecuteStatementCommand).resolves({Id: 'x'})
    data.on(DescribeStatementCommand).resolves({Status: 'FINISHED'})
    data.on(GetStatementResultCommand).resolves({Records: [[{longValue: 4}]]})
    await resolveSlices(
      clients,
      {cluster: 'c', database: 'dev', pollMs: 0, secretArn: 'arn:aws:secretsmanager:us-east-1:1:secret:s'},
      testRunContext(),
    )
    const {input} = data.commandCalls(ExecuteStatementCommand)[0]!.args[0]
    expect(input.SecretArn).toBe('arn:aws:secretsmanager:us-east-1:1:secret:s')
    expect(input.DbUser).toBeUndefined()
  })

  it('falls back to DescribeClusters × table when the Data API fails, flagged as an estimate', async () => {
    redshift.on(DescribeClustersCommand).resolves({Clusters: [{NodeType: 'dc2.8xlarge', NumberOfNodes: 2}]})
    data.on(ExecuteStatementCommand).rejects(
      Object.assign(new Error('User is not authorized'), {
        $metadata: {httpStatusCode: 403},
        name: 'AccessDeniedException',
      }),
    )
    const r = await resolveSlices(clients, {cluster: 'c', database: 'dev', dbUser: 'u', pollMs: 0}, testRunContext())
    expect(r.slices).toMatchObject({count: 32, estimate: true})
    expect(r.slices.source).toMatch(/DescribeClusters: dc2\.8xlarge × 2 node\(s\) × 16 slices per node.*access denied/)
    expect(r.warnings[0]).toMatch(/estimate/)
  })

  it('falls back when the statement fails or shows too few slices (non-superuser)', async () => {
    redshift.on(DescribeClustersCommand).resolves({Clusters: [{NodeType: 'ra3.4xlarge', NumberOfNodes: 4}]})
    data.on(ExecuteStatementCommand).resolves({Id: 'x'})
    data.on(DescribeStatementCommand).resolves({Error: 'relation does not exist', Status: 'FAILED'})
    const failed = await resolveSlices(
      clients,
      {cluster: 'c', database: 'dev', dbUser: 'u', pollMs: 0},
      testRunContext(),
    )
    expect(failed.slices).toMatchObject({count: 16, estimate: true})
    expect(failed.slices.source).toMatch(/relation does not exist/)
    data.on(DescribeStatementCommand).resolves({Status: 'FINISHED'})
    data.on(GetStatementResultCommand).resolves({Records: [[{longValue: 2}]]})
    const low = await resolveSlices(clients, {cluster: 'c', database: 'dev', dbUser: 'u', pollMs: 0}, testRunContext())
    expect(low.slices).toMatchObject({count: 16, estimate: true})
    expect(low.slices.source).toMatch(/not a superuser/)
  })

  it('without --database uses the node table directly; a missing cluster is exit 4', async () => {
    redshift.on(DescribeClustersCommand).resolves({Clusters: [{NodeType: 'ra3.16xlarge', NumberOfNodes: 2}]})
    const r = await resolveSlices(clients, {cluster: 'c'}, testRunContext())
    expect(r.slices.count).toBe(32)
    expect(data.calls()).toHaveLength(0)
    redshift.on(DescribeClustersCommand).rejects(
      Object.assign(new Error('Cluster nope not found.'), {
        $metadata: {httpStatusCode: 404},
        name: 'ClusterNotFoundFault',
      }),
    )
    await expect(resolveSlices(clients, {cluster: 'nope'}, testRunContext())).rejects.toMatchObject({
      code: 'ClusterNotFound',
      exitCode: 4,
    })
  })

  it('an unknown node type without a usable Data API asks for --slices', async () => {
    redshift.on(DescribeClustersCommand).resolves({Clusters: [{NodeType: 'ra3.large', NumberOfNodes: 2}]})
    await expect(resolveSlices(clients, {cluster: 'c'}, testRunContext())).rejects.toMatchObject({
      exitCode: 6,
      suggestions: [expect.stringMatching(/--slices/)],
    })
  })

  it('Serverless: no slices, planned by size', async () => {
    const r = await resolveSlices({}, {workgroup: 'wg'}, testRunContext())
    expect(r.slices.count).toBeNull()
    expect(r.slices.source).toMatch(/provisioned-only/)
  })
})

describe('plan', () => {
  it('is the smallest multiple of the slices keeping parts under the target (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({max: 1e12, min: 1}),
        fc.integer({max: 256, min: 1}),
        fc.integer({max: 2e9, min: 1e5}),
        (total, slices, target) => {
          const plan = planParts({estimate: {basis: 't', outputBytes: total}, slices, targetSize: target})
          expect(plan.files % slices).toBe(0)
          expect(total / plan.files).toBeLessThanOrEqual(target)
          if (plan.files > slices) expect(total / (plan.files - slices)).toBeGreaterThan(target)
        },
      ),
    )
  })

  it('honours --files-per-slice and warns outside 1 MB – 1 GB', () => {
    expect(
      planParts({estimate: {basis: 't', outputBytes: 64e9}, filesPerSlice: 3, slices: 4, targetSize: 1e8}).files,
    ).toBe(12)
    const big = planParts({estimate: {basis: 't', outputBytes: 64e9}, filesPerSlice: 1, slices: 4, targetSize: 1e8})
    expect(big.warnings.join(' ')).toMatch(/over AWS's 1 GB/)
    const tiny = planParts({estimate: {basis: 't', outputBytes: 300_000}, slices: 8, targetSize: 1e8})
    expect(tiny.warnings.join(' ')).toMatch(/cannot speed up/)
    const small = planParts({estimate: {basis: 't', outputBytes: 5e6}, slices: 16, targetSize: 1e8})
    expect(small.warnings.join(' ')).toMatch(/under AWS's 1 MB/)
  })

  it('Serverless plans by size; unknown sizes fall back with a warning', () => {
    expect(planParts({estimate: {basis: 't', outputBytes: 950e6}, slices: null, targetSize: 1e8}).files).toBe(10)
    const unknown = planParts({estimate: {basis: 't', outputBytes: undefined}, slices: 4, targetSize: 1e8})
    expect(unknown.files).toBe(4)
    expect(unknown.warnings[0]).toMatch(/unknown/)
  })

  it('estimates output size from the input and the codec', () => {
    expect(estimateOutput({bytes: 1e9, compression: 'gzip'}, 'gzip', 6).outputBytes).toBeCloseTo(1.01e9, -8)
    expect(estimateOutput({bytes: 1e9, compression: 'none'}, 'gzip', 6).outputBytes).toBeCloseTo(3.03e8, -7)
    expect(estimateOutput({bytes: undefined, compression: 'none'}, 'gzip', 6).outputBytes).toBeUndefined()
    const libdeflate = LARGE_BLOCKS
    expect(chooseBlockSize(200 * 2 ** 20, 8)).toBe(256 * 1024)
    expect(chooseBlockSize(200 * 2 ** 20, 8, libdeflate)).toBe(512 * 1024)
    expect(chooseBlockSize(20 * 2 ** 20, 8, libdeflate)).toBe(64 * 1024)
    expect(chooseBlockSize(1e12, 8)).toBe(256 * 1024)
    expect(chooseBlockSize(1e12, 8, libdeflate)).toBe(512 * 1024)
    expect(chooseBlockSize(1000, 8)).toBe(16 * 1024)
  })
})

describe('manifest and COPY', () => {
  it('writes mandatory entries with content_length, as plain JSON', () => {
    const m = JSON.parse(buildManifest([{bytes: 10, url: 's3://b/p/part-0000.csv.gz'}])) as unknown

    expect(m).toEqual({entries: [{mandatory: true, meta: {content_length: 10}, url: 's3://b/p/part-0000.csv.gz'}]})
  })

  it('prints the exact COPY for csv, text and json', () => {
    const csv = buildCopySql({
      codec: 'gzip',
      delimiter: ',',
      format: 'csv',
      iamRole: 'arn:aws:iam::1:role/r',
      ignoreHeader: 1,
      manifestUrl: 's3://b/p/manifest.json',
      quote: '"',
      region: 'eu-west-1',
      table: 'public.t',
    })
    expect(csv).toBe(
      "COPY public.t\nFROM 's3://b/p/manifest.json'\nIAM_ROLE 'arn:aws:iam::1:role/r'\nMANIFEST\nFORMAT AS CSV QUOTE AS '\"'\nDELIMITER ','\nIGNOREHEADER 1\nGZIP\nREGION 'eu-west-1';",
    )
    const text = buildCopySql({
      codec: 'zstd',
      delimiter: '\t',
      format: 'text',
      ignoreHeader: 0,
      manifestUrl: 's3://b/m.json',
      quote: '"',
    })
    expect(text).toContain(String.raw`DELIMITER '\t'`)
    expect(text).toContain('ESCAPE\nIGNOREHEADER 0\nZSTD')
    expect(text).toContain('COPY <schema.table>')
    expect(text).toContain("IAM_ROLE 'arn:aws:iam::<account-id>:role/<redshift-copy-role>'")
    const quoteSql = buildCopySql({
      codec: 'none',
      delimiter: ',',
      format: 'csv',
      ignoreHeader: 0,
      manifestUrl: 's3://b/m.json',
      quote: "'",
    })
    expect(quoteSql).toContain("QUOTE AS ''''")
    expect(quoteSql).not.toMatch(/GZIP|ZSTD/)
  })
})

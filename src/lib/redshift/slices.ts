/**
 * How many slices the target cluster has, and where that number came from.
 *
 * Order of trust: --slices (the user knows) > STV_SLICES through the Redshift Data API (the live
 * cluster) > DescribeClusters node type × count × the documented table (an estimate: elastic
 * resize and restores change slices per node) > --node-type/--nodes offline (same table).
 * Serverless workgroups have no slices (STV tables are provisioned-only), so files are planned by size.
 * Source of the table: Redshift management guide, "Node type details" (reference/redshift-lifecycle.md A1).
 */
// The Redshift SDKs are loaded with import() where a live cluster is asked: other slice sources
// (and every local split) do not pay their start-up time and memory.
import type {Cluster, RedshiftClient} from '@aws-sdk/client-redshift'
import type {RedshiftDataClient} from '@aws-sdk/client-redshift-data'

import type {RunContext} from '../core/run-context.js'

import {abortOpts} from '../aws/abort.js'
import {classifyError, InputError, NotFoundError, PipeopsError, UsageError} from '../core/errors.js'
import {runStatement} from './data-api.js'

/** Default slices per node, from the management guide's node table (old names map to their successors). */
export const SLICES_PER_NODE: Readonly<Record<string, number>> = {
  'dc1.8xlarge': 32,
  'dc1.large': 2,
  'dc2.8xlarge': 16,
  'dc2.large': 2,
  'ds1.8xlarge': 16,
  'ds1.xlarge': 2,
  'ds2.8xlarge': 16,
  'ds2.xlarge': 2,
  'dw1.8xlarge': 16,
  'dw1.xlarge': 2,
  'dw2.8xlarge': 32,
  'dw2.large': 2,
  'dw.hs1.8xlarge': 16,
  'dw.hs1.xlarge': 2,
  'ra3.4xlarge': 4,
  'ra3.16xlarge': 16,
  'ra3.xlplus': 2,
}

export interface SliceInfo {
  /** null for Serverless: there are no slices, files are planned by size. */
  count: null | number
  /** True when the count comes from the node table rather than the live cluster. */
  estimate: boolean
  source: string
}

export interface SliceQuery {
  cluster?: string | undefined
  database?: string | undefined
  dbUser?: string | undefined
  nodes?: number | undefined
  nodeType?: string | undefined
  /** Poll interval of DescribeStatement (ms); tests pass 0. */
  pollMs?: number | undefined
  secretArn?: string | undefined
  slices?: number | undefined
  /** Give up on the Data API after this long (ms). */
  timeoutMs?: number | undefined
  workgroup?: string | undefined
}

export interface SliceClients {
  data?: () => RedshiftDataClient
  redshift?: () => RedshiftClient
}

export interface SliceResolution {
  slices: SliceInfo
  warnings: string[]
}

export function slicesForNodeType(nodeType: string, nodes: number): number | undefined {
  const perNode = SLICES_PER_NODE[nodeType.trim().toLowerCase()]
  return perNode === undefined ? undefined : perNode * nodes
}

function unknownNodeType(nodeType: string): PipeopsError {
  return new UsageError(`node type "${nodeType}" is not in the documented slices-per-node table`, {
    suggestions: [
      `Known types: ${Object.keys(SLICES_PER_NODE)
        .filter((t) => !t.startsWith('dw') && !t.startsWith('ds1'))
        .join(', ')}.`,
      'Newer types (ra3.large, rg.*) have no published slice count: use --cluster to count STV_SLICES, or give --slices N (SELECT COUNT(*) FROM stv_slices).',
    ],
  })
}

/** Exactly one way of knowing the slices must be given; the command checks flag combinations first. */
export async function resolveSlices(
  clients: SliceClients,
  query: SliceQuery,
  ctx: Pick<RunContext, 'signal' | 'sleep'>,
): Promise<SliceResolution> {
  if (query.slices !== undefined)
    return {slices: {count: query.slices, estimate: false, source: 'given with --slices'}, warnings: []}
  if (query.nodeType !== undefined) {
    const nodes = query.nodes ?? 1
    const count = slicesForNodeType(query.nodeType, nodes)
    if (count === undefined) throw unknownNodeType(query.nodeType)
    return {
      slices: {
        count,
        estimate: true,
        source: `${query.nodeType} × ${nodes} node(s) × ${count / nodes} slices per node, from the documented node table (estimate: elastic resize can change slices per node)`,
      },
      warnings: [],
    }
  }

  if (query.workgroup !== undefined) {
    return {
      slices: {
        count: null,
        estimate: false,
        source: `Serverless workgroup ${query.workgroup}: Serverless has no slices to query (STV_SLICES is provisioned-only), so the file count is planned by size`,
      },
      warnings: [],
    }
  }

  if (query.cluster === undefined)
    throw new UsageError('no slice source given', {
      suggestions: ['Give one of --slices, --cluster, --workgroup or --node-type with --nodes.'],
    })
  return clusterSlices(clients, query as SliceQuery & {cluster: string}, ctx)
}

async function clusterSlices(
  clients: SliceClients,
  query: SliceQuery & {cluster: string},
  ctx: Pick<RunContext, 'signal' | 'sleep'>,
): Promise<SliceResolution> {
  const warnings: string[] = []
  const redshift = clients.redshift?.()
  let cluster: Cluster | undefined
  if (redshift) {
    const {DescribeClustersCommand} = await import('@aws-sdk/client-redshift')
    try {
      const out = await redshift.send(
        new DescribeClustersCommand({ClusterIdentifier: query.cluster}),
        abortOpts(ctx.signal),
      )
      cluster = out.Clusters?.[0]
    } catch (error) {
      if ((error as {name?: string}).name === 'ClusterNotFoundFault') {
        throw new NotFoundError(`cluster "${query.cluster}" was not found`, {
          cause: error,
          code: 'ClusterNotFound',
          requestId: (error as {$metadata?: {requestId?: string}}).$metadata?.requestId,
          suggestions: [
            'Check the cluster identifier and --region (aws redshift describe-clusters).',
            'For Redshift Serverless use --workgroup.',
          ],
        })
      }

      throw error
    }

    if (!cluster)
      throw new NotFoundError(`cluster "${query.cluster}" was not found`, {
        suggestions: ['Check the cluster identifier and --region.'],
      })
  }

  const table =
    cluster?.NodeType && cluster.NumberOfNodes ? slicesForNodeType(cluster.NodeType, cluster.NumberOfNodes) : undefined
  let dataApiProblem: string | undefined
  if (query.database === undefined) dataApiProblem = 'no --database given'
  else if (query.dbUser === undefined && query.secretArn === undefined)
    dataApiProblem = 'neither --db-user nor --secret-arn given'
  else if (clients.data) {
    try {
      const live = await countStvSlices(clients.data(), query as SliceQuery & {cluster: string; database: string}, ctx)
      const nodes = cluster?.NumberOfNodes ?? 1
      if (live >= nodes && live > 0) {
        if (table !== undefined && table !== live)
          warnings.push(
            `the cluster has ${live} slices, not the ${table} the node table gives for ${cluster?.NodeType} × ${nodes}: it was probably resized or restored`,
          )
        return {
          slices: {
            count: live,
            estimate: false,
            source: `SELECT COUNT(*) FROM stv_slices on cluster ${query.cluster} (Redshift Data API)`,
          },
          warnings,
        }
      }

      dataApiProblem = `STV_SLICES showed only ${live} row(s) for ${nodes} node(s); a user who is not a superuser may not see every slice`
    } catch (error) {
      if (error instanceof PipeopsError && error.code === 'Aborted') throw error
      const classified = classifyError(error)
      dataApiProblem = `the Data API query failed: ${classified.message}`
    }
  }

  if (!cluster?.NodeType || !cluster.NumberOfNodes) {
    throw new InputError(
      `cannot count the slices of cluster "${query.cluster}": ${dataApiProblem ?? 'no node type known'}`,
      {
        suggestions: ['Give --slices N (run SELECT COUNT(*) FROM stv_slices as a superuser).'],
      },
    )
  }

  if (table === undefined) {
    throw new InputError(
      `cannot count the slices of cluster "${query.cluster}": ${dataApiProblem ?? 'Data API not used'}, and node type ${cluster.NodeType} is not in the documented table`,
      {
        suggestions: ['Fix the Data API access (--database with --db-user or --secret-arn), or give --slices N.'],
      },
    )
  }

  warnings.push(
    `slice count is an estimate from the node table (${dataApiProblem ?? 'Data API not used'}); elastic resize changes slices per node, so check with SELECT COUNT(*) FROM stv_slices`,
  )
  return {
    slices: {
      count: table,
      estimate: true,
      source: `DescribeClusters: ${cluster.NodeType} × ${cluster.NumberOfNodes} node(s) × ${table / cluster.NumberOfNodes} slices per node from the documented table (estimate; Data API not usable: ${dataApiProblem ?? 'not tried'})`,
    },
    warnings,
  }
}

/** SELECT COUNT(*) FROM stv_slices through the Data API (data-api.ts). */
export async function countStvSlices(
  client: RedshiftDataClient,
  query: SliceQuery & {cluster: string; database: string},
  ctx: Pick<RunContext, 'signal' | 'sleep'>,
): Promise<number> {
  const result = await runStatement(
    client,
    {cluster: query.cluster, database: query.database, dbUser: query.dbUser, secretArn: query.secretArn},
    {
      name: 'pipeops-copy-split-slices',
      pollMs: query.pollMs,
      sql: 'SELECT COUNT(*) FROM stv_slices',
      timeoutMs: query.timeoutMs ?? 60_000,
    },
    ctx,
  )
  const cell = result.rows[0] ? Object.values(result.rows[0])[0] : undefined
  const value = typeof cell === 'number' ? cell : typeof cell === 'string' ? Number(cell) : undefined
  if (value === undefined || !Number.isInteger(value)) throw new Error('GetStatementResult returned no count')
  return value
}

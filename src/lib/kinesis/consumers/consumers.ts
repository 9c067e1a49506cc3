/**
 * `kinesis consumers`: every consumer of one stream (KCL applications through their lease tables,
 * Lambda event source mappings, enhanced fan-out consumers, Firehose delivery streams), the lag of
 * each shard they read, their CloudWatch metrics over the window, and what is wrong. Live
 * (`kinesisConsumers`) or from saved files (`reviewSavedConsumers`).
 */
import type {DeliveryStreamDescription} from '@aws-sdk/client-firehose'
import type {EventSourceMappingConfiguration} from '@aws-sdk/client-lambda'

import {readFile} from 'node:fs/promises'

import type {ClientOf} from '../../aws/clients.js'
import type {RunContext} from '../../core/run-context.js'
import type {Consumer, ConsumersResult} from './types.js'

import {InputError, NotFoundError} from '../../core/errors.js'
import {describeStream, listShards, type StreamRef} from '../stream.js'
import {readConsumerMetrics} from './consumer-metrics.js'
import {analyseEfoConsumer, listEfoConsumers} from './efo.js'
import {analyseDeliveryStream, listStreamDeliveryStreams} from './firehose.js'
import {analyseKcl, type KclInput} from './kcl-findings.js'
import {analyseMapping, listStreamMappings} from './lambda.js'
import {type AttributeMap, itemsOfScanOutput, type Lease, parseLeaseItems, splitJsonDocuments} from './lease-items.js'
import {scanLeaseTable} from './lease-table.js'
import {deliveryStreamsOfJson, mappingsOfJson} from './saved-inputs.js'
import {readShardLags} from './shard-lag.js'
import {parseShardList, type ShardList} from './shard-map.js'
import {coordinatorFromItems, workerMetricFromItem} from './worker-metrics.js'

export interface ConsumerClients {
  /** Absent: no CloudWatch to ask (a local emulator); every metric is then "not checked". */
  cloudwatch?: Pick<ClientOf<'cloudwatch'>, 'send'> | undefined
  dynamodb: () => Promise<Pick<ClientOf<'dynamodb'>, 'send'>>
  /** Absent: Firehose delivery streams are not looked for (--no-firehose, or an emulator). */
  firehose?: (() => Promise<Pick<ClientOf<'firehose'>, 'send'>>) | undefined
  kinesis: Pick<ClientOf<'kinesis'>, 'send'>
  /** Absent: Lambda mappings are not looked for (e.g. against an emulator without Lambda). */
  lambda?: (() => Promise<Pick<ClientOf<'lambda'>, 'send'>>) | undefined
}

export interface LiveRequest {
  concurrency?: number
  consistentRead?: boolean
  /** Look for enhanced fan-out consumers (ListStreamConsumers). */
  efo: boolean
  /** KCL lease tables to read: the application name is the table name by default. */
  leaseTables: string[]
  /** Why CloudWatch is absent, when clients.cloudwatch is. */
  noCloudWatchReason?: string | undefined
  /** Why Firehose is not looked at, when clients.firehose is absent. */
  noFirehoseReason?: string | undefined
  /** Read the lease tables again after this long: dead workers and stuck checkpoints. */
  sampleMs?: number | undefined
  stream: StreamRef
  /** The CloudWatch metrics window (--window). */
  windowMs: number
}

/** Leases of this stream only: a multi-stream table holds leases of several streams. */
function ofStream(leases: Lease[], stream: null | string): Lease[] {
  if (stream === null) return leases
  return leases.filter((l) => l.streamName === null || l.streamName === stream)
}

export async function kinesisConsumers(
  clients: ConsumerClients,
  request: LiveRequest,
  ctx: RunContext,
): Promise<ConsumersResult> {
  const summary = await describeStream(clients.kinesis, request.stream, ctx.signal)
  const ref = {streamArn: request.stream.streamArn, streamName: summary.streamName}
  const shards = await listShards(clients.kinesis, ref, {openOnly: false, signal: ctx.signal})
  const retentionHours = summary.retentionHours ?? null
  const consumers: Consumer[] = []
  const notChecked: ConsumersResult['notChecked'] = []
  // Everything beside the lease tables is looked for on the side: a denied or unavailable call
  // leaves it unknown (said so), it does not hide the other consumers' findings.
  const aside = async <T>(what: string, look: () => Promise<T>, quiet = false): Promise<T | undefined> => {
    try {
      return await look()
    } catch (error) {
      if (ctx.signal.aborted) throw error
      const e = error as {message?: string; name?: string}
      const reason = `${e.name ?? 'Error'}: ${e.message ?? ''}`.trim()
      notChecked.push({reason, what})
      if (!quiet) ctx.warn(`${what} not checked (${reason})`)
      return undefined
    }
  }

  for (const table of request.leaseTables) {
    const dynamodb = await clients.dynamodb()
    ctx.progress({detail: table, label: 'Scanning lease table'})
    const firstRead = splitLeaseItems(
      await scanLeaseTable(dynamodb, table, ctx, request),
      summary.streamName,
      table,
      ctx,
    )
    const first = firstRead.leases
    const now = ctx.now().getTime()
    const listed = new Set(shards.map((s) => s.shardId))
    const lags = await readShardLags(
      clients.kinesis,
      {
        concurrency: request.concurrency,
        ref,
        shards: first.filter((l) => listed.has(l.shardId)).map((l) => ({checkpoint: l.checkpoint, shardId: l.shardId})),
      },
      ctx,
    )
    const kcl3 = await readKcl3Tables(table, firstRead.metadata, first, (name) =>
      aside(`KCL 3.x table ${name}`, () => scanOptional(dynamodb, name, ctx), !looksKcl3(first)),
    )
    let after: Lease[] | undefined
    if (request.sampleMs !== undefined) {
      ctx.progress({detail: `${Math.round(request.sampleMs / 1000)} s`, label: 'Waiting for the second read'})
      await ctx.sleep(request.sampleMs)
      after = splitLeaseItems(
        await scanLeaseTable(dynamodb, table, ctx, request),
        summary.streamName,
        table,
        ctx,
      ).leases
    }

    consumers.push(
      analyseKcl({
        ...kcl3,
        after,
        lags,
        lagUnknownReason: 'not read',
        leases: first,
        name: table,
        now,
        retentionHours,
        sampleMs: request.sampleMs,
        shards,
        source: `lease table ${table}`,
      }),
    )
  }

  const lambdaPairs: Array<{consumer: Consumer; mapping: EventSourceMappingConfiguration}> = []
  const efo: Consumer[] = []
  let deliveryStreams: DeliveryStreamDescription[] = []
  if (summary.streamArn) {
    const arn = summary.streamArn
    const {firehose, lambda} = clients
    if (lambda) {
      const mappings = await aside('Lambda event source mappings', async () =>
        listStreamMappings(await lambda(), arn, ctx),
      )
      for (const mapping of mappings ?? []) lambdaPairs.push({consumer: analyseMapping(mapping), mapping})
    } else notChecked.push({reason: '--no-lambda', what: 'Lambda event source mappings'})
    if (request.efo) {
      const found = await aside('enhanced fan-out consumers', async () => listEfoConsumers(clients.kinesis, arn, ctx))
      efo.push(...(found ?? []).map((c) => analyseEfoConsumer(c)))
    }

    if (firehose)
      deliveryStreams =
        (await aside('Firehose delivery streams', async () => listStreamDeliveryStreams(await firehose(), arn, ctx))) ??
        []
    else notChecked.push({reason: request.noFirehoseReason ?? '--no-firehose', what: 'Firehose delivery streams'})
  } else {
    notChecked.push({
      reason: 'the stream ARN is unknown',
      what: 'Lambda mappings, enhanced fan-out consumers and Firehose delivery streams',
    })
  }

  const metrics = await readConsumerMetrics(
    clients.cloudwatch,
    {
      deliveryStreams,
      efo,
      lambda: lambdaPairs,
      openShardIds: shards.filter((s) => s.open).map((s) => s.shardId),
      retentionHours,
      shardLevelMetrics: summary.shardLevelMetrics,
      streamName: summary.streamName,
      windowMs: request.windowMs,
    },
    ctx,
    request.noCloudWatchReason,
  )
  if (metrics.notChecked !== undefined)
    notChecked.push({
      reason: metrics.notChecked,
      what: 'CloudWatch metrics (iterator age, Lambda, enhanced fan-out, Firehose)',
    })
  consumers.push(...lambdaPairs.map((p) => p.consumer), ...efo, ...metrics.firehose)
  return {
    ...result(summary.streamName, retentionHours, consumers, notChecked, metrics.iteratorAge),
    metricsWindow: metrics.window,
  }
}

/** Leases 3.x and ports write (throughput, graceful hand-off) or 3.5 single-table items: KCL 3.x is likely. */
function looksKcl3(leases: Lease[]): boolean {
  return leases.some((l) => l.throughputKBps !== null || l.checkpointOwner !== null)
}

/** A table that may not exist: its items, or null when it does not. */
async function scanOptional(
  dynamodb: Parameters<typeof scanLeaseTable>[0],
  table: string,
  ctx: RunContext,
): Promise<AttributeMap[] | null> {
  try {
    return await scanLeaseTable(dynamodb, table, ctx)
  } catch (error) {
    if (error instanceof NotFoundError) return null
    throw error
  }
}

/**
 * KCL 3.x worker metrics and coordinator state: single-table items of the lease table, else the
 * `<table>-WorkerMetricStats` and `<table>-CoordinatorState` tables (KCL names them after the
 * application, which is the lease table's name unless it was configured otherwise).
 */
async function readKcl3Tables(
  table: string,
  metadata: AttributeMap[],
  leases: Lease[],
  scan: (name: string) => Promise<AttributeMap[] | null | undefined>,
): Promise<Pick<KclInput, 'coordinator' | 'workerMetrics'>> {
  let workerItems = metadata
  let coordinatorItems = metadata
  let coordinatorSource = `lease table ${table} (single-table items)`
  if (!metadata.some((i) => workerMetricFromItem(i)) && leases.length > 0)
    workerItems = (await scan(`${table}-WorkerMetricStats`)) ?? metadata

  if (!coordinatorFromItems(metadata) && leases.length > 0) {
    const items = await scan(`${table}-CoordinatorState`)
    if (items) {
      coordinatorItems = items
      coordinatorSource = `table ${table}-CoordinatorState`
    }
  }

  const workerMetrics = workerItems.map((i) => workerMetricFromItem(i)).filter((w) => w !== undefined)
  const coordinator = coordinatorFromItems(coordinatorItems)
  return {
    ...(coordinator ? {coordinator: {...coordinator, source: coordinatorSource}} : {}),
    ...(workerMetrics.length > 0 ? {workerMetrics} : {}),
  }
}

/** The leases of this stream, and the KCL 3.5 single-table items beside them. */
function splitLeaseItems(
  items: AttributeMap[],
  stream: null | string,
  source: string,
  ctx: RunContext,
): {leases: Lease[]; metadata: AttributeMap[]} {
  const parsed = parseLeaseItems(items)
  if (parsed.skipped.length > 0)
    ctx.warn(
      `${source}: ${parsed.skipped.length} item(s) skipped, not shard leases (${parsed.skipped.slice(0, 3).join('; ')})`,
    )
  return {leases: ofStream(parsed.leases, stream), metadata: parsed.metadata}
}

export interface SavedRequest {
  /** `aws lambda list-event-source-mappings` output. */
  eventSourceMappingsFile?: string | undefined
  /** `aws firehose describe-delivery-stream` output(s). */
  firehoseFile?: string | undefined
  /** Scans of `<app>-WorkerMetricStats` / `<app>-CoordinatorState` (KCL 3.x before the single table). */
  kclMetadataFile?: string | undefined
  leaseTableFile?: string | undefined
  /** Retention in hours when the shard file does not say (list-shards output does not). */
  retentionHours?: number | undefined
  shardMapFile?: string | undefined
  /** The stream to pick in a multi-stream lease table; default: the shard file's, else every lease. */
  stream?: string | undefined
}

async function readText(path: string, flag: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    throw new InputError(`cannot read ${flag} ${path}: ${(error as Error).message}`, {suggestions: ['Check the path.']})
  }
}

async function readDocs(path: string, flag: string): Promise<unknown[]> {
  return splitJsonDocuments(await readText(path, flag), `${flag} ${path}`)
}

const OFFLINE = 'offline review of saved files'

/**
 * The same review from saved files: a lease table (`aws dynamodb scan`) with its shard map
 * (`aws kinesis list-shards`), Firehose descriptions, Lambda mappings: any of them. No lag and no
 * metrics offline: they are listed as not checked.
 */
export async function reviewSavedConsumers(request: SavedRequest, ctx: RunContext): Promise<ConsumersResult> {
  const list: null | ShardList = request.shardMapFile
    ? parseShardList(await readText(request.shardMapFile, '--shard-map'), `--shard-map ${request.shardMapFile}`)
    : null
  const stream = request.stream ?? list?.streamName ?? null
  const retentionHours = list?.retentionHours ?? request.retentionHours ?? null
  const consumers: Consumer[] = []
  if (request.leaseTableFile && list) {
    const leaseSource = `--lease-table-json ${request.leaseTableFile}`
    const items = itemsOfScanOutput(await readDocs(request.leaseTableFile, '--lease-table-json'), leaseSource)
    const parsed = parseLeaseItems(items)
    if (parsed.skipped.length > 0)
      ctx.warn(
        `${leaseSource}: ${parsed.skipped.length} item(s) skipped, not shard leases (${parsed.skipped.slice(0, 3).join('; ')})`,
      )
    const streams = new Set(parsed.leases.map((l) => l.streamName).filter((s) => s !== null))
    if (stream === null && streams.size > 1) {
      throw new InputError(`${leaseSource} holds leases of ${streams.size} streams (${[...streams].join(', ')})`, {
        suggestions: ['Name the stream to review with --stream NAME.'],
      })
    }

    const metadata = request.kclMetadataFile
      ? [
          ...parsed.metadata,
          ...itemsOfScanOutput(
            await readDocs(request.kclMetadataFile, '--kcl-metadata-json'),
            `--kcl-metadata-json ${request.kclMetadataFile}`,
          ),
        ]
      : parsed.metadata
    const workerMetrics = metadata.map((i) => workerMetricFromItem(i)).filter((w) => w !== undefined)
    const coordinator = coordinatorFromItems(metadata)
    const name = request.leaseTableFile
      .split(/[/\\]/)
      .pop()!
      .replace(/\.json$/, '')
    consumers.push(
      analyseKcl({
        ...(coordinator ? {coordinator: {...coordinator, source: request.kclMetadataFile ?? leaseSource}} : {}),
        ...(workerMetrics.length > 0 ? {workerMetrics} : {}),
        lags: new Map(),
        lagUnknownReason: 'offline: lag needs the stream (run with --stream to read it)',
        leases: ofStream(parsed.leases, stream),
        name,
        now: ctx.now().getTime(),
        retentionHours,
        shards: list.shards,
        source: leaseSource,
      }),
    )
  }

  if (request.eventSourceMappingsFile) {
    const flag = '--event-source-mappings-json'
    const picked = mappingsOfJson(
      await readDocs(request.eventSourceMappingsFile, flag),
      stream,
      `${flag} ${request.eventSourceMappingsFile}`,
    )
    if (picked.skipped.length > 0)
      ctx.warn(`${flag}: ${picked.skipped.length} mapping(s) left out (${picked.skipped.slice(0, 3).join('; ')})`)
    for (const m of picked.kept) consumers.push({...analyseMapping(m), metricsNotChecked: OFFLINE})
  }

  if (request.firehoseFile) {
    const flag = '--firehose-json'
    const picked = deliveryStreamsOfJson(
      await readDocs(request.firehoseFile, flag),
      stream,
      `${flag} ${request.firehoseFile}`,
    )
    if (picked.skipped.length > 0)
      ctx.warn(
        `${flag}: ${picked.skipped.length} delivery stream(s) left out (${picked.skipped.slice(0, 3).join('; ')})`,
      )
    for (const d of picked.kept) consumers.push(analyseDeliveryStream(d, {notChecked: OFFLINE}))
  }

  return result(stream, retentionHours, consumers, [
    {reason: OFFLINE, what: 'lag, CloudWatch metrics, and every consumer kind not given as a file'},
  ])
}

function result(
  stream: null | string,
  retentionHours: null | number,
  consumers: Consumer[],
  notChecked: ConsumersResult['notChecked'],
  iteratorAge: ConsumersResult['iteratorAge'] = null,
): ConsumersResult {
  const summary = {critical: 0, info: 0, warning: 0}
  for (const c of consumers) for (const f of c.findings) summary[f.severity]++
  for (const f of iteratorAge?.findings ?? []) summary[f.severity]++
  return {consumers, iteratorAge, notChecked, retentionHours, stream, summary}
}

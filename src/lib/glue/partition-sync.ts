/**
 * `glue partition-sync`: discover partitions in S3, read the catalog, diff them, and turn the diff
 * into a plan for the shared plan/apply engine (src/lib/core/plan.ts) with an executor that
 * applies it through Glue's batch APIs, resumably.
 *
 *   types (./partition-sync/types.ts): the request, entries, result, plan and live state
 *   diff (./partition-sync/diff.ts): S3 against the catalog
 *   steps (./partition-sync/steps.ts): the diff as batched plan steps, the drop guard rails
 *   plan (./partition-sync/plan.ts): `planPartitionSync`, reads everything and makes the plan
 *   executor (./partition-sync/executor.ts): `PartitionSyncExecutor`, applies it
 */
export * from './partition-sync/diff.js'
export * from './partition-sync/executor.js'
export * from './partition-sync/plan.js'
export * from './partition-sync/steps.js'
export * from './partition-sync/types.js'

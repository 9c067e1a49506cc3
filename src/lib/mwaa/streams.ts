/**
 * Task log stream names, in both schemes MWAA environments use (reference §1.3):
 *
 * - Airflow ≥ 2.3 default: `dag_id={dag}/run_id={run}/task_id={task}/[map_index={i}/]attempt={try}.log`
 * - older template:        `{dag}/{task}/{ts}/{try}.log` (ts = the run's logical date)
 *
 * Every `:` of the rendered name becomes `_` (the CloudWatch task handler replaces them). Airflow 3
 * writes triggerer output of deferred tasks to `{stream}.trigger.{n}.log` siblings.
 */
import type {GroupKind} from './types.js'

export interface TaskRef {
  dag: string
  mapIndex?: number | undefined
  run?: string | undefined
  task?: string | undefined
  tryNumber?: number | undefined
}

export interface ParsedTaskStream {
  dag: string
  mapIndex: number | undefined
  /** The run id (new scheme) or the logical-date timestamp (old scheme), with `:` already as `_`. */
  run: string
  scheme: 'new' | 'old'
  task: string
  trigger: number | undefined
  tryNumber: number
}

/** `:` → `_`, as MWAA's CloudWatch handler does. */
export function cloudwatchSafe(name: string): string {
  return name.replaceAll(':', '_')
}

/** The logical date inside a run id (`scheduled__2024-07-08T07:20:00+00:00` → the timestamp), if any. */
export function logicalDateOfRun(run: string): string | undefined {
  const m = /^(?:scheduled|manual|backfill|dataset_triggered|asset_triggered)__(\d{4}-\d\d-\d\dT.+)$/.exec(run)
  if (m) return m[1]
  if (/^\d{4}-\d\d-\d\dT\d\d[:_]\d\d[:_]\d\d/.test(run)) return run
  return undefined
}

/** Exact stream names to read directly (needs dag, run, task and try), in both schemes. */
export function exactTaskStreams(ref: TaskRef): string[] {
  if (!ref.run || !ref.task || ref.tryNumber === undefined) return []
  const map = ref.mapIndex !== undefined && ref.mapIndex >= 0 ? `map_index=${ref.mapIndex}/` : ''
  const names = [
    cloudwatchSafe(`dag_id=${ref.dag}/run_id=${ref.run}/task_id=${ref.task}/${map}attempt=${ref.tryNumber}.log`),
  ]
  const ts = logicalDateOfRun(ref.run)
  if (ts && map === '') names.push(cloudwatchSafe(`${ref.dag}/${ref.task}/${ts}/${ref.tryNumber}.log`))
  return names
}

/** Prefixes for DescribeLogStreams when the exact names are not known or do not exist. */
export function taskStreamPrefixes(ref: TaskRef): string[] {
  const prefixes: string[] = []
  if (ref.run) {
    prefixes.push(
      cloudwatchSafe(
        ref.task ? `dag_id=${ref.dag}/run_id=${ref.run}/task_id=${ref.task}/` : `dag_id=${ref.dag}/run_id=${ref.run}/`,
      ),
    )
  } else {
    prefixes.push(cloudwatchSafe(`dag_id=${ref.dag}/`))
  }

  const ts = ref.run ? logicalDateOfRun(ref.run) : undefined
  if (ref.task) prefixes.push(cloudwatchSafe(ts ? `${ref.dag}/${ref.task}/${ts}/` : `${ref.dag}/${ref.task}/`))
  else prefixes.push(cloudwatchSafe(`${ref.dag}/`))
  return prefixes
}

const NEW_SCHEME =
  /^dag_id=([^/]+)\/run_id=([^/]+)\/task_id=([^/]+)\/(?:map_index=(-?\d+)\/)?attempt=(\d+)\.log(?:\.trigger\.(\d+)\.log)?$/
const OLD_SCHEME = /^([^/]+)\/([^/]+)\/(\d{4}-\d\d-\d\dT[^/]+)\/(\d+)\.log$/

export function parseTaskStream(name: string): ParsedTaskStream | undefined {
  let m = NEW_SCHEME.exec(name)
  if (m) {
    return {
      dag: m[1]!,
      mapIndex: m[4] === undefined ? undefined : Number(m[4]),
      run: m[2]!,
      scheme: 'new',
      task: m[3]!,
      trigger: m[6] === undefined ? undefined : Number(m[6]),
      tryNumber: Number(m[5]),
    }
  }

  m = OLD_SCHEME.exec(name)
  if (m)
    return {
      dag: m[1]!,
      mapIndex: undefined,
      run: m[3]!,
      scheme: 'old',
      task: m[2]!,
      trigger: undefined,
      tryNumber: Number(m[4]),
    }
  return undefined
}

/** Does a stream name belong to the task reference (either scheme)? */
export function streamMatchesRef(name: string, ref: TaskRef): boolean {
  const parsed = parseTaskStream(name)
  if (!parsed) return false
  if (parsed.dag !== cloudwatchSafe(ref.dag)) return false
  if (ref.task && parsed.task !== cloudwatchSafe(ref.task)) return false
  if (ref.tryNumber !== undefined && parsed.tryNumber !== ref.tryNumber) return false
  if (ref.mapIndex !== undefined && parsed.scheme === 'new' && (parsed.mapIndex ?? -1) !== ref.mapIndex) return false
  if (ref.run) {
    const wanted =
      parsed.scheme === 'new' ? cloudwatchSafe(ref.run) : cloudwatchSafe(logicalDateOfRun(ref.run) ?? ref.run)
    if (parsed.run !== wanted) return false
  }

  return true
}

/** The kind of log group a name (group, folder, file or stream) points to. */
export function kindFromName(name: string): GroupKind {
  const suffix = /-(DAGProcessing|Scheduler|Task|WebServer|Worker)$/.exec(name)
  if (suffix)
    return (
      {
        DAGProcessing: 'dag-processing',
        Scheduler: 'scheduler',
        Task: 'task',
        WebServer: 'webserver',
        Worker: 'worker',
      } as const
    )[suffix[1] as 'Task']
  if (/dag_?processing|dag_processor|dagprocessor/i.test(name)) return 'dag-processing'
  if (/web_?server/i.test(name)) return 'webserver'
  if (/worker/i.test(name)) return 'worker'
  if (/scheduler/i.test(name)) return 'scheduler'
  if (/(^|[-_/.])tasks?($|[-_/.])|dag_id=/i.test(name)) return 'task'
  return 'unknown'
}

/** The kind implied by a stream name alone (component streams, per-file DAG processing streams). */
export function kindFromStream(stream: string): GroupKind {
  if (parseTaskStream(stream)) return 'task'
  if (/^scheduler_.+\.py\.log$/.test(stream) || stream.startsWith('dag_processor')) return 'dag-processing'
  if (/^(scheduler|worker|webserver)_/.test(stream)) return kindFromName(stream.split('_', 1)[0]!)
  return 'unknown'
}

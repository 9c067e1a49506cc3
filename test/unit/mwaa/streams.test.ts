import {describe, expect, it} from 'vitest'

import {
  exactTaskStreams,
  kindFromName,
  kindFromStream,
  logicalDateOfRun,
  parseTaskStream,
  streamMatchesRef,
  taskStreamPrefixes,
} from '../../../src/lib/mwaa/streams.js'

describe('task log stream names', () => {
  it('renders both schemes with : replaced by _', () => {
    expect(
      exactTaskStreams({
        dag: 'cds_decimal',
        run: 'scheduled__2024-07-08T07:20:00+00:00',
        task: 'task_cds_decimal',
        tryNumber: 1,
      }),
    ).toEqual([
      'dag_id=cds_decimal/run_id=scheduled__2024-07-08T07_20_00+00_00/task_id=task_cds_decimal/attempt=1.log',
      'cds_decimal/task_cds_decimal/2024-07-08T07_20_00+00_00/1.log',
    ])
  })

  it('keeps + and . of manual run ids', () => {
    expect(
      exactTaskStreams({dag: 'd', run: 'manual__2023-04-25T00:53:37.904648+00:00', task: 't', tryNumber: 2}),
    ).toEqual([
      'dag_id=d/run_id=manual__2023-04-25T00_53_37.904648+00_00/task_id=t/attempt=2.log',
      'd/t/2023-04-25T00_53_37.904648+00_00/2.log',
    ])
  })

  it('adds map_index for mapped tasks (new scheme only)', () => {
    expect(
      exactTaskStreams({dag: 'd', mapIndex: 3, run: 'scheduled__2024-01-01T00:00:00+00:00', task: 't', tryNumber: 1}),
    ).toEqual(['dag_id=d/run_id=scheduled__2024-01-01T00_00_00+00_00/task_id=t/map_index=3/attempt=1.log'])
  })

  it('has no old-scheme name for a custom run id', () => {
    expect(exactTaskStreams({dag: 'd', run: 'my-custom-run', task: 't', tryNumber: 1})).toEqual([
      'dag_id=d/run_id=my-custom-run/task_id=t/attempt=1.log',
    ])
    expect(logicalDateOfRun('my-custom-run')).toBeUndefined()
  })

  it('needs run, task and try for exact names; prefixes cover the rest', () => {
    expect(exactTaskStreams({dag: 'd', task: 't'})).toEqual([])
    expect(taskStreamPrefixes({dag: 'd', run: 'scheduled__2024-01-01T00:00:00+00:00', task: 't'})).toEqual([
      'dag_id=d/run_id=scheduled__2024-01-01T00_00_00+00_00/task_id=t/',
      'd/t/2024-01-01T00_00_00+00_00/',
    ])
    expect(taskStreamPrefixes({dag: 'd'})).toEqual(['dag_id=d/', 'd/'])
    expect(taskStreamPrefixes({dag: 'd', task: 't'})).toEqual(['dag_id=d/', 'd/t/'])
  })

  it('parses both schemes and Airflow 3 trigger streams', () => {
    expect(parseTaskStream('dag_id=d/run_id=r/task_id=t/map_index=2/attempt=3.log.trigger.17.log')).toEqual({
      dag: 'd',
      mapIndex: 2,
      run: 'r',
      scheme: 'new',
      task: 't',
      trigger: 17,
      tryNumber: 3,
    })
    expect(parseTaskStream('hello_world_ondemand/hello_task/2021-12-14T15_30_49.698602+00_00/1.log')).toEqual({
      dag: 'hello_world_ondemand',
      mapIndex: undefined,
      run: '2021-12-14T15_30_49.698602+00_00',
      scheme: 'old',
      task: 'hello_task',
      trigger: undefined,
      tryNumber: 1,
    })
    expect(parseTaskStream('scheduler_etl.py.log')).toBeUndefined()
  })

  it('matches streams to a reference in either scheme', () => {
    const ref = {dag: 'd', run: 'scheduled__2024-01-01T00:00:00+00:00', task: 't'}
    expect(streamMatchesRef('dag_id=d/run_id=scheduled__2024-01-01T00_00_00+00_00/task_id=t/attempt=2.log', ref)).toBe(
      true,
    )
    expect(streamMatchesRef('d/t/2024-01-01T00_00_00+00_00/2.log', ref)).toBe(true)
    expect(
      streamMatchesRef('dag_id=d/run_id=scheduled__2024-01-01T00_00_00+00_00/task_id=other/attempt=2.log', ref),
    ).toBe(false)
    expect(
      streamMatchesRef('dag_id=d/run_id=scheduled__2024-01-01T00_00_00+00_00/task_id=t/attempt=2.log', {
        ...ref,
        tryNumber: 1,
      }),
    ).toBe(false)
    expect(streamMatchesRef('dag_id=d/run_id=r/task_id=t/map_index=1/attempt=1.log', {dag: 'd', mapIndex: 2})).toBe(
      false,
    )
  })

  it('tells the log group kind from group, file and stream names', () => {
    expect(kindFromName('airflow-prod-DAGProcessing')).toBe('dag-processing')
    expect(kindFromName('airflow-my-worker-env-Task')).toBe('task')
    expect(kindFromName('airflow-prod-WebServer')).toBe('webserver')
    expect(kindFromName('scheduler')).toBe('scheduler')
    expect(kindFromName('notes')).toBe('unknown')
    expect(kindFromStream('scheduler_cross-account-eks.py.log')).toBe('dag-processing')
    expect(kindFromStream('worker_ip-10-0-1-1.ec2.internal_1720423200.log')).toBe('worker')
    expect(kindFromStream('dag_id=d/run_id=r/task_id=t/attempt=1.log')).toBe('task')
  })
})

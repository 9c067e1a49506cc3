/**
 * Demo data for `mwaa triage`: a folder of sample MWAA logs, laid out like an export of the five
 * log groups of an environment called `demo-env`, in several of the formats the triage reads
 * (plain text per stream, `aws logs filter-log-events` JSON). It tells one incident:
 *
 * - requirements.txt failed to install (pip conflict), so `pandas_gbq` is missing when a DAG imports;
 * - a worker was scaled in with tasks running, so a task finished while still queued;
 * - a task was killed with SIGKILL (out of memory), another got SIGTERM after its run timed out;
 * - a task was denied ecs:RunTask (a management event) and another s3:PutObject (a data event);
 * - known noise (pip upgrade notices, health checks, zombie-check chatter) that must not show.
 *
 * Written with fixed times so the tour's output is the same on every run.
 */
import {mkdir} from 'node:fs/promises'
import path from 'node:path'

import type {Seed, SeededResource} from '../types.js'

import {writeFileAtomic} from '../../core/atomic-write.js'

const ACCOUNT = '111122223333'
const ROLE = `arn:aws:sts::${ACCOUNT}:assumed-role/AmazonMWAA-demo-env-x1y2z3/AmazonMWAA-airflow`
const RUN = 'scheduled__2026-11-22T05_00_00+00_00'

function task(taskId: string): string {
  return `dag_id=daily_sales/run_id=${RUN}/task_id=${taskId}/attempt=1.log`
}

/** Relative path → file content. */
export const MWAA_SAMPLE_FILES: Record<string, string> = {
  [`airflow-demo-env-Task/${task('launch_report')}`]: [
    '[2026-11-22T05:12:00.100+0000] {{ecs.py:500}} INFO - Running ECS Task - Task definition: report:7 - on cluster reports',
    '[2026-11-22T05:12:00.622+0000] {{taskinstance.py:1937}} ERROR - Task failed with exception',
    'Traceback (most recent call last):',
    '  File "/usr/local/airflow/.local/lib/python3.11/site-packages/airflow/providers/amazon/aws/operators/ecs.py", line 520, in execute',
    '    self._start_task()',
    '  File "/usr/local/airflow/.local/lib/python3.11/site-packages/botocore/client.py", line 1021, in _make_api_call',
    '    raise error_class(parsed_response, operation_name)',
    `botocore.errorfactory.AccessDeniedException: An error occurred (AccessDeniedException) when calling the RunTask operation: User: ${ROLE} is not authorized to perform: ecs:RunTask on resource: arn:aws:ecs:us-east-1:${ACCOUNT}:task-definition/report:7 because no identity-based policy allows the ecs:RunTask action`,
    '',
  ].join('\n'),
  [`airflow-demo-env-Task/${task('load_to_s3')}`]: [
    '[2026-11-22T05:20:31.017+0000] {{s3.py:1100}} INFO - Uploading /tmp/daily_sales.parquet to s3://demo-sales-bucket/exports/2026-11-22/daily_sales.parquet',
    '[2026-11-22T05:20:31.404+0000] {{taskinstance.py:1937}} ERROR - Task failed with exception',
    'Traceback (most recent call last):',
    '  File "/usr/local/airflow/.local/lib/python3.11/site-packages/boto3/s3/transfer.py", line 292, in upload_file',
    `botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the PutObject operation: User: ${ROLE} is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::demo-sales-bucket/exports/2026-11-22/daily_sales.parquet" because no identity-based policy allows the s3:PutObject action`,
    '',
  ].join('\n'),
  [`airflow-demo-env-Task/${task('publish')}`]: [
    '[2026-11-22T05:30:00.120+0000] {{http.py:160}} INFO - Calling HTTP method POST https://partner.example.com/v1/import?token=ZXhhbXBsZS10b2tlbi1ub3QtcmVhbA',
    "[2026-11-22T05:31:00.533+0000] {{taskinstance.py:1937}} ERROR - requests.exceptions.ConnectionError: HTTPSConnectionPool(host='partner.example.com', port=443): Max retries exceeded with url: /v1/import?token=ZXhhbXBsZS10b2tlbi1ub3QtcmVhbA (Caused by ConnectTimeoutError(<urllib3.connection.HTTPSConnection object at 0x7f>, 'Connection to partner.example.com timed out. (connect timeout=60)'))",
    '[2026-11-22T06:00:03.002+0000] {{taskinstance.py:1400}} ERROR - Received SIGTERM. Terminating subprocesses.',
    '[2026-11-22T06:00:03.010+0000] {{taskinstance.py:1937}} ERROR - Task failed with exception',
    '',
  ].join('\n'),
  'airflow-demo-env-DAGProcessing/scheduler_sales_report.py.log': [
    '[2026-11-22T05:02:11.204+0000] {{processor.py:157}} INFO - Started process (PID=311) to work on /usr/local/airflow/dags/sales_report.py',
    '[2026-11-22T05:02:11.530+0000] {{dagbag.py:346}} ERROR - Failed to import: /usr/local/airflow/dags/sales_report.py',
    'Traceback (most recent call last):',
    '  File "/usr/local/airflow/dags/sales_report.py", line 4, in <module>',
    '    import pandas_gbq',
    "ModuleNotFoundError: No module named 'pandas_gbq'",
    '[2026-11-22T05:02:11.610+0000] {{processor.py:840}} WARNING - No viable dags retrieved from /usr/local/airflow/dags/sales_report.py',
    '',
  ].join('\n'),
  'airflow-demo-env-Scheduler/scheduler_ip-10-0-1-5.ec2.internal_1795323600.log': [
    '[2026-11-22T05:00:02.118+0000] {{scheduler_job_runner.py:411}} INFO - 4 tasks up for execution',
    "[2026-11-22T05:05:00.002+0000] {{scheduler_job_runner.py:1600}} INFO - Finding 'running' jobs without a recent heartbeat",
    "[2026-11-22T05:41:09.877+0000] {{scheduler_job_runner.py:771}} ERROR - Executor reports task instance <TaskInstance: daily_sales.export scheduled__2026-11-22T05:00:00+00:00 [queued]> finished (failed) although the task says it's queued. (Info: None) Was the task killed externally?",
    '[2026-11-22T06:00:01.402+0000] {{scheduler_job_runner.py:1487}} INFO - Run scheduled__2026-11-22T05:00:00+00:00 of daily_sales has timed-out',
    '[2026-11-22T06:00:01.455+0000] {{dagrun.py:823}} ERROR - Marking run <DagRun daily_sales @ 2026-11-22 05:00:00+00:00: scheduled__2026-11-22T05:00:00+00:00, state:running> failed',
    '',
  ].join('\n'),
  'airflow-demo-env-Task/dag_id=daily_sales/run_id=scheduled__2026-11-22T05_00_00+00_00/task_id=aggregate/attempt=1.log':
    [
      '[2026-11-22T05:10:02.001+0000] {{taskinstance.py:1956}} INFO - Dependencies all met for dep_context=non-requeueable deps ti=<TaskInstance: daily_sales.aggregate scheduled__2026-11-22T05:00:00+00:00 [queued]>',
      '[2026-11-22T05:10:02.310+0000] {{standard_task_runner.py:57}} INFO - Started process 4411 to run task',
      '[2026-11-22T05:24:47.913+0000] {{local_task_job_runner.py:228}} INFO - Task exited with return code -9',
      '[2026-11-22T05:24:47.950+0000] {{taskinstance.py:1400}} INFO - Marking task as FAILED. dag_id=daily_sales, task_id=aggregate, execution_date=20261122T050000, start_date=20261122T051002, end_date=20261122T052447',
      '',
    ].join('\n'),
  'airflow-demo-env-WebServer/filter-log-events.json': `${JSON.stringify(
    {
      events: [
        {
          eventId: '1',
          ingestionTime: 1_795_324_000_000,
          logStreamName: 'webserver_ip-10-0-1-9.ec2.internal_1795323600.log',
          message:
            '[2026-11-22T05:06:40.000+0000] {{app.py:90}} INFO - 10.0.1.200 - - "GET /health HTTP/1.1" 200 187 "-" "ELB-HealthChecker/2.0"',
          timestamp: 1_795_324_000_000,
        },
        {
          eventId: '2',
          ingestionTime: 1_795_324_060_000,
          logStreamName: 'webserver_ip-10-0-1-9.ec2.internal_1795323600.log',
          message: '[2026-11-22T05:07:40.000+0000] {{app.py:91}} INFO - Dashboard rendered in 0.41s',
          timestamp: 1_795_324_060_000,
        },
      ],
      searchedLogStreams: [],
    },
    null,
    2,
  )}\n`,
  'airflow-demo-env-Worker/requirements_install_ip-10-0-1-23.ec2.internal_1795323600.log': [
    '[INFO] - Installing requirements.txt from /usr/local/airflow/requirements/requirements.txt',
    '[WARNING] - WARNING: Constraints should be specified for requirements.txt. Please see https://docs.aws.amazon.com/mwaa/latest/userguide/working-dags-dependencies.html',
    '[INFO] - Collecting pandas-gbq==0.24.0',
    '[WARNING] - ERROR: Cannot install pandas-gbq==0.24.0 and google-auth==1.35.0 because these package versions have conflicting dependencies.',
    '[WARNING] - ERROR: ResolutionImpossible: for help visit https://pip.pypa.io/en/latest/topics/dependency-resolution/#dealing-with-dependency-conflicts',
    '[INFO] - [notice] A new release of pip is available: 24.0 -> 24.3.1',
    '[INFO] - [notice] To update, run: pip install --upgrade pip',
    '',
  ].join('\n'),
  'airflow-demo-env-Worker/worker_ip-10-0-2-7.ec2.internal_1795323600.log': [
    '[2026-11-22 05:38:55,101: INFO/MainProcess] Task airflow.providers.celery.executors.celery_executor_utils.execute_command[5f1c] received',
    '[2026-11-22 05:39:57,220: INFO/MainProcess] worker: Warm shutdown (MainProcess)',
    '[2026-11-22 05:40:03,500: WARNING/MainProcess] [WARNING] - There are non-zero ongoing tasks.',
    '[2026-11-22 05:40:03,512: ERROR/MainProcess] [ERROR] - Worker was not shutdown via expected methods and some tasks were interrupted.',
    '',
  ].join('\n'),
}

export const MWAA_SAMPLE_FOLDER = 'mwaa-logs'

/** Write the sample folder under `dir` (idempotent: the same files with the same content). */
export async function writeMwaaSamples(dir: string): Promise<string[]> {
  const written: string[] = []
  for (const [rel, content] of Object.entries(MWAA_SAMPLE_FILES)) {
    const file = path.join(dir, ...rel.split('/'))
    await mkdir(path.dirname(file), {recursive: true})
    await writeFileAtomic(file, content)
    written.push(file)
  }

  return written
}

export const mwaaSeed: Seed = {
  name: 'mwaa',
  async run({log, workDir}): Promise<SeededResource[]> {
    const dir = path.join(workDir, MWAA_SAMPLE_FOLDER)
    const files = await writeMwaaSamples(dir)
    log(`MWAA: wrote ${files.length} sample log files to ${dir}`)
    return [
      {kind: 'local folder', name: dir, note: 'sample MWAA logs (five log groups of demo-env) for mwaa triage --logs'},
    ]
  },
}

/**
 * No secret reaches any output (issue "prove nothing is lost under faults"): every command runs
 * with planted credentials in the environment and in a profile file, on files of our own, and
 * its text, --json, markdown and SARIF output (stdout and stderr) is scanned for the planted
 * values and for credential shapes (access key ids, private keys, key=secret pairs). Runs that
 * fail (no AWS here) are scanned too: error messages are where credentials usually leak.
 */
import {mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import {useTestAwsEnv} from '../helpers/aws-env.js'
import {runText} from '../helpers/run.js'

const PLANTED = {
  accessKeyId: 'AKIAPLANTEDKEY000001',
  profileSecret: 'Pr0fileSecretPlanted/AbCdEfGhIjKlMnOpQrStUv',
  secretAccessKey: 'PlantedSecretAccessKey/0123456789abcdefGHIJ',
  sessionToken: 'IQoJb3JpZ2luX2VjEPlantedSessionToken0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH',
}

const dir = mkdtempSync(path.join(tmpdir(), 'pipeops-no-secrets-'))
const file = (name: string, text: string) => {
  const p = path.join(dir, name)
  writeFileSync(p, text)
  return p
}

const credentials = file(
  'credentials',
  `[default]\naws_access_key_id = ${PLANTED.accessKeyId}\naws_secret_access_key = ${PLANTED.profileSecret}\n[other]\naws_access_key_id = ${PLANTED.accessKeyId}\naws_secret_access_key = ${PLANTED.profileSecret}\n`,
)
const config = file('config', '[default]\nregion = eu-west-1\n[profile other]\nregion = eu-west-1\n')

useTestAwsEnv({
  AWS_ACCESS_KEY_ID: PLANTED.accessKeyId,
  AWS_CONFIG_FILE: config,
  // Nothing listens here: every AWS call fails fast with a connection error, whose message is scanned.
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_SECRET_ACCESS_KEY: PLANTED.secretAccessKey,
  AWS_SESSION_TOKEN: PLANTED.sessionToken,
  AWS_SHARED_CREDENTIALS_FILE: credentials,
})

/** A log holding secrets: markdown for a ticket is redacted by default, and --redact removes them everywhere. */
const secretLog = file(
  'scheduler.log',
  [
    '[2026-01-01T10:00:00.000+0000] {base.py:10} INFO - Using connection postgresql://airflow:S3cretDbPass@db:5432/airflow',
    `[2026-01-01T10:00:01.000+0000] {taskinstance.py:1400} ERROR - botocore error for key ${PLANTED.accessKeyId} aws_secret_access_key=${PLANTED.secretAccessKey}`,
    'Traceback (most recent call last):',
    '  File "/usr/local/airflow/dags/etl.py", line 3, in <module>',
    "ModuleNotFoundError: No module named 'pandas'",
    '',
  ].join('\n'),
)
const lifecycle = file(
  'lifecycle.json',
  JSON.stringify({Rules: [{Expiration: {Days: 0}, Filter: {Prefix: 'tmp/'}, ID: 'tmp', Status: 'Enabled'}]}),
)
const ddl = file('tables.sql', "CREATE EXTERNAL TABLE events (`date` string, `user` string) LOCATION 's3://b/e/';\n")
const athenaError = file(
  'error.txt',
  'HIVE_BAD_DATA: Error parsing field value \'\' for field 2: For input string: ""\n',
)
const machine = file(
  'machine.asl.json',
  JSON.stringify({StartAt: 'A', States: {A: {Next: 'Gone', Resource: 'arn:aws:states:::lambda:invoke', Type: 'Task'}}}),
)
const keys = file('keys.txt', 'tenant-1\ntenant-1\ntenant-2\n')

const RUNS: string[][] = [
  ['doctor'],
  ['doctor', '--json'],
  ['doctor', '--profile', 'other', '--json'],
  ['doctor', '--profile', 'nosuch'],
  ['kinesis', 'hot-shards', '--stream', 'orders', '--json'],
  ['glue', 'partition-sync', '--database', 'db', '--table', 't', '--json'],
  ['trail', 'lookup', '--since', '1h', '--json'],
  ['s3', 'lifecycle', 'lint', '--file', lifecycle],
  ['s3', 'lifecycle', 'lint', '--file', lifecycle, '--json'],
  ['s3', 'lifecycle', 'lint', '--bucket', 'planted-bucket', '--json'],
  ['athena', 'lint-columns', '--ddl', ddl, '--format', 'sarif'],
  ['athena', 'lint-columns', '--ddl', ddl, '--json'],
  ['athena', 'explain-error', '--file', athenaError],
  ['sfn', 'lint', '--definition', machine, '--json'],
  ['kinesis', 'key-spread', '--keys', keys, '--shards', '4', '--json'],
  ['mwaa', 'triage', '--logs', secretLog, '--format', 'markdown'],
  ['mwaa', 'triage', '--logs', secretLog, '--redact', '--json'],
  ['mwaa', 'triage', '--logs', secretLog, '--redact'],
  ['iam-policy', '--json'],
]

/** Credential shapes nothing of ours should print (the log's own secrets are redacted in these runs). */
const SHAPES = [
  /\b(AKIA|ASIA)[A-Z0-9]{16}\b/,
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /aws_secret_access_key\s*[:=]\s*(?!<redacted>)\S/i,
  /S3cretDbPass/,
]

/** A log whose only error line holds a key: the control that the scan sees what triage prints. */
const leakyLog = file(
  'worker.log',
  `[2026-01-01T10:00:02.000+0000] {s3.py:20} ERROR - upload failed with credentials ${PLANTED.accessKeyId} aws_secret_access_key=${PLANTED.secretAccessKey}\n`,
)

describe('no secret reaches any output', () => {
  it('control: the scan sees a secret that the user asked to print (triage --json without --redact)', async () => {
    const run = await runText(['mwaa', 'triage', '--logs', leakyLog, '--json'])
    expect(run.stdout).toContain(PLANTED.accessKeyId)
    const redacted = await runText(['mwaa', 'triage', '--logs', leakyLog, '--json', '--redact'])
    expect(redacted.stdout).not.toContain(PLANTED.accessKeyId)
    expect(redacted.stdout).not.toContain(PLANTED.secretAccessKey)
  })

  for (const argv of RUNS) {
    it(`pipeops ${argv.map((a) => (a.startsWith(dir) ? path.basename(a) : a)).join(' ')}`, async () => {
      const run = await runText(argv)
      const output = `${run.stdout}\n${run.stderr}`
      expect(run.exitCode, output).not.toBe(70)
      for (const value of Object.values(PLANTED)) expect(output).not.toContain(value)
      for (const shape of SHAPES) expect(output).not.toMatch(shape)
    })
  }
})

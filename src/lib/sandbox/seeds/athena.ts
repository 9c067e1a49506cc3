/**
 * Demo data for `athena lint-columns`: a DDL file with the naming mistakes people really make
 * (crawler-style names with slashes and spaces, a reserved word, camelCase, case-only duplicate
 * JSON keys, an underscore-led nested `_id`, a partition key that repeats a data column, a
 * non-Latin name, a hyphenated database), a JSON Lines sample with case-only duplicate keys, and
 * an error message file for `athena explain-error`. Local files only: no AWS calls.
 */
import {mkdir} from 'node:fs/promises'
import path from 'node:path'

import type {Seed, SeededResource} from '../types.js'

import {writeFileAtomic} from '../../core/atomic-write.js'

export const ATHENA_SAMPLE_DDL = `-- Tables as a crawler and a few hand-written DDL statements left them.
CREATE DATABASE IF NOT EXISTS \`web-logs\`;

CREATE EXTERNAL TABLE IF NOT EXISTS \`web-logs\`.access_events (
  \`/var/log\`        string    COMMENT 'source file, as the crawler named it',
  \`date\`            string,
  \`processedAt\`     timestamp,
  \`URL\`             string,
  \`Url\`             string,
  \`s3 storage (gb)\` double,
  \`1st_visit\`       boolean,
  \`売上\`            double,
  payload           struct<\`_id\`:string, \`user.id\`:bigint, tags:array<struct<key:string, Key:string>>>,
  dt                string
)
PARTITIONED BY (dt string, \`_region\` string)
ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe'
LOCATION 's3://pipeops-demo-logs/access-events/';

CREATE TABLE IF NOT EXISTS analytics.daily_totals (
  day      date,
  visits   bigint,
  revenue  decimal(12,2)
)
PARTITIONED BY (region string)
STORED AS PARQUET
LOCATION 's3://pipeops-demo-logs/daily-totals/';
`

export const ATHENA_SAMPLE_JSONL = [
  '{"id":1,"URL":"https://example.com/a","user":{"_id":"u1","Name":"Ann"}}',
  '{"id":2,"Url":"https://example.com/b","user":{"_id":"u2","name":"Bo"}}',
  '',
].join('\n')

export const ATHENA_SAMPLE_ERROR =
  'HIVE_CURSOR_ERROR: Row is not a valid JSON Object - JSONException: Duplicate key "url"\n'

export const athenaSeed: Seed = {
  name: 'athena',
  async run({log, workDir}): Promise<SeededResource[]> {
    const dir = path.join(workDir, 'athena')
    await mkdir(dir, {recursive: true})
    const files: Array<[string, string, string]> = [
      ['tables.sql', ATHENA_SAMPLE_DDL, 'DDL with typical naming mistakes'],
      ['events.jsonl', ATHENA_SAMPLE_JSONL, 'JSON Lines sample with case-only duplicate keys'],
      ['error.txt', ATHENA_SAMPLE_ERROR, 'an Athena error message'],
    ]
    const out: SeededResource[] = []
    for (const [name, content, note] of files) {
      // Overwritten on every run: the demo always starts from the same files.
      await writeFileAtomic(path.join(dir, name), content)
      out.push({kind: 'local file', name: path.join(dir, name), note})
    }

    log(`Athena: wrote ${files.length} demo files to ${dir}`)
    return out
  },
}

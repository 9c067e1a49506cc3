/**
 * Demo data for `redshift copy-split`: a gzip CSV "daily merge" in the sandbox folder (with a
 * header, quoted fields holding commas, doubled quotes and newlines, and multi-byte text), and the
 * S3 bucket the tour splits it into.
 */
import {CreateBucketCommand, HeadBucketCommand} from '@aws-sdk/client-s3'
import {mkdir, stat} from 'node:fs/promises'
import path from 'node:path'
import {gzipSync} from 'node:zlib'

import type {Seed} from '../types.js'

import {writeFileAtomic} from '../../core/atomic-write.js'

export const REDSHIFT_DEMO_BUCKET = 'pipeops-demo-loads'
export const REDSHIFT_DEMO_FILE = 'redshift/daily-events.csv.gz'
export const REDSHIFT_DEMO_DDL = 'redshift/daily-events.sql'

/**
 * The target table of the demo file, as a team would have written it: `note` is VARCHAR(12), and
 * VARCHAR lengths are bytes, so "Zürich café" (11 characters, 13 bytes) does not fit.
 */
export const REDSHIFT_DEMO_TABLE = `CREATE TABLE analytics.daily_events (
  event_id   BIGINT        NOT NULL ENCODE az64,
  user_id    INTEGER       NOT NULL,
  event_type VARCHAR(16)   NOT NULL,
  amount     DECIMAL(8,2),
  note       VARCHAR(12),
  created_at TIMESTAMP     NOT NULL
)
DISTKEY (user_id)
SORTKEY (created_at);
`
const ROWS = 200_000

/** The demo CSV: deterministic, about 14 MB uncompressed. */
export function redshiftDemoCsv(rows = ROWS): Buffer {
  const lines = ['event_id,user_id,event_type,amount,note,created_at']
  const types = ['view', 'click', 'purchase', 'refund']
  const notes = ['', 'ok', '"gift, wrapped"', '"said ""thanks"""', '"two\nlines"', 'Zürich café', '東京']
  let seed = 42
  for (let i = 0; i < rows; i++) {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648
    const day = 1 + (i % 28)
    lines.push(
      `${i + 1},${seed % 50_000},${types[seed % 4]},${((seed % 100_000) / 100).toFixed(2)},${notes[seed % notes.length]},2026-11-${String(day).padStart(2, '0')} ${String(i % 24).padStart(2, '0')}:00:00`,
    )
  }

  return Buffer.from(lines.join('\n') + '\n')
}

export const redshiftSeed: Seed = {
  name: 'redshift',
  async run({log, s3, workDir}) {
    const file = path.join(workDir, REDSHIFT_DEMO_FILE)
    const exists = await stat(file).then(
      (s) => s.size > 0,
      () => false,
    )
    if (!exists) {
      await mkdir(path.dirname(file), {recursive: true})
      await writeFileAtomic(file, gzipSync(redshiftDemoCsv(), {level: 6}))
      log(`wrote ${file}`)
    }

    const ddl = path.join(workDir, REDSHIFT_DEMO_DDL)
    await writeFileAtomic(ddl, REDSHIFT_DEMO_TABLE)

    const bucketThere = await s3.send(new HeadBucketCommand({Bucket: REDSHIFT_DEMO_BUCKET})).then(
      () => true,
      () => false,
    )
    if (!bucketThere) await s3.send(new CreateBucketCommand({Bucket: REDSHIFT_DEMO_BUCKET}))
    return [
      {
        kind: 'local file',
        name: file,
        note: `${ROWS.toLocaleString('en-US')} events, gzip CSV with a header and quoted multi-line fields`,
      },
      {kind: 'local file', name: ddl, note: 'the CREATE TABLE of the target table, for redshift copy-check'},
      {kind: 'S3 bucket', name: REDSHIFT_DEMO_BUCKET, note: 'where copy-split uploads the parts and the manifest'},
    ]
  },
}

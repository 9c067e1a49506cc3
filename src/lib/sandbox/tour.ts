import type {TourStep} from './types.js'

/** The lifecycle policy the tour generates in each format (CSV: Standard-IA after 6 months, Glacier after 2 years). */
export const CLASSIC_POLICY = [
  's3',
  'lifecycle',
  'generate',
  '--prefix',
  'raw/csv/',
  '--ia-after',
  '6months',
  '--glacier-after',
  '2y',
]

/**
 * The scripted tour of `pipeops sandbox --demo`, in order. Each flow issue adds its own steps
 * (with the seed that creates their data in seeds/).
 */
export const TOUR: TourStep[] = [
  {
    argv: ['doctor'],
    explain: 'Who am I, which region, which endpoints: every AWS call below goes to the local emulators.',
    title: 'Check the set-up',
  },
  {
    argv: ['mwaa', 'triage', '--logs', '{workDir}/mwaa-logs'],
    expectExit: [1],
    explain:
      'Triage an MWAA incident from exported logs of its five log groups: the requirements install failure is ranked above the missing module it causes, the worker scale-in above the task that never ran, SIGTERM is explained by the DAG run timeout, and each AccessDenied comes with the policy statement to add.',
    title: 'MWAA: triage exported Airflow logs',
  },
  {
    argv: ['mwaa', 'triage', '--logs', '{workDir}/mwaa-logs', '--format', 'markdown'],
    expectExit: [1],
    explain: 'The same triage as Markdown for a ticket, redacted by default: account ids, ARNs and tokens are removed.',
    title: 'MWAA: a redacted report for the ticket',
  },
  {
    argv: [
      'glue',
      'partition-sync',
      '--table-json',
      '{workDir}/glue/orders-table.json',
      '--partitions-json',
      '{workDir}/glue/orders-partitions.json',
      '--tables-json',
      '{workDir}/glue/sales-tables.json',
      '--prune',
      '--check-empty',
    ],
    expectExit: [1],
    explain:
      'Diff the partitions of sales.orders in the sandbox S3 against a catalog dump (aws glue get-table / get-partitions output), offline: one new partition to add, one the catalog points at a staging prefix (relocate), one stale partition to drop, one whose SerDe drifted from the table, and the anomalies MSCK REPAIR TABLE would silently mishandle (a bad date, a stray folder, a nested table). Markers (_SUCCESS, _$folder$, _temporary/) are counted, not read as partitions; the empty apac partition is not added.',
    title: 'Glue: partition sync plan (Hive layout)',
  },
  {
    argv: [
      'glue',
      'partition-sync',
      '--table-json',
      '{workDir}/glue/clicks-table.json',
      '--partitions-json',
      '{workDir}/glue/clicks-partitions.json',
    ],
    expectExit: [1],
    explain:
      "A Firehose table: one key dt spans four path segments (yyyy/MM/dd/HH). The layout comes from the table's storage.location.template and projection.dt.format. In a scheduled run, --since 2d would list only the newest prefixes instead of the whole table.",
    title: 'Glue: partition sync plan (Firehose layout)',
  },
  {
    argv: ['redshift', 'copy-split', '--input', '{workDir}/redshift/daily-events.csv.gz', '--slices', '4', '--dry-run'],
    explain:
      'The daily merged gzip file would load on one slice. Plan the split first: 4 slices (as you would get from --cluster through the Data API, or --node-type ra3.xlplus --nodes 2), so 4 files of about equal size, and the header is detected.',
    title: 'Redshift: plan a split for a parallel COPY',
  },
  {
    argv: [
      'redshift',
      'copy-split',
      '--input',
      '{workDir}/redshift/daily-events.csv.gz',
      '--out',
      's3://pipeops-demo-loads/events/',
      '--slices',
      '4',
      '--table',
      'public.events',
      '--iam-role',
      'arn:aws:iam::000000000000:role/RedshiftCopy',
    ],
    explain:
      'Split it into the sandbox S3: whole records only (quoted commas and newlines stay intact), the header repeated in every part with IGNOREHEADER 1, gzip on all cores, concurrent uploads under a run sub-prefix, the manifest written last, every record counted, and the COPY statement to paste. Run it again: identical parts are skipped.',
    title: 'Redshift: split into S3 and print the COPY',
  },
  {
    argv: [
      'redshift',
      'copy-check',
      '--input',
      '{workDir}/redshift/daily-events.csv.gz',
      '--table-ddl',
      '{workDir}/redshift/daily-events.sql',
      '--copy-options',
      'CSV IGNOREHEADER 1 GZIP',
      '--max-errors',
      '5',
    ],
    expectExit: [1],
    explain:
      'Check the file against the target table before loading it, with COPY\'s own conversion rules, in one streaming pass: VARCHAR lengths are bytes, so "Zürich café" (11 characters, 13 bytes) does not fit a VARCHAR(12), and the doubled quotes of a CSV field count once. Every bad record is counted; the first five are shown with the fix.',
    title: 'Redshift: check a file against the table before COPY',
  },
  {
    argv: ['athena', 'lint-columns', '--ddl', '{workDir}/athena/tables.sql'],
    expectExit: [1],
    explain:
      'Lint the names in a DDL file before Athena trips over them: each finding names the rule, the name (with its path for nested fields), whether it breaks DDL (Hive, backticks) or queries (Trino, double quotes), why, and a collision-checked rename.',
    title: 'Athena: lint column names in a DDL file',
  },
  {
    argv: ['athena', 'lint-columns', '--ddl', '{workDir}/athena/tables.sql', '--fix', '--compat', 'awswrangler'],
    expectExit: [1],
    explain:
      'The fix artefacts: a rename map checked against every other name of the table (URL/Url become url and url_2, 売上 becomes maishang, not "_"), a CREATE OR REPLACE VIEW selecting each bad column by its quoted name, the OpenX SerDe mapping.* properties for the JSON table, and what awswrangler would do instead (its collisions flagged).',
    title: 'Athena: collision-free fixes, ready to run',
  },
  {
    argv: ['athena', 'lint-columns', '--json-sample', '{workDir}/athena/events.jsonl', '--fix'],
    expectExit: [1],
    explain:
      'A JSON Lines sample: keys at every depth; URL in one record and Url in another would fail a query with "Duplicate key". The fix maps both with case.insensitive = FALSE.',
    title: 'Athena: case-only duplicate keys in JSON data',
  },
  {
    argv: ['athena', 'explain-error', '--file', '{workDir}/athena/error.txt'],
    explain: 'An Athena error message mapped to its cause, its fix, and the lint rule that would have caught it.',
    title: 'Athena: explain an error message',
  },
  {
    argv: [...CLASSIC_POLICY],
    explain:
      'The classic policy: CSV data rarely read after 6 months, kept 2 years. The day table shows how S3 counts (6 months = 180 days, 2 years = 730), the same validator as lint runs first, and the warnings name the traps S3 accepts (objects under 128 KB never move; no rule aborts failed uploads). Output: the s3api JSON for put-bucket-lifecycle-configuration.',
    title: 'S3 lifecycle: generate the classic policy (s3api JSON)',
  },
  {
    argv: [...CLASSIC_POLICY, '--format', 'cloudformation'],
    explain:
      'The same rules for CloudFormation, with its own field names: Id, flat Prefix, TransitionInDays, and TransitionDefaultMinimumObjectSize.',
    title: 'S3 lifecycle: the same policy for CloudFormation',
  },
  {
    argv: [...CLASSIC_POLICY, '--format', 'terraform', '--bucket', 'pipeops-demo-lifecycle'],
    explain:
      'And for Terraform: aws_s3_bucket_lifecycle_configuration with a filter block and the default minimum object size setting spelled out.',
    title: 'S3 lifecycle: the same policy for Terraform',
  },
  {
    argv: ['s3', 'lifecycle', 'lint', '--file', '{workDir}/s3-lifecycle/broken-lifecycle.json'],
    expectExit: [1],
    explain:
      "A hand-written policy S3 would reject: Standard-IA after 14 days, expiration before the Glacier transition, AbortIncompleteMultipartUpload with a tag filter, ExpiredObjectDeleteMarker with Days. Each error has a stable code and S3's own wording where it is known, plus the fix.",
    title: 'S3 lifecycle: lint a broken policy',
  },
  {
    argv: [...CLASSIC_POLICY, '--sample-bucket', 'pipeops-demo-lifecycle', '--horizon', '3y'],
    explain:
      'Estimate before applying: sample the bucket with ListObjectsV2 for counts and sizes, then add up transition requests and monthly storage per class over 3 years with the bundled, dated price table. Most objects are tiny CSV files under 128 KB: they would never move.',
    title: 'S3 lifecycle: estimate from a sample of the bucket',
  },
  {
    argv: [
      's3',
      'lifecycle',
      'explain',
      '--file',
      '{workDir}/s3-lifecycle/broken-lifecycle.json',
      '--key',
      'raw/csv/2026/11/daily-0.csv',
      '--size',
      '512KiB',
      '--tag',
      'team=data',
      '--age',
      '1y',
    ],
    explain:
      "One object through the rules: which match and why, S3's precedence (deletion beats transition), its timeline and what it costs to get there.",
    title: 'S3 lifecycle: explain one object',
  },
  // kinesis reshard (issue 4): split the hot shard the hot-shards steps found, then look again.
  {
    argv: [
      'kinesis',
      'hot-shards',
      '--stream',
      'pipeops-demo-clicks',
      '--source',
      'records',
      '--window',
      '5m',
      '--threshold',
      '0.02',
      '--min-minutes',
      '1',
    ],
    expectExit: [1],
    explain:
      'Which shard is hot, and why? The emulator has no CloudWatch metrics, so this samples records of every shard from the start of the window (GetShardIterator AT_TIMESTAMP, one GetRecords call per second per shard), unpacks the KPL aggregates, and counts bytes and records per key. The sandbox producer is small, so the demo lowers the hot threshold to 2 %: one shard stands out, tenant-acme carries about 80 % of it, and the output gives the load-weighted split point and the reshard command to run.',
    title: 'Kinesis: find the hot shard and the hot key of a stream',
  },
  {
    argv: ['kinesis', 'where-is', 'tenant-acme', 'device-42', '--stream', 'pipeops-demo-clicks'],
    explain:
      'Where does a key go? MD5 of its UTF-8 bytes as a 128-bit integer, placed in the real open ranges from ListShards (exact BigInt maths, never assumed even).',
    title: 'Kinesis: which shard a key goes to',
  },
  {
    argv: [
      'kinesis',
      'hot-shards',
      '--records',
      '{workDir}/kinesis/clicks.jsonl',
      '--shard-map',
      '{workDir}/kinesis/shards.json',
    ],
    expectExit: [1],
    explain:
      "The same analysis offline, on three minutes of the same traffic at production rates (a JSON Lines record dump) against the stream's saved ListShards output: per-second utilisation with avg/p99/max, the hot shard at about 90 % of its write limit, tenant-acme at about 60 % alone, so a split (not re-keying) is the fix.",
    title: 'Kinesis: analyse a record dump offline',
  },
  {
    argv: ['kinesis', 'key-spread', '--records', '{workDir}/kinesis/clicks.jsonl', '--shards', '4,8,16'],
    explain:
      "What if the stream had 4, 8 or 16 evenly split shards? Each shard's share, the max/mean imbalance, the hottest shard and its top keys, and the smallest shard count that keeps every shard under 80 %.",
    title: 'Kinesis: what-if shard counts for a key sample',
  },
  {
    argv: [
      'kinesis',
      'reshard',
      '--stream',
      'pipeops-demo-clicks',
      '--split-hot',
      '--records',
      '{workDir}/kinesis/clicks.jsonl',
    ],
    explain:
      "Plan the fix for the hot shard, from the same traffic as a record file routed through the stream's live ranges: shardId-000000000003 runs at about 90 % of its write limit, so it is split at the load-weighted median hash key (not the midpoint), and split again only while a predicted child would stay over the 80 % threshold. Each step shows its exact NewStartingHashKey, the reason and the children's predicted load; the checks cover provisioned mode, the UpdateShardCount quota (unknown here: the sandbox has no CloudTrail) and the account shard limit. Nothing is changed.",
    title: 'Kinesis: plan a split of the hot shard',
  },
  {
    argv: [
      'kinesis',
      'reshard',
      '--stream',
      'pipeops-demo-clicks',
      '--split-hot',
      '--records',
      '{workDir}/kinesis/clicks.jsonl',
      '--apply',
      '--yes',
      '--shard-map-out',
      '{workDir}/kinesis/shards-after.json',
    ],
    explain:
      'Apply it: one SplitShard at a time, waiting for ACTIVE between them, retrying throttling with jitter. Run it again and it finds nothing left to do; a run killed half-way resumes where it stopped. The new open shards are saved as ListShards JSON for the next step.',
    title: 'Kinesis: apply the split',
  },
  {
    argv: [
      'kinesis',
      'hot-shards',
      '--records',
      '{workDir}/kinesis/clicks.jsonl',
      '--shard-map',
      '{workDir}/kinesis/shards-after.json',
    ],
    expectExit: [0, 1],
    explain:
      'The same traffic against the new shards: no shard is over the 80 % threshold any more, and tenant-acme, the key that made shard 3 hot, now shares its shard with far less traffic.',
    title: 'Kinesis: hot shards after the reshard',
  },
  // kinesis consumers (issue 22): the demo application's leases after the split.
  {
    argv: [
      'kinesis',
      'consumers',
      '--stream',
      'pipeops-demo-clicks',
      '--app',
      'pipeops-demo-clicks-app',
      '--no-lambda',
    ],
    expectExit: [1],
    explain:
      "Who reads the stream and how far behind: the KCL application's lease table (dynalite), one GetRecords after each checkpoint for the lag. The split above closed the hot shard; its lease is not at SHARD_END, so KCL has not created leases for the two children: the output names the parent that holds them back, and the shard checkpointed at its first record shows its lag.",
    title: 'Kinesis: consumers, lag per shard, shards nobody reads',
  },
  {
    argv: ['sfn', 'lint', '--definition', '{workDir}/sfn/nightly-load.asl.json'],
    expectExit: [0],
    explain:
      'Lint a Step Functions definition offline: what Step Functions would reject, and the traps AWS warns about. The Glue job runs with .sync and no TimeoutSeconds, so a hung job would hold the execution for up to a year.',
    title: 'Step Functions: lint a state machine',
  },
  {
    argv: ['sfn', 'retry-timeline', '--definition', '{workDir}/sfn/nightly-load.asl.json', '--state', 'Stage files'],
    explain:
      "Play out the retry policy of one state: interval 10 s with backoff rate 1.5 waits 10 s, 15 s and 22.5 s, then the Catch sends the error to 'Notify on-call' with the input kept under $.error.",
    title: 'Step Functions: the retry timeline of a state',
  },
  {
    argv: [
      'sfn',
      'explain',
      '--history',
      '{workDir}/sfn/nightly-load-failed-history.json',
      '--definition',
      '{workDir}/sfn/nightly-load.asl.json',
    ],
    expectExit: [1],
    explain:
      "Explain a failed execution from its saved history: the console shows the Fail state 'Load failed'; the failure started in 'Stage files', whose Lambda was throttled four times, with the waits taken compared to the configured schedule.",
    title: 'Step Functions: explain a failed execution',
  },
  {
    argv: [
      'pipeline',
      'trace',
      's3://pipeops-demo-landing/landing/orders/2026-11-22/batch-7.csv',
      '--notification-json',
      '{workDir}/pipeline/notification.json',
      '--rules-json',
      '{workDir}/pipeline/rules',
      '--event-time',
      '2026-11-22T06:15:42Z',
      '--size',
      '2048',
    ],
    expectExit: [1],
    explain:
      "\"The file landed and nothing happened\", traced offline from saved outputs: delivery to EventBridge is on, the event S3 sends matches orders-to-loader (orders-archive is a near miss on its key prefix), and the input transformer's output is shown; but the loader's resource policy still names the rule's old ARN, so EventBridge may not invoke it: the fix is the exact add-permission command.",
    title: 'Pipeline: trace a file that landed and started nothing',
  },
]

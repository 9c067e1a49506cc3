// `npm run corpus -- kinesis-consumers DIR`: `kinesis consumers --lease-table-json X.scan.json
// --shard-map X.shards.json --json` for every pair under DIR (a saved `aws dynamodb scan` of a KCL
// lease table and the stream's `aws kinesis list-shards` or `describe-stream` output), plus
// `--firehose-json X.firehose.json` (describe-delivery-stream output) and
// `--event-source-mappings-json X.esm.json` (list-event-source-mappings output) for each such file.
// Per input: consumers, shards, findings by kind; the summary counts files that did not parse (exit 6).
import {existsSync} from 'node:fs'

export default {
  describe({envelope, exitCode, stderr}) {
    if (!envelope || envelope.status === 'error') {
      const message = envelope?.error?.message ?? stderr.trim().split('\n')[0] ?? 'no output'
      return {counts: {[`exit ${exitCode} inputs`]: 1}, text: message}
    }

    const counts = {inputs: 1}
    const kinds = []
    for (const c of envelope.result.consumers) {
      counts[`${c.kind} consumers`] = (counts[`${c.kind} consumers`] ?? 0) + 1
      counts.shards = (counts.shards ?? 0) + c.shards.length
      counts['leased shards'] = (counts['leased shards'] ?? 0) + c.shards.filter((s) => s.checkpoint !== null).length
      for (const f of c.findings) {
        counts[`${f.severity} ${f.kind}`] = (counts[`${f.severity} ${f.kind}`] ?? 0) + 1
        kinds.push(`${f.kind}:${f.shardId ?? '-'}`)
      }
    }

    return {counts, text: `${kinds.length} finding(s)\t${kinds.join(',')}`}
  },
  items(target, {filesUnder}) {
    const files = filesUnder(target)
    const single = (suffix, flag) =>
      files
        .filter((file) => file.endsWith(suffix))
        .map((file) => ({args: ['kinesis', 'consumers', flag, file, '--json'], label: file}))
    const pairs = files
      .filter((file) => file.endsWith('.scan.json') && existsSync(file.replace(/\.scan\.json$/, '.shards.json')))
      .map((file) => ({
        args: [
          'kinesis',
          'consumers',
          '--lease-table-json',
          file,
          '--shard-map',
          file.replace(/\.scan\.json$/, '.shards.json'),
          '--json',
        ],
        label: file,
      }))
    return [
      ...pairs,
      ...single('.firehose.json', '--firehose-json'),
      ...single('.esm.json', '--event-source-mappings-json'),
    ]
  },
}

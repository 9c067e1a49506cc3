import {Args, Flags} from '@oclif/core'

import {BaseCommand} from '../../base-command.js'
import {UsageError} from '../../lib/core/errors.js'
import {offlineShardRanges} from '../../lib/kinesis/offline-input.js'
import {listOpenShards, parseStreamRef} from '../../lib/kinesis/stream.js'
import {whereIs, type WhereIsResult} from '../../lib/kinesis/where-is.js'
import {renderWhereIs} from '../../ui/kinesis-where-is.js'

export default class KinesisWhereIs extends BaseCommand {
  static override args = {
    key: Args.string({description: 'Partition key(s); several may be given.', required: false}),
  }
  static override description =
    "Hashes each partition key as Kinesis does (MD5 of its UTF-8 bytes, read as an unsigned 128-bit big-endian integer) and finds the open shard whose hash-key range holds it, using the stream's real ranges (ListShards), AWS's initial even ranges for --shards N, or a saved shard map. --explicit-hash-key places explicit hash keys the same way."
  static override examples = [
    '<%= config.bin %> <%= command.id %> user-42 tenant-7 --stream orders',
    '<%= config.bin %> <%= command.id %> "ключ-🔥" --shards 8 --json',
    '<%= config.bin %> <%= command.id %> --explicit-hash-key 170141183460469231731687303715884105728 --shard-map shards.json',
  ]
  static override flags = {
    'explicit-hash-key': Flags.string({
      multiple: true,
      summary: 'An explicit hash key (decimal, 0 to 2^128−1) to place; may be repeated.',
    }),
    'shard-map': Flags.string({summary: 'Saved ListShards output (open shards) instead of a stream.'}),
    shards: Flags.integer({
      max: 100_000,
      min: 1,
      summary: "Use AWS's initial even ranges for this many shards instead of a stream.",
    }),
    stream: Flags.string({summary: "Stream name or ARN: use its open shards' real ranges."}),
  }
  static override iam = [{action: 'kinesis:ListShards', when: 'with --stream'}]
  static override strict = false
  static override summary = 'Which shard a partition key (or explicit hash key) goes to.'

  public async run(): Promise<WhereIsResult> {
    const {argv, flags} = await this.parse(KinesisWhereIs)
    const keys = argv as string[]
    const ehks = flags['explicit-hash-key'] ?? []
    if (keys.length === 0 && ehks.length === 0)
      throw new UsageError('give at least one partition key (or --explicit-hash-key)', {
        suggestions: ['e.g. pipeops kinesis where-is user-42 --stream orders'],
      })
    for (const k of keys) {
      if (k.length === 0 || k.length > 256)
        throw new UsageError(`partition key "${k.slice(0, 40)}" must be 1 to 256 characters, not ${k.length}`)
    }

    const sources = [flags.stream, flags.shards, flags['shard-map']].filter((x) => x !== undefined).length
    if (sources !== 1) {
      throw new UsageError('give exactly one of --stream, --shards or --shard-map', {
        suggestions: [
          '--stream orders (real ranges), --shards 4 (even ranges of a new stream), or --shard-map shards.json',
        ],
      })
    }

    let result: WhereIsResult
    if (flags.stream) {
      const ref = parseStreamRef(flags.stream)
      const aws = await this.awsClients(flags)
      const ranges = await listOpenShards(await aws.create('kinesis'), ref, this.abortController.signal)
      result = {
        keys: whereIs(keys, ehks, ranges),
        ranges: {openShards: ranges.length, source: 'ListShards (open shards)'},
        stream: ref.streamName,
      }
    } else {
      this.rejectAwsFlags(flags, 'an offline run (--shards / --shard-map)')
      const {ranges, source} = await offlineShardRanges({shardMap: flags['shard-map'], shards: flags.shards})
      result = {keys: whereIs(keys, ehks, ranges), ranges: {openShards: ranges.length, source}, stream: null}
    }

    if (!this.jsonEnabled()) this.log(renderWhereIs(result))
    return result
  }
}

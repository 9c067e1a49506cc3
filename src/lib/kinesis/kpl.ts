/**
 * KPL aggregated records (awslabs/amazon-kinesis-producer, aggregation-format.md): one Kinesis
 * record = magic `F3 89 9A C2` + a protobuf `AggregatedRecord` + the MD5 of the protobuf bytes.
 *
 *   message AggregatedRecord { repeated string partition_key_table = 1; repeated string explicit_hash_key_table = 2; repeated Record records = 3; }
 *   message Record { required uint64 partition_key_index = 1; optional uint64 explicit_hash_key_index = 2; required bytes data = 3; repeated Tag tags = 4; }
 *   message Tag { required string key = 1; optional string value = 2; }
 *
 * A record that starts with the magic but fails to parse or whose checksum does not match is
 * treated as a plain record, as the KCL does.
 */
import {createHash} from 'node:crypto'

export const KPL_MAGIC = Uint8Array.from([0xf3, 0x89, 0x9a, 0xc2])
const DIGEST_BYTES = 16

export interface UserRecord {
  data: Uint8Array
  explicitHashKey?: string | undefined
  partitionKey: string
}

class Reader {
  pos: number

  constructor(
    private readonly buf: Uint8Array,
    start: number,
    readonly end: number,
  ) {
    this.pos = start
  }

  bytes(): Uint8Array {
    const len = this.varint()
    if (len < 0 || this.pos + len > this.end) throw new Error('length past end')
    const out = this.buf.subarray(this.pos, this.pos + len)
    this.pos += len
    return out
  }

  done(): boolean {
    return this.pos >= this.end
  }

  skip(wireType: number): void {
    switch (wireType) {
      case 0: {
        this.varint()
        break
      }

      case 1: {
        this.pos += 8
        break
      }

      case 2: {
        this.bytes()
        break
      }

      case 5: {
        this.pos += 4
        break
      }

      default: {
        throw new Error(`unsupported wire type ${wireType}`)
      }
    }

    if (this.pos > this.end) throw new Error('field past end')
  }

  varint(): number {
    let result = 0
    let shift = 0
    for (;;) {
      if (this.pos >= this.end) throw new Error('truncated varint')
      const b = this.buf[this.pos++]!
      if (shift < 49) result += (b & 0x7f) * 2 ** shift
      else if ((b & 0x7f) !== 0) throw new Error('varint too large')
      if ((b & 0x80) === 0) return result
      shift += 7
      if (shift > 63) throw new Error('varint too long')
    }
  }
}

const decoder = new TextDecoder('utf8')

/** True when the data starts with the KPL magic and is long enough to hold a checksum. */
export function looksAggregated(data: Uint8Array): boolean {
  return (
    data.length >= KPL_MAGIC.length + DIGEST_BYTES &&
    data[0] === 0xf3 &&
    data[1] === 0x89 &&
    data[2] === 0x9a &&
    data[3] === 0xc2
  )
}

/**
 * The user records inside a KPL aggregated record, or undefined when `data` is not a valid
 * aggregated record (no magic, bad checksum, malformed protobuf, index out of range, no records).
 */
export function deaggregate(data: Uint8Array): undefined | UserRecord[] {
  if (!looksAggregated(data)) return undefined
  const start = KPL_MAGIC.length
  const end = data.length - DIGEST_BYTES
  const digest = createHash('md5').update(data.subarray(start, end)).digest()
  for (let i = 0; i < DIGEST_BYTES; i++) if (digest[i] !== data[end + i]) return undefined
  try {
    const r = new Reader(data, start, end)
    const partitionKeys: string[] = []
    const explicitHashKeys: string[] = []
    const raw: Array<{data: Uint8Array; ehk?: number; pk: number}> = []
    while (!r.done()) {
      const tag = r.varint()
      const field = Math.floor(tag / 8)
      const wire = tag & 7
      if (field === 1 && wire === 2) partitionKeys.push(decoder.decode(r.bytes()))
      else if (field === 2 && wire === 2) explicitHashKeys.push(decoder.decode(r.bytes()))
      else if (field === 3 && wire === 2) {
        const body = r.bytes()
        const rr = new Reader(body, 0, body.length)
        let pk: number | undefined
        let ehk: number | undefined
        let payload: Uint8Array | undefined
        while (!rr.done()) {
          const t = rr.varint()
          const f = Math.floor(t / 8)
          const w = t & 7
          if (f === 1 && w === 0) pk = rr.varint()
          else if (f === 2 && w === 0) ehk = rr.varint()
          else if (f === 3 && w === 2) payload = rr.bytes()
          else rr.skip(w)
        }

        if (pk === undefined || payload === undefined) return undefined
        raw.push({data: payload, pk, ...(ehk === undefined ? {} : {ehk})})
      } else r.skip(wire)
    }

    if (raw.length === 0) return undefined
    const out: UserRecord[] = []
    for (const rec of raw) {
      const partitionKey = partitionKeys[rec.pk]
      if (partitionKey === undefined) return undefined
      let explicitHashKey: string | undefined
      if (rec.ehk !== undefined) {
        explicitHashKey = explicitHashKeys[rec.ehk]
        if (explicitHashKey === undefined) return undefined
      }

      out.push({data: rec.data, explicitHashKey, partitionKey})
    }

    return out
  } catch {
    return undefined
  }
}

class Writer {
  private readonly parts: number[] = []

  bytes(field: number, value: Uint8Array): void {
    this.tag(field, 2)
    this.varint(value.length)
    for (const b of value) this.parts.push(b)
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.parts)
  }

  tag(field: number, wire: number): void {
    this.varint(field * 8 + wire)
  }

  varint(value: number): void {
    let v = value
    while (v >= 0x80) {
      this.parts.push((v % 0x80) | 0x80)
      v = Math.floor(v / 0x80)
    }

    this.parts.push(v)
  }
}

const encoder = new TextEncoder()

/**
 * Build a KPL aggregated record from user records (for tests and the sandbox's demo producer).
 * Partition keys and explicit hash keys are de-duplicated into their tables, as the KPL does.
 */
export function aggregate(records: readonly UserRecord[]): Uint8Array {
  const pkIndex = new Map<string, number>()
  const ehkIndex = new Map<string, number>()
  for (const r of records) {
    if (!pkIndex.has(r.partitionKey)) pkIndex.set(r.partitionKey, pkIndex.size)
    if (r.explicitHashKey !== undefined && !ehkIndex.has(r.explicitHashKey))
      ehkIndex.set(r.explicitHashKey, ehkIndex.size)
  }

  const w = new Writer()
  for (const pk of pkIndex.keys()) w.bytes(1, encoder.encode(pk))
  for (const ehk of ehkIndex.keys()) w.bytes(2, encoder.encode(ehk))
  for (const r of records) {
    const inner = new Writer()
    inner.tag(1, 0)
    inner.varint(pkIndex.get(r.partitionKey)!)
    if (r.explicitHashKey !== undefined) {
      inner.tag(2, 0)
      inner.varint(ehkIndex.get(r.explicitHashKey)!)
    }

    inner.bytes(3, r.data)
    w.bytes(3, inner.finish())
  }

  const body = w.finish()
  const digest = createHash('md5').update(body).digest()
  const out = new Uint8Array(KPL_MAGIC.length + body.length + DIGEST_BYTES)
  out.set(KPL_MAGIC, 0)
  out.set(body, KPL_MAGIC.length)
  out.set(digest, KPL_MAGIC.length + body.length)
  return out
}

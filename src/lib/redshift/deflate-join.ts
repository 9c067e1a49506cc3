/**
 * Make a complete raw deflate stream joinable: clear the BFINAL bit of its last block and end it
 * with an empty stored block (the marker a zlib sync flush writes), so that several such streams
 * concatenated, plus a final empty block, are one valid deflate stream.
 *
 * Why: libdeflate (faster than zlib at levels 6–9) compresses whole buffers only and always ends
 * its output with a final block, and nothing in the bytes says where that block starts. Finding it
 * means walking the Huffman codes of every block. The walk only skips codes (it never rebuilds
 * the data), so each table entry holds how many bits to skip: code plus extra bits.
 *
 * These functions run inside the compression workers, which receive their source text through
 * `Function.prototype.toString` (see compress-pool.ts): they use no imports, no closures and no
 * nested functions, and share state only through the `JoinTables` they are given.
 */
/* eslint-disable unicorn/prefer-math-trunc -- `(bits >>> n) | 0` keeps the bit buffer a 32-bit
   integer for the optimiser (a plain `>>>` result may exceed int32 and fall back to doubles,
   measured 20 % slower); it is not a rounding. */

/** Scratch space for one walker; allocate once per worker with `createJoinTables`. */
export interface JoinTables {
  count: Uint16Array
  dist: Uint8Array
  first: Uint16Array
  fixedDist: Uint8Array
  fixedLit: Uint8Array
  lengths: Uint8Array
  lit: Uint8Array
  /** The order code-length code lengths are sent in (RFC 1951 §3.2.7). */
  order: Uint8Array
  pre: Int32Array
}

/**
 * Table entries (small, so the tables stay in the L1 cache). Literal/length table: bits to skip
 * in bits 0–4, and in bits 5–6 what the last code skipped was: 0 a literal, 32 a length (a
 * distance follows), 64 the end of the block; 0 marks a code that does not exist. Where a literal's
 * code leaves room in the index for the next code, the entry skips both (two codes per lookup).
 * Distance table: code length in bits 0–3, extra bits in bits 4–7; 0 marks a missing code.
 * Code-length table: code length in bits 0–3, symbol from bit 4.
 */
export function createJoinTables(): JoinTables {
  const t: JoinTables = {
    count: new Uint16Array(16),
    dist: new Uint8Array(1 << 15),
    first: new Uint16Array(16),
    fixedDist: new Uint8Array(1 << 5),
    fixedLit: new Uint8Array(1 << 9),
    // Up to 19 code-length code lengths, then from index 32 up to 286 + 32 code lengths.
    lengths: new Uint8Array(352),
    lit: new Uint8Array(1 << 15),
    order: new Uint8Array([16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]),
    pre: new Int32Array(1 << 7),
  }
  for (let i = 0; i < 288; i++) t.lengths[i] = i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8
  for (let i = 0; i < 30; i++) t.lengths[288 + i] = 5
  buildDeflateTable(t, t.fixedLit, 0, 288, 0)
  buildDeflateTable(t, t.fixedDist, 288, 30, 1)
  return t
}

/**
 * Fill `table` for the code lengths `t.lengths[offset .. offset + n)`; kind 0 = literal/length,
 * 1 = distance, 2 = code lengths. Returns the table's index width in bits (the longest code), or
 * -1 when the lengths do not form a valid prefix code.
 */
export function buildDeflateTable(
  t: JoinTables,
  table: Int32Array | Uint8Array,
  offset: number,
  n: number,
  kind: number,
): number {
  const {count, first, lengths} = t
  count.fill(0)
  let longest = 0
  for (let i = 0; i < n; i++) {
    const len = lengths[offset + i]!
    count[len]!++
    if (len > longest) longest = len
  }

  if (longest === 0) {
    // No codes at all (a distance alphabet may be empty): every lookup is invalid.
    table[0] = 0
    return 0
  }

  // Canonical codes (RFC 1951 §3.2.2) and a Kraft check: over-subscribed lengths are invalid.
  let code = 0
  let left = 1
  count[0] = 0
  for (let len = 1; len <= longest; len++) {
    code = (code + count[len - 1]!) << 1
    first[len] = code
    left = (left << 1) - count[len]!
    if (left < 0) return -1
  }

  const size = 1 << longest
  table.fill(0, 0, size)
  for (let sym = 0; sym < n; sym++) {
    const len = lengths[offset + sym]!
    if (len === 0) continue
    let c = first[len]!
    first[len] = c + 1
    // Deflate sends codes most significant bit first; the bit reader is least significant first.
    let reversed = 0
    for (let i = 0; i < len; i++) {
      reversed = (reversed << 1) | (c & 1)
      c >>>= 1
    }

    let entry: number
    if (kind === 0) {
      // 257–284: 0,0,0,0,0,0,0,0,1,1,1,1,2,…,5 extra bits; 285: none; 286–287 never occur.
      const extra = sym >= 265 && sym < 285 ? (sym - 261) >> 2 : 0
      entry = sym < 256 ? len : sym === 256 ? len | 64 : sym < 286 ? (len + extra) | 32 : 0
    } else if (kind === 1) {
      const extra = sym >= 4 ? (sym >> 1) - 1 : 0
      entry = sym < 30 ? len | (extra << 4) : 0
    } else {
      entry = len | (sym << 4)
    }

    for (let j = reversed; j < size; j += 1 << len) table[j] = entry
  }

  if (kind === 0) {
    // Pair each literal with the code after it when both fit in the index. Descending, so the
    // entry read (at a smaller index) is still a single code's.
    for (let pass = 0; pass < 2; pass++) {
      for (let j = size - 1; j > 0; j--) {
        const e = table[j]!
        if (e === 0 || e >= 32) continue
        const next = table[j >>> e]!
        if (next !== 0 && (next & 31) <= longest - e) table[j] = e + next
      }
    }
  }

  return longest
}

/**
 * Walk the deflate stream in `data[start .. end)`, and return it made joinable (a new array).
 * Throws when the stream is malformed or does not end exactly at `end`; callers fall back to
 * another compressor then, so a surprise in the input can never produce a wrong part.
 */
export function joinableDeflate(t: JoinTables, data: Uint8Array, start: number, end: number): Uint8Array {
  // Bytes past `end` may be read into the bit buffer but are never used.
  const size = data.length
  let pos = start
  let bits = 0
  let have = 0
  let lastHeader = -1
  for (let final = 0; final === 0;) {
    while (have <= 24) {
      bits |= (pos < size ? data[pos]! : 0) << have
      pos++
      have += 8
    }

    if (pos > end + 4) throw new Error('deflate stream runs past the end')
    lastHeader = pos * 8 - have
    final = bits & 1
    const type = (bits >>> 1) & 3
    bits = (bits >>> 3) | 0
    have -= 3
    if (type === 0) {
      // Stored: skip to the byte boundary, then LEN, NLEN and LEN bytes.
      const at = pos - (have >> 3)
      if (at + 4 > end) throw new Error('stored block runs past the end')
      const len = data[at]! | (data[at + 1]! << 8)
      if ((len ^ (data[at + 2]! | (data[at + 3]! << 8))) !== 0xff_ff)
        throw new Error('stored block length check failed')
      pos = at + 4 + len
      bits = 0
      have = 0
      continue
    }

    let lit = t.fixedLit
    let dist = t.fixedDist
    let litBits = 9
    let distBits = 5
    if (type === 2) {
      const hlit = (bits & 31) + 257
      const hdist = ((bits >>> 5) & 31) + 1
      const hclen = ((bits >>> 10) & 15) + 4
      bits = (bits >>> 14) | 0
      have -= 14
      const {lengths} = t
      lengths.fill(0, 0, 19)
      for (let i = 0; i < hclen; i++) {
        while (have <= 24) {
          bits |= (pos < size ? data[pos]! : 0) << have
          pos++
          have += 8
        }

        lengths[t.order[i]!] = bits & 7
        bits = (bits >>> 3) | 0
        have -= 3
      }

      const preBits = buildDeflateTable(t, t.pre, 0, 19, 2)
      if (preBits <= 0) throw new Error('invalid code-length code')
      const preMask = (1 << preBits) - 1
      const total = hlit + hdist
      // Code lengths go after the 19 code-length code lengths, which are no longer needed.
      for (let i = 0; i < total;) {
        while (have <= 24) {
          bits |= (pos < size ? data[pos]! : 0) << have
          pos++
          have += 8
        }

        if (pos > end + 4) throw new Error('deflate stream runs past the end')
        const e = t.pre[bits & preMask]!
        const len = e & 15
        if (len === 0) throw new Error('invalid code-length code')
        bits = (bits >>> len) | 0
        have -= len
        const sym = e >>> 4
        if (sym < 16) {
          lengths[32 + i++] = sym
          continue
        }

        let repeat: number
        let value = 0
        if (sym === 16) {
          if (i === 0) throw new Error('repeat with no previous length')
          value = lengths[32 + i - 1]!
          repeat = 3 + (bits & 3)
          bits = (bits >>> 2) | 0
          have -= 2
        } else if (sym === 17) {
          repeat = 3 + (bits & 7)
          bits = (bits >>> 3) | 0
          have -= 3
        } else {
          repeat = 11 + (bits & 127)
          bits = (bits >>> 7) | 0
          have -= 7
        }

        if (i + repeat > total) throw new Error('code lengths overrun')
        while (repeat-- > 0) lengths[32 + i++] = value
      }

      if (lengths[32 + 256] === 0) throw new Error('no end-of-block code')
      litBits = buildDeflateTable(t, t.lit, 32, hlit, 0)
      distBits = buildDeflateTable(t, t.dist, 32 + hlit, hdist, 1)
      if (litBits <= 0 || distBits < 0) throw new Error('invalid Huffman code')
      lit = t.lit
      dist = t.dist
    } else if (type === 3) {
      throw new Error('invalid block type')
    }

    const litMask = (1 << litBits) - 1
    const distMask = (1 << distBits) - 1
    for (;;) {
      if (have < 20) {
        while (have <= 24) {
          bits |= (pos < size ? data[pos]! : 0) << have
          pos++
          have += 8
        }

        // A damaged stream can decode zeros past its end for ever: stop once well past it.
        if (pos > end + 4) throw new Error('deflate stream runs past the end')
      }

      const e = lit[bits & litMask]!
      const skip = e & 31
      bits = (bits >>> skip) | 0
      have -= skip
      if (e < 32) {
        if (e === 0) throw new Error('invalid literal/length code')
        continue
      }

      if (e >= 64) break
      if (have < 15) {
        while (have <= 24) {
          bits |= (pos < size ? data[pos]! : 0) << have
          pos++
          have += 8
        }
      }

      const d = dist[bits & distMask]!
      if (d === 0) throw new Error('invalid distance code')
      const code = d & 15
      bits = (bits >>> code) | 0
      have -= code
      const extra = d >>> 4
      if (have < extra) {
        while (have <= 24) {
          bits |= (pos < size ? data[pos]! : 0) << have
          pos++
          have += 8
        }
      }

      bits = (bits >>> extra) | 0
      have -= extra
    }

    if (pos * 8 - have > end * 8) throw new Error('deflate stream runs past the end')
  }

  const stop = pos * 8 - have
  if ((stop + 7) >> 3 !== end) throw new Error('deflate stream ends before the end of its buffer')
  // Copy, clear BFINAL, zero the bits after the last block, then an empty stored block:
  // 3 header bits (BFINAL 0, BTYPE 00), padding to the byte, LEN 0000, NLEN FFFF.
  const used = stop - start * 8
  const head = (used + 3 + 7) >> 3
  const out = new Uint8Array(head + 4)
  out.set(data.subarray(start, end))
  const header = lastHeader - start * 8
  out[header >> 3] = out[header >> 3]! & ~(1 << (header & 7))
  if ((used & 7) !== 0) out[used >> 3] = out[used >> 3]! & ((1 << (used & 7)) - 1)
  out[head + 2] = 0xff
  out[head + 3] = 0xff
  return out
}

/**
 * How many times `byte` occurs in `data`, four bytes per step: the compression workers count the
 * line feeds of every block (their check of the splitter), and a byte-by-byte loop cost 7 % of
 * their time. Runs inside the workers as source text (see compress-pool.ts): no imports, no
 * closures, no nested functions.
 */
export function countByte(data: Uint8Array, byte: number): number {
  const n = data.length
  let count = 0
  let i = 0
  // Int32Array views need 4-byte alignment: bytes before the first aligned one go one by one.
  while (i < n && ((data.byteOffset + i) & 3) !== 0) {
    if (data[i] === byte) count++
    i++
  }

  const words = (n - i) >> 2
  if (words > 0) {
    const view = new Int32Array(data.buffer, data.byteOffset + i, words)
    const pattern = Math.imul(byte, 0x01_01_01_01)
    for (let w = 0; w < words; w++) {
      // A byte of x is 0 where the byte matches. Bit 7 of ((b & 0x7f) + 0x7f) | b is set exactly
      // when b is not 0 (no carry leaves a byte), so `zero` has bit 7 set in each matching byte;
      // the multiply adds those four bits up into the top byte.
      const x = view[w]! ^ pattern
      // eslint-disable-next-line unicorn/prefer-math-trunc -- `| 0` wraps the sum to 32 bits, as intended.
      const zero = ~(((x & 0x7f_7f_7f_7f) + 0x7f_7f_7f_7f) | 0 | x) & 0x80_80_80_80
      count += Math.imul(zero >>> 7, 0x01_01_01_01) >>> 24
    }

    i += words << 2
  }

  for (; i < n; i++) if (data[i] === byte) count++
  return count
}

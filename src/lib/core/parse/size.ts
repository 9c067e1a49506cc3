import {UsageError} from '../errors.js'

const MULTIPLIERS: Record<string, number> = {
  '': 1,
  b: 1,
  byte: 1,
  bytes: 1,
  g: 1e9,
  gb: 1e9,
  gib: 2 ** 30,
  k: 1000,
  kb: 1000,
  kib: 1024,
  m: 1e6,
  mb: 1e6,
  mib: 2 ** 20,
  t: 1e12,
  tb: 1e12,
  tib: 2 ** 40,
}

/**
 * Parse a size: `128KB`, `1.5GiB`, `100MB`, `512` (bytes). KB/MB/GB/TB are decimal (1000);
 * KiB/MiB/GiB/TiB are binary (1024), as in AWS's own documentation. The result is whole bytes.
 */
export function parseSize(text: string, flag = 'size'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text)
  const mult = m ? MULTIPLIERS[m[2]!.toLowerCase()] : undefined
  if (!m || mult === undefined) {
    throw new UsageError(`${flag} "${text}" is not a size`, {
      suggestions: ['Use a number and a unit: 512, 128KB, 100MB, 1.5GiB (KB = 1000 bytes, KiB = 1024).'],
    })
  }

  const bytes = Number(m[1]) * mult
  if (!Number.isSafeInteger(Math.round(bytes))) throw new UsageError(`${flag} "${text}" is too large`)
  return Math.round(bytes)
}

/** 1536 → "1.5 KiB"; binary units, because that is what people compare with `ls -lh`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB']
  let value = bytes
  let i = 0
  while (Math.abs(value) >= 1024 && i < units.length - 1) {
    value /= 1024
    i++
  }

  return i === 0 ? `${bytes} B` : `${value.toFixed(value >= 100 ? 0 : value >= 10 ? 1 : 2)} ${units[i]}`
}

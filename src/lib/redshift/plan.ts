/**
 * How many files: the smallest multiple of the slice count that keeps each compressed part at or
 * under the target size (AWS: files of about equal size, 1 MB – 1 GB after compression, ideally
 * 1–125 MB, in a multiple of the slices; reference/redshift-lifecycle.md A2).
 */
import {formatBytes} from '../core/parse/size.js'

export type Codec = 'gzip' | 'none' | 'zstd'

export const AWS_MIN_FILE = 1_000_000
export const AWS_MAX_FILE = 1_000_000_000

export interface SizeEstimate {
  /** How it was estimated, in words. */
  basis: string
  /** Estimated total size of the compressed output; undefined when unknown (stdin). */
  outputBytes: number | undefined
}

/**
 * Estimate the output size from the input size. Ratios are from the measured baselines
 * (reference A4: gzip -6 ≈ 30 % of CSV, gzip -1 ≈ 34 %, zstd -3 ≈ 16 %).
 */
export function estimateOutput(
  input: {bytes: number | undefined; compression: 'bzip2' | 'gzip' | 'none' | 'zstd'},
  codec: Codec,
  level: number,
): SizeEstimate {
  if (input.bytes === undefined) return {basis: 'input size unknown (stdin)', outputBytes: undefined}
  const plainRatio =
    codec === 'none' ? 1 : codec === 'zstd' ? 0.16 * (1 + Math.max(0, 3 - level) * 0.05) : gzipRatio(level)
  const inputRatio =
    input.compression === 'gzip' ? 0.3 : input.compression === 'zstd' ? 0.16 : input.compression === 'bzip2' ? 0.25 : 1
  const plain = input.bytes / inputRatio
  return {
    basis:
      input.compression === 'none'
        ? `input ${formatBytes(input.bytes)} × typical ${codec} ratio`
        : `input ${formatBytes(input.bytes)} (${input.compression}) re-compressed with ${codec}`,
    outputBytes: Math.round(plain * plainRatio),
  }
}

function gzipRatio(level: number): number {
  if (level <= 1) return 0.344
  if (level <= 3) return 0.32
  if (level <= 6) return 0.303
  return 0.293
}

export interface PartPlan {
  /** Estimated bytes per part (undefined when the input size is unknown). */
  estimatedPartBytes: number | undefined
  files: number
  filesPerSlice: number
  /** Why this many files. */
  reason: string
  warnings: string[]
}

export function planParts(options: {
  estimate: SizeEstimate
  filesPerSlice?: number | undefined
  slices: null | number
  targetSize: number
}): PartPlan {
  const {estimate, targetSize} = options
  const total = estimate.outputBytes
  const warnings: string[] = []
  let files: number
  let filesPerSlice: number
  let reason: string
  if (options.slices === null) {
    // Serverless: by size only.
    files = options.filesPerSlice ?? (total === undefined ? 1 : Math.max(1, Math.ceil(total / targetSize)))
    filesPerSlice = files
    reason =
      options.filesPerSlice === undefined
        ? `by size: ≤ ${formatBytes(targetSize)} per file`
        : 'given with --files-per-slice (no slices on Serverless)'
    if (total === undefined && options.filesPerSlice === undefined)
      warnings.push(
        'the input size is unknown (stdin) and Serverless has no slices: writing one file; give --files-per-slice N to choose the count',
      )
  } else {
    const {slices} = options
    if (options.filesPerSlice === undefined) {
      filesPerSlice = total === undefined ? 1 : Math.max(1, Math.ceil(total / (slices * targetSize)))
      reason =
        total === undefined
          ? `1 file per slice (input size unknown)`
          : `smallest multiple of ${slices} slices keeping parts ≤ ${formatBytes(targetSize)}`
      if (total === undefined)
        warnings.push(
          'the input size is unknown (stdin): writing one file per slice; give --files-per-slice K if parts would exceed the target size',
        )
    } else {
      filesPerSlice = options.filesPerSlice
      reason = `${filesPerSlice} file(s) per slice, given with --files-per-slice`
    }

    files = slices * filesPerSlice
  }

  const estimatedPartBytes = total === undefined ? undefined : Math.round(total / files)
  if (total !== undefined && estimatedPartBytes !== undefined) {
    if (total < AWS_MIN_FILE) {
      warnings.push(
        `the output is small (about ${formatBytes(total)}): splitting cannot speed up a load this size, and AWS suggests files of at least 1 MB`,
      )
    } else if (estimatedPartBytes < AWS_MIN_FILE) {
      warnings.push(
        `parts of about ${formatBytes(estimatedPartBytes)} are under AWS's 1 MB – 1 GB guidance (compressed); fewer files per slice would not help since the count must stay a multiple of the slices`,
      )
    }

    if (estimatedPartBytes > AWS_MAX_FILE)
      warnings.push(
        `parts of about ${formatBytes(estimatedPartBytes)} are over AWS's 1 GB guidance (compressed): lower --target-size or raise --files-per-slice`,
      )
  }

  return {estimatedPartBytes, files, filesPerSlice, reason, warnings}
}

/** Block sizing for zstd and zlib (see chooseBlockSize). */
export const SMALL_BLOCKS = {max: 256 * 1024, perPart: 100}
/** Block sizing for libdeflate (see chooseBlockSize). */
export const LARGE_BLOCKS = {max: 512 * 1024, perPart: 25}

/**
 * Uncompressed block size dealt to parts: about 1/perPart of a part, a power of two from 16 KiB to
 * `max`. Balance does not depend on it (the last blocks are cut record by record to level the
 * parts). zstd and zlib (libdeflate's fallback) use 100 blocks per part up to 256 KiB (zstd parts
 * level worse with bigger blocks, zlib at level 1 compresses worse, and zlib's worst-case output
 * buffers make big blocks cost memory). libdeflate has no dictionary and fixed per-block costs (a
 * message each way, Huffman tables), so it uses 25 per part up to 512 KiB: 128 KiB blocks cost it
 * 5–8 % more time than 512 KiB ones on a 200 MiB CSV and compress 0.4 % worse, while 1 MiB blocks
 * hold 15 MB more memory for no measurable gain.
 */
export function chooseBlockSize(
  estimatedPlainBytes: number | undefined,
  files: number,
  blocking: {max: number; perPart: number} = SMALL_BLOCKS,
): number {
  const MIN = 16 * 1024
  if (estimatedPlainBytes === undefined) return Math.min(256 * 1024, blocking.max)
  const perPart = estimatedPlainBytes / files
  return Math.max(MIN, Math.min(blocking.max, 2 ** Math.floor(Math.log2(Math.max(1, perPart / blocking.perPart)))))
}

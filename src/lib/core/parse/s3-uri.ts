import {UsageError} from '../errors.js'

export interface S3Location {
  bucket: string
  /** Key or prefix without a leading slash; '' for the bucket root. */
  key: string
}

/** Bucket naming rules for general purpose buckets (3–63 chars, lower case, digits, dots, hyphens). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/

/** Parse `s3://bucket/key/prefix` (also `s3a://`, `s3n://` as written by Spark and Hive). */
export function parseS3Uri(text: string, flag = 'S3 URI'): S3Location {
  const m = /^s3[an]?:\/\/([^/]+)(?:\/(.*))?$/i.exec(text.trim())
  if (!m) {
    throw new UsageError(`${flag} "${text}" is not an S3 URI`, {suggestions: ['Write it as s3://bucket/prefix/.']})
  }

  const bucket = m[1]!
  if (!BUCKET.test(bucket) || bucket.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(bucket)) {
    throw new UsageError(`${flag}: "${bucket}" is not a valid bucket name`, {
      suggestions: ['Bucket names are 3–63 characters of lower-case letters, digits, dots and hyphens.'],
    })
  }

  return {bucket, key: m[2] ?? ''}
}

export function isS3Uri(text: string): boolean {
  return /^s3[an]?:\/\//i.test(text.trim())
}

export function formatS3Uri(location: S3Location): string {
  return `s3://${location.bucket}/${location.key}`
}

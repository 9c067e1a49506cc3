/**
 * The one model of an S3 lifecycle configuration: the s3api / PutBucketLifecycleConfiguration JSON
 * shape. Every input (flags, spec files, CloudFormation, Terraform, a live bucket) is converted to
 * it, and every output format is produced from it.
 */

export const STORAGE_CLASSES = [
  'STANDARD_IA',
  'INTELLIGENT_TIERING',
  'ONEZONE_IA',
  'GLACIER_IR',
  'GLACIER',
  'DEEP_ARCHIVE',
] as const
export type TransitionClass = (typeof STORAGE_CLASSES)[number]
/** Where objects live before any transition, plus the transition targets. */
export type StorageClassName = 'STANDARD' | TransitionClass

export const DEFAULT_MIN_SIZE_VALUES = ['all_storage_classes_128K', 'varies_by_storage_class'] as const
export type DefaultMinSize = (typeof DEFAULT_MIN_SIZE_VALUES)[number]

export interface Tag {
  Key: string
  Value: string
}

export interface RuleAndOperator {
  ObjectSizeGreaterThan?: number
  ObjectSizeLessThan?: number
  Prefix?: string
  Tags?: Tag[]
}

export interface RuleFilter {
  And?: RuleAndOperator
  ObjectSizeGreaterThan?: number
  ObjectSizeLessThan?: number
  Prefix?: string
  Tag?: Tag
}

export interface Transition {
  /** ISO 8601 date; S3 requires midnight UTC. */
  Date?: string
  Days?: number
  StorageClass: string
}

export interface NoncurrentTransition {
  NewerNoncurrentVersions?: number
  NoncurrentDays?: number
  StorageClass: string
}

export interface Expiration {
  Date?: string
  Days?: number
  ExpiredObjectDeleteMarker?: boolean
}

export interface LifecycleRule {
  AbortIncompleteMultipartUpload?: {DaysAfterInitiation?: number}
  Expiration?: Expiration
  Filter?: RuleFilter
  ID?: string
  NoncurrentVersionExpiration?: {NewerNoncurrentVersions?: number; NoncurrentDays?: number}
  NoncurrentVersionTransitions?: NoncurrentTransition[]
  /** Legacy (V1) rule-level prefix; S3 rejects it together with Filter. */
  Prefix?: string
  Status: string
  Transitions?: Transition[]
}

export interface LifecycleConfiguration {
  Rules: LifecycleRule[]
  /** Sent as a header / CLI flag, not inside the JSON body; kept here so every format can carry it. */
  TransitionDefaultMinimumObjectSize?: string
}

/** The 128 KB that S3 uses as default minimum transition size and as minimum billable size. */
export const KB128 = 128 * 1024

/**
 * S3's Days fields (Expiration, Transition, NoncurrentDays, DaysAfterInitiation) are 32-bit integers
 * in the API (type Integer; the XML schema's int): a larger value is not a lifecycle S3 can hold.
 */
export const MAX_LIFECYCLE_DAYS = 2_147_483_647

export interface ClassInfo {
  /** Cheaper-first precedence S3 uses when two rules transition the same object on the same day. */
  costRank: number
  /** Is this an archive class (Glacier Flexible Retrieval, Deep Archive): 40 KB per-object overhead. */
  flexibleArchive: boolean
  /** Standard-IA / One Zone-IA: at least 30 days before the transition, 30 days before a Glacier transition. */
  infrequent: boolean
  label: string
  /** Objects smaller than this are billed as this size. */
  minBillableBytes: number
  /** Minimum storage duration in days; earlier deletion, overwrite or transition is charged as this. */
  minDays: number
}

/** Source: S3 user guide, "Comparing the Amazon S3 storage classes" (reference B5). */
export const CLASS_INFO: Record<StorageClassName, ClassInfo> = {
  DEEP_ARCHIVE: {
    costRank: 1,
    flexibleArchive: true,
    infrequent: false,
    label: 'Glacier Deep Archive',
    minBillableBytes: 40 * 1024,
    minDays: 180,
  },
  GLACIER: {
    costRank: 2,
    flexibleArchive: true,
    infrequent: false,
    label: 'Glacier Flexible Retrieval',
    minBillableBytes: 40 * 1024,
    minDays: 90,
  },
  GLACIER_IR: {
    costRank: 3,
    flexibleArchive: false,
    infrequent: false,
    label: 'Glacier Instant Retrieval',
    minBillableBytes: KB128,
    minDays: 90,
  },
  // S3 favours Intelligent-Tiering over every class except the Glacier ones when rules conflict.
  INTELLIGENT_TIERING: {
    costRank: 4,
    flexibleArchive: false,
    infrequent: false,
    label: 'Intelligent-Tiering',
    minBillableBytes: 0,
    minDays: 0,
  },
  ONEZONE_IA: {
    costRank: 5,
    flexibleArchive: false,
    infrequent: true,
    label: 'One Zone-IA',
    minBillableBytes: KB128,
    minDays: 30,
  },
  STANDARD: {
    costRank: 7,
    flexibleArchive: false,
    infrequent: false,
    label: 'Standard',
    minBillableBytes: 0,
    minDays: 0,
  },
  STANDARD_IA: {
    costRank: 6,
    flexibleArchive: false,
    infrequent: true,
    label: 'Standard-IA',
    minBillableBytes: KB128,
    minDays: 30,
  },
}

/**
 * The lifecycle waterfall: which class an object may move to from which class.
 * Source: S3 user guide, "Transitioning objects using Amazon S3 Lifecycle" (current list, reference B5).
 */
export const ALLOWED_TRANSITIONS: Record<StorageClassName, readonly TransitionClass[]> = {
  DEEP_ARCHIVE: [],
  GLACIER: ['DEEP_ARCHIVE'],
  GLACIER_IR: ['GLACIER', 'DEEP_ARCHIVE'],
  INTELLIGENT_TIERING: ['ONEZONE_IA', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'],
  ONEZONE_IA: ['GLACIER', 'DEEP_ARCHIVE'],
  STANDARD: ['STANDARD_IA', 'INTELLIGENT_TIERING', 'ONEZONE_IA', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'],
  STANDARD_IA: ['INTELLIGENT_TIERING', 'ONEZONE_IA', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'],
}

export function isTransitionClass(value: unknown): value is TransitionClass {
  return typeof value === 'string' && (STORAGE_CLASSES as readonly string[]).includes(value)
}

export function isStorageClassName(value: unknown): value is StorageClassName {
  return value === 'STANDARD' || isTransitionClass(value)
}

export function canTransition(from: StorageClassName, to: TransitionClass): boolean {
  return ALLOWED_TRANSITIONS[from].includes(to)
}

/** The conditions of a rule's filter in one flat shape (legacy Prefix, Filter, or Filter.And). */
export interface FilterConditions {
  /** Size strictly less than, in bytes. */
  maxSize?: number | undefined
  /** Size strictly greater than, in bytes. */
  minSize?: number | undefined
  prefix: string
  tags: Tag[]
}

export function filterConditions(rule: LifecycleRule): FilterConditions {
  const f = rule.Filter
  if (!f) return {prefix: rule.Prefix ?? '', tags: []}
  const and = f.And
  if (and) {
    return {
      maxSize: and.ObjectSizeLessThan,
      minSize: and.ObjectSizeGreaterThan,
      prefix: and.Prefix ?? '',
      tags: and.Tags ?? [],
    }
  }

  return {
    maxSize: f.ObjectSizeLessThan,
    minSize: f.ObjectSizeGreaterThan,
    prefix: f.Prefix ?? '',
    tags: f.Tag ? [f.Tag] : [],
  }
}

/** Build the Filter element S3 wants from flat conditions: one predicate alone, several under And. */
export function buildFilter(c: FilterConditions): RuleFilter {
  const predicates: RuleAndOperator = {}
  if (c.prefix !== '') predicates.Prefix = c.prefix
  if (c.tags.length > 0) predicates.Tags = c.tags
  if (c.minSize !== undefined) predicates.ObjectSizeGreaterThan = c.minSize
  if (c.maxSize !== undefined) predicates.ObjectSizeLessThan = c.maxSize
  const count =
    (c.prefix === '' ? 0 : 1) + c.tags.length + (c.minSize === undefined ? 0 : 1) + (c.maxSize === undefined ? 0 : 1)
  if (count === 0) return {}
  if (count > 1) return {And: predicates}
  if (predicates.Prefix !== undefined) return {Prefix: predicates.Prefix}
  if (predicates.Tags) return {Tag: predicates.Tags[0]!}
  if (predicates.ObjectSizeGreaterThan !== undefined) return {ObjectSizeGreaterThan: predicates.ObjectSizeGreaterThan}
  return {ObjectSizeLessThan: predicates.ObjectSizeLessThan!}
}

/** "prefix=logs/ tag team=data size>131072" for messages; S3 itself writes "(prefix=logs/)". */
export function describeFilter(c: FilterConditions): string {
  const parts = [`prefix=${c.prefix}`]
  for (const t of c.tags) parts.push(`tag ${t.Key}=${t.Value}`)
  if (c.minSize !== undefined) parts.push(`size>${c.minSize}`)
  if (c.maxSize !== undefined) parts.push(`size<${c.maxSize}`)
  return parts.join(' ')
}

/** How a rule is named in messages: its ID, or its position. */
export function ruleLabel(rule: LifecycleRule, index: number): string {
  return rule.ID ? `rule "${rule.ID}"` : `rule #${index + 1} (no ID)`
}

/** Strip undefined members so deep-equality and JSON output are stable. */
export function clean<T>(value: T): T {
  return stripUndefined(value) as T
}

function stripUndefined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => stripUndefined(v))
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, stripUndefined(v)]),
    )
  }

  return value
}

/** Canonical JSON (sorted keys) for comparing configurations. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value))
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => sortKeys(v))
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([k, v]) => [k, sortKeys(v)]),
    )
  }

  return value
}

/**
 * Lint findings and their catalogue. Ids are stable: scripts and suppressions may rely on them.
 */

/** `info` is a note: what could not be resolved or followed; it never changes the exit code. */
export type Severity = 'error' | 'info' | 'warning'

export interface Finding {
  /** Stable id from FINDING_CATALOG, e.g. "LC003". */
  code: string
  /** Short stable name, e.g. "ia-min-days". */
  id: string
  message: string
  /** JSON path of the offending element, e.g. Rules[0].Transitions[1].Days. */
  path?: string
  /** The rule's ID, when the finding is about one rule. */
  ruleId?: string
  /** Zero-based position of the rule. */
  ruleIndex?: number
  /** S3's own error text for this case, when it is known. */
  s3Message?: string
  severity: Severity
  /** Where the configuration came from: file, bucket, or CloudFormation logical id. */
  source?: string
  suggestion?: string
}

export interface CatalogEntry {
  code: string
  severity: Severity
  title: string
}

export const FINDING_CATALOG = {
  'abort-mpu-with-size': {
    code: 'LC012',
    severity: 'error',
    title: 'AbortIncompleteMultipartUpload with an object-size filter',
  },
  'abort-mpu-with-tags': {code: 'LC011', severity: 'error', title: 'AbortIncompleteMultipartUpload with a tag filter'},
  'date-not-midnight': {code: 'LC015', severity: 'error', title: 'Date not at midnight UTC'},
  'days-date-mixed': {code: 'LC016', severity: 'error', title: 'Days and Date mixed in one rule'},
  'delete-marker-with-days': {code: 'LC013', severity: 'error', title: 'ExpiredObjectDeleteMarker with Days or Date'},
  'delete-marker-with-filter': {
    code: 'LC014',
    severity: 'error',
    title: 'ExpiredObjectDeleteMarker with a tag or size filter',
  },
  'deprecated-api': {code: 'LW008', severity: 'warning', title: 'Written for the deprecated PutBucketLifecycle API'},
  'duplicate-id': {code: 'LC019', severity: 'error', title: 'Rule ID used more than once'},
  'expiration-not-after-transition': {code: 'LC005', severity: 'error', title: 'Expiration not after every transition'},
  'filter-form': {code: 'LC009', severity: 'error', title: 'Filter with more than one predicate outside And'},
  'filter-missing': {code: 'LC010', severity: 'error', title: 'Neither Filter nor Prefix'},
  'ia-glacier-gap': {
    code: 'LC004',
    severity: 'error',
    title: 'Less than 30 days between an IA and a Glacier transition',
  },
  'ia-min-days': {code: 'LC003', severity: 'error', title: 'Standard-IA / One Zone-IA before 30 days'},
  'id-too-long': {code: 'LC020', severity: 'error', title: 'Rule ID longer than 255 characters'},
  'intelligent-tiering-small-objects': {
    code: 'LW007',
    severity: 'warning',
    title: 'Intelligent-Tiering for objects below 128 KB',
  },
  'invalid-value': {code: 'LC001', severity: 'error', title: 'Malformed or out-of-range value'},
  'legacy-prefix-overlap': {code: 'LC022', severity: 'error', title: 'Overlapping legacy prefixes for the same action'},
  'legacy-prefix-with-filter': {code: 'LC021', severity: 'error', title: 'Legacy rule Prefix mixed with Filter'},
  'min-storage-duration': {
    code: 'LW002',
    severity: 'warning',
    title: 'Leaves a class before its minimum storage duration',
  },
  'newer-noncurrent-range': {code: 'LC017', severity: 'error', title: 'NewerNoncurrentVersions outside 1–100'},
  'no-abort-multipart': {code: 'LW005', severity: 'warning', title: 'No AbortIncompleteMultipartUpload rule'},
  'no-action': {code: 'LC023', severity: 'error', title: 'Rule without an action'},
  'no-filter-terraform': {
    code: 'LW010',
    severity: 'warning',
    title: 'Terraform rule without filter or prefix (the provider warns, S3 accepts)',
  },
  'noncurrent-expiration-not-after-transition': {
    code: 'LC008',
    severity: 'error',
    title: 'Noncurrent expiration not after every noncurrent transition',
  },
  'noncurrent-ia-glacier-gap': {
    code: 'LC007',
    severity: 'error',
    title: 'Less than 30 days between noncurrent IA and Glacier transitions',
  },
  'noncurrent-ia-min-days': {
    code: 'LC006',
    severity: 'error',
    title: 'Noncurrent Standard-IA / One Zone-IA before 30 days',
  },
  'noncurrent-transition-order': {
    code: 'LC024',
    severity: 'error',
    title: 'Noncurrent transitions out of the storage-class waterfall',
  },
  'not-followed': {
    code: 'LN002',
    severity: 'info',
    title: 'Not checked: a module or a dynamic block pipeops cannot expand',
  },
  'overlapping-rules': {code: 'LW004', severity: 'warning', title: 'Overlapping rules'},
  'prefix-wildcard': {code: 'LW009', severity: 'warning', title: 'Prefix with * or ?, which S3 reads literally'},
  'small-objects': {
    code: 'LW001',
    severity: 'warning',
    title: 'Small objects: 128 KB default minimum and per-object overhead',
  },
  'too-many-rules': {code: 'LC018', severity: 'error', title: 'More than 1,000 rules'},
  'transition-order': {code: 'LC002', severity: 'error', title: 'Transitions out of the storage-class waterfall'},
  'transition-request-cost': {
    code: 'LW003',
    severity: 'warning',
    title: 'Transition requests cost more than the storage they save',
  },
  'unresolved-value': {
    code: 'LN001',
    severity: 'info',
    title: 'Value not known before deployment (unknown, or checked for its default only)',
  },
  'versioned-without-noncurrent-cleanup': {
    code: 'LW006',
    severity: 'warning',
    title: 'Expiration on a versioned bucket without noncurrent clean-up',
  },
} as const satisfies Record<string, CatalogEntry>

export type FindingId = keyof typeof FINDING_CATALOG

export function makeFinding(
  id: FindingId,
  message: string,
  extra: {path?: string; ruleId?: string | undefined; ruleIndex?: number; s3Message?: string; suggestion?: string} = {},
): Finding {
  const entry = FINDING_CATALOG[id]
  const finding: Finding = {code: entry.code, id, message, severity: entry.severity}
  if (extra.path !== undefined) finding.path = extra.path
  if (extra.ruleId !== undefined) finding.ruleId = extra.ruleId
  if (extra.ruleIndex !== undefined) finding.ruleIndex = extra.ruleIndex
  if (extra.s3Message !== undefined) finding.s3Message = extra.s3Message
  if (extra.suggestion !== undefined) finding.suggestion = extra.suggestion
  return finding
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((f) => f.severity === 'error')
}

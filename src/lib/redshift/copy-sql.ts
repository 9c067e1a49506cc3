/**
 * The manifest and the COPY statement. Manifest rules (reference A2): it names each file exactly,
 * is plain uncompressed JSON with straight double quotes, `mandatory: true` makes a missing file an
 * error (the default is false), and `meta.content_length` is given for every entry.
 */
import type {Codec} from './plan.js'
import type {RecordFormat} from './records.js'

export interface ManifestEntry {
  bytes: number
  url: string
}

export function buildManifest(entries: ManifestEntry[]): string {
  // eslint-disable-next-line camelcase -- the manifest's field name is AWS's
  const body = {entries: entries.map((e) => ({mandatory: true, meta: {content_length: e.bytes}, url: e.url}))}
  return `${JSON.stringify(body, null, 2)}\n`
}

export interface CopySqlOptions {
  codec: Codec
  delimiter: string
  format: RecordFormat
  iamRole?: string | undefined
  /** Header records to skip in every file (0 or 1). */
  ignoreHeader: number
  manifestUrl: string
  quote: string
  region?: string | undefined
  table?: string | undefined
}

export const TABLE_PLACEHOLDER = '<schema.table>'
export const ROLE_PLACEHOLDER = 'arn:aws:iam::<account-id>:role/<redshift-copy-role>'

/** A SQL string literal: single quotes doubled; a tab written as \t, which COPY accepts. */
function literal(value: string): string {
  const escaped = value.replaceAll("'", "''").replaceAll('\t', String.raw`\t`)
  return `'${escaped}'`
}

export function buildCopySql(o: CopySqlOptions): string {
  const lines = [
    `COPY ${o.table ?? TABLE_PLACEHOLDER}`,
    `FROM ${literal(o.manifestUrl)}`,
    `IAM_ROLE ${literal(o.iamRole ?? ROLE_PLACEHOLDER)}`,
    'MANIFEST',
  ]
  if (o.format === 'csv') {
    lines.push(`FORMAT AS CSV QUOTE AS ${literal(o.quote)}`, `DELIMITER ${literal(o.delimiter)}`)
  } else if (o.format === 'text') {
    lines.push(`DELIMITER ${literal(o.delimiter)}`, 'ESCAPE')
  } else {
    lines.push(`FORMAT AS JSON 'auto'`)
  }

  if (o.format !== 'json') lines.push(`IGNOREHEADER ${o.ignoreHeader}`)
  if (o.codec === 'gzip') lines.push('GZIP')
  if (o.codec === 'zstd') lines.push('ZSTD')
  lines.push(`REGION ${literal(o.region ?? '<bucket-region>')}`)
  return `${lines.join('\n')};`
}

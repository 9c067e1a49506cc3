/**
 * `--redact`: remove account ids, ARNs, passwords in connection strings, access keys and tokens
 * from everything the triage prints. Applied to the whole result, so no field escapes it.
 */

const RULES: Array<[RegExp, ((...m: string[]) => string) | string]> = [
  // Private keys and JWTs first: they contain characters later rules would split.
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$)/g, '<private-key>'],
  [/\beyJ[\w-]{5,}\.[\w-]{5,}\.[\w-]*/g, '<jwt>'],
  // user:password@ in any URI (Airflow connections, SQLAlchemy URLs, AIRFLOW_CONN_*).
  [/\b([a-z][\w+.-]*:\/\/)[^\s/@:'"]*:[^\s@'"]*@/gi, (_m, scheme) => `${scheme}<redacted>@`],
  // key=value and "key": "value" secrets.
  [
    /\b(password|passwd|pwd|secret|secret_access_key|aws_secret_access_key|secretaccesskey|session_token|aws_session_token|sessiontoken|security_token|x-amz-security-token|token|access_token|refresh_token|api_key|apikey|client_secret|private_key)(["']?\s*[:=]\s*)("[^"]*"|'[^']*'|[^\s"',;&}]+)/gi,
    (_m, key, sep) => `${key}${sep}<redacted>`,
  ],
  [/\b(Bearer|Basic)\s+[\w+/=.-]{8,}/g, (_m, kind) => `${kind} <redacted>`],
  // Access key ids.
  [/\b(AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA|ABIA|ACCA)[A-Z0-9]{16}\b/g, '<access-key-id>'],
  // Well-known token shapes.
  [/\bxox[abposr]-[\w-]{10,}/g, '<token>'],
  [/\bgh[pousr]_\w{30,}/g, '<token>'],
  // Long base64 blobs (session tokens, secret keys without a key name).
  [/(?<![\w+/])[\w+/]{100,}={0,2}/g, '<token>'],
  [/(?<![\w+/])(?=[\w+/]*[A-Z])(?=[\w+/]*[a-z])(?=[\w+/]*\d)[\w+/]{40}(?![\w+/=])/g, '<secret>'],
  // ARNs: keep partition, service and resource type so the line stays readable.
  [
    /\barn:(aws[\w-]*):([\w-]+):([\w-]*):(\d{12})?:([\w-]+)?([^\s"',)\]}]*)/g,
    (...g: string[]) => {
      const [m = '', partition, service, region, account, type, rest] = g
      const trailing = /[.:,;]+$/.exec(m)?.[0] ?? ''
      const keepType = type && service !== 's3' && /^[/:]/.test(rest ?? '')
      return `arn:${partition}:${service}:${region}:${account ? '<account>' : ''}:${keepType ? `${type}/<redacted>` : '<redacted>'}${trailing}`
    },
  ],
  // Remaining 12-digit account ids.
  [/(?<!\d)\d{12}(?!\d)/g, '<account>'],
]

export function redactText(text: string): string {
  let out = text
  for (const [re, replacement] of RULES) {
    out =
      typeof replacement === 'string'
        ? out.replace(re, replacement)
        : out.replace(re, replacement as (...m: string[]) => string)
  }

  return out
}

/** Deep copy with every string redacted. */
export function redactDeep<T>(value: T): T {
  if (typeof value === 'string') return redactText(value) as T
  if (Array.isArray(value)) return value.map((v) => redactDeep(v)) as T
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) out[k] = redactDeep(v)
    return out as T
  }

  return value
}

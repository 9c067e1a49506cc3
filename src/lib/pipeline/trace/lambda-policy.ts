/**
 * Does a Lambda function's resource policy (GetPolicy) let EventBridge invoke it for this rule?
 * EventBridge user guide, "Using resource-based policies": `lambda add-permission` with principal
 * `events.amazonaws.com`, action `lambda:InvokeFunction` and `SourceArn` = the rule's ARN, which
 * becomes a statement with `Condition: {ArnLike: {"AWS:SourceArn": RULE_ARN}}`.
 */

interface Statement {
  Action?: string | string[]
  Condition?: Record<string, Record<string, string | string[]>>
  Effect?: string
  Principal?: string | {Service?: string | string[]}
  Sid?: string
}

export interface PolicyVerdict {
  allowed: boolean
  /** Source ARNs other statements for EventBridge name, when none names this rule. */
  otherRules: string[]
}

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v])

/** IAM ArnLike: `*` any run, `?` one character, per whole ARN. */
function arnLike(pattern: string, arn: string): boolean {
  const source = pattern
    .replaceAll(/[$()+.[\\\]^{|}]/g, String.raw`\$&`)
    .replaceAll('*', '.*')
    .replaceAll('?', '.')
  return new RegExp(`^${source}$`).test(arn)
}

export function eventBridgeMayInvoke(policyText: string, ruleArn: string): PolicyVerdict {
  const policy = JSON.parse(policyText) as {Statement?: Statement | Statement[]}
  const statements = Array.isArray(policy.Statement) ? policy.Statement : policy.Statement ? [policy.Statement] : []
  const otherRules: string[] = []
  for (const s of statements) {
    if (s.Effect !== 'Allow') continue
    const principal = typeof s.Principal === 'string' ? [s.Principal] : list(s.Principal?.Service)
    if (!principal.some((p) => p === 'events.amazonaws.com' || p === '*')) continue
    if (!list(s.Action).some((a) => a === 'lambda:InvokeFunction' || a === 'lambda:*' || a === '*')) continue
    const sources: string[] = []
    for (const [operator, conditions] of Object.entries(s.Condition ?? {})) {
      for (const [key, value] of Object.entries(conditions)) {
        if (key.toLowerCase() !== 'aws:sourcearn') continue
        if (!/^Arn(Like|Equals)$|^String(Like|Equals)$/.test(operator)) continue
        sources.push(...list(value))
      }
    }

    if (sources.length === 0 && !s.Condition) return {allowed: true, otherRules: []}
    if (sources.some((p) => arnLike(p, ruleArn))) return {allowed: true, otherRules: []}
    otherRules.push(...sources)
  }

  return {allowed: false, otherRules}
}

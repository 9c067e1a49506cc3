/**
 * Does a target's resource policy let EventBridge deliver to it for this rule? A Lambda function's
 * (GetPolicy; `lambda:InvokeFunction`), an SQS queue's (`sqs:SendMessage`) or an SNS topic's
 * (`sns:Publish`). EventBridge user guide, "Using resource-based policies": principal
 * `events.amazonaws.com`, the action, and `aws:SourceArn` = the rule's ARN in an ArnLike/ArnEquals
 * condition (`lambda add-permission --source-arn` writes exactly that). Action names are case
 * insensitive in IAM; `service:*` and `*` cover every action.
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

const actionMatches = (granted: string, wanted: string): boolean => {
  const g = granted.toLowerCase()
  const w = wanted.toLowerCase()
  return g === '*' || g === w || (g.endsWith(':*') && w.startsWith(g.slice(0, -1)))
}

export function eventBridgeMayInvoke(policyText: string, ruleArn: string): PolicyVerdict {
  return eventBridgeMayDeliver(policyText, ruleArn, 'lambda:InvokeFunction')
}

export function eventBridgeMayDeliver(policyText: string, ruleArn: string, action: string): PolicyVerdict {
  const policy = JSON.parse(policyText) as {Statement?: Statement | Statement[]}
  const statements = Array.isArray(policy.Statement) ? policy.Statement : policy.Statement ? [policy.Statement] : []
  const otherRules: string[] = []
  for (const s of statements) {
    if (s.Effect !== 'Allow') continue
    const principal = typeof s.Principal === 'string' ? [s.Principal] : list(s.Principal?.Service)
    if (!principal.some((p) => p === 'events.amazonaws.com' || p === '*')) continue
    if (!list(s.Action).some((a) => actionMatches(a, action))) continue
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

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
  Principal?: string | {AWS?: string | string[]; Service?: string | string[]}
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

/** IAM action names: case-insensitive, `*` any run and `?` one character (`kms:GenerateDataKey*`, `sqs:*`). */
const actionMatches = (granted: string, wanted: string): boolean => {
  const g = granted.toLowerCase()
  const w = wanted.toLowerCase()
  return g === w || (/[*?]/.test(g) && arnLike(g, w))
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

/** What a key policy says about EventBridge using the key for one rule. */
export interface KeyPolicyVerdict {
  /** The actions (of kms:GenerateDataKey, kms:Decrypt) no statement allows for this rule. */
  missing: string[]
  /** Statements that may allow or deny but whose conditions this reader cannot evaluate. */
  undecided: string[]
}

/** The key-policy actions EventBridge needs to send to an encrypted queue or topic (SQS and SNS developer guides). */
export const KEY_ACTIONS_FOR_EVENTBRIDGE = ['kms:GenerateDataKey', 'kms:Decrypt']

/** Condition keys this reader evaluates for EventBridge delivering for `ruleArn`. */
function conditionHolds(s: Statement, ruleArn: string): boolean | undefined {
  const account = ruleArn.split(':')[4]
  for (const [operator, conditions] of Object.entries(s.Condition ?? {})) {
    for (const [key, value] of Object.entries(conditions)) {
      const name = key.toLowerCase()
      const values = list(value)
      if (name === 'aws:sourcearn' && /^(ArnLike|ArnEquals|StringLike|StringEquals)$/.test(operator)) {
        if (!values.some((p) => arnLike(p, ruleArn))) return false
      } else if (name === 'aws:sourceaccount' && operator === 'StringEquals') {
        if (!values.includes(account ?? '')) return false
      } else return undefined
    }
  }

  return true
}

/**
 * Does a KMS key policy let events.amazonaws.com use the key for this rule (kms:GenerateDataKey
 * and kms:Decrypt)? A service principal gets a key only from the key policy (IAM policies hold
 * no service principals). Statements naming events.amazonaws.com or `*`; conditions on
 * aws:SourceArn and aws:SourceAccount are evaluated, any other makes the statement undecided.
 */
export function eventBridgeMayUseKey(policyText: string, ruleArn: string): KeyPolicyVerdict {
  const policy = JSON.parse(policyText) as {Statement?: Statement | Statement[]}
  const statements = Array.isArray(policy.Statement) ? policy.Statement : policy.Statement ? [policy.Statement] : []
  const allowed = new Set<string>()
  const denied = new Set<string>()
  const undecided: string[] = []
  for (const [i, s] of statements.entries()) {
    const principal =
      typeof s.Principal === 'string' ? [s.Principal] : [...list(s.Principal?.Service), ...list(s.Principal?.AWS)]
    if (!principal.some((p) => p === 'events.amazonaws.com' || p === '*')) continue
    const actions = KEY_ACTIONS_FOR_EVENTBRIDGE.filter((wanted) => list(s.Action).some((a) => actionMatches(a, wanted)))
    if (actions.length === 0) continue
    const holds = conditionHolds(s, ruleArn)
    if (holds === undefined) {
      undecided.push(s.Sid ?? `statement ${i + 1}`)
      continue
    }

    if (!holds) continue
    for (const a of actions) (s.Effect === 'Deny' ? denied : s.Effect === 'Allow' ? allowed : new Set()).add(a)
  }

  return {
    missing: KEY_ACTIONS_FOR_EVENTBRIDGE.filter((a) => !allowed.has(a) || denied.has(a)),
    undecided,
  }
}

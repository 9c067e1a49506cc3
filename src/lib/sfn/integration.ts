/**
 * What a Task's Resource runs, read from its ARN even when parts of it (partition, region,
 * account) are unresolved placeholders: a Lambda function, an activity, or a service integration
 * with its pattern (SFN-DG connect-to-resource: Request Response, Run a Job `.sync`, callback
 * `.waitForTaskToken`). A Resource that is wholly a placeholder is unknown.
 */
export type IntegrationPattern = 'activity' | 'callback' | 'request-response' | 'sync'

export interface TaskIntegration {
  lambda: boolean
  pattern: IntegrationPattern
}

export function taskIntegration(resource: unknown): TaskIntegration | undefined {
  if (typeof resource !== 'string' || /^\$\{[^}]*\}$/.test(resource.trim())) return undefined
  if (!resource.startsWith('arn:')) return undefined
  const lambda =
    /^arn:[^:]+:states:::lambda:invoke\b/.test(resource) || /^arn:[^:]+:lambda:[^:]*:[^:]*:function:/.test(resource)
  const pattern: IntegrationPattern = /:states:[^:]*:[^:]*:activity:/.test(resource)
    ? 'activity'
    : /\.waitForTaskToken$/.test(resource)
      ? 'callback'
      : /\.sync(:\d+)?$/.test(resource)
        ? 'sync'
        : 'request-response'
  return {lambda, pattern}
}

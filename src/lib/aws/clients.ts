/**
 * The only place in pipeops where AWS SDK clients are constructed.
 *
 * Callers name the service (`await clients.create('glue')`); the factory loads that SDK package on
 * first use (so a run pays only for the services it calls: the one start-up policy) and applies the
 * shared configuration: credentials chain and profile, region, endpoint override, HTTP/1.1 for
 * overridden endpoints, adaptive retries, user agent.
 */

import {requireRegion, type ResolvedAwsSettings, validateEndpointUrl} from './settings.js'

export interface ServiceInfo {
  /** Suffix of the SDK's AWS_ENDPOINT_URL_<SERVICE> variable. */
  endpointEnv: string
  /** IAM action prefix, e.g. `airflow` for MWAA. */
  iamPrefix: string
  label: string
}

export const SERVICES = {
  athena: {endpointEnv: 'ATHENA', iamPrefix: 'athena', label: 'Athena'},
  cloudtrail: {endpointEnv: 'CLOUDTRAIL', iamPrefix: 'cloudtrail', label: 'CloudTrail'},
  cloudwatch: {endpointEnv: 'CLOUDWATCH', iamPrefix: 'cloudwatch', label: 'CloudWatch'},
  dynamodb: {endpointEnv: 'DYNAMODB', iamPrefix: 'dynamodb', label: 'DynamoDB'},
  eventbridge: {endpointEnv: 'EVENTBRIDGE', iamPrefix: 'events', label: 'EventBridge'},
  firehose: {endpointEnv: 'FIREHOSE', iamPrefix: 'firehose', label: 'Firehose'},
  glue: {endpointEnv: 'GLUE', iamPrefix: 'glue', label: 'Glue'},
  iam: {endpointEnv: 'IAM', iamPrefix: 'iam', label: 'IAM'},
  kinesis: {endpointEnv: 'KINESIS', iamPrefix: 'kinesis', label: 'Kinesis'},
  kms: {endpointEnv: 'KMS', iamPrefix: 'kms', label: 'KMS'},
  lambda: {endpointEnv: 'LAMBDA', iamPrefix: 'lambda', label: 'Lambda'},
  logs: {endpointEnv: 'CLOUDWATCH_LOGS', iamPrefix: 'logs', label: 'CloudWatch Logs'},
  mwaa: {endpointEnv: 'MWAA', iamPrefix: 'airflow', label: 'MWAA'},
  pipes: {endpointEnv: 'PIPES', iamPrefix: 'pipes', label: 'EventBridge Pipes'},
  redshift: {endpointEnv: 'REDSHIFT', iamPrefix: 'redshift', label: 'Redshift'},
  'redshift-data': {endpointEnv: 'REDSHIFT_DATA', iamPrefix: 'redshift-data', label: 'Redshift Data API'},
  s3: {endpointEnv: 'S3', iamPrefix: 's3', label: 'S3'},
  sfn: {endpointEnv: 'SFN', iamPrefix: 'states', label: 'Step Functions'},
  sns: {endpointEnv: 'SNS', iamPrefix: 'sns', label: 'SNS'},
  sqs: {endpointEnv: 'SQS', iamPrefix: 'sqs', label: 'SQS'},
  sts: {endpointEnv: 'STS', iamPrefix: 'sts', label: 'STS'},
} as const satisfies Record<string, ServiceInfo>

export type ServiceName = keyof typeof SERVICES

/** Each service's SDK client class, imported when a run first asks for that service. */
const CLIENT_CLASSES = {
  athena: async () => (await import('@aws-sdk/client-athena')).AthenaClient,
  cloudtrail: async () => (await import('@aws-sdk/client-cloudtrail')).CloudTrailClient,
  cloudwatch: async () => (await import('@aws-sdk/client-cloudwatch')).CloudWatchClient,
  dynamodb: async () => (await import('@aws-sdk/client-dynamodb')).DynamoDBClient,
  eventbridge: async () => (await import('@aws-sdk/client-eventbridge')).EventBridgeClient,
  firehose: async () => (await import('@aws-sdk/client-firehose')).FirehoseClient,
  glue: async () => (await import('@aws-sdk/client-glue')).GlueClient,
  iam: async () => (await import('@aws-sdk/client-iam')).IAMClient,
  kinesis: async () => (await import('@aws-sdk/client-kinesis')).KinesisClient,
  kms: async () => (await import('@aws-sdk/client-kms')).KMSClient,
  lambda: async () => (await import('@aws-sdk/client-lambda')).LambdaClient,
  logs: async () => (await import('@aws-sdk/client-cloudwatch-logs')).CloudWatchLogsClient,
  mwaa: async () => (await import('@aws-sdk/client-mwaa')).MWAAClient,
  pipes: async () => (await import('@aws-sdk/client-pipes')).PipesClient,
  redshift: async () => (await import('@aws-sdk/client-redshift')).RedshiftClient,
  'redshift-data': async () => (await import('@aws-sdk/client-redshift-data')).RedshiftDataClient,
  s3: async () => (await import('@aws-sdk/client-s3')).S3Client,
  sfn: async () => (await import('@aws-sdk/client-sfn')).SFNClient,
  sns: async () => (await import('@aws-sdk/client-sns')).SNSClient,
  sqs: async () => (await import('@aws-sdk/client-sqs')).SQSClient,
  sts: async () => (await import('@aws-sdk/client-sts')).STSClient,
} satisfies Record<ServiceName, () => Promise<ClientClass<unknown>>>

/** The SDK client of a service, e.g. `ClientOf<'glue'>` is `GlueClient`. */
export type ClientOf<S extends ServiceName> = InstanceType<Awaited<ReturnType<(typeof CLIENT_CLASSES)[S]>>>

export interface EndpointChoice {
  source: string
  url: string
}

/** flag > AWS_ENDPOINT_URL_<SERVICE> > AWS_ENDPOINT_URL; undefined means AWS's own endpoint. */
export function resolveEndpoint(settings: ResolvedAwsSettings, service: ServiceName): EndpointChoice | undefined {
  if (settings.endpointUrl) return {source: '--endpoint-url', url: settings.endpointUrl}
  const specific = `AWS_ENDPOINT_URL_${SERVICES[service].endpointEnv}`
  for (const name of [specific, 'AWS_ENDPOINT_URL']) {
    const value = settings.env[name]?.trim()
    if (value) {
      validateEndpointUrl(value, name)
      return {source: name, url: value}
    }
  }

  return undefined
}

/**
 * Is there a CloudWatch to ask beside this Kinesis? Not when Kinesis is a local emulator (no
 * emulator produces CloudWatch metrics) unless a CloudWatch endpoint of its own is set
 * (AWS_ENDPOINT_URL_CLOUDWATCH): a global AWS_ENDPOINT_URL (the sandbox points it at its STS) or
 * --endpoint-url (the emulator itself) does not count.
 */
export function hasCloudWatchBesideKinesis(settings: ResolvedAwsSettings): boolean {
  if (resolveEndpoint(settings, 'kinesis') === undefined) return true
  return Boolean(settings.env[`AWS_ENDPOINT_URL_${SERVICES.cloudwatch.endpointEnv}`]?.trim())
}

/** The constructor shape every SDK v3 client has; config is loosely typed because each client has its own. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each SDK client has its own config type
type ClientClass<C> = new (config: any) => C

interface MiddlewareStackLike {
  middlewareStack: {add: (middleware: unknown, options: Record<string, unknown>) => void}
}

export interface ClientFactory {
  /** The configured client of a service; its SDK package is imported on first use. */
  create<S extends ServiceName>(service: S): Promise<ClientOf<S>>
  readonly settings: ResolvedAwsSettings
}

export interface ClientFactoryOptions {
  /** Asked for the code of an MFA device when a profile's role needs one (`mfa_serial`); only on a terminal. */
  mfaCode?: ((serial: string) => Promise<string>) | undefined
}

/** The SDK's memoized chain (types only: the module itself loads with the first AWS call). */
type CredentialProvider = ReturnType<(typeof import('@aws-sdk/credential-provider-node'))['defaultProvider']>

/**
 * One credential chain for the whole run, shared by every client: the SDK's default chain, which
 * resolves credentials as the AWS CLI does (environment, SSO and sso-session, web identity,
 * profiles with credential_process or source_profile/role_arn chains, container, IMDS). Sharing it
 * means a role chain, a credential_process or an MFA prompt runs once, not once per client. The
 * chain's module loads with the first AWS call, so commands that make none do not pay for it.
 */
function sharedCredentials(
  settings: ResolvedAwsSettings,
  options: ClientFactoryOptions,
): (callOptions?: Parameters<CredentialProvider>[0]) => ReturnType<CredentialProvider> {
  // The AWS CLI lets AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY win over a profile named by
  // AWS_PROFILE (only --profile beats them); the SDK's chain does the opposite. Tools such as
  // granted and aws-vault export both, so the CLI's order is followed.
  const envKeysWin =
    settings.profileSource === 'AWS_PROFILE' &&
    Boolean(settings.env.AWS_ACCESS_KEY_ID?.trim() && settings.env.AWS_SECRET_ACCESS_KEY?.trim())
  let chain: Promise<CredentialProvider> | undefined
  return async (callOptions?: Parameters<CredentialProvider>[0]) => {
    if (envKeysWin) chain ??= import('@aws-sdk/credential-provider-env').then(({fromEnv}) => fromEnv())
    chain ??= import('@aws-sdk/credential-provider-node').then(({defaultProvider}) =>
      defaultProvider({
        ...(settings.profile ? {profile: settings.profile} : {}),
        ...(options.mfaCode ? {mfaCodeProvider: options.mfaCode} : {}),
      }),
    )
    return (await chain)(callOptions)
  }
}

export function createClientFactory(
  settings: ResolvedAwsSettings,
  userAgent: string,
  options: ClientFactoryOptions = {},
): ClientFactory {
  const credentials = sharedCredentials(settings, options)
  return {
    async create<S extends ServiceName>(service: S): Promise<ClientOf<S>> {
      const Client = (await CLIENT_CLASSES[service]()) as ClientClass<ClientOf<S>>
      const endpoint = resolveEndpoint(settings, service)
      const config: Record<string, unknown> = {
        credentials,
        customUserAgent: userAgent,
        maxAttempts: settings.maxAttempts,
        region: requireRegion(settings),
        retryMode: 'adaptive',
      }
      if (settings.profile) config.profile = settings.profile
      if (endpoint) {
        config.endpoint = endpoint.url
        // Local emulators speak HTTP/1.1 only; the Kinesis client would otherwise use HTTP/2.
        // (Loaded here, with the client: commands that make no AWS call never pay for it.)
        const {NodeHttpHandler} = await import('@smithy/node-http-handler')
        config.requestHandler = new NodeHttpHandler({connectionTimeout: 5000, requestTimeout: 120_000})
        // Host prefixes (MWAA's `api.`) cannot be put in front of 127.0.0.1.
        config.disableHostPrefix = true
        if (service === 's3') {
          // Bucket names cannot become sub-domains of 127.0.0.1; emulators do not check flexible checksums.
          config.forcePathStyle = true
          config.requestChecksumCalculation = 'WHEN_REQUIRED'
          config.responseChecksumValidation = 'WHEN_REQUIRED'
        }
      }

      const client = new Client(config)
      ;(client as unknown as MiddlewareStackLike).middlewareStack.add(endpointTagger(SERVICES[service].label), {
        name: 'pipeopsEndpointTagger',
        override: true,
        step: 'finalizeRequest',
      })
      return client
    },
    settings,
  }
}

interface RequestLike {
  hostname?: string
  port?: number
  protocol?: string
}

/** The resource a request names ("bucket lake", "stream orders", "table sales.orders"), for not-found messages. */
export function resourceOf(input: unknown): string | undefined {
  const i = (input ?? {}) as Record<string, unknown>
  const text = (k: string): string | undefined => (typeof i[k] === 'string' ? (i[k] as string) : undefined)
  if (text('Bucket')) return `bucket ${text('Bucket')}`
  if (text('StreamName')) return `stream ${text('StreamName')}`
  if (text('StreamARN')) return `stream ${text('StreamARN')}`
  if (text('DatabaseName') && (text('TableName') ?? text('Name')))
    return `table ${text('DatabaseName')}.${text('TableName') ?? text('Name')}`
  if (text('DatabaseName')) return `database ${text('DatabaseName')}`
  return undefined
}

/** Tags a failing request's error with its endpoint and resource, so "cannot reach …" and "not found" can name them. */
function endpointTagger(label: string) {
  return (next: (args: {input?: unknown; request: unknown}) => Promise<unknown>) =>
    async (args: {input?: unknown; request: unknown}): Promise<unknown> => {
      try {
        return await next(args)
      } catch (error) {
        if (typeof error === 'object' && error !== null) {
          const request = args.request as RequestLike
          const host = request.hostname
            ? `${request.protocol ?? 'https:'}//${request.hostname}${request.port ? `:${request.port}` : ''}`
            : undefined
          Object.assign(error, {pipeopsEndpoint: host, pipeopsResource: resourceOf(args.input), pipeopsService: label})
        }

        throw error
      }
    }
}

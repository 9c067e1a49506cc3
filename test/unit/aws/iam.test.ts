import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {matchCommandIds} from '../../../src/commands/iam-policy.js'
import {allActions, buildPolicy, iamActionForSdkCommand} from '../../../src/lib/aws/iam.js'
import {formatPolicy} from '../../../src/lib/aws/policy-formats.js'

describe('iamActionForSdkCommand', () => {
  it('maps operations to IAM actions, with the documented S3 and MWAA exceptions', () => {
    expect(iamActionForSdkCommand('kinesis', 'ListShardsCommand')).toBe('kinesis:ListShards')
    expect(iamActionForSdkCommand('cloudwatch', 'GetMetricDataCommand')).toBe('cloudwatch:GetMetricData')
    expect(iamActionForSdkCommand('logs', 'FilterLogEventsCommand')).toBe('logs:FilterLogEvents')
    expect(iamActionForSdkCommand('mwaa', 'GetEnvironmentCommand')).toBe('airflow:GetEnvironment')
    expect(iamActionForSdkCommand('redshift-data', 'ExecuteStatementCommand')).toBe('redshift-data:ExecuteStatement')
    expect(iamActionForSdkCommand('s3', 'ListObjectsV2Command')).toBe('s3:ListBucket')
    expect(iamActionForSdkCommand('s3', 'UploadPartCommand')).toBe('s3:PutObject')
    expect(iamActionForSdkCommand('s3', 'GetBucketLifecycleConfigurationCommand')).toBe('s3:GetLifecycleConfiguration')
    expect(iamActionForSdkCommand('s3', 'HeadObjectCommand')).toBe('s3:GetObject')
  })
})

describe('buildPolicy', () => {
  const declarations = [
    {
      commandId: 'kinesis reshard',
      iam: [
        'kinesis:ListShards',
        {action: 'kinesis:SplitShard', when: 'with --apply'},
        {action: 'kinesis:ListShards', when: 'with --apply'},
      ],
    },
    {commandId: 'kinesis hot-shards', iam: ['kinesis:ListShards', 'cloudwatch:GetMetricData']},
  ]

  it('groups always-needed actions and conditional ones, de-duplicated and sorted', () => {
    const policy = buildPolicy(declarations)
    expect(policy).toEqual({
      Statement: [
        {
          Action: ['cloudwatch:GetMetricData', 'kinesis:ListShards'],
          Effect: 'Allow',
          Resource: '*',
          Sid: 'PipeopsRead',
        },
        {Action: ['kinesis:SplitShard'], Effect: 'Allow', Resource: '*', Sid: 'PipeopsKinesisReshardWithApply'},
      ],
      Version: '2012-10-17',
    })
    expect(allActions(policy)).toEqual(['cloudwatch:GetMetricData', 'kinesis:ListShards', 'kinesis:SplitShard'])
  })

  it('renders the same actions as JSON, CloudFormation and Terraform', () => {
    const policy = buildPolicy(declarations)
    expect(JSON.parse(formatPolicy(policy, 'json'))).toEqual(policy)
    const cfn = parse(formatPolicy(policy, 'cloudformation')) as {
      Resources: {PipeopsPolicy: {Properties: {PolicyDocument: unknown}; Type: string}}
    }
    expect(cfn.Resources.PipeopsPolicy.Type).toBe('AWS::IAM::ManagedPolicy')
    expect(cfn.Resources.PipeopsPolicy.Properties.PolicyDocument).toEqual(policy)
    const tf = formatPolicy(policy, 'terraform')
    expect(tf).toContain('data "aws_iam_policy_document" "pipeops_policy"')
    for (const action of allActions(policy)) expect(tf).toContain(`"${action}"`)
  })
})

describe('matchCommandIds', () => {
  const known = new Set(['doctor', 'kinesis:hot-shards', 'kinesis:reshard', 's3:lifecycle:generate'])

  it('accepts quoted, colon and separate-word forms', () => {
    expect(matchCommandIds(['kinesis hot-shards', 'kinesis:reshard'], known)).toEqual({
      ids: ['kinesis:hot-shards', 'kinesis:reshard'],
      unknown: [],
    })
    expect(matchCommandIds(['s3', 'lifecycle', 'generate', 'doctor'], known)).toEqual({
      ids: ['s3:lifecycle:generate', 'doctor'],
      unknown: [],
    })
    expect(matchCommandIds(['kinesis', 'nope'], known)).toEqual({ids: [], unknown: ['kinesis', 'nope']})
  })
})

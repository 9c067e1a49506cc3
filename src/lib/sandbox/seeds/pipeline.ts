/**
 * Demo data for `pipeline trace`, offline: the bucket's notification configuration (EventBridge
 * delivery on) and a folder of saved EventBridge outputs, as a script would save them from a bus
 * (`aws events list-rules`, `list-targets-by-rule` per rule, `aws lambda get-policy`). The story:
 * a file landed under `landing/orders/` and nothing happened. One rule is a near miss (its key
 * prefix says `landing/order/`); the rule that matches targets a Lambda function whose resource
 * policy still names the rule's old ARN, so EventBridge may not invoke it.
 */
import {mkdir} from 'node:fs/promises'
import path from 'node:path'

import type {Seed, SeededResource} from '../types.js'

import {writeFileAtomic} from '../../core/atomic-write.js'

export const PIPELINE_SAMPLE_FOLDER = 'pipeline'
const ACCOUNT = '111122223333'
const REGION = 'us-east-1'
const BUCKET = 'pipeops-demo-landing'
const LOADER = `arn:aws:lambda:${REGION}:${ACCOUNT}:function:orders-loader`
const ruleArn = (name: string): string => `arn:aws:events:${REGION}:${ACCOUNT}:rule/${name}`

const pattern = (prefix: string): string =>
  JSON.stringify({
    detail: {bucket: {name: [BUCKET]}, object: {key: [{prefix}]}},
    'detail-type': ['Object Created'],
    source: ['aws.s3'],
  })

export const PIPELINE_FILES: Record<string, unknown> = {
  'notification.json': {EventBridgeConfiguration: {}},
  'rules/list-rules.json': {
    Rules: [
      {
        Arn: ruleArn('orders-to-loader'),
        EventBusName: 'default',
        EventPattern: pattern('landing/orders/'),
        Name: 'orders-to-loader',
        State: 'ENABLED',
      },
      {
        Arn: ruleArn('orders-archive'),
        EventBusName: 'default',
        EventPattern: pattern('landing/order/'),
        Name: 'orders-archive',
        State: 'ENABLED',
      },
    ],
  },
  'rules/orders-archive.targets.json': {
    Targets: [{Arn: `arn:aws:sqs:${REGION}:${ACCOUNT}:orders-archive`, Id: 'archive'}],
  },
  'rules/orders-loader.policy.json': {
    Policy: JSON.stringify({
      Id: 'default',
      Statement: [
        {
          Action: 'lambda:InvokeFunction',
          Condition: {ArnLike: {'AWS:SourceArn': ruleArn('orders-to-loader-v1')}},
          Effect: 'Allow',
          Principal: {Service: 'events.amazonaws.com'},
          Resource: LOADER,
          Sid: 'eventbridge-orders-to-loader-v1',
        },
      ],
      Version: '2012-10-17',
    }),
    RevisionId: '4d2c1a7e-0000-demo',
  },
  'rules/orders-to-loader.targets.json': {
    Targets: [
      {
        Arn: LOADER,
        Id: 'loader',
        InputTransformer: {
          InputPathsMap: {bucket: '$.detail.bucket.name', key: '$.detail.object.key'},
          InputTemplate: '{"source": "s3://<bucket>/<key>"}',
        },
      },
    ],
  },
}

export const pipelineSeed: Seed = {
  name: 'pipeline',
  async run({log, workDir}): Promise<SeededResource[]> {
    const dir = path.join(workDir, PIPELINE_SAMPLE_FOLDER)
    for (const [rel, content] of Object.entries(PIPELINE_FILES)) {
      const file = path.join(dir, ...rel.split('/'))
      await mkdir(path.dirname(file), {recursive: true})
      await writeFileAtomic(file, `${JSON.stringify(content, null, 2)}\n`)
    }

    log(`Pipeline trace: wrote a notification configuration and saved EventBridge rules to ${dir}`)
    return [
      {kind: 'local folder', name: dir, note: 'saved bucket notification and EventBridge rules for pipeline trace'},
    ]
  },
}

/* eslint-disable no-template-curly-in-string -- `${…}` is the literal placeholder syntax of the templates under test */
import {mkdirSync, mkdtempSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {beforeAll, describe, expect, it} from 'vitest'

import {InputError} from '../../../src/lib/core/errors.js'
import {loadDefinitionFile} from '../../../src/lib/sfn/read-definition.js'

let dir: string
const write = (name: string, text: string): string => {
  const file = path.join(dir, name)
  mkdirSync(path.dirname(file), {recursive: true})
  writeFileSync(file, text)
  return file
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sfn-read-'))
})

describe('ASL files', () => {
  it('reads ASL YAML and the saved output of describe-state-machine', async () => {
    const yaml = await loadDefinitionFile(
      write('m.asl.yaml', 'StartAt: A\nStates:\n  A:\n    Type: Pass\n    End: true\n'),
    )
    expect(yaml).toEqual([
      {definition: {StartAt: 'A', States: {A: {End: true, Type: 'Pass'}}}, format: 'asl', source: 'm.asl.yaml'},
    ])
    const described = await loadDefinitionFile(
      write(
        'described.json',
        JSON.stringify({
          definition: '{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}',
          stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:orders',
          type: 'EXPRESS',
        }),
      ),
    )
    expect(described[0]).toMatchObject({format: 'live', type: 'EXPRESS'})
    expect(described[0]!.definition).toEqual({StartAt: 'A', States: {A: {Type: 'Succeed'}}})
  })

  it('is an InputError (exit 6) for a file that is no definition, or not JSON', async () => {
    await expect(loadDefinitionFile(write('policy.json', '{"Version":"2012-10-17"}'))).rejects.toBeInstanceOf(
      InputError,
    )
    await expect(loadDefinitionFile(write('broken.json', '{"StartAt": '))).rejects.toThrow(/not valid JSON/)
    await expect(loadDefinitionFile(path.join(dir, 'missing.json'))).rejects.toThrow(/no such file/)
  })
})

describe('CloudFormation and SAM', () => {
  it('substitutes DefinitionSubstitutions and Fn::Sub variables; unresolved values stay unknown, even unquoted', async () => {
    const template = {
      Resources: {
        Orders: {
          Properties: {
            DefinitionString: {
              'Fn::Sub': [
                '{"StartAt":"Charge","States":{"Charge":{"Type":"Task","Resource":"${ChargeArn}","TimeoutSeconds":${Timeout},"Comment":"${Note}","End":true}}}',
                {Note: 'say "hi"'},
              ],
            },
            DefinitionSubstitutions: {ChargeArn: {'Fn::GetAtt': ['ChargeFn', 'Arn']}, Timeout: 30},
            StateMachineType: 'EXPRESS',
          },
          Type: 'AWS::StepFunctions::StateMachine',
        },
      },
    }
    const [loaded] = await loadDefinitionFile(write('cfn.json', JSON.stringify(template)))
    expect(loaded).toMatchObject({format: 'cloudformation', source: 'cfn.json Resources.Orders', type: 'EXPRESS'})
    expect(loaded!.definition).toEqual({
      StartAt: 'Charge',
      States: {Charge: {Comment: 'say "hi"', End: true, Resource: '${ChargeArn}', TimeoutSeconds: 30, Type: 'Task'}},
    })
  })

  it('keeps a placeholder with no value quoted so the JSON still parses', async () => {
    const template = {
      Resources: {
        M: {
          Properties: {
            DefinitionString: {
              'Fn::Sub': '{"StartAt":"W","States":{"W":{"Type":"Wait","Seconds":${Delay},"End":true}}}',
            },
          },
          Type: 'AWS::StepFunctions::StateMachine',
        },
      },
    }
    const [loaded] = await loadDefinitionFile(write('unquoted.json', JSON.stringify(template)))
    expect(loaded!.definition).toEqual({StartAt: 'W', States: {W: {End: true, Seconds: '${Delay}', Type: 'Wait'}}})
    expect(loaded!.type).toBe('STANDARD')
  })

  it('joins Fn::Join definitions with intrinsics as unknown parts', async () => {
    const template = {
      Resources: {
        M: {
          Properties: {
            DefinitionString: {
              'Fn::Join': [
                '',
                [
                  '{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"',
                  {'Fn::GetAtt': ['Fn', 'Arn']},
                  '","End":true}}}',
                ],
              ],
            },
          },
          Type: 'AWS::StepFunctions::StateMachine',
        },
      },
    }
    const [loaded] = await loadDefinitionFile(write('join.json', JSON.stringify(template)))
    expect(loaded!.definition).toEqual({
      StartAt: 'T',
      States: {T: {End: true, Resource: '${GetAtt Fn.Arn}', Type: 'Task'}},
    })
  })

  it('reads SAM Definition with short-form intrinsics, a local DefinitionUri, and marks S3 locations unreadable', async () => {
    write(
      'statemachine/flow.asl.json',
      '{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"${FnArn}","End":true}}}',
    )
    const sam = [
      'Transform: AWS::Serverless-2016-10-31',
      'Resources:',
      '  Inline:',
      '    Type: AWS::Serverless::StateMachine',
      '    Properties:',
      '      Type: EXPRESS',
      '      Definition:',
      '        StartAt: T',
      '        States:',
      '          T:',
      '            Type: Task',
      '            Resource: !GetAtt Worker.Arn',
      '            End: true',
      '  FromFile:',
      '    Type: AWS::Serverless::StateMachine',
      '    Properties:',
      '      DefinitionUri: statemachine/flow.asl.json',
      '      DefinitionSubstitutions:',
      '        FnArn: arn:aws:lambda:us-east-1:123456789012:function:work',
      '  Remote:',
      '    Type: AWS::Serverless::StateMachine',
      '    Properties:',
      '      DefinitionUri: {Bucket: b, Key: k.json}',
      '  Gone:',
      '    Type: AWS::Serverless::StateMachine',
      '    Properties:',
      '      DefinitionUri: statemachines/missing.asl.json',
    ].join('\n')
    const loaded = await loadDefinitionFile(write('template.yaml', sam))
    expect(loaded.map((l) => [l.source, l.type, l.unreadable ?? 'ok'])).toEqual([
      ['template.yaml Resources.Inline', 'EXPRESS', 'ok'],
      ['template.yaml Resources.FromFile', 'STANDARD', 'ok'],
      [
        'template.yaml Resources.Remote',
        'STANDARD',
        'the definition is stored in S3 (DefinitionUri/DefinitionS3Location)',
      ],
      [
        'template.yaml Resources.Gone',
        'STANDARD',
        'DefinitionUri statemachines/missing.asl.json cannot be read (no such file)',
      ],
    ])
    expect((loaded[0]!.definition!.States as {T: {Resource: string}}).T.Resource).toBe('${GetAtt Worker.Arn}')
    expect((loaded[1]!.definition!.States as {T: {Resource: string}}).T.Resource).toBe(
      'arn:aws:lambda:us-east-1:123456789012:function:work',
    )
  })

  it('reads a template whose flow mapping closes left of its key, as CloudFormation (PyYAML) does', async () => {
    const text = [
      'Resources:',
      '  Key:',
      '    Type: AWS::KMS::Key',
      '    Properties:',
      '      KeyPolicy: {',
      '        "Version": "2012-10-17"',
      '    }',
      '  M:',
      '    Type: AWS::StepFunctions::StateMachine',
      '    Properties:',
      '      Definition: {StartAt: A, States: {A: {Type: Succeed}}}',
    ].join('\n')
    const loaded = await loadDefinitionFile(write('lenient.yaml', text))
    expect(loaded[0]!.definition).toEqual({StartAt: 'A', States: {A: {Type: 'Succeed'}}})
  })
})

describe('Terraform', () => {
  it('reads a heredoc with interpolations kept unknown, and defaults the type to STANDARD', async () => {
    const tf = [
      'resource "aws_sfn_state_machine" "heredoc" {',
      '  name     = "orders"',
      '  role_arn = aws_iam_role.sfn.arn',
      '  definition = <<EOF',
      '{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "${aws_lambda_function.work.arn}", "TimeoutSeconds": ${var.timeout}, "End": true}}}',
      'EOF',
      '}',
    ].join('\n')
    const [loaded] = await loadDefinitionFile(write('heredoc.tf', tf))
    expect(loaded).toMatchObject({
      format: 'terraform',
      source: 'heredoc.tf aws_sfn_state_machine.heredoc',
      type: 'STANDARD',
    })
    expect(loaded!.definition).toEqual({
      StartAt: 'T',
      States: {
        T: {End: true, Resource: '${aws_lambda_function.work.arn}', TimeoutSeconds: '${var.timeout}', Type: 'Task'},
      },
    })
  })

  it('evaluates jsonencode({...}) with references, nested jsonencode, comments and a conditional', async () => {
    const tf = [
      'resource "aws_sfn_state_machine" "encoded" {',
      '  type = "EXPRESS"',
      '  definition = jsonencode({',
      '    Comment = "callback flow" # why',
      '    StartAt = "Send"',
      '    States = {',
      '      "Send" = {',
      '        Type     = "Task",',
      '        Resource = "arn:${data.aws_partition.current.partition}:states:::sqs:sendMessage.waitForTaskToken"',
      '        Parameters = {',
      '          QueueUrl      = aws_sqs_queue.q.url',
      '          MessageBody   = jsonencode({ token = "$$.Task.Token" })',
      '          "Delay"       = var.slow ? 10 : 0',
      '        }',
      '        Retry = [{ ErrorEquals = ["States.ALL"], MaxAttempts = 2, BackoffRate = 1.5 }]',
      '        TimeoutSeconds = 300',
      '        End = true',
      '      }',
      '    }',
      '  })',
      '}',
    ].join('\n')
    const [loaded] = await loadDefinitionFile(write('encoded.tf', tf))
    expect(loaded!.type).toBe('EXPRESS')
    const send = (loaded!.definition!.States as {Send: Record<string, unknown>}).Send
    expect(send).toEqual({
      End: true,
      Parameters: {
        Delay: '${var.slow ? 10 : 0}',
        MessageBody: '{"token":"$$.Task.Token"}',
        QueueUrl: '${aws_sqs_queue.q.url}',
      },
      Resource: 'arn:${data.aws_partition.current.partition}:states:::sqs:sendMessage.waitForTaskToken',
      Retry: [{BackoffRate: 1.5, ErrorEquals: ['States.ALL'], MaxAttempts: 2}],
      TimeoutSeconds: 300,
      Type: 'Task',
    })
  })

  it('reads templatefile() and data.template_file with literal variables; unknown ones stay placeholders', async () => {
    write(
      'tf/machines/flow.asl.json',
      '{"StartAt":"T","States":{"T":{"Type":"Task","Resource":"${fn}","Comment":"${note}","End":true}}}',
    )
    const tf = [
      'resource "aws_sfn_state_machine" "templated" {',
      '  definition = templatefile("${path.module}/machines/flow.asl.json", { fn = aws_lambda_function.f.arn, note = "from templatefile" })',
      '}',
      'data "template_file" "def" {',
      '  template = file("${path.module}/machines/flow.asl.json")',
      '  vars = {',
      '    note = "from template_file"',
      '  }',
      '}',
      'resource "aws_sfn_state_machine" "rendered" {',
      '  definition = data.template_file.def.rendered',
      '}',
      'resource "aws_sfn_state_machine" "opaque" {',
      '  definition = local.definition',
      '  type = var.type',
      '}',
    ].join('\n')
    const loaded = await loadDefinitionFile(write('tf/main.tf', tf))
    // hcl2json returns resources sorted by name
    const byName = (name: string) => loaded.find((l) => l.source === `main.tf aws_sfn_state_machine.${name}`)!
    const task = (name: string) => (byName(name).definition!.States as {T: Record<string, unknown>}).T
    expect(task('templated')).toMatchObject({Comment: 'from templatefile', Resource: '${fn}'})
    expect(task('rendered')).toMatchObject({Comment: 'from template_file', Resource: '${fn}'})
    expect(byName('opaque')).toMatchObject({
      unreadable: 'the definition is local.definition, which pipeops cannot evaluate offline',
    })
    expect(byName('opaque').type).toBeUndefined()
  })

  it('is an InputError for a Terraform file without a state machine', async () => {
    await expect(
      loadDefinitionFile(write('other.tf', 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n')),
    ).rejects.toThrow(/no aws_sfn_state_machine/)
  })
})

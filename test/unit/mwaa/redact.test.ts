import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {redactDeep, redactText} from '../../../src/lib/mwaa/redact.js'

describe('redaction', () => {
  it.each([
    ['account ids', 'account 704533066374 denied', '704533066374'],
    [
      'role ARNs',
      'User: arn:aws:sts::704533066374:assumed-role/AmazonMWAA-prod-x1/AmazonMWAA-airflow is not',
      'AmazonMWAA-prod-x1',
    ],
    ['S3 ARNs', 'resource: "arn:aws:s3:::acme-finance-exports/2026/q3.csv"', 'acme-finance-exports'],
    ['KMS key ARNs', 'arn:aws:kms:eu-west-1:704533066374:key/1234abcd-12ab-34cd-56ef-1234567890ab', '1234abcd-12ab'],
    [
      'connection-string passwords',
      'postgresql+psycopg2://airflow_user:Sup3r$ecret!@db.internal:5432/airflow',
      'Sup3r$ecret!',
    ],
    [
      'AIRFLOW_CONN variables',
      'AIRFLOW_CONN_SNOWFLAKE=snowflake://etl:hunter2hunter2@acct/db?warehouse=wh',
      'hunter2hunter2',
    ],
    ['password= pairs', "conn password='p@ss w0rd' host=x", 'w0rd'],
    ['JSON secrets', '{"password": "Tr0ub4dor&3", "user": "bob"}', 'Tr0ub4dor&3'],
    ['access key ids', 'key AKIAIOSFODNN7EXAMPLE used', 'AKIAIOSFODNN7EXAMPLE'],
    ['temporary access key ids', 'ASIAZ3MEXAMPLE123456 expired', 'ASIAZ3MEXAMPLE123456'],
    [
      'secret access keys',
      'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ],
    [
      'bare secret access keys',
      'secret is wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY ok',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    ],
    ['session tokens', `X-Amz-Security-Token=${'IQoJb3JpZ2luX2VjEJr'.repeat(8)}`, 'IQoJb3JpZ2luX2VjEJr'],
    ['bearer tokens', 'Authorization: Bearer abcdef0123456789abcdef', 'abcdef0123456789abcdef'],
    ['URL tokens', 'GET /v1/import?token=ZXhhbXBsZS10b2tlbi1ub3QtcmVhbA&x=1', 'ZXhhbXBsZS10b2tlbi1ub3QtcmVhbA'],
    ['JWTs', 'id_token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJl', 'eyJzdWIiOiIxMjM0In0'],
    ['Slack tokens', 'xoxb-123456789012-abcdefghijkl', 'abcdefghijkl'],
  ])('removes %s', (_name, text, secret) => {
    const out = redactText(text)
    expect(out).not.toContain(secret)
  })

  it('keeps the shape of ARNs readable', () => {
    expect(redactText('arn:aws:iam::704533066374:role/service-role/AmazonMWAA-x: denied')).toBe(
      'arn:aws:iam::<account>:role/<redacted>: denied',
    )
    expect(redactText('on arn:aws:s3:::bucket/key.')).toBe('on arn:aws:s3:::<redacted>.')
  })

  it('leaves ordinary log text alone', () => {
    const line = '[2024-07-08T07:30:04.511+0000] {{taskinstance.py:1956}} INFO - Task exited with return code -9'
    expect(redactText(line)).toBe(line)
  })

  it('redacts every string of a nested result', () => {
    const out = redactDeep({a: ['arn:aws:iam::704533066374:role/x'], b: {c: 'postgres://u:pw123456@h/db'}, n: 3})
    expect(JSON.stringify(out)).not.toMatch(/704533066374|pw123456/)
    expect(out.n).toBe(3)
  })

  it('never lets an embedded secret survive (property)', () => {
    const filler = fc.string({maxLength: 40}).map((s) => s.replaceAll(/[^\w .,-]/g, ' '))
    const account = fc.stringMatching(/^\d{12}$/)
    const accessKey = fc.stringMatching(/^(AKIA|ASIA)[A-Z0-9]{16}$/)
    const password = fc.stringMatching(/^[A-Za-z0-9!$%^*]{8,20}$/)
    fc.assert(
      fc.property(
        fc.record({acct: account, key: accessKey, post: filler, pre: filler, pw: password}),
        ({acct, key, post, pre, pw}) => {
          const text = `${pre} arn:aws:iam::${acct}:role/R ${key} mysql://user:${pw}@host:3306/db account ${acct} ${post}`
          const out = redactText(text)
          expect(out).not.toContain(acct)
          expect(out).not.toContain(key)
          expect(out).not.toContain(`:${pw}@`)
        },
      ),
      {numRuns: 300},
    )
  })
})

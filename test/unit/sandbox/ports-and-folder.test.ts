import {chmod, mkdtemp, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import {errorOf, runJson} from '../../helpers/run.js'

describe('sandbox refuses what cannot work, before starting anything', () => {
  it('two emulators on the same port: exit 2 naming both flags', async () => {
    const run = await runJson(['sandbox', '--kinesis-port', '14600', '--s3-port', '14600'])
    expect(run.exitCode).toBe(2)
    expect(errorOf(run)).toMatchObject({
      code: 'SandboxPortsEqual',
      message: '--kinesis-port and --s3-port are both 14600: each emulator needs its own port',
    })
  })

  it('a --dir that cannot be written: exit 6 naming the folder, not the ports', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pipeops-sbx-'))
    const file = path.join(dir, 'a-file')
    await writeFile(file, 'x')
    await chmod(file, 0o444)
    const run = await runJson(['sandbox', '--dir', path.join(file, 'sandbox'), '--kinesis-port', '0', '--s3-port', '0'])
    expect(run.exitCode).toBe(6)
    expect(errorOf(run)).toMatchObject({code: 'OutputNotWritable'})
    expect(errorOf(run).message).toBe(
      `--dir ${path.join(file, 'sandbox')}: cannot write here (a parent in the path is a file, not a folder)`,
    )
    expect(errorOf(run).suggestions.join(' ')).not.toMatch(/another sandbox/)
  })
})

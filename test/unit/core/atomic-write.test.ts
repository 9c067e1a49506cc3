import {mkdtemp, readdir, readFile, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import {checkWritableFile, writeFileAtomic} from '../../../src/lib/core/atomic-write.js'

describe('writeFileAtomic', () => {
  it('replaces the file whole and leaves no temp file behind', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pipeops-atomic-'))
    const file = path.join(dir, 'out.json')
    await writeFile(file, 'old')
    await writeFileAtomic(file, 'new content')
    expect(await readFile(file, 'utf8')).toBe('new content')
    expect(await readdir(dir)).toEqual(['out.json'])
  })

  it('fails without leaving a temp file when the folder does not exist', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pipeops-atomic-'))
    await expect(writeFileAtomic(path.join(dir, 'missing', 'out.json'), 'x')).rejects.toMatchObject({
      code: 'OutputNotWritable',
      exitCode: 6,
      message: expect.stringMatching(/cannot write here \(no such folder\)/),
    })
    expect(await readdir(dir)).toEqual([])
  })
})

describe('checkWritableFile', () => {
  it('maps a directory, a file as parent and a missing folder to OutputNotWritable (exit 6), touching nothing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'pipeops-check-'))
    await writeFile(path.join(dir, 'f'), 'x')
    await expect(checkWritableFile(dir, '--out')).rejects.toMatchObject({
      code: 'OutputNotWritable',
      exitCode: 6,
      message: `--out ${dir}: cannot write here (it is a directory)`,
    })
    await expect(checkWritableFile(path.join(dir, 'f', 'x.json'))).rejects.toMatchObject({
      message: expect.stringMatching(/a parent in the path is a file/),
    })
    await expect(checkWritableFile(path.join(dir, 'no', 'x.json'))).rejects.toMatchObject({
      message: expect.stringMatching(/no such folder/),
    })
    await checkWritableFile(path.join(dir, 'new.json'))
    expect((await readdir(dir)).sort()).toEqual(['f'])
  })
})

import {mkdtemp, readdir, readFile, writeFile} from 'node:fs/promises'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import {writeFileAtomic} from '../../../src/lib/core/atomic-write.js'

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
    await expect(writeFileAtomic(path.join(dir, 'missing', 'out.json'), 'x')).rejects.toThrow(/ENOENT/)
    expect(await readdir(dir)).toEqual([])
  })
})

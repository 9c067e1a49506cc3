import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

const SRC = fileURLToPath(new URL('../../../src', import.meta.url))

/** Every TypeScript source under a folder of src, with its text. */
function sources(folder: string): Array<{file: string; text: string}> {
  return readdirSync(path.join(SRC, folder), {recursive: true, withFileTypes: true})
    .filter((e) => e.isFile() && /\.tsx?$/.test(e.name))
    .map((e) => {
      const file = path.join(e.parentPath, e.name)
      return {file: path.relative(SRC, file), text: readFileSync(file, 'utf8')}
    })
}

/** Module specifiers a file imports (static imports, re-exports and dynamic imports). */
function imports(text: string): string[] {
  return [...text.matchAll(/(?:from\s+|import\s*\(\s*)'([^']+)'/g)].map((m) => m[1]!)
}

describe('the layers of docs/architecture.md', () => {
  it('imports point downwards only: lib never reaches ui, commands or oclif; ui never reaches commands', () => {
    const upward: string[] = []
    for (const {file, text} of sources('lib'))
      for (const spec of imports(text))
        if (/\/(ui|commands)\/|^@oclif\//.test(spec) || spec === '../base-command.js') upward.push(`${file} → ${spec}`)
    for (const {file, text} of sources('ui'))
      for (const spec of imports(text)) if (/\/commands\/|base-command/.test(spec)) upward.push(`${file} → ${spec}`)
    expect(upward).toEqual([])
  })

  it('exit code 70 is spelled ExitCode.Internal (a bug in pipeops), never as a bare number', () => {
    const literal: string[] = []
    for (const {file, text} of [...sources('lib'), ...sources('commands'), ...sources('ui')]) {
      if (file === path.join('lib', 'core', 'errors.ts')) continue
      if (/PipeopsError\(\s*70\s*,|exitCode\s*[:=]=?=?\s*70\b|process\.exit\(\s*70\s*\)/.test(text)) literal.push(file)
    }

    expect(literal).toEqual([])
  })
})

/**
 * The documentation keeps up with the source: every error code a command can emit is in
 * docs/exit-codes.md, and every relative link in docs/ and the README resolves inside the repository.
 */
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {describe, expect, it} from 'vitest'

import {ExitCode} from '../../../src/lib/core/errors.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..')

function files(dir: string, ext: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name)
    return statSync(p).isDirectory() ? files(p, ext) : p.endsWith(ext) ? [p] : []
  })
}

/** The text of a call from its opening parenthesis to the matching close (strings and templates are not parsed: enough for error constructors). */
function callText(source: string, open: number): string {
  let depth = 0
  for (let i = open; i < source.length; i++) {
    if (source[i] === '(') depth++
    else if (source[i] === ')' && --depth === 0) return source.slice(open, i + 1)
  }

  return source.slice(open)
}

/** Codes the source can emit: `code: …` of every error constructed (`new XError(…)`, `super(ExitCode…, {code})`). */
export function emittedCodes(): Map<string, string> {
  const codes = new Map<string, string>()
  for (const file of files(path.join(root, 'src'), '.ts')) {
    const source = readFileSync(file, 'utf8')
    for (const m of source.matchAll(/new (\w*Error)\(|super\(ExitCode\./g)) {
      const open = source.indexOf('(', m.index)
      for (const c of callText(source, open).matchAll(/\bcode: ([^,\n}]+)/g))
        for (const literal of c[1]!.matchAll(/'([A-Z][A-Za-z]+)'/g))
          // Node's own error codes (ENOENT, EISDIR) are compared against, not emitted.
          if (!/^E[A-Z]+$/.test(literal[1]!)) codes.set(literal[1]!, path.relative(root, file))
    }
  }

  return codes
}

describe('docs/exit-codes.md', () => {
  it('lists every error code the source can emit', () => {
    const doc = readFileSync(path.join(root, 'docs', 'exit-codes.md'), 'utf8')
    const codes = emittedCodes()
    expect(codes.size).toBeGreaterThan(20)
    const missing = [...codes].filter(([code]) => !doc.includes(`\`${code}\``)).map(([c, f]) => `${c} (${f})`)
    expect(missing).toEqual([])
  })

  it('gives each code constructed with an explicit exit code that exit, and never 70 to a named, expected condition', () => {
    const doc = readFileSync(path.join(root, 'docs', 'exit-codes.md'), 'utf8')
    const documented = new Map([...doc.matchAll(/^\| `(\w+)` \| (\d+) \|/gm)].map((m) => [m[1]!, Number(m[2])]))
    const wrong: string[] = []
    for (const file of files(path.join(root, 'src'), '.ts')) {
      const source = readFileSync(file, 'utf8')
      for (const m of source.matchAll(/new PipeopsError\(\s*ExitCode\.(\w+)/g)) {
        const call = callText(source, source.indexOf('(', m.index))
        const code = /\bcode: '([A-Z][A-Za-z]+)'/.exec(call)?.[1]
        if (code === undefined) continue
        const exit = ExitCode[m[1] as keyof typeof ExitCode]
        // copy-split's VerificationFailed is its own record counts disagreeing: a bug in pipeops by definition.
        const bugMarker =
          code === 'InternalError' || (code === 'VerificationFailed' && /copy-split[\w-]*\.ts$/.test(file))
        if (bugMarker) continue
        if (exit === ExitCode.Internal) wrong.push(`${code} is exit 70 (${path.relative(root, file)})`)
        else if (documented.has(code) && documented.get(code) !== exit)
          wrong.push(`${code} is exit ${exit} but documented as ${documented.get(code)} (${path.relative(root, file)})`)
      }
    }

    expect(wrong).toEqual([])
  })
})

describe('relative links in docs/ and the README', () => {
  it('resolve to files inside the repository', () => {
    const broken: string[] = []
    for (const file of [path.join(root, 'README.md'), ...files(path.join(root, 'docs'), '.md')]) {
      const text = readFileSync(file, 'utf8').replaceAll(/```[\s\S]*?```/g, '')
      for (const m of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        const target = m[1]!
        if (/^(https?:|mailto:|#)/.test(target)) continue
        const resolved = path.resolve(path.dirname(file), decodeURI(target.split('#')[0]!))
        if (!resolved.startsWith(root + path.sep) || !existsSync(resolved))
          broken.push(`${path.relative(root, file)}: ${target}`)
      }

      // Paths written as code are links too for a reader: none may point at the team's notes outside the repository.
      for (const m of text.matchAll(/`((?:\.\.\/)*shared\/reference\/[^`]*)`/g))
        broken.push(`${path.relative(root, file)}: ${m[1]}`)
    }

    expect(broken).toEqual([])
  })
})

/** os.tmpdir() in shell words: $TMPDIR, else /tmp (pasteable when TMPDIR is unset). */
const SHELL_TMPDIR = String.raw`\${TMPDIR:-/tmp}`.slice(1)

describe('the sandbox folder in the docs', () => {
  it('is written one way, the path the code uses (os.tmpdir(): $TMPDIR, else /tmp), so commands can be pasted', () => {
    const code = readFileSync(path.join(root, 'src', 'commands', 'sandbox.ts'), 'utf8')
    expect(code).toMatch(
      /path\.join\(tmpdir\(\), `pipeops-sandbox\$\{flags\.demo \? `-demo-\$\{process\.pid\}` : ''\}`\)/,
    )
    const other: string[] = []
    for (const file of [path.join(root, 'README.md'), ...files(path.join(root, 'docs'), '.md')]) {
      const text = readFileSync(file, 'utf8')
      // A folder path (not the s3://pipeops-sandbox bucket) must start with the shell form of os.tmpdir().
      for (const m of text.matchAll(/(\S*)\/pipeops-sandbox(?:-demo-<pid>)?\b/g))
        if (!m[1]!.endsWith('s3:/') && !m[1]!.replace(/^`/, '').startsWith(SHELL_TMPDIR))
          other.push(`${path.relative(root, file)}: ${m[0]}`)
      for (const m of text.matchAll(/sandbox (?:directory|dir|data folder|work ?dir)\b/gi))
        other.push(`${path.relative(root, file)}: "${m[0]}" (call it "the sandbox folder")`)
    }

    expect(other).toEqual([])
  })
})

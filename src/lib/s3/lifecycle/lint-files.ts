/**
 * `s3 lifecycle lint` over several files in one process: a CI job with fifty templates pays the
 * CLI's start-up once instead of fifty times. Every file gets its own result; a file that cannot be
 * read or parsed is reported in its place (with the error it would have exited with alone) and the
 * others are still checked, so one broken template never hides the findings of the rest.
 */
import {readdir, stat} from 'node:fs/promises'
import path from 'node:path'

import {classifyError, ExitCode} from '../../core/errors.js'
import {loadFile, type TemplateValues} from './load.js'
import {lintConfigurations, type LintResult} from './service.js'

/** Files a directory contributes: the formats lint reads (s3api JSON, CloudFormation, Terraform). */
const LINTABLE = /\.(json|ya?ml|template|tf)$/i

export interface FileLintError {
  code: string
  exitCode: number
  message: string
  suggestions: string[]
}

/** One file's outcome: exactly what `lint --file FILE --json` returns for it alone, plus its name and exit code. */
export type FileLint =
  | {error: FileLintError; exitCode: number; file: string; status: 'error'}
  | {exitCode: number; file: string; result: LintResult; status: 'findings' | 'ok'}

export interface FilesLintResult {
  files: FileLint[]
  summary: {
    /** Error findings over every file. */
    errors: number
    /** Files that could not be read or parsed. */
    failed: number
    files: number
    /** Files with at least one error finding. */
    filesWithErrors: number
    warnings: number
  }
}

/**
 * The files to lint, in the order given: a directory stands for every lintable file under it
 * (recursively, sorted, hidden entries and node_modules skipped); anything else is kept as given, so
 * a missing file is reported as that file's error rather than dropped.
 */
export async function expandLintPaths(paths: string[]): Promise<string[]> {
  const out: string[] = []
  for (const given of paths) {
    const info = await stat(given).catch(() => undefined)
    if (info?.isDirectory()) out.push(...(await filesUnder(given)))
    else out.push(given)
  }

  return [...new Set(out)]
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, {withFileTypes: true})
  const out: string[] = []
  for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue
    const full = path.join(dir, e.name)
    if (e.isDirectory()) out.push(...(await filesUnder(full)))
    else if (e.isFile() && LINTABLE.test(e.name)) out.push(full)
  }

  return out
}

/** Lint each file on its own (same values and versioning for all); never throws for one file's fault. */
export async function lintFiles(
  files: string[],
  options: {values: TemplateValues; versioned?: boolean | undefined},
): Promise<FilesLintResult> {
  const results: FileLint[] = []
  for (const file of files) {
    try {
      const result = lintConfigurations(await loadFile(file, options.values), {versioned: options.versioned})
      results.push(
        result.errors > 0
          ? {exitCode: ExitCode.Findings, file, result, status: 'findings'}
          : {exitCode: ExitCode.Ok, file, result, status: 'ok'},
      )
    } catch (error) {
      const e = classifyError(error)
      results.push({
        error: {code: e.code, exitCode: e.exitCode, message: e.message, suggestions: e.suggestions},
        exitCode: e.exitCode,
        file,
        status: 'error',
      })
    }
  }

  const linted = results.flatMap((r) => (r.status === 'error' ? [] : [r.result]))
  return {
    files: results,
    summary: {
      errors: linted.reduce((n, r) => n + r.errors, 0),
      failed: results.filter((r) => r.status === 'error').length,
      files: results.length,
      filesWithErrors: linted.filter((r) => r.errors > 0).length,
      warnings: linted.reduce((n, r) => n + r.warnings, 0),
    },
  }
}

/**
 * The exit code of a run over several files: the worst file's. A bug (70) outranks a file that
 * could not be read (6), which outranks findings (1): a file that was never checked is worse news
 * than one that was checked and found wanting.
 */
export function worstExitCode(results: FileLint[]): number {
  const rank = (code: number): number =>
    code === ExitCode.Internal ? 3 : code === ExitCode.Findings ? 1 : code === 0 ? 0 : 2
  let worst: number = ExitCode.Ok
  for (const r of results) if (rank(r.exitCode) > rank(worst)) worst = r.exitCode
  return worst
}

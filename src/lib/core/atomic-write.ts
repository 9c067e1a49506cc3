import {randomBytes} from 'node:crypto'
import {mkdir, open, rename, rm, stat} from 'node:fs/promises'
import path from 'node:path'

import {fileSystemReason, InputError} from './errors.js'

/**
 * The one mapping of a failed output write: exit 6 (OutputNotWritable), naming the path, the flag
 * it came from and why. Used by every writer of output files and folders.
 */
export function outputNotWritable(target: string, error: unknown, flag?: string): InputError {
  const code = (error as {code?: string}).code ?? ''
  const why =
    (code === 'ENOENT' ? 'no such folder' : fileSystemReason(code)) ?? ((error as Error).message || 'unknown error')
  return new InputError(`${flag ? `${flag} ` : ''}${target}: cannot write here (${why})`, {
    cause: error,
    code: 'OutputNotWritable',
    details: {path: target, reason: code || undefined},
    suggestions: [`Choose a file in a folder you can write to${flag ? ` with ${flag}` : ''}.`],
  })
}

/**
 * Check, before any work, that a file can be written at `target`: not a directory, its folder
 * exists and takes a new file (a probe file is created and removed; the target is not touched).
 */
export async function checkWritableFile(target: string, flag?: string): Promise<void> {
  const resolved = path.resolve(target)
  try {
    const info = await stat(resolved).catch((error: unknown) => {
      if ((error as {code?: string}).code === 'ENOENT') return undefined
      throw error
    })
    if (info?.isDirectory()) throw Object.assign(new Error('is a directory'), {code: 'EISDIR'})
    const dir = path.dirname(resolved)
    const dirInfo = await stat(dir)
    if (!dirInfo.isDirectory()) throw Object.assign(new Error('not a directory'), {code: 'ENOTDIR'})
    const probe = tempName(resolved)
    const handle = await open(probe, 'wx', 0o644)
    await handle.close()
    await rm(probe, {force: true})
  } catch (error) {
    throw outputNotWritable(target, error, flag)
  }
}

/**
 * Make sure `dir` exists (created with its parents if missing) and takes new files, before any
 * work: a probe file is created and removed. Returns whether this call created it, so a failed run
 * can remove it again.
 */
export async function prepareOutputDir(dir: string, flag?: string): Promise<{created: boolean}> {
  try {
    const created = (await mkdir(dir, {recursive: true})) !== undefined
    const info = await stat(dir)
    if (!info.isDirectory()) throw Object.assign(new Error('not a directory'), {code: 'ENOTDIR'})
    const probe = tempName(path.join(path.resolve(dir), 'probe'))
    const handle = await open(probe, 'wx', 0o644)
    await handle.close()
    await rm(probe, {force: true})
    return {created}
  } catch (error) {
    throw outputNotWritable(dir, error, flag)
  }
}

function tempName(resolved: string): string {
  return path.join(
    path.dirname(resolved),
    `.${path.basename(resolved)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  )
}

/**
 * Write a file so that readers see either the old content or the whole new content, never a
 * partial one: write a temp file in the same directory, fsync it, then rename it over the target.
 * A path that cannot be written is an OutputNotWritable error (exit 6) naming it; `flag` names the
 * option it came from.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array, flag?: string): Promise<void> {
  const temp = tempName(path.resolve(target))
  try {
    const handle = await open(temp, 'wx', 0o644)
    try {
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }

    await rename(temp, target)
  } catch (error) {
    await rm(temp, {force: true})
    throw outputNotWritable(target, error, flag)
  }
}

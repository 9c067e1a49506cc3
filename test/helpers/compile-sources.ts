import {execFile} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import {promisify} from 'node:util'

const exec = promisify(execFile)
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

/**
 * Compile one source entry (and what it imports) with tsc, as `npm run build` does, into outDir
 * under the project so its package imports resolve. Used to run code with bare node, no tsx.
 */
export async function compileSources(entry: string, outDir: string): Promise<void> {
  const tsc = path.join(projectRoot, 'node_modules', 'typescript', 'bin', 'tsc')
  const args = [
    '--outDir',
    outDir,
    '--rootDir',
    path.join(projectRoot, 'src'),
    '--module',
    'node16',
    '--moduleResolution',
    'node16',
  ]
  args.push(
    '--target',
    'es2022',
    '--lib',
    'es2023',
    '--strict',
    '--skipLibCheck',
    '--types',
    'node',
    path.join(projectRoot, entry),
  )
  await exec(process.execPath, [tsc, ...args], {cwd: projectRoot})
}

/**
 * `npm run bench [-- NAME...]`: runs every bench/*.bench.ts (or the named ones) in sequence.
 * Each benchmark compares pipeops with the tool a user would otherwise run, side by side in one
 * run, and prints a Markdown table to paste into docs/benchmarks.md.
 */
import {readdirSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const dir = path.dirname(fileURLToPath(import.meta.url))
const wanted = process.argv.slice(2)
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort()
if (files.length === 0) {
  console.error(
    `no benchmark matches ${wanted.join(', ')}; available: ${readdirSync(dir)
      .filter((f) => f.endsWith('.bench.ts'))
      .join(', ')}`,
  )
  process.exit(2)
}

for (const file of files) {
  console.log(`\n## ${file.replace(/\.bench\.ts$/, '')}\n`)
  const mod = (await import(pathToFileURL(path.join(dir, file)).href)) as {default: () => Promise<void>}
  await mod.default()
}

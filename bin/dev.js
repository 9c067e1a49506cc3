#!/usr/bin/env -S node --import tsx --disable-warning=ExperimentalWarning
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
// dev.js runs the sources, but oclif would list commands from the manifest the last `npm run build`
// wrote (missing any command added since): it is removed; the next build writes it again.
const {rmSync} = await import('node:fs')
rmSync(new URL('../oclif.manifest.json', import.meta.url), {force: true})
const {execute} = await import('@oclif/core')

await execute({development: true, dir: import.meta.url})

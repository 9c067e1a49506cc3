#!/usr/bin/env node
import {readFileSync} from 'node:fs'
// Fails when an installed package's engines.node excludes the running Node: an `npm ci` on a new
// machine must not bring in Node-22-only releases (docs/architecture.md, "Testing").
import {createRequire} from 'node:module'

const require = createRequire(import.meta.url)
const semver = require('semver')
// Reviewed exceptions, by exact version: a new release must be reviewed again.
const reviewed = {
  // Declares node >=24 but is an ES module around a self-contained Emscripten build of libdeflate
  // (WebAssembly, inlined): no Node 22+ API. pipeops loads it only in its compression workers, and
  // test/unit/redshift/deflate-join.test.ts runs it on this Node; without it, gzip falls back to zlib.
  'node_modules/libdeflate@0.1.0': 'WebAssembly only, tested on Node 20',
}
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'))
const bad = []
for (const [name, meta] of Object.entries(lock.packages)) {
  const range = meta.engines?.node
  if (!name || !range || semver.satisfies(process.versions.node, range)) continue
  const note = reviewed[`${name}@${meta.version}`]
  if (note) console.log(`  reviewed: ${name}@${meta.version} says node ${range}; ${note}`)
  else bad.push(`${name}@${meta.version} needs node ${range}`)
}

console.log(
  `node ${process.versions.node}: ${Object.keys(lock.packages).length - 1} locked packages, ${bad.length} whose engines exclude it`,
)
for (const b of bad) console.log(`  ${b}`)
process.exit(bad.length === 0 ? 0 : 1)

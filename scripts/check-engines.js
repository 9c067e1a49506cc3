#!/usr/bin/env node
import {readFileSync} from 'node:fs'
// Fails when an installed package's engines.node excludes the running Node: an `npm ci` on a new
// machine must not bring in Node-22-only releases (stack notes, §2.9).
import {createRequire} from 'node:module'

const require = createRequire(import.meta.url)
const semver = require('semver')
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'))
const bad = []
for (const [name, meta] of Object.entries(lock.packages)) {
  const range = meta.engines?.node
  if (name && range && !semver.satisfies(process.versions.node, range))
    bad.push(`${name}@${meta.version} needs node ${range}`)
}

console.log(
  `node ${process.versions.node}: ${Object.keys(lock.packages).length - 1} locked packages, ${bad.length} whose engines exclude it`,
)
for (const b of bad) console.log(`  ${b}`)
process.exit(bad.length === 0 ? 0 : 1)

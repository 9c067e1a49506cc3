// The naive peer of `events test-pattern --events` for bench/events.bench.ts: what one writes in
// an afternoon — readline, JSON.parse of every line, and a recursive walk of the pattern per event
// (exact values, prefix, numeric and exists only: enough for the benchmark's pattern). Not part of
// pipeops; it exists to be measured against.
import {createReadStream} from 'node:fs'
import {readFileSync} from 'node:fs'
import {createInterface} from 'node:readline'

function leafMatches(condition, value) {
  if (condition === null || typeof condition !== 'object') return value === condition
  if ('prefix' in condition) return typeof value === 'string' && value.startsWith(condition.prefix)
  if ('exists' in condition) return (value !== undefined) === condition.exists
  if ('numeric' in condition) {
    const [op, bound] = condition.numeric
    return typeof value === 'number' && (op === '>' ? value > bound : op === '<' ? value < bound : value === bound)
  }

  return false
}

function matches(pattern, event) {
  for (const [key, want] of Object.entries(pattern)) {
    const value = event?.[key]
    if (Array.isArray(want)) {
      const values = Array.isArray(value) ? value : [value]
      if (!want.some((c) => values.some((v) => leafMatches(c, v)))) return false
    } else if (!matches(want, value ?? {})) return false
  }

  return true
}

const [patternFile, eventsFile] = process.argv.slice(2)
const pattern = JSON.parse(readFileSync(patternFile, 'utf8'))
let events = 0
let matched = 0
for await (const line of createInterface({crlfDelay: Infinity, input: createReadStream(eventsFile)})) {
  if (!line.trim()) continue
  events++
  if (matches(pattern, JSON.parse(line))) matched++
}

process.stdout.write(`${JSON.stringify({events, matched})}\n`)

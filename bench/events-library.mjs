// The library half of bench/events.bench.ts: `evaluateEventStream` of the built package (dist/) over
// a JSON Lines file, in process, without the CLI's start-up and output. Prints the counts and the
// CPU and wall seconds of the evaluation alone.
import {readFileSync} from 'node:fs'

const [patternFile, eventsFile] = process.argv.slice(2)
// EVENTS_LIBRARY_DIST: another build's dist/ folder, to compare two builds.
const dist = process.env.EVENTS_LIBRARY_DIST ?? new URL('../dist', import.meta.url).pathname
const {compilePattern} = await import(`${dist}/lib/events/compile-pattern.js`)
const {evaluateEventStream, readChunks} = await import(`${dist}/lib/events/event-stream.js`)
const {signal} = new AbortController()
const ctx = {progress() {}, signal}
const pattern = compilePattern(JSON.parse(readFileSync(patternFile, 'utf8')))
const cpuBefore = process.cpuUsage()
const wallBefore = process.hrtime.bigint()
const verdicts = await evaluateEventStream(pattern, readChunks(eventsFile, signal), eventsFile, ctx)
const cpu = process.cpuUsage(cpuBefore)
const wall = Number(process.hrtime.bigint() - wallBefore) / 1e9
process.stdout.write(
  `${JSON.stringify({cpuSeconds: (cpu.user + cpu.system) / 1e6, events: verdicts.events, matched: verdicts.matched, wallSeconds: wall})}\n`,
)

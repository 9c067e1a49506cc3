// `npm run corpus -- events DIR`: `events test-pattern --pattern FILE --event EVENT --json` on every
// pattern file (`*.json`) under DIR. EVENT is the first `*.event.json` under DIR, else pipeops' own
// S3 "Object Created" fixture. Counts patterns accepted, refused (by EventBridge reason), matching
// and not matching the event; on a corpus of deployed patterns every refusal is a false error.
import {existsSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const FIXTURE = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'test',
  'fixtures',
  'events',
  's3-object-created.event.json',
)

export default {
  describe({envelope, exitCode, stderr}) {
    if (!envelope || envelope.status === 'error') {
      const message = envelope?.error?.message ?? stderr.trim().split('\n')[0] ?? 'no output'
      const reason = /Reason: (.*)$/.exec(message)?.[1]
      const key = reason
        ? `refused: ${reason.replaceAll(/"[^"]*"/g, '"…"').replaceAll(/\d+/g, 'N')}`
        : `exit ${exitCode}`
      return {counts: {[key]: 1, refused: 1}, text: message}
    }

    const {explanation, matches} = envelope.result
    const failed = explanation.filter((e) => !e.ok).map((e) => e.field)
    return {
      counts: {accepted: 1, [matches ? 'match the event' : 'do not match the event']: 1},
      text: matches ? 'match' : `no match: ${failed.join(', ')}`,
    }
  },
  items(target, {filesUnder}) {
    const files = filesUnder(target)
    const event = files.find((file) => file.endsWith('.event.json')) ?? FIXTURE
    if (!existsSync(event)) throw new Error(`no event: ${event}`)
    return files
      .filter((file) => file.endsWith('.json') && !file.endsWith('.event.json'))
      .map((file) => ({args: ['events', 'test-pattern', '--pattern', file, '--event', event, '--json'], label: file}))
  },
}

// `npm run corpus -- athena-errors FILE`: `athena explain-error` on every message of FILE.
//
// FILE format: messages separated by a line holding only `---`. Lines of a message that start
// with `# key: value` are metadata, not message text:
//   # source: where the message was quoted (URL)
//   # cause: the cause stated in the source
//   # expect: catalogue id(s) that explain that cause, `|`-separated
//   # partly: catalogue id(s) that explain part of it (e.g. the right family, not the cause)
// The verdict per message: right (the match is expected), partly, wrong (another entry), or
// unknown (no entry matched); without `# expect:` only matched / unknown is counted.
import {readFileSync} from 'node:fs'

import {readBlocks} from './shared/blocks.js'

const ids = (value) => (value ? value.split('|').map((s) => s.trim()) : [])

export default {
  describe({envelope, item}) {
    if (!envelope || envelope.status === 'error')
      return {counts: {failures: 1}, text: `error: ${envelope?.error?.message ?? 'no JSON envelope'}`}
    const explanation = envelope.result?.explanation
    const id = explanation?.match?.id ?? 'unknown'
    const names = (explanation?.names ?? []).map((n) => n.name)
    let verdict
    if (id === 'unknown') verdict = 'unknown'
    else if (item.expect.length === 0) verdict = 'matched'
    else if (item.expect.includes(id)) verdict = 'right'
    else if (item.partly.includes(id)) verdict = 'partly'
    else verdict = 'wrong'
    const shownNames = names.length > 0 ? ` names=[${names.map((n) => n.slice(0, 40)).join(', ')}]` : ''
    return {
      counts: {'names linted': names.length, [verdict]: 1},
      text: `${verdict}\t${id}${item.expect.length > 0 ? ` (expected ${item.expect.join('|')})` : ''}${shownNames}`,
    }
  },

  items(target) {
    return readBlocks(readFileSync(target, 'utf8')).map((m, i) => ({
      args: ['athena', 'explain-error', '-', '--json'],
      expect: ids(m.meta.expect),
      input: m.text,
      label: `#${i + 1} ${m.meta.source ?? ''}`.trim(),
      partly: ids(m.meta.partly),
    }))
  },
}

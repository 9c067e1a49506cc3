// `npm run corpus -- redshift-copy-options FILE`: every COPY statement (or options text) of FILE
// through `redshift copy-check --copy-options TEXT --json` (no --input: the options are read and
// shown). FILE holds statements separated by a line with only `---`; leading `# source: …` lines
// are metadata. On published, working COPY statements every refusal is a false error of the COPY
// options parser; a statement marked `# invalid: reason` is expected to be refused.
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

import {readBlocks} from './shared/blocks.js'

const ddl = path.join(mkdtempSync(path.join(tmpdir(), 'pipeops-corpus-')), 'table.sql')
writeFileSync(ddl, 'CREATE TABLE corpus_target (c1 VARCHAR(10));\n')

export default {
  describe({envelope, item}) {
    if (!envelope) return {counts: {'no envelope': 1}, text: 'no JSON envelope (crash?)'}
    const refused = envelope.status === 'error'
    if (item.invalid)
      return refused
        ? {counts: {'invalid, refused': 1}, text: `refused as expected: ${envelope.error?.message}`}
        : {counts: {misses: 1}, text: `MISS: accepted, but the source marks it invalid (${item.invalid})`}
    if (refused) return {counts: {'false errors': 1}, text: `FALSE ERROR: ${envelope.error?.message ?? 'unknown'}`}
    const o = envelope.result?.options ?? {}
    return {
      counts: {accepted: 1},
      text: `ok format=${o.format} delimiter=${JSON.stringify(o.delimiter)}${o.ignoreHeader ? ` ignoreheader=${o.ignoreHeader}` : ''}`,
    }
  },

  items(target) {
    return readBlocks(readFileSync(target, 'utf8')).map((s, i) => ({
      args: ['redshift', 'copy-check', '--table-ddl', ddl, '--copy-options', s.text, '--json'],
      invalid: s.meta.invalid,
      label: `#${i + 1} ${s.meta.source ?? ''}`.trim(),
    }))
  },
}

// The corpus file format of the text modes (athena-errors, redshift-copy-options): blocks
// separated by a line holding only `---`; `# key: value` lines before a block's first text line
// are its metadata (source URL, expected verdict), the rest is its text.
export function readBlocks(text) {
  const out = []
  for (const block of text.split(/^---[ \t]*$/m)) {
    const meta = {}
    const lines = []
    for (const line of block.split('\n')) {
      const m = /^# ?([a-z-]+):\s*(.*)$/.exec(line)
      if (m && lines.length === 0) meta[m[1]] = m[2].trim()
      else if (lines.length > 0 || line.trim() !== '') lines.push(line)
    }

    const body = lines.join('\n').trim()
    if (body !== '') out.push({meta, text: body})
  }

  return out
}

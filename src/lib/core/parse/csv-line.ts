/**
 * Split one CSV line (RFC 4180 quoting; fields may not contain line breaks). undefined when a
 * quoted field is still open at the end of the line: a malformed line, or a field with a line
 * break, which a line reader cannot take apart.
 */
export function splitCsvLine(line: string): string[] | undefined {
  if (!line.includes('"')) return line.split(',')
  const out: string[] = []
  let i = 0
  let field = ''
  let quoted = false
  while (i < line.length) {
    const c = line[i]!
    if (quoted) {
      if (c === '"') {
        if (line[i + 1] === '"') {
          field += '"'
          i++
        } else quoted = false
      } else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      out.push(field)
      field = ''
    } else field += c
    i++
  }

  if (quoted) return undefined
  out.push(field)
  return out
}

/**
 * `${Name}` placeholders of definition templates: CloudFormation's DefinitionSubstitutions and
 * Fn::Sub, SAM's DefinitionUri files, Terraform's templatefile() and heredoc interpolations.
 *
 * A placeholder with a known literal value is replaced; any other is kept as `${Name}`, which the
 * linter reads as an unknown value (asl.ts, isUnresolved). In JSON text a placeholder can stand
 * where no string is (`"TimeoutSeconds": ${Timeout}`): there it is quoted, so the text still
 * parses and the value stays unknown instead of becoming a parse error.
 */

export type PlaceholderLookup = (name: string) => string | undefined

interface ResolveOptions {
  /** CloudFormation writes a literal `${X}` as `${!X}`; Terraform as `$${X}`. */
  escape: 'cloudformation' | 'terraform'
  /** The text is JSON: keep it parsable (quote unknown placeholders outside strings, escape values inside). */
  json: boolean
}

/** The placeholder starting at `start` (`${`): its inner text and the index after its closing brace. */
function placeholderAt(text: string, start: number): undefined | {end: number; inner: string} {
  let depth = 0
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '{') depth++
    else if (text[i] === '}') {
      depth--
      if (depth === 0) return {end: i + 1, inner: text.slice(start + 2, i)}
    }
  }

  return undefined
}

export function resolvePlaceholders(text: string, lookup: PlaceholderLookup, options: ResolveOptions): string {
  let out = ''
  let inString = false
  let i = 0
  while (i < text.length) {
    const c = text[i]!
    if (options.json && inString && c === '\\') {
      out += text.slice(i, i + 2)
      i += 2
      continue
    }

    if (options.escape === 'terraform' && text.startsWith('$${', i)) {
      out += '${'
      i += 3
      continue
    }

    if (c === '$' && text[i + 1] === '{') {
      const found = placeholderAt(text, i)
      if (found) {
        const {end, inner} = found
        if (options.escape === 'cloudformation' && inner.startsWith('!')) {
          out += `\${${inner.slice(1)}}`
        } else {
          const value = lookup(inner.trim())
          if (value === undefined) {
            const kept = `\${${inner}}`
            out +=
              options.json && !inString ? JSON.stringify(kept) : options.json ? JSON.stringify(kept).slice(1, -1) : kept
          } else {
            out += options.json && inString ? JSON.stringify(value).slice(1, -1) : value
          }
        }

        i = end
        continue
      }
    }

    if (options.json && c === '"') inString = !inString
    out += c
    i++
  }

  return out
}

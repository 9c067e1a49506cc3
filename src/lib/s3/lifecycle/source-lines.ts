/** Where a resource is declared in a template, so messages can name its line. */

export function escapeRegExp(s: string): string {
  return s.replaceAll(/[.*+?^${}()|[\]\\]/g, String.raw`\$&`)
}

/** The 1-based line of the first match of `pattern`, if any. */
export function lineOf(text: string, pattern: RegExp): number | undefined {
  const m = pattern.exec(text)
  return m ? text.slice(0, m.index).split('\n').length : undefined
}

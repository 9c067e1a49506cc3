/**
 * Quoting for command lines pipeops prints for people to paste (the resume command of an apply).
 * POSIX single quotes are enough for that and need no dependency: a word of safe characters is
 * left as it is, anything else is single-quoted with embedded quotes written as '\''.
 */
export function shellQuote(word: string): string {
  return /^[\w./:@%+=,-]+$/.test(word) ? word : `'${word.replaceAll("'", String.raw`'\''`)}'`
}

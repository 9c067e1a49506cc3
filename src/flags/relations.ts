/**
 * Flag relations declared on the flags (oclif checks them while parsing, exit 2), so that a flag
 * a run would not use is refused instead of silently ignored.
 *
 * oclif's `dependsOn` counts a boolean's default (false) as given, so a flag that only means
 * something beside another one is declared with `onlyWith`: at least one of the named flags must
 * be given (true, or a value), whatever their defaults. oclif checks a relation whenever the
 * flag has a value, so a flag declared with `onlyWith` has no default (absent is undefined; the
 * flags → request function applies the default).
 */
export function onlyWith(...flags: string[]): {relationships: Array<{flags: string[]; type: 'some'}>} {
  return {relationships: [{flags, type: 'some'}]}
}

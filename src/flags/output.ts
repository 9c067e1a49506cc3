/**
 * The flag naming convention for outputs (docs/architecture.md, "Flag names"):
 *
 * - `--format` is how the result is rendered for people or a file (table, text, markdown, SARIF, a
 *   policy syntax); never how input is read (`--input-format`). `--json` is the envelope for scripts.
 * - A file or folder the command writes is `--out` (its main output), or `--<what>-out` for a
 *   second artefact (`--plan-out`, `--shard-map-out`, `--backup-out`).
 * - `--output` is not used: in the AWS CLI it picks an output format, so an AWS user would read
 *   `--output json` as `--json`.
 *
 * A renamed flag keeps its old spelling as a hidden alias that still works and warns (stderr, or
 * `warnings[]` under --json) that it is deprecated.
 */
export function renamedFrom(...oldNames: string[]): {aliases: string[]; deprecateAliases: true} {
  return {aliases: oldNames, deprecateAliases: true}
}

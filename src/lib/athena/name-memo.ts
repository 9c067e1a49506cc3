/**
 * The per-run memo of the work for flagged names: their hits, lower-case form, clean names,
 * suggestions and notes, shared by every occurrence of a name.
 */
import {checkName, type Hit, type Written} from './name-checks.js'
import {type RuleInfo, ruleOfHit} from './rules.js'
import {backtick, doubleQuote} from './type-string.js'

/** Name kinds whose per-name work is shared: they are linted in bulk. */
export type BulkKind = 'column' | 'field' | 'partition'

/** What one name of one kind needs: shared by every occurrence of the name in a run. */
export interface KindWork {
  /** The clean name (computed on first rename). */
  clean: string | undefined
  hits: Hit[]
  /** The suggestion made last, and the new name and JSON flag it was made for ('' before the first). */
  lastSuggestion: string
  lastSuggestionJson: boolean
  lastSuggestionTo: string
  /** Rule of each hit, in order. */
  ruleInfos: RuleInfo[]
  /** Rule ids of the hits: the `rules` array of every rename of the name (never changed). */
  rules: string[]
  /**
   * Suggestions by new name, for tables without and with a JSON SerDe: a name that collides in some
   * tables gets a few different new names, each with one suggestion text for the whole run.
   */
  suggestions: [Map<string, string> | undefined, Map<string, string> | undefined]
}

/** One distinct name string of a run that is not clean (or is reserved). */
export interface NameWork {
  /**
   * Per bulk kind (column, field, partition) and way of writing (`Written`, 5 each), filled on
   * first use: slot = kind * 5 + written.
   */
  kinds: Array<KindWork | undefined>
  /** The lower-case form of the name: its duplicate key. */
  lower: string
}

/**
 * Per-run memo of the work for flagged names, by name string: a catalogue repeats the same bad
 * names across tables (`Order ID`, `_id`), and their hits (messages included), lower-case form,
 * clean names and suggestions depend only on the name, its kind and the active rules. Clean,
 * unreserved names never come here (one map look-up per name costs more than their checks).
 */
export class NameMemo {
  readonly #active: ReadonlySet<string>
  /** Notes of renames by first choice, for tables and for structs. */
  readonly #notes = [new Map<string, string>(), new Map<string, string>()] as const
  readonly #works = new Map<string, NameWork>()

  constructor(active: ReadonlySet<string>) {
    this.#active = active
  }

  /** The hits etc. of `work`'s name as a name of `kind` (not for clean names: they have none). */

  kind(work: NameWork, name: string, kind: BulkKind, written: Written): KindWork {
    const slot = (kind === 'column' ? 0 : kind === 'field' ? 5 : 10) + written
    let result = work.kinds[slot]
    if (result === undefined) {
      const hits = checkName(name, {kind, partition: kind === 'partition', written}, this.#active)
      const rules: string[] = []
      const ruleInfos: RuleInfo[] = []
      for (const hit of hits) {
        rules.push(hit.rule)
        ruleInfos.push(ruleOfHit(hit))
      }

      result = {
        clean: undefined,
        hits,
        lastSuggestion: '',
        lastSuggestionJson: false,
        lastSuggestionTo: '',
        ruleInfos,
        rules,
        suggestions: [undefined, undefined],
      }
      work.kinds[slot] = result
    }

    return result
  }

  /** The finding suggestion for renaming the name to `to` (one text per name, kind, new name and JSON flag). */
  // eslint-disable-next-line max-params -- one call per renamed name
  suggestion(work: KindWork, name: string, kind: BulkKind, to: string, json: boolean): string {
    // Most names get the same new name everywhere: the last text is checked before the map.
    if (work.lastSuggestionTo === to && work.lastSuggestionJson === json) return work.lastSuggestion
    const slot = json ? 1 : 0
    const known = work.suggestions[slot] ?? (work.suggestions[slot] = new Map())
    let text = known.get(to)
    if (text === undefined) {
      const quoted =
        kind === 'field' ? '' : ` or keep it and quote it: ${backtick(name)} in DDL, ${doubleQuote(name)} in queries`
      const mapping = json && kind !== 'partition' ? ` (OpenX JSON: "mapping.${to}" = "${name}")` : ''
      text = `Rename to "${to}"${mapping}${quoted}.`
      known.set(to, text)
    }

    work.lastSuggestion = text
    work.lastSuggestionJson = json
    work.lastSuggestionTo = to
    return text
  }

  /** The note of a rename whose first choice `wanted` was taken (one text per run). */
  takenNote(wanted: string, field: boolean): string {
    let note = this.#notes[field ? 1 : 0].get(wanted)
    if (note === undefined) {
      note = `"${wanted}" is already used in this ${field ? 'struct' : 'table'}`
      this.#notes[field ? 1 : 0].set(wanted, note)
    }

    return note
  }

  /** The work for `name`, made on first sight. */
  work(name: string): NameWork {
    let work = this.#works.get(name)
    if (work === undefined) {
      work = {kinds: [], lower: name.toLowerCase()}
      this.#works.set(name, work)
    }

    return work
  }
}

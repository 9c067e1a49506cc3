/** The plan flag set of every command that changes AWS state through the plan/apply engine. */
import {Flags} from '@oclif/core'

import {onlyWith} from './relations.js'

type Relations = Record<string, never> | ReturnType<typeof onlyWith>

/** --apply; a flow whose plan needs another flag (a bucket) passes that relation. */
export const applyFlag = (relations: Relations = {}) =>
  Flags.boolean({
    ...relations,
    helpGroup: 'PLAN',
    summary: 'Apply the plan (asks to confirm on a terminal; needs --yes in scripts).',
  })

/** --plan-out FILE. */
export const planOutFlag = (relations: Relations = {}) =>
  Flags.string({...relations, helpGroup: 'PLAN', summary: 'Save the plan as JSON to this file (written atomically).'})

export const planFlags = {
  apply: applyFlag(),
  plan: Flags.string({
    helpGroup: 'PLAN',
    summary: 'Apply a plan saved with --plan-out, after checking live state still matches it (implies --apply).',
  }),
  'plan-out': planOutFlag(),
  yes: Flags.boolean({
    char: 'y',
    helpGroup: 'PLAN',
    // --yes only answers the confirmation of an apply: without one it would be silently ignored.
    relationships: [{flags: ['apply', 'plan'], type: 'some'}],
    summary: 'Do not ask for confirmation (required with --apply when not on a terminal).',
  }),
}

export interface PlanFlagValues {
  apply?: boolean | undefined
  plan?: string | undefined
  'plan-out'?: string | undefined
  yes?: boolean | undefined
}

import type {Json} from '../../../src/lib/sfn/asl.js'

import {lintPractice} from '../../../src/lib/sfn/lint-practice.js'
import {lintStructure} from '../../../src/lib/sfn/lint-structure.js'

/** A one-task machine ("Work", then "Done"), with the task's fields overridden. */
export function oneTask(task: Json, top: Json = {}): Json {
  return {
    StartAt: 'Work',
    States: {
      Done: {Type: 'Succeed'},
      Work: {Next: 'Done', Resource: 'arn:aws:states:::dynamodb:putItem', Type: 'Task', ...task},
    },
    ...top,
  }
}

export const rulesOf = (findings: Array<{rule: string}>): string[] => findings.map((f) => f.rule).sort()

export function structure(
  definition: Json,
): Array<{message: string; path: string; rule: string; state: null | string}> {
  return lintStructure(definition)
}

export function practice(
  definition: Json,
  type?: 'EXPRESS' | 'STANDARD',
): Array<{message: string; path: string; rule: string; state: null | string}> {
  return lintPractice(definition, {type})
}

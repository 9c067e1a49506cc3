import {setTimeout as delay} from 'node:timers/promises'

import {AbortedError} from './errors.js'

/** Wait `ms`; Ctrl-C (the signal) ends the wait at once with an AbortedError (exit 8). */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, signal ? {signal} : {})
  } catch (error) {
    if (signal?.aborted) throw new AbortedError('interrupted while waiting', {cause: error})
    throw error
  }
}

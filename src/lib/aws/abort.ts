/**
 * Send options that let a run's AbortSignal cancel one AWS request. Each request gets its own
 * signal that follows the run's (AbortSignal.any): the SDK's HTTP handler adds its abort listener
 * to that one and removes it when the request closes, so the run's signal never collects one
 * listener per request in flight (Node warns past 10: "Possible EventTarget memory leak detected").
 */
export function abortOpts(signal: AbortSignal | undefined): {abortSignal?: AbortSignal} {
  return signal ? {abortSignal: AbortSignal.any([signal])} : {}
}

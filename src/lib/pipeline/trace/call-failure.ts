/** Why an AWS call gave no answer, for the evidence of a hop left unknown. */
export function reasonOf(error: unknown): string {
  const e = error as {message?: string; name?: string}
  return `${e.name ?? 'Error'}: ${e.message ?? String(error)}`
}

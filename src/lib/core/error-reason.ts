/**
 * Why an AWS call (or any step) gave no answer, as one line for a note or for evidence left
 * unknown: "AccessDeniedException: User … is not authorized …". A thrown non-Error is shown as text.
 */
export function reasonOf(error: unknown): string {
  const e = error as {message?: string; name?: string}
  return `${e.name ?? 'Error'}: ${e.message ?? String(error)}`
}

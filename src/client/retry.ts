/**
 * When the client asks again, as client-go's request retry does: an answer of 429, or of any 5xx,
 * that carries `Retry-After` (whole seconds) means the server did not process the request — it
 * refused it at the door (in-flight limit, watch cap) or timed out waiting (504 with
 * ResourceVersionTooLarge) — so any verb, mutating or not, may be sent again, up to 10 times.
 * Without the header nothing is retried: a 500 may have been half-done.
 *
 * client-go waits exactly the seconds given. skiff adds up to the same again at random: its
 * controllers, agents and `skiff sim`'s thousands of simulated nodes share one process and often
 * one burst, and refused together they would otherwise come back together, wave after wave.
 */
export const maxRetries = 10;

/** The wait asked for, in seconds, or undefined when this answer is not to be retried. */
export function retryAfterSeconds(status: number, header: string | string[] | undefined): number | undefined {
  if (status !== 429 && status < 500) return undefined;
  const h = Array.isArray(header) ? header[0] : header;
  if (h === undefined || !/^\d+$/.test(h.trim())) return undefined;
  return Number(h.trim());
}

/** Milliseconds to wait before retry: the asked seconds plus up to as much again (at least a
 * little when 0 is asked, so a retry never spins). */
export function retryDelayMs(seconds: number): number {
  const base = Math.max(seconds * 1000, 50);
  return base + Math.floor(Math.random() * base);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

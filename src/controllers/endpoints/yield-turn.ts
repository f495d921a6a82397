// A pause until the event loop's next turn, taken by the endpoint controllers before reading
// their caches, so that a burst of changes is seen by one sync rather than one sync per change.

import { setImmediate as nextTurn } from "node:timers/promises";

/**
 * Resolves on the next turn of the event loop, after every pending promise job has run. When
 * the API server runs in the same process, a burst of pod updates is delivered entirely in
 * promise jobs; without this pause each update would start its own O(pods) sync before the
 * next update reached the cache.
 */
export async function yieldTurn(): Promise<void> {
  await nextTurn();
}

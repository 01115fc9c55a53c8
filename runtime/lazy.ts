/**
 * Clients created on first use: a function instance pays at start only for the SDK clients its requests
 * touch, and tests or `herald invoke` inject recording fakes in their place. Every cloud's runtime builds
 * its clients this way.
 */

/** A value or a (possibly asynchronous) factory of it. */
export type Lazy<T> = T | (() => T | Promise<T>);

/** Resolves a lazy value once and keeps it. */
export function memo<T>(lazy: Lazy<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= Promise.resolve(typeof lazy === 'function' ? (lazy as () => T | Promise<T>)() : lazy));
}

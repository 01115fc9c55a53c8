/**
 * Waits for SIGINT or SIGTERM, for the long-running commands (`herald dev`, `herald worker`). The handlers
 * stay installed until released: with none, a second signal would kill the process on the spot. A second
 * signal aborts `hurry` (cutting the grace period short), unless it comes within a second of the first:
 * that is the same Ctrl-C forwarded by a parent (cli/bin.js, tsx) that also got it from the terminal.
 */
export function stopSignals(): { signal: Promise<NodeJS.Signals>; hurry: AbortSignal; release(): void } {
  const hurry = new AbortController();
  let first = 0;
  let onSignal: (signal: NodeJS.Signals) => void = () => {};
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    onSignal = (received) => {
      if (!first) {
        first = Date.now();
        resolve(received);
      } else if (Date.now() - first > 1000) {
        hurry.abort();
      }
    };
  });
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal,
    hurry: hurry.signal,
    release() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

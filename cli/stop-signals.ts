/**
 * Waits for SIGINT or SIGTERM, for the long-running commands (`herald dev`, `herald worker`). The handlers
 * stay installed until released: with none, a second signal would kill the process on the spot. A second
 * signal aborts `hurry` (cutting the grace period short), unless it comes within a second of the first:
 * that is the same Ctrl-C forwarded by a parent (cli/bin.js, tsx) that also got it from the terminal.
 */
/** A second signal within this long of the first is taken as the same one, forwarded. */
export const SAME_SIGNAL_MS = 1000;

/** The rule, as the long-running commands print it when they start stopping. */
export const STOP_RULE = `press Ctrl-C again (after ${SAME_SIGNAL_MS / 1000} s) to cut the grace period short`;

/** Printed when a stop gave up closing what it holds on a cluster (`StopReport.unclosed`). */
export const unclosedLine = (reason: string) => `stopped without leaving the cluster: ${reason}`;

/** Printed when a second signal is ignored. */
export const IGNORED_SIGNAL = `a second Ctrl-C within ${SAME_SIGNAL_MS / 1000} s of the first counts as the same one (a parent forwards it); press it again to cut the grace period short`;

export function stopSignals(onIgnored: () => void = () => {}): { signal: Promise<NodeJS.Signals>; hurry: AbortSignal; release(): void } {
  const hurry = new AbortController();
  let first = 0;
  let onSignal: (signal: NodeJS.Signals) => void = () => {};
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    onSignal = (received) => {
      if (!first) {
        first = Date.now();
        resolve(received);
      } else if (Date.now() - first > SAME_SIGNAL_MS) {
        hurry.abort();
      } else {
        onIgnored();
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

/** Entering a function's gate (providers/local/gate.ts) as a promise: the Kafka readers wait on it per delivery. */
import type { Gate } from '../../local/gate';

/** Resolves once `gate` gave this caller a slot (at once when one is free); the caller leaves it when done. */
export function enterGate(gate: Gate): Promise<void> {
  if (gate.tryEnter()) return Promise.resolve();
  return new Promise((resolve) => {
    const wake = () => (gate.tryEnter() ? resolve() : gate.wait(wake));
    gate.wait(wake);
  });
}

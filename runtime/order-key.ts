/**
 * The ordering key of an event: the one rule every target applies, whether it orders deliveries itself
 * (the embedded runtime's streams and ordered queues) or hands the key to a broker (a FIFO queue's message
 * group, a stream's partition key).
 *
 * The key is read at a path from the envelope: an attribute (`subject`, `source`, a declared extension) or
 * `data.<path>` into the data. It is the value found there when that is a non-empty string, a finite number
 * or a boolean, as text. Anything else — nothing at the path, null, an empty string, an object or an array —
 * means the event has no key: it is then keyed by its own id, so it is ordered after nothing and holds up
 * nothing (keyless events never queue behind one another, and a broker that needs a key always gets one).
 */
import type { Envelope } from '../contracts/envelope';

/** Reads the ordering key at `path`, compiled once (hot path: the local transport reads it per event). */
export function orderKeyReader(path: string | undefined): (envelope: Envelope) => string {
  if (!path) return (e) => e.id;
  const steps = path.split('.');
  return (e) => {
    let value: unknown = e;
    for (const step of steps) {
      if (typeof value !== 'object' || value === null) return e.id;
      value = (value as Record<string, unknown>)[step];
    }
    return keyText(value) ?? e.id;
  };
}

/** The ordering key of one event at `path` (its id when it has none there). */
export function orderKeyOf(envelope: Envelope, path: string | undefined): string {
  return orderKeyReader(path)(envelope);
}

function keyText(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

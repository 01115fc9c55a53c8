/**
 * Streams: events kept in order per key. Each reader of a stream has its own ordered queue, so within a
 * key one event is in flight at a time and the next waits until it is settled, retries included (the
 * Kinesis and Kafka per-partition rule, narrowed to the key). An event the reader gives up on goes to the
 * dead-letter store and the key moves on, like a stream's on-failure destination.
 */
import type { Envelope, StreamSpec } from '../../contracts';
import { Router, type FilteredListener } from './bus';
import type { Inlet } from './queue';

/**
 * Reads an ordering key: `subject`, `source`, `type` or `data.<path>`. An event without the key is
 * ordered after nothing (its own id), rather than holding up every other keyless event.
 */
export function keyReader(path: string): (envelope: Envelope) => string {
  if (!path.startsWith('data.')) {
    return (e) => {
      const value = e[path];
      return value === undefined || value === null ? `\u0000${e.id}` : String(value);
    };
  }
  const steps = path.slice('data.'.length).split('.');
  return (e) => {
    let value: unknown = e.data;
    for (const step of steps) {
      if (typeof value !== 'object' || value === null) return `\u0000${e.id}`;
      value = (value as Record<string, unknown>)[step];
    }
    return value === undefined || value === null || typeof value === 'object' ? `\u0000${e.id}` : String(value);
  };
}

/** A stream: what is appended goes, by type and filter, to each reader's ordered queue. */
export class LocalStream extends Router implements Inlet {
  readonly key: (envelope: Envelope) => string;

  constructor(readonly spec: StreamSpec, onFiltered?: FilteredListener) {
    super(`stream ${spec.name}`, onFiltered);
    this.key = keyReader(spec.key);
  }

  /** Appends one event. */
  send(envelope: Envelope): void {
    this.publish(envelope);
  }
}

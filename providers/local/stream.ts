/**
 * Streams: events kept in order per key. Each reader of a stream has its own ordered queue, so within a
 * key one event is in flight at a time and the next waits until it is settled, retries included (the
 * Kinesis and Kafka per-partition rule, narrowed to the key). An event the reader gives up on goes to the
 * dead-letter store and the key moves on, like a stream's on-failure destination.
 */
import type { Envelope, StreamSpec } from '../../contracts';
import { orderKeyReader } from '../../runtime/order-key';
import { Router, type FilteredListener } from './bus';
import type { Inlet } from './queue';

/** Reads an ordering key: the one rule of runtime/order-key.ts (an event without the key is keyed by its own id). */
export const keyReader: (path: string) => (envelope: Envelope) => string = orderKeyReader;

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

/**
 * What a local queue holds between deliveries: plain FIFO, or ordered per key (FIFO queues and streams),
 * where a key's next event waits until the one before it is settled, including its retries.
 */
import type { Envelope } from '../../contracts';
import type { Consumer } from './transport';

/** One event in a queue, with its delivery state. */
export interface Message {
  readonly envelope: Envelope;
  /** The attempt the next (or current) delivery is. 1-based. */
  attempt: number;
  /** Bumped at each delivery, so a late result of an expired delivery is recognised and ignored. */
  receipt: number;
  /** The ordering key, for ordered buffers. */
  key?: string;
  /** The visibility or backoff timer running for it. */
  timer?: NodeJS.Timeout;
  /** Whom it is for, when not the queue's own consumer (another subscription reading the same queue). */
  readonly consumer?: Consumer;
  /** Where a durable transport keeps it (its delivery row); the memory transport keeps nothing. */
  readonly stored?: StoredDelivery;
}

/** A message's rows in a durable transport's database. */
export interface StoredDelivery {
  /** Its delivery row: this subscription's state, attempt and next-attempt time for the event. */
  readonly row: number;
  /** Its event's row, shared by every delivery of that event. */
  readonly event: StoredEvent;
}

/** An event row and how many deliveries still owe it: the row is deleted with the last one's settlement. */
export interface StoredEvent {
  readonly seq: number;
  owed: number;
}

/** A double-ended queue with O(1) push, shift and unshift (Array#shift is O(n) on large arrays). */
export class Deque<T> {
  private items: Array<T | undefined> = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** The front item, left in place. */
  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  unshift(item: T): void {
    if (this.head > 0) this.items[--this.head] = item;
    else this.items.unshift(item);
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Removes and returns everything, front first. */
  drain(): T[] {
    const all = this.items.slice(this.head) as T[];
    this.items = [];
    this.head = 0;
    return all;
  }
}

/** The messages of a queue that are not in flight. */
export interface MessageBuffer {
  /** Messages held, deliverable or waiting for their key. */
  readonly size: number;
  /** Whether `take` would return a message. */
  hasReady(): boolean;
  add(message: Message): void;
  /** The next deliverable message; its key (if any) is busy until `done` or `again`. */
  take(): Message | undefined;
  /** The message is settled: its key is free. */
  done(message: Message): void;
  /** The message is to be delivered again: first of its key, which is free again. */
  again(message: Message): void;
  /**
   * The message is out of the buffer (waiting out a retry's backoff) but keeps its key busy until
   * `again`, as if it had been taken: how a durable transport restores a retry it kept across a restart.
   */
  hold(message: Message): void;
  /** Removes and returns every message held. */
  drain(): Message[];
}

/** Unordered: first in, first out; a retried message goes to the back. */
export class FifoBuffer implements MessageBuffer {
  private readonly items = new Deque<Message>();

  get size(): number {
    return this.items.length;
  }

  hasReady(): boolean {
    return this.items.length > 0;
  }

  add(message: Message): void {
    this.items.push(message);
  }

  take(): Message | undefined {
    return this.items.shift();
  }

  done(): void {}

  again(message: Message): void {
    this.items.push(message);
  }

  hold(): void {}

  drain(): Message[] {
    return this.items.drain();
  }
}

/** Ordered per key: one message of a key out at a time; a retried message stays first of its key. */
export class KeyedBuffer implements MessageBuffer {
  private readonly groups = new Map<string, { items: Deque<Message>; busy: boolean }>();
  // Invariant: a key is in `ready` exactly when its group is not busy and holds messages.
  private readonly ready = new Deque<string>();
  private count = 0;

  constructor(private readonly keyOf: (envelope: Envelope) => string) {}

  get size(): number {
    return this.count;
  }

  hasReady(): boolean {
    return this.ready.length > 0;
  }

  add(message: Message): void {
    const key = (message.key ??= this.keyOf(message.envelope));
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = { items: new Deque(), busy: false }));
    group.items.push(message);
    this.count++;
    if (!group.busy && group.items.length === 1) this.ready.push(key);
  }

  take(): Message | undefined {
    const key = this.ready.shift();
    if (key === undefined) return undefined;
    const group = this.groups.get(key)!;
    group.busy = true;
    this.count--;
    return group.items.shift();
  }

  done(message: Message): void {
    const group = this.groups.get(message.key!);
    if (!group) return;
    group.busy = false;
    if (group.items.length) this.ready.push(message.key!);
    else this.groups.delete(message.key!);
  }

  again(message: Message): void {
    // A restored message comes back here without having been added (an interrupted delivery).
    const key = (message.key ??= this.keyOf(message.envelope));
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = { items: new Deque(), busy: false }));
    group.items.unshift(message);
    this.count++;
    if (group.busy || group.items.length === 1) this.ready.push(key);
    group.busy = false;
  }

  hold(message: Message): void {
    const key = (message.key ??= this.keyOf(message.envelope));
    let group = this.groups.get(key);
    if (!group) this.groups.set(key, (group = { items: new Deque(), busy: false }));
    if (group.busy) return;
    group.busy = true;
    // Keep the invariant: a busy key is not ready. Restores hold a key before adding its messages, so
    // this O(keys) pass only runs when a key is held after the fact.
    if (group.items.length) for (const k of this.ready.drain()) if (k !== key) this.ready.push(k);
  }

  drain(): Message[] {
    const all: Message[] = [];
    for (const group of this.groups.values()) all.push(...group.items.drain());
    this.groups.clear();
    this.ready.drain();
    this.count = 0;
    return all;
  }
}

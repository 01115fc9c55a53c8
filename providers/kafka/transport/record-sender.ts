/**
 * Sends records through one kafkajs producer, grouped: every record asked for in the same turn of the
 * event loop goes in one `sendBatch` (one request per broker, `acks=all`), and a caller's promise resolves
 * once its records are acknowledged. Deliveries settle concurrently, each sending a retry, a dead letter,
 * an outcome or a claim: one request per record would cap a worker at the broker's round trips; grouped,
 * the cost is one round trip per turn (the group commit a database's log writer does).
 */
import type { Message, Producer, TopicMessages } from 'kafkajs';

/** Every in-sync replica acknowledges before a send resolves: what a broker confirmed survives its loss. */
const ACKS_ALL = -1;

/**
 * Bytes of records per request at most. A request carries one record batch per partition, and a broker
 * refuses a batch over `max.message.bytes` (1 MB by default) whole: a busy turn is split well below it.
 */
export const MAX_REQUEST_BYTES = 512 * 1024;

/** About what a record weighs on the wire: its value, key and headers (the batch overhead aside). */
function weight(message: Message): number {
  let bytes = 64 + (typeof message.value === 'string' ? message.value.length : message.value?.length ?? 0) + (typeof message.key === 'string' ? message.key.length : message.key?.length ?? 0);
  if (message.headers) for (const name in message.headers) bytes += name.length + String(message.headers[name] ?? '').length;
  return bytes;
}

interface Pending {
  readonly byTopic: Map<string, Message[]>;
  readonly done: Promise<void>;
}

export class RecordSender {
  private pending: Pending | undefined;
  private resolve!: () => void;
  private reject!: (error: unknown) => void;

  constructor(private readonly producer: Producer) {}

  /** Sends `messages` to `topic` with the others of this turn. @rejects when the brokers did not acknowledge them */
  send(topic: string, messages: readonly Message[]): Promise<void> {
    if (!messages.length) return Promise.resolve();
    if (!this.pending) {
      const done = new Promise<void>((resolve, reject) => { this.resolve = resolve; this.reject = reject; });
      this.pending = { byTopic: new Map(), done };
      setImmediate(() => this.flush());
    }
    const list = this.pending.byTopic.get(topic);
    if (list) list.push(...messages);
    else this.pending.byTopic.set(topic, [...messages]);
    return this.pending.done;
  }

  /** Resolves once what was asked for so far is sent (or failed). */
  drain(): Promise<void> {
    return this.pending ? this.pending.done.then(() => {}, () => {}) : Promise.resolve();
  }

  private flush(): void {
    const { byTopic } = this.pending!;
    const resolve = this.resolve;
    const reject = this.reject;
    this.pending = undefined;
    // Each request holds at most MAX_REQUEST_BYTES (one record over it goes alone).
    const requests: TopicMessages[][] = [];
    let request: TopicMessages[] = [];
    let bytes = 0;
    for (const [topic, messages] of byTopic) {
      let current: Message[] | undefined;
      for (const message of messages) {
        const w = weight(message);
        if (bytes > 0 && bytes + w > MAX_REQUEST_BYTES) {
          requests.push(request);
          request = [];
          current = undefined;
          bytes = 0;
        }
        if (!current) request.push({ topic, messages: (current = []) });
        current.push(message);
        bytes += w;
      }
    }
    requests.push(request);
    Promise.all(requests.map((topicMessages) => this.producer.sendBatch({ topicMessages, acks: ACKS_ALL }))).then(() => resolve(), reject);
  }
}

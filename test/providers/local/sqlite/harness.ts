/**
 * Shared by the durable transport's restart tests and the crash child: a sqlite transport on a state file,
 * with scripted consumers standing in for pipelines, and everything it delivered and reported recorded.
 */
import { deliveryPlan, type Envelope, type Topology } from '../../../../contracts';
import type { Outcome } from '../../../../runtime';
import { Gate, sqliteTransport, type Consumer, type DeadLetter, type Transport } from '../../../../providers/local';
import { LOCAL_DELIVERY } from '../../../../providers/local/delivery';

/** How a scripted consumer answers one delivery. */
export type Answer = (envelope: Envelope, attempt: number) => Outcome | Promise<Outcome>;

/** One delivery as a consumer saw it. `n` is the Tick's or Tock's `n`. */
export interface Delivery {
  readonly subscription: string;
  readonly id: string;
  readonly n: number;
  readonly key: string;
  readonly attempt: number;
  /** Epoch ms, when it started and when it was answered. */
  readonly at: number;
  end?: number;
}

export interface Running {
  readonly transport: Transport;
  readonly calls: Delivery[];
  readonly letters: DeadLetter[];
  readonly filtered: string[];
  /** Consumes one subscription with its answer (default: ok). */
  consume(subscription: string, answer?: Answer): Promise<void>;
  /** The calls of one subscription, as `n#attempt`. */
  of(subscription: string): string[];
}

/** Opens a sqlite transport for `t` on `file`; `onLetter` hears each dead letter as it comes. */
export function openTransport(t: Topology, file: string, onLetter: (letter: DeadLetter) => void = () => {}): Running {
  const calls: Delivery[] = [];
  const letters: DeadLetter[] = [];
  const filtered: string[] = [];
  const transport = sqliteTransport({ state: file })({
    topology: t,
    filtered: (channel, e) => filtered.push(`${channel.subscription} ${(e.data as { n: number }).n}`),
    deadLettered: (letter) => {
      letters.push(letter);
      onLetter(letter);
    },
  });
  const plan = deliveryPlan(t, LOCAL_DELIVERY);
  const gates = new Map(t.functions.map((f) => [f.name, new Gate(f.concurrency ?? Infinity)]));
  const ok: Answer = (envelope) => ({ kind: 'ok', envelope, published: [], durationMs: 0 });
  return {
    transport, calls, letters, filtered,
    consume(subscription, answer = ok) {
      const channel = plan.channel(subscription);
      const fn = t.functions.find((f) => f.name === channel.function)!;
      const consumer: Consumer = {
        function: fn.name, subscription, gate: gates.get(fn.name)!, ...(fn.publishes ? { publishTo: fn.publishes.to } : {}),
        async deliver(e, attempt) {
          const { n, key = '' } = e.data as { n: number; key?: string };
          const call: Delivery = { subscription, id: e.id, n, key, attempt, at: Date.now() };
          calls.push(call);
          try {
            return await answer(e, attempt);
          } finally {
            call.end = Date.now();
          }
        },
      };
      return transport.consume(channel, consumer);
    },
    of: (subscription) => calls.filter((c) => c.subscription === subscription).map((c) => `${c.n}#${c.attempt}`),
  };
}

/** A delivery that is never answered (a handler still running when the process stops). */
export const never: Answer = () => new Promise<Outcome>(() => {});

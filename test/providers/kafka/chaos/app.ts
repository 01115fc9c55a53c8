/**
 * The chaos run's own small app: one bus feeding three functions through each kind of Kafka channel, so a
 * kill or a broker restart hits every way the transport delivers and retries:
 * - `a` reads an unordered queue (retries through its retry topic);
 * - `b` reads a stream keyed by `data.key` (an ordered channel: retries in place, holding its key);
 * - `c` is subscribed directly to the bus (retry topic, the direct bound of 3 attempts).
 * Its handlers write one line per run to a shared log (`fn id attempt ok|fail pid`), the ground truth the
 * run is checked against: the workers' own view is not trusted. Poison events always throw.
 */
import { appendFileSync } from 'node:fs';
import { z } from 'zod';
import { MIN_ATTEMPTS, defineEvent, on, topology, type HandlerDefinition, type Topology } from '../../../../contracts';

export const ChaosEvent = defineEvent({
  type: 'ChaosEvent',
  version: 1,
  source: 'test.chaos',
  schema: z.object({ key: z.string(), n: z.number().int(), poison: z.boolean() }),
});

/** The functions of the chaos app, each on its own kind of channel. */
export const CHAOS_FUNCTIONS = ['a', 'b', 'c'] as const;
export type ChaosFunction = (typeof CHAOS_FUNCTIONS)[number];

/**
 * Attempts of the queue and the stream: the fewest validation allows (every cloud honours 5–30), so poison
 * events are given up on quickly. The direct subscription has Kafka's direct bound, 3.
 */
export const CHAOS_MAX_ATTEMPTS = MIN_ATTEMPTS;

/** The chaos topology. Handler paths are never loaded: the workers are given `chaosHandlers`. */
export function chaosTopology(): Topology {
  const t = topology('chaos').event(ChaosEvent);
  const bus = t.bus('events');
  const work = t.queue('work', { maxAttempts: CHAOS_MAX_ATTEMPTS });
  const ledger = t.stream('ledger', { key: 'data.key', maxAttempts: CHAOS_MAX_ATTEMPTS });
  const handler = 'test/providers/kafka/chaos/app.ts';
  t.fn('a', { handler }).subscribe(bus, { events: [ChaosEvent], via: work });
  t.fn('b', { handler }).subscribe(bus, { events: [ChaosEvent], via: ledger });
  t.fn('c', { handler }).subscribe(bus, { events: [ChaosEvent] });
  return t.build();
}

/** Thrown by every run of a poison event. */
export class PoisonError extends Error {
  constructor(id: string) {
    super(`poison event ${id}`);
    this.name = 'PoisonError';
  }
}

/**
 * The handlers, each appending its run to `logFile` before it answers. `appendFileSync` opens with
 * O_APPEND and writes the line in one call, so lines of several processes never interleave.
 */
export function chaosHandlers(logFile: string): Record<ChaosFunction, HandlerDefinition> {
  const handler = (fn: ChaosFunction) => on(ChaosEvent, async (event, ctx) => {
    const ok = !event.data.poison;
    appendFileSync(logFile, `${fn} ${event.id} ${ctx.attempt} ${ok ? 'ok' : 'fail'} ${process.pid}\n`);
    if (!ok) throw new PoisonError(event.id);
  });
  return { a: handler('a'), b: handler('b'), c: handler('c') };
}

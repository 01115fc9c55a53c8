/** Shared by the local runtime tests: a small event, a scripted handler, a fake consumer, waiting helpers. */
import { z } from 'zod';
import { defineEvent, on, type Envelope } from '../../../contracts';
import { newEnvelope, type Outcome } from '../../../runtime';
import { expect } from 'chai';
import { Gate, HttpError, memoryTransport, type Consumer, type Transport, type TransportFactory } from '../../../providers/local';

/** A test event: `n` orders calls, `key` groups them, `media` becomes the `media` extension attribute. */
export const Tick = defineEvent({
  type: 'Tick',
  version: 1,
  source: 'test.ticks',
  schema: z.object({ n: z.number().int(), key: z.string().default('k'), media: z.string().optional(), fail: z.boolean().optional() }),
  extensions: { media: (d) => d.media },
});

export const Tock = defineEvent({ type: 'Tock', version: 1, source: 'test.ticks', schema: z.object({ n: z.number().int() }) });

/** A Tick envelope. */
export function tick(n: number, extra: { key?: string; media?: string; fail?: boolean; correlationId?: string } = {}): Envelope<z.infer<typeof Tick.schema>> {
  const { correlationId, ...data } = extra;
  return newEnvelope(Tick, { n, ...data } as never, correlationId ? { correlationId } : {});
}

/** One handler call as seen by a recording handler. */
export interface Call {
  readonly n: number;
  readonly key: string;
  readonly attempt: number;
  readonly start: number;
  end?: number;
}

/**
 * A Tick handler that records its calls and waits `delay(n)` ms; a Tick with `fail: true` throws.
 * `inFlight` tracks how many calls run at once, overall and per key.
 */
export function recordingHandler(delay: (n: number) => number = () => 0) {
  const calls: Call[] = [];
  const running = new Map<string, number>();
  const stats = { maxOverall: 0, maxPerKey: 0, overall: 0 };
  const handler = on(Tick, async (event, ctx) => {
    const call: Call = { n: event.data.n, key: event.data.key, attempt: ctx.attempt, start: performance.now() };
    calls.push(call);
    stats.overall++;
    running.set(call.key, (running.get(call.key) ?? 0) + 1);
    stats.maxOverall = Math.max(stats.maxOverall, stats.overall);
    stats.maxPerKey = Math.max(stats.maxPerKey, running.get(call.key)!);
    try {
      const ms = delay(event.data.n);
      if (ms > 0) await sleep(ms);
      if (event.data.fail) throw new Error(`tick ${event.data.n} fails`);
    } finally {
      call.end = performance.now();
      stats.overall--;
      running.set(call.key, running.get(call.key)! - 1);
    }
  });
  return { handler, calls, stats };
}

/** A consumer whose outcomes are scripted per call; it records the attempt and time of each call. */
export function scriptedConsumer(script: (envelope: Envelope, attempt: number) => Outcome | Promise<Outcome>, limit = Infinity) {
  const calls: Array<{ id: string; attempt: number; at: number }> = [];
  const consumer: Consumer = {
    function: 'fn',
    subscription: 'fn-sub',
    gate: new Gate(limit),
    async deliver(envelope, attempt) {
      calls.push({ id: envelope.id, attempt, at: performance.now() });
      return script(envelope, attempt);
    },
  };
  return { consumer, calls };
}

export const ok = (envelope: Envelope): Outcome => ({ kind: 'ok', envelope, published: [], durationMs: 0 });
export const retry = (envelope: Envelope, delayMs: number): Outcome => ({
  kind: 'retry', envelope, reason: 'Error: try again', error: new Error('try again'), delayMs, durationMs: 0,
});
export const deadLetter = (envelope: Envelope, reason: string): Outcome => ({
  kind: 'dead-letter', envelope, reason, error: new Error('last'), durationMs: 0,
});

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits until `check` holds, polling every 5 ms, for at most `ms`. @throws when it never holds */
export async function until(check: () => boolean, ms = 2000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(5);
  }
}

/** An upload event: `{ bucket, key, size, contentType }`, with `contenttype` promoted for filters. */
export const Uploaded = defineEvent({
  type: 'Uploaded', version: 1, source: 'test.media',
  schema: z.object({ bucket: z.string(), key: z.string(), size: z.number(), contentType: z.string() }),
  extensions: { contenttype: (d) => d.contentType.toLowerCase() },
});

/** A table's change event: `{ table, op, keys, newImage?, oldImage? }`. */
export const RowChanged = defineEvent({
  type: 'RowChanged', version: 1, source: 'test.db',
  schema: z.object({
    table: z.string(), op: z.enum(['insert', 'modify', 'remove']), keys: z.record(z.string(), z.string()),
    newImage: z.looseObject({ email: z.email().optional() }).optional(), oldImage: z.record(z.string(), z.unknown()).optional(),
  }),
});

/** The HttpError `run` throws; fails the test when it throws none or another error. */
export function refused(run: () => unknown): HttpError {
  try {
    run();
  } catch (error) {
    expect(error).to.be.instanceOf(HttpError);
    return error as HttpError;
  }
  throw new Error('expected an HttpError');
}

/** What `promise` rejects with; fails the test when it resolves. */
export function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => { throw new Error(`expected a rejection, got ${JSON.stringify(value)}`); },
    (error: unknown) => error,
  );
}

/** The memory transport with some of its methods replaced: a stand-in for a slow, failing or recording transport. */
export function memoryWith(name: string, replace: (inner: Transport) => Partial<Pick<Transport, 'publish' | 'consume' | 'redrive' | 'close'>>): TransportFactory {
  return (context) => {
    const inner = memoryTransport()(context);
    const own = replace(inner);
    return {
      name,
      get pending() { return inner.pending; },
      idle: () => inner.idle(),
      publish: own.publish ?? ((to, events) => inner.publish(to, events)),
      consume: own.consume ?? ((channel, consumer) => inner.consume(channel, consumer)),
      redrive: own.redrive ?? ((letters) => inner.redrive(letters)),
      close: own.close ?? ((graceMs, hurry) => inner.close(graceMs, hurry)),
    };
  };
}

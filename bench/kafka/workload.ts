/**
 * What both sides of `bench kafka` consume: one small order event, the app that subscribes one function to it
 * (with a filter, so the Herald side runs its residual filter on every event), the trivial handler both sides
 * call, and the records the producer sends. Shared by the parent (bench/kafka.ts) and its consumer processes
 * (bench/kafka/consumer.ts), so both agree on names without passing them around.
 */
import { z } from 'zod';
import { defineEvent, topology, type Envelope } from '../../contracts';
import { newEnvelope } from '../../runtime';
import { kafkaNames } from '../../providers/kafka/topics';
import { encodeRecord, type KafkaRecordOut } from '../../providers/kafka/transport/binding';

/** An order as a shop would publish it; `sentAt` is when the producer sent it (`nowMs`), for the latency half. */
export const BenchOrder = defineEvent({
  type: 'BenchOrder', version: 1, source: 'bench',
  schema: z.object({
    seq: z.number().int(),
    sentAt: z.number(),
    orderId: z.string(),
    amount: z.number(),
    currency: z.string(),
    items: z.array(z.object({ sku: z.string(), quantity: z.number().int() })),
  }),
});
export type BenchOrderData = z.infer<typeof BenchOrder.schema>;

/** The subscribing function and its source, as named in the app below. */
export const FUNCTION = 'work';
const BUS = 'orders';
/** Every event's subject starts with it, so the filter passes all of them (the cost is in evaluating it). */
const SUBJECT_PREFIX = 'shop/';

/** The bench app: one bus, one function subscribed to BenchOrder on it with a subject filter. */
export function benchApp() {
  const app = topology('bench-kafka').event(BenchOrder);
  const bus = app.bus(BUS);
  app.fn(FUNCTION, { handler: 'none.ts' }).subscribe(bus, { events: [BenchOrder], where: { subject: { prefix: SUBJECT_PREFIX } } });
  return app.build();
}

/** The topic and consumer group of the Herald side on `stack` (providers/kafka/topics.ts: the transport's own rule). */
export function heraldNames(stack: string): { topic: string; group: string } {
  const names = kafkaNames(benchApp().name, stack);
  return { topic: names.bus(BUS), group: names.group({ subscription: `${FUNCTION}-${BUS}` }) };
}

/** The bare side's topic and group on `stack` (same partitions as the Herald topic). */
export function bareNames(stack: string): { topic: string; group: string } {
  return { topic: `bench-bare.${stack}.orders`, group: `bench-bare.${stack}.group` };
}

/** Milliseconds on the monotonic clock every process on this machine shares (CLOCK_MONOTONIC), sub-ms. */
export const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

let serial = 0;

/** `count` fresh orders (fresh ids: the Herald side deduplicates by id), `sentAt` 0 until sent. */
export function orders(count: number): Envelope<BenchOrderData>[] {
  return Array.from({ length: count }, () => {
    const seq = serial++;
    return newEnvelope(BenchOrder, {
      seq, sentAt: 0, orderId: `o-${seq}`, amount: 10 + (seq % 90), currency: 'EUR',
      items: [{ sku: 'tea', quantity: 1 + (seq % 3) }, { sku: 'cup', quantity: 1 }],
    }, { subject: `${SUBJECT_PREFIX}${seq % 100}` });
  });
}

/** The record of `envelope` sent at `sentAt`: binary-mode CloudEvents, key = its id (no order key), as Herald publishes it. */
export function orderRecord(envelope: Envelope<BenchOrderData>, sentAt = 0): KafkaRecordOut {
  const sent = sentAt === 0 ? envelope : { ...envelope, data: { ...envelope.data, sentAt } };
  return encodeRecord(sent, envelope.id);
}

/** Both sides' handler: count, and record the produce-to-handler latency while asked to. */
export class Sink {
  handled = 0;
  /** `nowMs` of the last call. */
  lastAt = 0;
  recording = false;
  readonly latencies: number[] = [];

  /** The trivial handler itself (sync work, called from each side's async handler). */
  handle(order: BenchOrderData): void {
    const now = nowMs();
    this.handled++;
    this.lastAt = now;
    if (this.recording && order.sentAt > 0) this.latencies.push(now - order.sentAt);
  }
}

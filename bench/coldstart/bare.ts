/**
 * The baseline of bench/coldstart: what an AWS developer would write by hand for the same work as each
 * example function, without Herald. Parse each SQS body, validate it with the same zod schema, do the
 * function's work (charge-payment and confirm-order load the SDK and publish to EventBridge with a client
 * made at module scope; the others log a line and never load the SDK) and answer `batchItemFailures`.
 * Bundled with the same esbuild options.
 */
import type * as EventBridge from '@aws-sdk/client-eventbridge';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { allEvents } from '../../app/events';

const work = process.env.BARE_FUNCTION ?? 'charge-payment';
// Only the functions that publish load the SDK, and make their client at module scope (the usual advice).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const eb: typeof EventBridge | undefined = work === 'charge-payment' || work === 'confirm-order' ? require('@aws-sdk/client-eventbridge') : undefined;
const client = eb ? new eb.EventBridgeClient({}) : undefined;
const schemas = new Map(allEvents.map((d) => [d.wireType, d.schema]));

const log = (message: string, fields: Record<string, unknown>) => process.stderr.write(`${JSON.stringify({ level: 'info', message, ...fields })}\n`);

async function put(source: string, type: string, subject: string, cause: { id: string; correlationid?: string }, data: unknown): Promise<void> {
  const detail = { specversion: '1.0', id: randomUUID(), source, type, time: new Date().toISOString(), datacontenttype: 'application/json', subject, correlationid: cause.correlationid ?? cause.id, causationid: cause.id, data };
  const out = await client!.send(new eb!.PutEventsCommand({ Entries: [{ EventBusName: 'shop', Source: detail.source, DetailType: detail.type, Detail: JSON.stringify(detail) }] }));
  if (out.FailedEntryCount) throw new Error('PutEvents failed');
}

async function handleOne(body: string): Promise<void> {
  const event = JSON.parse(body) as { id: string; type: string; correlationid?: string; data: any };
  const schema = schemas.get(event.type);
  if (!schema) throw new Error(`unknown type ${event.type}`);
  const data = schema.parse(event.data) as any;
  if (work === 'charge-payment') {
    if (data.customerEmail.endsWith('@fail.example')) throw new Error('payment processor unavailable');
    const paid = { orderId: data.orderId, paymentId: `pay_${data.orderId}`, amount: data.amount, currency: data.currency };
    await put('shop.payments', 'PaymentReceived.v1', `orders/${data.orderId}`, event, paid);
    log('payment charged', { orderId: data.orderId });
  } else if (work === 'confirm-order') {
    const { orderId, paymentId, amount, currency } = data;
    await put('shop.orders', 'OrderConfirmed.v1', `orders/${orderId}`, event, { orderId, paymentId, amount, currency });
    log('order confirmed', { orderId });
  } else {
    log(`${work} done`, { eventId: event.id });
  }
}

export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const failures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    try {
      await handleOne(record.body);
    } catch {
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
};

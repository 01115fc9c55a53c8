/** Shared by the CLI tests: an in-process dev session on a free port, HTTP helpers, a capturing logger. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Logger } from '../../contracts';
import { startDevSession, type DevSession, type DevSessionOptions } from '../../cli/dev-session';
import type { DeliveryRecord } from '../../providers/local';

export const SECRET = 'test-webhook-secret';

/** A dev session of the example app on a free port, with its deliveries and handler logs recorded. */
export async function devSession(options: DevSessionOptions = {}) {
  const logs: Array<{ message: string; fields: Record<string, unknown> }> = [];
  const logger = capture(logs, {});
  const session: DevSession = await startDevSession({
    port: 0, logger, schedules: false, env: { PAYMENTS_WEBHOOK_SECRET: SECRET },
    bucketsDir: mkdtempSync(path.join(tmpdir(), 'herald-dev-')),
    ...options,
  });
  const records: DeliveryRecord[] = [];
  session.runtime.onDelivery((r) => records.push(r));
  return { session, url: session.url, records, logs };
}

function capture(logs: Array<{ message: string; fields: Record<string, unknown> }>, base: Record<string, unknown>): Logger & { child(f: Record<string, unknown>): Logger } {
  const log = (message: string, fields?: Record<string, unknown>) => void logs.push({ message, fields: { ...base, ...fields } });
  return { debug: log, info: log, warn: log, error: log, child: (f) => capture(logs, { ...base, ...f }) };
}

export interface Answer {
  readonly status: number;
  readonly body: any;
}

/** One HTTP request; the answer's JSON body. */
export async function http(url: string, init: RequestInit = {}): Promise<Answer> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** A `source` for test events (CloudEvents requires one), as a producer of the tests would set it. */
export const SOURCE = 'tests.cli';

/** POSTs one structured CloudEvent, with SOURCE unless the event names its own. */
export function publish(url: string, event: Record<string, unknown>): Promise<Answer> {
  return http(`${url}/events`, { method: 'POST', headers: { 'content-type': 'application/cloudevents+json' }, body: JSON.stringify({ source: SOURCE, ...event }) });
}

/** Polls `/traces/<id>` every 10 ms until `done` holds (at most `ms`); returns the last trace. A 404 (nothing recorded yet) reads as []. */
export async function traceUntil(url: string, correlationId: string, done: (trace: any[]) => boolean, ms = 3000): Promise<any[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const { status, body: answer } = await http(`${url}/traces/${encodeURIComponent(correlationId)}`);
    const body = status === 404 ? [] : answer;
    if (done(body)) return body;
    if (Date.now() > deadline) throw new Error(`trace ${correlationId} never got there: ${JSON.stringify(body, null, 1)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** An order's data; `email` ending in @fail.example makes charge-payment fail every time. */
export function order(orderId: string, extra: Record<string, unknown> = {}) {
  return {
    orderId, amount: 42, currency: 'EUR', customerEmail: 'ada@example.com',
    items: [{ sku: 'book', quantity: 1, unitPrice: 42 }], ...extra,
  };
}

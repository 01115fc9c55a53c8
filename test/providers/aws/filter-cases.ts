/**
 * One table of filters and one table of events, shared by the filter compiler's tests against the
 * reference evaluator, an SNS policy evaluator and AWS's own matching engine (event-ruler).
 */
import { matches, type Envelope, type Filter } from '../../../contracts';

/** The wire types every case subscribes to (an upcast chain plus another event). */
export const SUBSCRIBED = ['OrderPlaced.v2', 'OrderPlaced.v1', 'ImageUploaded.v1'] as const;

const long = Array.from({ length: 100 }, (_, i) => `orders/region-${String(i).padStart(3, '0')}/customer-segment`);

/** Filters, named for test titles. */
export const FILTERS: ReadonlyArray<{ readonly name: string; readonly where?: Filter; readonly types?: readonly string[] }> = [
  { name: 'no filter' },
  { name: 'subject prefix', where: { subject: { prefix: 'eu/' } } },
  { name: 'subject prefix, two values', where: { subject: { prefix: ['eu/', 'us/'] } } },
  { name: 'subject prefix ""', where: { subject: { prefix: '' } } },
  { name: 'extension in', where: { contenttype: { in: ['image/png', 'image/jpeg'] } } },
  { name: 'extension notIn (absent does not match)', where: { contenttype: { notIn: ['image/gif'] } } },
  { name: 'extension exists', where: { contenttype: { exists: true } } },
  { name: 'extension notExists', where: { contenttype: { notExists: true } } },
  { name: 'subject notExists', where: { subject: { notExists: true } } },
  { name: 'subject in ""', where: { subject: { in: [''] } } },
  { name: 'type in', where: { type: { in: ['OrderPlaced.v2'] } } },
  { name: 'type prefix', where: { type: { prefix: 'OrderPlaced.' } } },
  { name: 'type notIn', where: { type: { notIn: ['OrderPlaced.v1'] } } },
  { name: 'type in, none subscribed', where: { type: { in: ['PaymentReceived.v1'] } } },
  { name: 'type notExists', where: { type: { notExists: true } } },
  { name: 'source in', where: { source: { in: ['shop.orders'] } } },
  { name: 'source notIn and subject exists', where: { source: { notIn: ['shop.orders'] }, subject: { exists: true } } },
  {
    name: 'four fields',
    where: { source: { prefix: 'shop.' }, subject: { prefix: 'eu/' }, contenttype: { in: ['image/png'] }, region: { notIn: ['cn'] } },
  },
  { name: 'region exists, contenttype notExists', where: { region: { exists: true }, contenttype: { notExists: true } } },
  { name: 'quotes and non-ASCII', where: { subject: { in: ['orders/"quoted"', 'ü/ñ'] } } },
  { name: 'over the size limits', where: { subject: { in: long }, source: { in: ['shop.orders', 'shop.media'] } } },
  {
    name: 'five fields besides type',
    where: { source: { prefix: 'shop' }, subject: { exists: true }, contenttype: { prefix: 'image/' }, region: { in: ['eu', 'us'] }, tier: { notIn: ['free'] } },
  },
  { name: 'no types, subject prefix', types: [], where: { subject: { prefix: 'eu/' } } },
];

const base = { specversion: '1.0', time: '2026-03-01T10:00:00Z', datacontenttype: 'application/json', data: { n: 1 } } as const;
let counter = 0;
function event(type: string, source: string, attributes: Record<string, string> = {}): Envelope {
  counter += 1;
  return { ...base, id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`, type, source, ...attributes } as Envelope;
}

/** Events, with string attributes only (Herald publishers promote string extensions only). */
export const EVENTS: readonly Envelope[] = [
  event('OrderPlaced.v2', 'shop.orders', { subject: 'eu/1' }),
  event('OrderPlaced.v1', 'shop.orders', { subject: 'us/2' }),
  event('OrderPlaced.v2', 'shop.orders'),
  event('ImageUploaded.v1', 'shop.media', { subject: 'eu/x', contenttype: 'image/png', region: 'eu' }),
  event('ImageUploaded.v1', 'shop.media', { contenttype: 'image/gif' }),
  event('ImageUploaded.v1', 'shop.media', { subject: '' }),
  event('PaymentReceived.v1', 'shop.payments', { subject: 'eu/1', contenttype: 'image/png' }),
  event('ImageUploaded.v1', 'shop.media.eu', { contenttype: 'IMAGE/PNG', region: 'cn', tier: 'gold', subject: 'eu/9' }),
  event('OrderPlaced.v2', 'shop.orders', { subject: 'EU/1' }),
  event('OrderPlaced.v2', 'other', { subject: 'orders/"quoted"' }),
  event('ImageUploaded.v1', 'shop.media', { subject: 'ü/ñ', contenttype: 'image/jpeg', region: 'us', tier: 'silver' }),
  event('OrderPlaced.v1', 'shop.media', { subject: long[42]! }),
  event('OrderPlaced.v2', 'shop.orders', { subject: 'eu' }),
  event('ImageUploaded.v1', 'shop.media', { subject: 'eu/img', contenttype: 'image/png', region: 'eu', tier: 'free' }),
  event('ImageUploaded.v1', 'shop', { subject: 'us/img', contenttype: 'image/webp', region: 'us', tier: 'pro' }),
];

/** The reference answer: one of the subscribed types (when any are given) and the filter accepts it. */
export function expected(types: readonly string[], where: Filter | undefined, e: Envelope): boolean {
  return (types.length === 0 || types.includes(e.type)) && (where === undefined || matches(where, e));
}

/** The event as EventBridge delivers it to a rule target: the CloudEvent is the detail. */
export function eventBridgeDelivery(e: Envelope): Record<string, unknown> {
  return {
    version: '0', id: `eb-${e.id}`, 'detail-type': e.type, source: e.source, account: '123456789012',
    time: e.time, region: 'us-east-1', resources: [], detail: e,
  };
}

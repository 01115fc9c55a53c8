/**
 * The shared filter and event tables (test/providers/aws/filter-cases.ts), plus the cases Azure's
 * engines make interesting: values in another case than the filter's (Event Grid ignores case), SQL's
 * quote and LIKE wildcards in values, a `[` (a T-SQL class), and filters over Event Grid's 25-filter budget.
 */
import type { Envelope, Filter } from '../../../contracts';
import { EVENTS, FILTERS } from '../aws/filter-cases';

export { SUBSCRIBED, expected } from '../aws/filter-cases';

/** 26 extension names: one more than Event Grid's advanced filters. */
export const MANY_FIELDS = Array.from({ length: 26 }, (_, i) => `x${i}`);

export const AZURE_FILTERS: ReadonlyArray<{ readonly name: string; readonly where?: Filter; readonly types?: readonly string[] }> = [
  ...FILTERS,
  { name: 'notIn a value that arrives in upper case', where: { contenttype: { notIn: ['image/gif'] } } },
  { name: 'in a value that arrives in upper case', where: { contenttype: { in: ['image/png'] } } },
  { name: 'notIn a caseless value', where: { tier: { notIn: ['42', 'gold'] } } },
  { name: "prefix with %, _, ! and '", where: { subject: { prefix: ['50%_off/', "o'brien/", 'a!b'] } } },
  { name: "in with ' and %", where: { source: { in: ["o'reilly", 'shop.%'] } } },
  { name: 'prefix with [', where: { subject: { prefix: '[eu]/' } } },
  { name: 'over 25 advanced filters', where: Object.fromEntries(MANY_FIELDS.map((f) => [f, { notExists: true }])) },
  { name: 'over 25 values, notIn', where: { region: { notIn: Array.from({ length: 30 }, (_, i) => String(i)) }, source: { prefix: 'shop' } } },
];

const base = { specversion: '1.0', time: '2026-03-01T10:00:00Z', datacontenttype: 'application/json', data: { n: 2 } } as const;
let counter = 100;
function event(type: string, source: string, attributes: Record<string, string> = {}): Envelope {
  counter += 1;
  return { ...base, id: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`, type, source, ...attributes } as Envelope;
}

export const AZURE_EVENTS: readonly Envelope[] = [
  ...EVENTS,
  event('ImageUploaded.v1', 'shop.media', { contenttype: 'IMAGE/GIF', subject: 'eu/g' }),
  event('ImageUploaded.v1', 'SHOP.MEDIA', { contenttype: 'Image/Png', tier: '42' }),
  event('OrderPlaced.v2', 'shop.orders', { subject: '50%_off/1', tier: 'GOLD' }),
  event('OrderPlaced.v2', 'shop.orders', { subject: '50%Xoff/1' }),
  event('OrderPlaced.v2', 'shop.orders', { subject: '50abc_off/1' }),
  event('OrderPlaced.v1', "o'reilly", { subject: "o'brien/7" }),
  event('OrderPlaced.v1', 'shop.%', { subject: "O'BRIEN/7" }),
  event('OrderPlaced.v1', 'shop.x', { subject: 'a!b/c' }),
  event('OrderPlaced.v1', 'shop.x', { subject: 'ab' }),
  event('OrderPlaced.v2', 'shop.orders', { subject: '[eu]/1' }),
  event('OrderPlaced.v2', 'shop.orders', { subject: 'e/1' }),
  event('OrderPlaced.v2', 'shop.orders', { subject: '[EU]/1' }),
  event('ImageUploaded.v1', 'shop.media', { x25: 'v', region: '3' }),
  event('ImageUploaded.v1', 'shop.media', { x0: 'v', region: '31' }),
  event('orderplaced.v2', 'shop.orders', { subject: 'eu/1' }),
];

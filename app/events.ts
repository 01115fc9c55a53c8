/** The example shop's events: immutable business facts, versioned. */
import { z } from 'zod';
import { defineEvent } from '../contracts';

const currency = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as EUR');
const money = z.number().nonnegative();

const orderV1 = z.object({
  orderId: z.string().min(1),
  amount: money,
  currency,
  customerEmail: z.email(),
  items: z.array(z.object({ sku: z.string().min(1), quantity: z.number().int().positive(), unitPrice: money })).min(1),
});

export const OrderPlacedV1 = defineEvent({
  type: 'OrderPlaced',
  version: 1,
  source: 'shop.orders',
  description: 'A customer placed an order.',
  schema: orderV1,
});

export const OrderPlaced = defineEvent({
  type: 'OrderPlaced',
  version: 2,
  source: 'shop.orders',
  description: 'A customer placed an order, through a sales channel.',
  schema: orderV1.extend({ channel: z.enum(['web', 'mobile', 'store']) }),
  // Orders placed before channels existed all came from the web shop.
  upcastFrom: { from: OrderPlacedV1, upcast: (v1) => ({ ...v1, channel: 'web' as const }) },
});

export const PaymentReceived = defineEvent({
  type: 'PaymentReceived',
  version: 1,
  source: 'shop.payments',
  schema: z.object({ orderId: z.string().min(1), paymentId: z.string().min(1), amount: money, currency }),
});

export const PaymentFailed = defineEvent({
  type: 'PaymentFailed',
  version: 1,
  source: 'shop.payments',
  schema: z.object({ orderId: z.string().min(1), reason: z.string().min(1) }),
});

export const OrderConfirmed = defineEvent({
  type: 'OrderConfirmed',
  version: 1,
  source: 'shop.orders',
  description: 'A paid order the shop will fulfil: the customer and the warehouse are told.',
  schema: z.object({ orderId: z.string().min(1), paymentId: z.string().min(1), amount: money, currency }),
});

export const ImageUploaded = defineEvent({
  type: 'ImageUploaded',
  version: 1,
  source: 'shop.media',
  schema: z.object({ bucket: z.string().min(1), key: z.string().min(1), size: z.number().int().nonnegative(), contentType: z.string().meta({ examples: ['image/png'] }) }),
  // Filters read the media type without opening the data.
  extensions: { contenttype: (d) => d.contentType.toLowerCase() },
});

export const ReportRequested = defineEvent({
  type: 'ReportRequested',
  version: 1,
  source: 'shop.reports',
  schema: z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}/, 'an ISO 8601 date') }),
});

// A customer row as the customers table holds it; other columns pass through.
const customer = z.looseObject({ customerId: z.string().min(1), email: z.email(), name: z.string().min(1).optional() });

export const CustomerChanged = defineEvent({
  type: 'CustomerChanged',
  version: 1,
  source: 'shop.customers',
  description: 'A row of the customers table was inserted, modified or removed (its change trigger).',
  schema: z.object({
    table: z.string().min(1),
    op: z.enum(['insert', 'modify', 'remove']),
    keys: z.object({ customerId: z.string().min(1) }),
    newImage: customer.optional(),
    oldImage: customer.optional(),
  }),
});

/** Every definition of the app, every version. */
export const allEvents = [
  OrderPlacedV1, OrderPlaced, PaymentReceived, PaymentFailed, OrderConfirmed, ImageUploaded, ReportRequested, CustomerChanged,
];

/**
 * DynamoDB stream records, read by the change ingress: each written row becomes
 * `{ table, op, keys, newImage?, oldImage? }` with DynamoDB's typed attribute values turned into plain
 * JSON. A failure is answered with the record's sequence number (`batchItemFailures`).
 * @see https://docs.aws.amazon.com/lambda/latest/dg/with-ddb.html
 * @see https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_AttributeValue.html
 */
import type { AttributeValue, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { ChangeData } from '../../../runtime/ingress-events';
import type { RecordFailure } from './binding';
import { hasRecordsFrom } from './binding';

/** One row change in neutral form: the data of the event the change ingress emits. */
export type RowChange = ChangeData;

/** A decoded stream record: the change, and what identifies it. */
export interface ChangeRecord {
  /** The sequence number, which partial-failure answers name. */
  readonly itemId: string;
  /** DynamoDB's event id: stable across retries, so the emitted event id is too. */
  readonly eventId: string;
  /** When the change happened (RFC 3339), if the stream says. */
  readonly time?: string;
  readonly change: RowChange;
}

const OPS = { INSERT: 'insert', MODIFY: 'modify', REMOVE: 'remove' } as const;

export const dynamodb = {
  name: 'dynamodb',
  detect: (event: unknown): event is DynamoDBStreamEvent => hasRecordsFrom(event, 'aws:dynamodb'),
  decode: (event: DynamoDBStreamEvent): ChangeRecord[] => event.Records.map(decodeRecord),
  /** A stream event with one record per change (sequence numbers in order). */
  encode: (changes: readonly RowChange[]): DynamoDBStreamEvent => ({
    Records: changes.map((c, i) => ({
      eventID: `herald-${i}`, eventName: c.op.toUpperCase() as DynamoDBRecord['eventName'], eventVersion: '1.1',
      eventSource: 'aws:dynamodb', awsRegion: 'us-east-1',
      eventSourceARN: `arn:aws:dynamodb:us-east-1:000000000000:table/${c.table}/stream/2026-01-01T00:00:00.000`,
      dynamodb: {
        Keys: marshallMap(c.keys), ...(c.newImage ? { NewImage: marshallMap(c.newImage) } : {}),
        ...(c.oldImage ? { OldImage: marshallMap(c.oldImage) } : {}),
        SequenceNumber: String(1000 + i), SizeBytes: 1, StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    })),
  }),
  respond: (failures: readonly RecordFailure[]): DynamoDBBatchResponse => ({ batchItemFailures: failures.map((f) => ({ itemIdentifier: f.itemId })) }),
};

function decodeRecord(r: DynamoDBRecord): ChangeRecord {
  const d = r.dynamodb ?? {};
  const op = OPS[r.eventName as keyof typeof OPS];
  if (!op) throw new TypeError(`unknown DynamoDB stream eventName ${JSON.stringify(r.eventName)}`);
  // arn:aws:dynamodb:<region>:<account>:table/<name>/stream/<label>
  const table = /:table\/([^/]+)/.exec(r.eventSourceARN ?? '')?.[1] ?? 'unknown';
  return {
    itemId: d.SequenceNumber ?? r.eventID ?? '',
    eventId: r.eventID ?? d.SequenceNumber ?? '',
    ...(d.ApproximateCreationDateTime ? { time: new Date(d.ApproximateCreationDateTime * 1000).toISOString() } : {}),
    change: {
      table, op, keys: unmarshallMap(d.Keys ?? {}),
      ...(d.NewImage ? { newImage: unmarshallMap(d.NewImage) } : {}),
      ...(d.OldImage ? { oldImage: unmarshallMap(d.OldImage) } : {}),
    },
  };
}

/** DynamoDB typed values to plain JSON (numbers as numbers, binary as base64 text, sets as arrays). */
export function unmarshallMap(map: Record<string, AttributeValue>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, unmarshall(v)]));
}

function unmarshall(v: AttributeValue): unknown {
  if (v.S !== undefined) return v.S;
  if (v.N !== undefined) return Number(v.N);
  if (v.BOOL !== undefined) return v.BOOL;
  if (v.NULL) return null;
  if (v.B !== undefined) return v.B;
  if (v.SS) return [...v.SS];
  if (v.NS) return v.NS.map(Number);
  if (v.BS) return [...v.BS];
  if (v.L) return v.L.map(unmarshall);
  if (v.M) return unmarshallMap(v.M);
  throw new TypeError(`unknown DynamoDB attribute value ${JSON.stringify(v)}`);
}

function marshallMap(map: Record<string, unknown>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, marshall(v)]));
}

function marshall(v: unknown): AttributeValue {
  if (typeof v === 'string') return { S: v };
  if (typeof v === 'number') return { N: String(v) };
  if (typeof v === 'boolean') return { BOOL: v };
  if (v === null || v === undefined) return { NULL: true };
  if (Array.isArray(v)) return { L: v.map(marshall) };
  return { M: marshallMap(v as Record<string, unknown>) };
}

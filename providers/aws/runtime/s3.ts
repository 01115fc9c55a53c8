/**
 * S3 "Object Created" events, delivered by EventBridge from the default bus (the bucket has EventBridge
 * notifications on), read by the upload ingress.
 * @see https://docs.aws.amazon.com/AmazonS3/latest/userguide/ev-events.html
 */
import type { EventBridgeEvent } from 'aws-lambda';
import { isEventBridgeEvent } from './wire';

/** An uploaded object, as the event says (the content type needs a HeadObject). */
export interface ObjectCreated {
  /** EventBridge's event id: stable across retries of this delivery. */
  readonly eventId: string;
  readonly time: string;
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
}

type S3Detail = { bucket: { name: string }; object: { key: string; size?: number } };

export const s3 = {
  name: 's3',
  detect: (event: unknown): event is EventBridgeEvent<'Object Created', S3Detail> =>
    isEventBridgeEvent(event) && event.source === 'aws.s3' && event['detail-type'] === 'Object Created',
  decode: (event: EventBridgeEvent<'Object Created', S3Detail>): ObjectCreated => {
    const { bucket, object } = event.detail ?? ({} as S3Detail);
    if (typeof bucket?.name !== 'string' || typeof object?.key !== 'string') {
      throw new TypeError('an S3 Object Created event without detail.bucket.name and detail.object.key');
    }
    return { eventId: event.id, time: event.time, bucket: bucket.name, key: object.key, size: Number(object.size ?? 0) };
  },
  encode: (o: Omit<ObjectCreated, 'eventId' | 'time'> & { eventId?: string; time?: string }): EventBridgeEvent<'Object Created', S3Detail> => ({
    version: '0', id: o.eventId ?? '00000000-0000-4000-8000-000000000000', 'detail-type': 'Object Created', source: 'aws.s3',
    account: '000000000000', time: o.time ?? '2026-01-01T00:00:00Z', region: 'us-east-1', resources: [`arn:aws:s3:::${o.bucket}`],
    detail: { version: '0', bucket: { name: o.bucket }, object: { key: o.key, size: o.size }, reason: 'PutObject' } as S3Detail,
  }),
};

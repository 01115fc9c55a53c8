/**
 * Google's own published samples, copied as they are (Apache-2.0), so the bindings are fed what Google
 * documents rather than what Herald would write:
 * - googleapis/google-cloudevents @ 6fda292a, testdata/google/events/cloud/pubsub/v1/MessagePublishedData-*.json
 *   and testdata/google/events/cloud/firestore/v1/DocumentEventData-*.json;
 * - GoogleCloudPlatform/functions-framework-nodejs @ f39924d7, test/pubsub_middleware.ts (RAW_PUBSUB_BODY,
 *   the non-Pub/Sub body) and test/integration/cloud_event.ts (the marshalled `messagePublished` CloudEvent,
 *   the legacy GCF event body);
 * - the Cloud Storage notification of an object finalize as documented
 *   (https://cloud.google.com/storage/docs/pubsub-notifications#attributes and #payload: attributes and
 *   the JSON_API_V1 object resource).
 */

/** MessagePublishedData-text.json: a push body whose data is text. */
export const MESSAGE_PUBLISHED_TEXT = {
  subscription: 'projects/my-project/subscriptions/my-subscription',
  message: {
    '@type': 'type.googleapis.com/google.pubsub.v1.PubsubMessage',
    attributes: { attr1: 'attr1-value' },
    data: 'dGVzdCBtZXNzYWdlIDM=',
    messageId: 'message-id',
    publishTime: '2021-02-05T04:06:14.109Z',
  },
};

/** MessagePublishedData-duplicatedFields.json: both spellings of the id and time, no attributes. */
export const MESSAGE_PUBLISHED_DUPLICATED_FIELDS = {
  subscription: 'projects/my-project/subscriptions/my-subscription',
  message: {
    '@type': 'type.googleapis.com/google.pubsub.v1.PubsubMessage',
    data: 'AQIDBA==',
    messageId: 'message-id',
    message_id: 'message-id',
    publishTime: '2021-02-05T04:06:14.109Z',
    publish_time: '2021-02-05T04:06:14.109Z',
  },
};

/** functions-framework test/pubsub_middleware.ts: a raw push (data `{"foo":"bar"}`, no publish time). */
export const FF_RAW_PUBSUB_BODY = {
  subscription: 'projects/FOO/subscriptions/BAR_SUB',
  message: {
    data: 'eyJmb28iOiJiYXIifQ==',
    messageId: '1',
    attributes: { test: '123' },
  },
};

/** functions-framework test/pubsub_middleware.ts: a request that is not a push. */
export const FF_NON_PUBSUB_BODY = { foo: 'bar' };

/** functions-framework test/integration/cloud_event.ts: the legacy GCF event body of a Pub/Sub message. */
export const FF_LEGACY_PUBSUB_EVENT = {
  context: {
    eventId: 'aaaaaa-1111-bbbb-2222-cccccccccccc',
    timestamp: '2020-09-29T11:32:00.000Z',
    eventType: 'google.pubsub.topic.publish',
    resource: { service: 'pubsub.googleapis.com', name: 'projects/sample-project/topics/gcf-test', type: 'type.googleapis.com/google.pubsub.v1.PubsubMessage' },
  },
  data: {
    '@type': 'type.googleapis.com/google.pubsub.v1.PubsubMessage',
    data: 'AQIDBA==',
    messageId: 'aaaaaa-1111-bbbb-2222-cccccccccccc',
    publishTime: '2020-09-29T11:32:00.000Z',
  },
};

/** DocumentEventData-simple.json: an update (`count` 3 → 4), old and new values and the mask. */
export const DOCUMENT_EVENT_SIMPLE = {
  oldValue: {
    createTime: '2020-04-23T09:58:53.211035Z',
    fields: { 'another test': { stringValue: 'asd' }, count: { integerValue: '3' }, foo: { stringValue: 'bar' } },
    name: 'projects/project-id/databases/(default)/documents/gcf-test/2Vm2mI1d0wIaK2Waj5to',
    updateTime: '2020-04-23T12:00:27.247187Z',
  },
  updateMask: { fieldPaths: ['count'] },
  value: {
    createTime: '2020-04-23T09:58:53.211035Z',
    fields: { 'another test': { stringValue: 'asd' }, count: { integerValue: '4' }, foo: { stringValue: 'bar' } },
    name: 'projects/project-id/databases/(default)/documents/gcf-test/2Vm2mI1d0wIaK2Waj5to',
    updateTime: '2020-04-23T12:00:27.247187Z',
  },
};

/** DocumentEventData-complex.json: a create (its `oldValue` is empty), every value type. */
export const DOCUMENT_EVENT_COMPLEX = {
  oldValue: {},
  updateMask: {},
  value: {
    createTime: '2020-04-23T14:25:05.349632Z',
    fields: {
      arrayValue: { arrayValue: { values: [{ integerValue: '1' }, { integerValue: '2' }] } },
      booleanValue: { booleanValue: true },
      doubleValue: { doubleValue: 5.5 },
      geoPointValue: { geoPointValue: { latitude: 51.4543, longitude: -0.9781 } },
      intValue: { integerValue: '50' },
      mapValue: { mapValue: { fields: { field1: { stringValue: 'x' }, field2: { arrayValue: { values: [{ stringValue: 'x' }, { integerValue: '1' }] } } } } },
      nullValue: { nullValue: null },
      referenceValue: { referenceValue: 'projects/project-id/databases/(default)/documents/foo/bar/baz/qux' },
      stringValue: { stringValue: 'text' },
      timestampValue: { timestampValue: '2020-04-23T14:23:53.241Z' },
    },
    name: 'projects/project-id/databases/(default)/documents/gcf-test/IH75dRdeYJKd4uuQiqch',
    updateTime: '2020-04-23T14:25:05.349632Z',
  },
};

/** An `OBJECT_FINALIZE` notification (JSON_API_V1) of `bucket`/`name`, as Cloud Storage publishes it. */
export function storageNotification(bucket: string, name: string, options: { eventType?: string; contentType?: string; size?: string } = {}) {
  const generation = '1588778055917163';
  const object = {
    kind: 'storage#object', id: `${bucket}/${name}/${generation}`,
    selfLink: `https://www.googleapis.com/storage/v1/b/${bucket}/o/${encodeURIComponent(name)}`,
    name, bucket, generation, metageneration: '1', contentType: options.contentType ?? 'image/png',
    timeCreated: '2020-05-06T15:14:15.917Z', updated: '2020-05-06T15:14:15.917Z', storageClass: 'STANDARD',
    timeStorageClassUpdated: '2020-05-06T15:14:15.917Z', size: options.size ?? '352',
    md5Hash: 'kHPCWH5bnsZo8lF8jE3TTQ==', mediaLink: `https://www.googleapis.com/download/storage/v1/b/${bucket}/o/${encodeURIComponent(name)}?generation=${generation}&alt=media`,
    crc32c: 'jMbY0w==', etag: 'COvp3K6c5ekCEAE=',
  };
  return {
    message: {
      attributes: {
        bucketId: bucket, eventTime: '2020-05-06T15:14:15.917Z', eventType: options.eventType ?? 'OBJECT_FINALIZE',
        notificationConfig: `projects/_/buckets/${bucket}/notificationConfigs/3`, objectGeneration: generation, objectId: name, payloadFormat: 'JSON_API_V1',
      },
      data: Buffer.from(JSON.stringify(object)).toString('base64'),
      messageId: '1200401551717649', message_id: '1200401551717649',
      publishTime: '2020-05-06T15:14:16.184Z', publish_time: '2020-05-06T15:14:16.184Z',
    },
    subscription: 'projects/my-project/subscriptions/uploads',
  };
}

/**
 * Firestore's Eventarc events (`google.cloud.firestore.document.v1.written`): their data is the protobuf
 * `google.events.cloud.firestore.v1.DocumentEventData` (`application/protobuf`), the document before and
 * after the write. Decoded with Google's published schema: `DOCUMENT_EVENT_PROTO` below is
 * proto/google/events/cloud/firestore/v1/data.proto of googleapis/google-cloudevents (Apache-2.0), its
 * comments left out, with `google.type.LatLng` (googleapis, google/type/latlng.proto) beside it; the
 * `google.protobuf` types come with protobufjs. (`@google/events` ships only the JSON types of this data,
 * and `@google-cloud/firestore` only its own API's `google.firestore.v1`, so the schema is vendored.)
 * The JSON form of the same data (proto3 JSON, as `@google/events` types it) is read too.
 * Document fields become plain JSON: integers as numbers (as text past 2^53), timestamps as RFC 3339,
 * bytes as base64, references as their resource name, geo points as `{latitude, longitude}`.
 * @see https://github.com/googleapis/google-cloudevents/blob/main/proto/google/events/cloud/firestore/v1/data.proto
 * @see https://cloud.google.com/firestore/docs/extend-with-functions-2nd-gen#event_data
 */
import * as protobuf from 'protobufjs';

export const DOCUMENT_EVENT_PROTO = `
syntax = "proto3";
package google.events.cloud.firestore.v1;
message DocumentEventData {
  Document value = 1;
  Document old_value = 2;
  DocumentMask update_mask = 3;
}
message DocumentMask {
  repeated string field_paths = 1;
}
message Document {
  string name = 1;
  map<string, Value> fields = 2;
  google.protobuf.Timestamp create_time = 3;
  google.protobuf.Timestamp update_time = 4;
}
message Value {
  oneof value_type {
    google.protobuf.NullValue null_value = 11;
    bool boolean_value = 1;
    int64 integer_value = 2;
    double double_value = 3;
    google.protobuf.Timestamp timestamp_value = 10;
    string string_value = 17;
    bytes bytes_value = 18;
    string reference_value = 5;
    google.type.LatLng geo_point_value = 8;
    ArrayValue array_value = 9;
    MapValue map_value = 6;
  }
}
message ArrayValue {
  repeated Value values = 1;
}
message MapValue {
  map<string, Value> fields = 1;
}
`;

const LATLNG_PROTO = `
syntax = "proto3";
package google.type;
message LatLng {
  double latitude = 1;
  double longitude = 2;
}
`;

/** A Firestore value in the object form of the proto (decoded) or its proto3 JSON form. */
export interface FirestoreValue {
  readonly nullValue?: unknown;
  readonly booleanValue?: boolean;
  readonly integerValue?: string | number;
  readonly doubleValue?: number | string;
  readonly timestampValue?: ProtoTimestamp;
  readonly stringValue?: string;
  readonly bytesValue?: string;
  readonly referenceValue?: string;
  readonly geoPointValue?: { readonly latitude?: number; readonly longitude?: number };
  readonly arrayValue?: { readonly values?: readonly FirestoreValue[] };
  readonly mapValue?: { readonly fields?: Readonly<Record<string, FirestoreValue>> };
}

/** RFC 3339 (JSON form) or seconds and nanos (object form). */
export type ProtoTimestamp = string | { readonly seconds?: string | number; readonly nanos?: number };

export interface FirestoreDocument {
  /** `projects/<p>/databases/<d>/documents/<path>`. */
  readonly name?: string;
  readonly fields?: Readonly<Record<string, FirestoreValue>>;
  readonly createTime?: ProtoTimestamp;
  readonly updateTime?: ProtoTimestamp;
}

export interface DocumentEventData {
  readonly value?: FirestoreDocument;
  readonly oldValue?: FirestoreDocument;
  readonly updateMask?: { readonly fieldPaths?: readonly string[] };
}

let messageType: protobuf.Type | undefined;

/** The `DocumentEventData` message type, built once. */
function documentEventData(): protobuf.Type {
  if (messageType) return messageType;
  const root = new protobuf.Root();
  for (const file of ['google/protobuf/timestamp.proto', 'google/protobuf/struct.proto']) {
    root.addJSON(protobuf.common.get(file)!.nested as protobuf.INamespace['nested'] & object);
  }
  protobuf.parse(LATLNG_PROTO, root, { keepCase: false });
  protobuf.parse(DOCUMENT_EVENT_PROTO, root, { keepCase: false });
  messageType = root.lookupType('google.events.cloud.firestore.v1.DocumentEventData');
  return messageType;
}

/** The object form of protobuf bytes: int64 as text, enums by name, bytes as base64; unset fields left out. */
const TO_OBJECT: protobuf.IConversionOptions = { longs: String, enums: String, bytes: String, defaults: false, arrays: true, objects: true };

/**
 * Decodes `DocumentEventData` from its protobuf bytes.
 * @throws Error when the bytes are not that message
 */
export function decodeDocumentEventData(bytes: Uint8Array): DocumentEventData {
  const type = documentEventData();
  return type.toObject(type.decode(bytes), TO_OBJECT) as DocumentEventData;
}

/** Encodes `DocumentEventData` (object form) as protobuf bytes, as Eventarc delivers it: tests and samples. */
export function encodeDocumentEventData(data: DocumentEventData): Uint8Array {
  const type = documentEventData();
  return type.encode(type.fromObject(data as Record<string, unknown>)).finish();
}

/** A timestamp as RFC 3339 in UTC (microseconds kept when the value has them). */
export function timestampText(t: ProtoTimestamp): string {
  if (typeof t === 'string') return t;
  const seconds = Number(t.seconds ?? 0);
  const nanos = t.nanos ?? 0;
  const base = new Date(seconds * 1000).toISOString().replace('.000Z', '');
  if (!nanos) return `${base}Z`;
  return `${base}.${String(nanos).padStart(9, '0').replace(/0+$/, '')}Z`;
}

/** A Firestore value as plain JSON. */
export function plainValue(v: FirestoreValue): unknown {
  if ('nullValue' in v) return null;
  if (v.booleanValue !== undefined) return v.booleanValue;
  if (v.integerValue !== undefined) {
    const n = Number(v.integerValue);
    return Number.isSafeInteger(n) ? n : String(v.integerValue);
  }
  if (v.doubleValue !== undefined) return typeof v.doubleValue === 'number' ? v.doubleValue : Number(v.doubleValue);
  if (v.timestampValue !== undefined) return timestampText(v.timestampValue);
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.bytesValue !== undefined) return v.bytesValue;
  if (v.referenceValue !== undefined) return v.referenceValue;
  if (v.geoPointValue !== undefined) return { latitude: v.geoPointValue.latitude ?? 0, longitude: v.geoPointValue.longitude ?? 0 };
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(plainValue);
  if (v.mapValue !== undefined) return plainFields(v.mapValue.fields);
  return null;
}

/** A document's (or map's) fields as a plain JSON object. */
export function plainFields(fields: Readonly<Record<string, FirestoreValue>> | undefined): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields ?? {}).map(([k, v]) => [k, plainValue(v)]));
}

/** The path of a document under its database (`customers/c1`), from its resource name. */
export function documentPath(name: string): string | undefined {
  const m = /^projects\/[^/]+\/databases\/[^/]+\/documents\/(.+)$/.exec(name);
  return m?.[1];
}

/** Plain JSON as a Firestore value (object form): the inverse of `plainValue` for JSON types. Samples and tests. */
export function firestoreValue(value: unknown): FirestoreValue {
  if (value === null || value === undefined) return { nullValue: 'NULL_VALUE' };
  if (typeof value === 'boolean') return { booleanValue: value };
  if (typeof value === 'number') return Number.isInteger(value) ? { integerValue: String(value) } : { doubleValue: value };
  if (typeof value === 'string') return { stringValue: value };
  if (Array.isArray(value)) return { arrayValue: { values: value.map(firestoreValue) } };
  return { mapValue: { fields: firestoreFields(value as Record<string, unknown>) } };
}

/** A plain JSON object as a document's fields. */
export function firestoreFields(object: Readonly<Record<string, unknown>>): Record<string, FirestoreValue> {
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, firestoreValue(v)]));
}

/** Firestore's DocumentEventData, decoded with Google's published schema and made plain JSON. */
import { expect } from 'chai';
import {
  decodeDocumentEventData, documentPath, encodeDocumentEventData, firestoreFields, plainFields, timestampText, type DocumentEventData,
} from '../../../../providers/gcp/runtime/document-event';
import { DOCUMENT_EVENT_COMPLEX, DOCUMENT_EVENT_SIMPLE } from './google-samples';

/** Google's JSON samples in the object form protobufjs encodes from (timestamps as seconds and nanos, null as the enum). */
function objectForm(json: unknown): DocumentEventData {
  return JSON.parse(JSON.stringify(json), (key, value: unknown) => {
    if (typeof value === 'string' && /^(createTime|updateTime|timestampValue)$/.test(key)) {
      const [whole, fraction = ''] = value.replace('Z', '').split('.');
      return { seconds: Date.parse(`${whole}Z`) / 1000, nanos: Number(fraction.padEnd(9, '0')) };
    }
    return key === 'nullValue' && value === null ? 'NULL_VALUE' : value;
  }) as DocumentEventData;
}

const COMPLEX_PLAIN = {
  arrayValue: [1, 2], booleanValue: true, doubleValue: 5.5, geoPointValue: { latitude: 51.4543, longitude: -0.9781 }, intValue: 50,
  mapValue: { field1: 'x', field2: ['x', 1] }, nullValue: null,
  referenceValue: 'projects/project-id/databases/(default)/documents/foo/bar/baz/qux', stringValue: 'text', timestampValue: '2020-04-23T14:23:53.241Z',
};

describe('providers/gcp/runtime/document-event', () => {
  it("reads Google's complex sample (JSON form) as plain JSON, every value type", () => {
    expect(plainFields(DOCUMENT_EVENT_COMPLEX.value.fields as never)).to.deep.equal(COMPLEX_PLAIN);
  });

  it("decodes Google's complex sample from protobuf bytes to the same plain JSON", () => {
    const bytes = encodeDocumentEventData(objectForm(DOCUMENT_EVENT_COMPLEX));
    const decoded = decodeDocumentEventData(bytes);
    expect(plainFields(decoded.value!.fields)).to.deep.equal(COMPLEX_PLAIN);
    expect(decoded.value!.name).to.equal(DOCUMENT_EVENT_COMPLEX.value.name);
    expect(timestampText(decoded.value!.createTime!)).to.equal('2020-04-23T14:25:05.349632Z');
  });

  it("keeps the old and new values and the mask of Google's update sample, through protobuf", () => {
    const decoded = decodeDocumentEventData(encodeDocumentEventData(objectForm(DOCUMENT_EVENT_SIMPLE)));
    expect(plainFields(decoded.oldValue!.fields)).to.deep.equal({ 'another test': 'asd', count: 3, foo: 'bar' });
    expect(plainFields(decoded.value!.fields)).to.deep.equal({ 'another test': 'asd', count: 4, foo: 'bar' });
    expect(decoded.updateMask).to.deep.equal({ fieldPaths: ['count'] });
  });

  it('keeps an integer past 2^53 as text, and refuses bytes that are not the message', () => {
    const bytes = encodeDocumentEventData({ value: { name: 'projects/p/databases/(default)/documents/c/d', fields: { big: { integerValue: '9007199254740993' }, b: { bytesValue: 'AQI=' } } } });
    expect(plainFields(decodeDocumentEventData(bytes).value!.fields)).to.deep.equal({ big: '9007199254740993', b: 'AQI=' });
    expect(() => decodeDocumentEventData(Buffer.from('not protobuf at all'))).to.throw(Error);
  });

  it('writes plain JSON back as fields (samples), and names the document path under its database', () => {
    expect(plainFields(firestoreFields({ a: 1, b: 1.5, c: 'x', d: [true, null], e: { f: 'g' } }))).to.deep.equal({ a: 1, b: 1.5, c: 'x', d: [true, null], e: { f: 'g' } });
    expect(documentPath('projects/p/databases/(default)/documents/customers/c-1')).to.equal('customers/c-1');
    expect(documentPath('customers/c-1')).to.equal(undefined);
    expect(timestampText({ seconds: '1767225600' })).to.equal('2026-01-01T00:00:00Z');
  });
});

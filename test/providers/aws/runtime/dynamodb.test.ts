import { expect } from 'chai';
import { dynamodb, unmarshallMap } from '../../../../providers/aws/runtime/dynamodb';
import { dynamoDbEvent } from '../../../fixtures/aws';

describe('providers/aws/runtime/dynamodb', () => {
  it('turns the sample INSERT, MODIFY and REMOVE into row changes with plain images', () => {
    const event = dynamoDbEvent('orders');
    expect(dynamodb.detect(event)).to.equal(true);
    const [insert, modify, remove] = dynamodb.decode(event);
    expect(insert).to.deep.equal({
      itemId: '4421584500000000017450439091', eventId: 'c4ca4238a0b923820dcc509a6f75849b', time: '2015-04-09T00:00:00.000Z',
      change: { table: 'orders', op: 'insert', keys: { Id: 101 }, newImage: { Message: 'New item!', Id: 101 } },
    });
    expect(modify!.change).to.deep.equal({
      table: 'orders', op: 'modify', keys: { Id: 101 },
      newImage: { Message: 'This item has changed', Id: 101 }, oldImage: { Message: 'New item!', Id: 101 },
    });
    expect(remove!.change).to.deep.include({ op: 'remove' }).and.not.have.property('newImage');
  });

  it('reads every attribute value type', () => {
    expect(unmarshallMap({
      s: { S: 'a' }, n: { N: '1.5' }, b: { BOOL: true }, z: { NULL: true }, ss: { SS: ['x'] }, ns: { NS: ['1', '2'] },
      l: { L: [{ S: 'y' }, { N: '3' }] }, m: { M: { k: { S: 'v' } } }, bin: { B: 'AQI=' },
    })).to.deep.equal({ s: 'a', n: 1.5, b: true, z: null, ss: ['x'], ns: [1, 2], l: ['y', 3], m: { k: 'v' }, bin: 'AQI=' });
    expect(() => unmarshallMap({ x: {} as never })).to.throw(TypeError, /unknown DynamoDB attribute value/);
  });

  it('round-trips changes and answers sequence numbers', () => {
    const change = { table: 't', op: 'modify' as const, keys: { pk: 'a' }, newImage: { pk: 'a', n: 2, tags: ['x'] }, oldImage: { pk: 'a', n: 1, tags: ['x'] } };
    expect(dynamodb.decode(dynamodb.encode([change]))[0]!.change).to.deep.equal(change);
    expect(dynamodb.respond([{ itemId: '1000', reason: 'x' }])).to.deep.equal({ batchItemFailures: [{ itemIdentifier: '1000' }] });
  });
});

/** The Event Grid model against the behaviour the event-filtering docs state, example by example. */
import { expect } from 'chai';
import { advancedFilterMatches, eventGridDelivers } from './event-grid-model';

const event = { specversion: '1.0', id: '1', source: '/mycontext', type: 'com.example.someevent', subject: 'Container1/blob', comexampleextension1: 'value', data: { key1: 'Azure Data Factory' } };

describe('test/providers/azure/event-grid-model', () => {
  it('ignores case in every string operator', () => {
    expect(advancedFilterMatches({ operatorType: 'StringIn', key: 'k', values: ['contoso', 'fabrikam'] }, 'Contoso')).to.equal(true);
    expect(advancedFilterMatches({ operatorType: 'StringBeginsWith', key: 'k', values: ['event', 'message'] }, 'EVENT hubs')).to.equal(true);
    expect(advancedFilterMatches({ operatorType: 'StringNotIn', key: 'k', values: ['aws', 'bridge'] }, 'AWS')).to.equal(false);
  });

  it('matches a missing key with StringNotIn only', () => {
    expect(advancedFilterMatches({ operatorType: 'StringNotIn', key: 'k', values: ['aws'] }, undefined)).to.equal(true);
    expect(advancedFilterMatches({ operatorType: 'StringIn', key: 'k', values: ['aws'] }, undefined)).to.equal(false);
    expect(advancedFilterMatches({ operatorType: 'StringBeginsWith', key: 'k', values: ['a'] }, undefined)).to.equal(false);
  });

  it('tells null or undefined from any other value with IsNullOrUndefined and IsNotNull', () => {
    for (const [value, isNull] of [[undefined, true], [null, true], ['', false], ['x', false], [5, false]] as const) {
      expect(advancedFilterMatches({ operatorType: 'IsNullOrUndefined', key: 'k' }, value), String(value)).to.equal(isNull);
      expect(advancedFilterMatches({ operatorType: 'IsNotNull', key: 'k' }, value), String(value)).to.equal(!isNull);
    }
  });

  it('ignores a value of another type than the filter', () => {
    expect(advancedFilterMatches({ operatorType: 'StringIn', key: 'k', values: ['5'] }, 5)).to.equal(false);
  });

  it('ANDs the filters, ORs the values of one, and reads CloudEvent attributes and data by key', () => {
    const contains = (values: string[]) => ({ includedEventTypes: ['com.example.someevent'], advancedFilters: [
      { operatorType: 'StringBeginsWith' as const, key: 'subject', values },
      { operatorType: 'StringIn' as const, key: 'comexampleextension1', values: ['VALUE'] },
      { operatorType: 'StringBeginsWith' as const, key: 'data.key1', values: ['azure'] },
    ] });
    expect(eventGridDelivers(contains(['nope', 'container1/']), event)).to.equal(true);
    expect(eventGridDelivers(contains(['nope']), event)).to.equal(false);
  });

  it('delivers every type without includedEventTypes, and only the listed ones with it', () => {
    expect(eventGridDelivers({ advancedFilters: [] }, event)).to.equal(true);
    expect(eventGridDelivers({ includedEventTypes: ['other'], advancedFilters: [] }, event)).to.equal(false);
    expect(eventGridDelivers({ includedEventTypes: ['COM.example.someevent'], advancedFilters: [] }, event)).to.equal(false);
    expect(eventGridDelivers({ includedEventTypes: ['COM.example.someevent'], advancedFilters: [] }, event, { typesIgnoreCase: true })).to.equal(true);
  });
});

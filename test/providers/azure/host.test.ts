import { expect } from 'chai';
import { DEFAULT_BACKOFF } from '../../../contracts';
import {
  EVENT_GRID_HANDLER_MS, MAX_INVOCATION_SECONDS, SETTLE_SECONDS, handlerTimeoutMs, hostJson, invocationSeconds, lockDuration, timeSpan,
} from '../../../providers/azure/host';

describe('providers/azure/host', () => {
  it('gives an invocation the handler\'s timeout plus the time to settle it', () => {
    expect(invocationSeconds({ timeout: '10s' })).to.equal(10 + SETTLE_SECONDS);
    expect(invocationSeconds({ timeout: '1500ms' }, [{ source: { kind: 'queue' }, maxAttempts: 5, backoff: DEFAULT_BACKOFF }])).to.equal(2 + SETTLE_SECONDS);
  });

  it('gives a stream reader every attempt of a record and the backoff between them, capped by Flex\'s default timeout', () => {
    // 3 attempts of 10 s, backoff ceilings 1 s + 2 s.
    expect(invocationSeconds({ timeout: '10s' }, [{ source: { kind: 'stream' }, maxAttempts: 3, backoff: DEFAULT_BACKOFF }])).to.equal(30 + 3 + SETTLE_SECONDS);
    expect(invocationSeconds({ timeout: '5m' }, [{ source: { kind: 'stream' }, maxAttempts: 30, backoff: DEFAULT_BACKOFF }])).to.equal(MAX_INVOCATION_SECONDS);
  });

  it('locks a message for the invocation, within Service Bus\'s 30 s – 5 min', () => {
    expect(lockDuration([10_000])).to.equal('PT30S');
    expect(lockDuration([10_000, 60_000])).to.equal('PT1M10S');
    expect(lockDuration([600_000])).to.equal('PT5M');
    expect(lockDuration([])).to.equal('PT30S');
  });

  it('cuts a pushed delivery\'s handler off before Event Grid\'s 30 s answer', () => {
    expect(handlerTimeoutMs(60_000, 'direct')).to.equal(EVENT_GRID_HANDLER_MS);
    expect(handlerTimeoutMs(10_000, 'direct')).to.equal(10_000);
    expect(handlerTimeoutMs(60_000, 'queue')).to.equal(60_000);
  });

  it('writes durations as ISO 8601 and as host.json time spans', () => {
    expect(timeSpan(3725)).to.equal('01:02:05');
  });

  it('writes a host.json whose lock renewal covers the whole invocation, without prefetch, on the v4 extension bundle', () => {
    const host = JSON.parse(hostJson({ invocationSeconds: 70, concurrency: 4, eventBatchSize: 50 }));
    expect(host).to.deep.include({ version: '2.0', functionTimeout: '00:01:10', extensionBundle: { id: 'Microsoft.Azure.Functions.ExtensionBundle', version: '[4.*, 5.0.0)' } });
    expect(host.extensions.serviceBus).to.deep.equal({
      prefetchCount: 0, autoCompleteMessages: true, maxAutoLockRenewalDuration: '00:01:10', maxConcurrentCalls: 4, maxConcurrentSessions: 4,
    });
    expect(host.extensions.eventHubs).to.deep.equal({ maxEventBatchSize: 50, batchCheckpointFrequency: 1 });
    expect(host.extensions.http).to.deep.equal({ routePrefix: '' });
    expect(JSON.parse(hostJson({ invocationSeconds: 20, concurrency: 500 })).extensions.serviceBus.maxConcurrentCalls).to.equal(16);
  });
});

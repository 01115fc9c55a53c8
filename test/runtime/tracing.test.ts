/**
 * OpenTelemetry through the runtime: with the SDK's in-memory exporter installed, one order is one trace
 * from charge-payment to send-confirmation (each delivery a child of the publish that sent its event);
 * without an SDK, no span is made.
 */
import { expect } from 'chai';
import { context, propagation, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { activeTracer, publisherContext, traceparentOf } from '../../runtime/tracing';
import { devSession, order, publish, traceUntil } from '../cli/helpers';

describe('OpenTelemetry spans', function () {
  this.timeout(20_000);

  it('makes no span and finds no tracer while no SDK is installed', () => {
    expect(activeTracer()).to.equal(undefined);
  });

  it('reads the publisher\'s span from a traceparent, and writes one', () => {
    const parent = trace.getSpanContext(publisherContext({ traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' }));
    expect(parent).to.deep.include({ traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true });
    expect(trace.getSpanContext(publisherContext({}))).to.equal(undefined);
    expect(traceparentOf(trace.wrapSpanContext(parent!))).to.equal('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
  });

  describe('with the SDK installed', () => {
    const exporter = new InMemorySpanExporter();
    let provider: NodeTracerProvider;
    before(() => {
      provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
      provider.register();
    });
    after(async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    });

    it('one order is one trace: each delivery a child of the publish that sent its event, with its function, event and outcome', async () => {
      const dev = await devSession();
      try {
        const answer = await publish(dev.url, { type: 'OrderPlaced.v2', correlationid: 'otel-1', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01', data: order('o-otel', { channel: 'web' }) });
        expect(answer.status).to.equal(202);
        await traceUntil(dev.url, 'otel-1', (t) => ['send-confirmation', 'notify-warehouse'].every((fn) => t.some((e) => e.function === fn && e.outcome === 'ok')));
        await dev.session.runtime.idle();
      } finally {
        await dev.session.stop(1000);
      }
      const spans = exporter.getFinishedSpans();
      const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
      const delivery = (fn: string) => {
        const found = spans.filter((s) => s.name.startsWith('process ') && s.attributes['herald.function'] === fn);
        expect(found, `${fn}: ${spans.map((s) => `${s.name}/${s.attributes['herald.function']}`).join(', ')}`).to.have.length(1);
        return found[0]!;
      };
      const charge = delivery('charge-payment');
      const confirmation = delivery('send-confirmation');
      expect(new Set(spans.map((s) => s.spanContext().traceId))).to.deep.equal(new Set(['0af7651916cd43dd8448eb211c80319c']));
      // The first delivery's parent is the ingress's hop of the sender's span (remote: not one of Herald's spans).
      expect(charge.parentSpanId).to.match(/^[0-9a-f]{16}$/);
      expect(byId.has(charge.parentSpanId!)).to.equal(false);
      expect(charge.attributes).to.include({
        'cloudevents.event_type': 'OrderPlaced.v2', 'herald.correlation_id': 'otel-1', 'herald.outcome': 'ok', 'herald.attempt': 1,
      });
      // send-confirmation ← publish OrderConfirmed ← confirm-order ← publish PaymentReceived ← charge-payment
      const chain: ReadableSpan[] = [];
      for (let s: ReadableSpan | undefined = confirmation; s; s = s.parentSpanId ? byId.get(s.parentSpanId) : undefined) chain.push(s);
      expect(chain.map((s) => `${s.name} ${s.attributes['herald.function']}`)).to.deep.equal([
        'process OrderConfirmed.v1 send-confirmation', 'publish OrderConfirmed.v1 confirm-order',
        'process PaymentReceived.v1 confirm-order', 'publish PaymentReceived.v1 charge-payment', 'process OrderPlaced.v2 charge-payment',
      ]);
    });
  });
});

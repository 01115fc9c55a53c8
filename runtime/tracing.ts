/**
 * OpenTelemetry spans for every delivery and every publish, on every target, through `@opentelemetry/api`
 * only: whoever runs Herald installs an SDK (`herald dev --otlp`, the ADOT Lambda layer, Application
 * Insights, Cloud Trace), and the spans go wherever it sends them. Spans join the trace an event carries in
 * its W3C `traceparent`: a delivery's span is a child of the span that published the event, and an event a
 * handler publishes carries its publish span's context, so one request is one trace across every function
 * it reaches. With no SDK installed, nothing is created: one check of the global provider per delivery.
 * Attribute names follow the CloudEvents semantic conventions, plus Herald's own under `herald.`.
 * @see https://opentelemetry.io/docs/specs/semconv/cloudevents/cloudevents-spans/
 */
import {
  ProxyTracerProvider, ROOT_CONTEXT, SpanKind, SpanStatusCode, context, trace, type Attributes, type Context, type Span, type Tracer,
} from '@opentelemetry/api';
import type { Envelope } from '../contracts/envelope';
import { parseTraceparent } from './ids';

/** The provider the API answers with while no SDK is registered (the one every unset proxy delegates to). */
const NO_SDK = new ProxyTracerProvider().getDelegate();

let cached: { delegate: unknown; tracer: Tracer | undefined } | undefined;

/**
 * The tracer to use, or undefined when no SDK is registered (then Herald creates no span at all). Looked
 * up per delivery, since an SDK may be registered after start-up; the tracer is kept until the provider changes.
 */
export function activeTracer(): Tracer | undefined {
  const provider = trace.getTracerProvider();
  const delegate = provider instanceof ProxyTracerProvider ? provider.getDelegate() : provider;
  if (cached?.delegate !== delegate) cached = { delegate, tracer: delegate === NO_SDK ? undefined : provider.getTracer('herald') };
  return cached.tracer;
}

/** The context of the span that published `envelope`, from its traceparent; the root context without one. */
export function publisherContext(envelope: Pick<Envelope, 'traceparent'>): Context {
  const p = parseTraceparent(envelope.traceparent);
  if (!p) return ROOT_CONTEXT;
  return trace.setSpanContext(ROOT_CONTEXT, { traceId: p.traceId, spanId: p.spanId, traceFlags: parseInt(p.flags, 16), isRemote: true });
}

/** The traceparent of a span: what an event published under it carries. */
export function traceparentOf(span: Span): string {
  const { traceId, spanId, traceFlags } = span.spanContext();
  return `00-${traceId}-${spanId}-${traceFlags.toString(16).padStart(2, '0')}`;
}

/** The attributes every Herald span about one event carries. */
function eventAttributes(envelope: Envelope, functionName: string): Attributes {
  return {
    'cloudevents.event_id': envelope.id,
    'cloudevents.event_source': envelope.source,
    'cloudevents.event_type': envelope.type,
    ...(typeof envelope.subject === 'string' ? { 'cloudevents.event_subject': envelope.subject } : {}),
    'herald.function': functionName,
    'herald.correlation_id': envelope.correlationid ?? envelope.id,
  };
}

/** What a delivery ended as, for its span. */
interface SpanOutcome {
  readonly kind: string;
  readonly attempt?: number;
  readonly reason?: string;
}

/**
 * Runs one delivery of `envelope` to `functionName` inside its span (a child of the publisher's), so the
 * handler's own spans and its publishes nest under it; ends the span with the outcome.
 */
export function inDeliverySpan<O extends SpanOutcome>(tracer: Tracer, envelope: Envelope, functionName: string, run: () => Promise<O>): Promise<O> {
  const parent = publisherContext(envelope);
  const span = tracer.startSpan(`process ${envelope.type}`, { kind: SpanKind.CONSUMER, attributes: eventAttributes(envelope, functionName) }, parent);
  return context.with(trace.setSpan(parent, span), run).then((outcome) => {
    span.setAttribute('herald.outcome', outcome.kind);
    if (outcome.attempt !== undefined) span.setAttribute('herald.attempt', outcome.attempt);
    if (outcome.kind === 'retry' || outcome.kind === 'dead-letter') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.reason ?? outcome.kind });
    span.end();
    return outcome;
  }, (error: unknown) => {
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    span.end();
    throw error;
  });
}

/**
 * Opens a publish span for each event a handler publishes, as a child of the current (delivery) span, and
 * stamps each event's traceparent with its span, so its deliveries become that span's children. Returns
 * the function that ends them once the send settled.
 */
export function startPublishSpans(tracer: Tracer, events: Envelope[], functionName: string): (error?: unknown) => void {
  const spans = events.map((event) => {
    const span = tracer.startSpan(`publish ${event.type}`, { kind: SpanKind.PRODUCER, attributes: eventAttributes(event, functionName) });
    (event as { traceparent?: string }).traceparent = traceparentOf(span);
    return span;
  });
  return (error) => {
    for (const span of spans) {
      if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      span.end();
    }
  };
}

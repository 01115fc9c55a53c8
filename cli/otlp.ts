/**
 * `--otlp <url>`: installs the OpenTelemetry SDK for this process and exports Herald's spans (one per
 * delivery and per publish, runtime/tracing.ts) over OTLP/HTTP to `url` (a collector, Jaeger, an APM's
 * endpoint: `http://127.0.0.1:4318/v1/traces`). Loaded only when asked for: without it, no SDK is
 * installed and the runtime creates no span.
 */
export interface TraceExport {
  /** Flushes what is buffered and uninstalls the SDK. */
  shutdown(): Promise<void>;
}

/** @throws TypeError for a URL that is not http(s) */
export async function exportTraces(url: string, serviceName: string): Promise<TraceExport> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError(`--otlp is "${url}"; it is an http(s) URL such as http://127.0.0.1:4318/v1/traces`);
  const [{ NodeTracerProvider }, { BatchSpanProcessor }, { OTLPTraceExporter }, { Resource }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'), import('@opentelemetry/sdk-trace-base'), import('@opentelemetry/exporter-trace-otlp-http'), import('@opentelemetry/resources'),
  ]);
  const provider = new NodeTracerProvider({
    resource: new Resource({ 'service.name': serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
  });
  provider.register();
  return { shutdown: () => provider.shutdown() };
}

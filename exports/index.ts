/**
 * `import … from 'herald'`: what an application and its tests import. The contract (events, the topology
 * builder, handlers, filters, errors) and the runtime's test helpers: run one handler through the same
 * pipeline every target runs (`Pipeline`: decode, validate, upcast, filter, dedupe, invoke, classify),
 * recording what it publishes (`RecordingPublisher`), with an event built as a publisher builds it (`newEnvelope`).
 */
export * from '../contracts';
export { EventRegistry, Pipeline, RecordingPublisher, newEnvelope, type Outcome, type PipelineOptions } from '../runtime';

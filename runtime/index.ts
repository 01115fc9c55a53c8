/** The runtime every adapter and transport builds on. Cloud-neutral. */
export * from './backoff';
export * from './claim-check';
export * from './codec';
export * from './context';
export * from './envelopes';
export * from './idempotency';
export * from './ingress-events';
export * from './ids';
export * from './logger';
export * from './pipeline';
export * from './publisher';
export * from './registry';
export * from './signature';
export * from './functions';
export * from './deadlines';
export * from './webhook';

/** The Kafka transport and the runtime on it (see kafka-transport.ts and runtime.ts). */
export * from './binding';
export * from './claims';
export * from './cluster-topics';
export * from './delivery-headers';
export * from './kafka-transport';
export * from './outcomes';
export * from './runtime';

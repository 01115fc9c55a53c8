/** The embedded local runtime behind `herald dev`. */
export * from './buffers';
export * from './bus';
export * from './clock';
export * from './dead-letters';
export * from './function';
export * from './http';
export * from './ingest';
export * from './queue';
export * from './runtime';
export * from './schedule';
export * from './server';
export * from './stream';
export * from './topic';
export * from './traces';
export * from './uploads';
export * from './webhooks';
export * from './work';

/** The embedded runtime's durable state on SQLite: the state database, and the transport, dead letters, traces and idempotency store on it. */
export * from './dead-letters';
export * from './deliveries';
export * from './group-commit';
export * from './idempotency';
export * from './schema';
export * from './sqlite-transport';
export * from './state';
export * from './stores';
export * from './traces';

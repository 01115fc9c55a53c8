/** The embedded runtime's durable state on SQLite: the state database, the transport and the dead letters on it. */
export * from './dead-letters';
export * from './deliveries';
export * from './group-commit';
export * from './schema';
export * from './sqlite-transport';
export * from './state';

/** The embedded runtime's durable state on SQLite: the state database and the transport on it. */
export * from './deliveries';
export * from './group-commit';
export * from './schema';
export * from './sqlite-transport';
export * from './state';

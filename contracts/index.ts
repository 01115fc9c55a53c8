/** The contract: everything a Herald application and its handlers import. Cloud-neutral. */
export * from './builder';
export * from './cron';
export * from './delivery';
export * from './duration';
export * from './envelope';
export * from './env';
export * from './errors';
export * from './events';
export * from './filter';
export * from './filter-compiler';
export * from './handler';
export * from './limits';
export * from './provider';
export * from './topology';
export * from './validate';

/**
 * Environment variables every deployed function gets, besides its cloud's JSON config (e.g. `HERALD_AWS_CONFIG`).
 */
export const ENV = {
  /** The function's logical name. */
  functionName: 'HERALD_FUNCTION',
  /** The stack, for logs. */
  stack: 'HERALD_STACK',
} as const;

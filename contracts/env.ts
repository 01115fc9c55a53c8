/**
 * The one rule naming the environment variables through which deploy code tells run-time code where its
 * resources are: `HERALD_<KIND>_<NAME>`, upper-case, non-alphanumerics as `_`. Both sides import this.
 */
export function envVarName(kind: string, logicalName: string): string {
  return `HERALD_${kind}_${logicalName}`.toUpperCase().replace(/[^A-Z0-9]/g, '_');
}

/** Environment variables every function gets. */
export const ENV = {
  /** The function's logical name. */
  functionName: 'HERALD_FUNCTION',
  /** JSON of the residual filter clauses to evaluate in the function (those the cloud could not). */
  residualFilter: 'HERALD_RESIDUAL_FILTER',
  /** The stack, for logs. */
  stack: 'HERALD_STACK',
} as const;

/**
 * The name every Herald Cloud Function registers with the Functions Framework: the deploy side sets
 * `buildConfig.entryPoint` to it, and the framework starts the function registered under it.
 * @see https://cloud.google.com/functions/docs/writing#entry-point
 */
export const GCP_ENTRY_POINT = 'herald';

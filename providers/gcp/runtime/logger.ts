/**
 * Structured logs as Cloud Logging reads them from a Cloud Run (gen2 function) container: one JSON object
 * per line on stderr, with `severity` (DEBUG, INFO, WARNING, ERROR) and `message`, which Logging turns into
 * the entry's severity and summary; the other fields become its `jsonPayload`. Without `severity` every
 * line would land with the default severity and alerting on errors would see none. The threshold is
 * `HERALD_LOG_LEVEL`, as for runtime/logger.ts.
 * @see https://cloud.google.com/run/docs/logging#writing_structured_logs
 * @see https://cloud.google.com/logging/docs/structured-logging#special-payload-fields
 */
import { createLogger, type Level, type LoggerOptions } from '../../../runtime/logger';

export const SEVERITY: Readonly<Record<Level, string>> = { debug: 'DEBUG', info: 'INFO', warn: 'WARNING', error: 'ERROR' };

export type CloudLoggerOptions = Omit<LoggerOptions, 'shape'>;

/** A logger writing Cloud Logging's structured JSON lines (Herald's logger, in Logging's line shape). */
export function cloudLogger(options: CloudLoggerOptions = {}) {
  return createLogger({ ...options, shape: (level, message, fields) => ({ ...fields, severity: SEVERITY[level], message, time: new Date().toISOString() }) });
}

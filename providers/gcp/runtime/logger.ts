/**
 * Structured logs as Cloud Logging reads them from a Cloud Run (gen2 function) container: one JSON object
 * per line on stderr, with `severity` (DEBUG, INFO, WARNING, ERROR) and `message`, which Logging turns into
 * the entry's severity and summary; the other fields become its `jsonPayload`. Without `severity` every
 * line would land with the default severity and alerting on errors would see none. The threshold is
 * `HERALD_LOG_LEVEL`, as for runtime/logger.ts.
 * @see https://cloud.google.com/run/docs/logging#writing_structured_logs
 * @see https://cloud.google.com/logging/docs/structured-logging#special-payload-fields
 */
import type { Logger } from '../../../contracts';
import type { Level } from '../../../runtime/logger';

const RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };
export const SEVERITY: Readonly<Record<Level, string>> = { debug: 'DEBUG', info: 'INFO', warn: 'WARNING', error: 'ERROR' };

export interface CloudLoggerOptions {
  /** @default process.env.HERALD_LOG_LEVEL ?? 'info' */
  readonly level?: Level;
  /** @default a line on stderr */
  readonly sink?: (line: string) => void;
  /** Fields on every line. */
  readonly fields?: Record<string, unknown>;
}

/** A logger writing Cloud Logging's structured JSON lines. */
export function cloudLogger(options: CloudLoggerOptions = {}): Logger {
  const min = RANK[options.level ?? ((process.env.HERALD_LOG_LEVEL as Level | undefined) ?? 'info')] ?? RANK.info;
  const sink = options.sink ?? ((line: string) => process.stderr.write(`${line}\n`));
  const base = options.fields ?? {};
  const write = (level: Level) => (message: string, fields?: Record<string, unknown>) => {
    if (RANK[level] < min) return;
    sink(JSON.stringify({ ...base, ...fields, severity: SEVERITY[level], message, time: new Date().toISOString() }));
  };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}

/** A structured logger: one JSON object per line, on stderr by default. */
import type { Logger } from '../contracts';

export type Level = 'debug' | 'info' | 'warn' | 'error';
const RANK: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  /** @default process.env.HERALD_LOG_LEVEL ?? 'info' */
  readonly level?: Level;
  /** @default a line on stderr */
  readonly sink?: (line: string) => void;
  /** Fields on every line. */
  readonly fields?: Record<string, unknown>;
  /** A line's object, from its level, message and fields (a platform's log format). @default `{level, time, message, ...fields}` */
  readonly shape?: (level: Level, message: string, fields: Record<string, unknown>) => Record<string, unknown>;
}

const jsonLine = (level: Level, message: string, fields: Record<string, unknown>) => ({ level, time: new Date().toISOString(), message, ...fields });

/** A JSON-lines logger. */
export function createLogger(options: LoggerOptions = {}): Logger & { child(fields: Record<string, unknown>): Logger } {
  const min = RANK[options.level ?? ((process.env.HERALD_LOG_LEVEL as Level | undefined) ?? 'info')] ?? RANK.info;
  const sink = options.sink ?? ((line: string) => process.stderr.write(`${line}\n`));
  const base = options.fields ?? {};
  const shape = options.shape ?? jsonLine;
  const write = (level: Level) => (message: string, fields?: Record<string, unknown>) => {
    if (RANK[level] < min) return;
    sink(JSON.stringify(shape(level, message, { ...base, ...fields })));
  };
  return {
    debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error'),
    child: (fields) => createLogger({ ...options, fields: { ...base, ...fields } }),
  };
}

/** A logger that drops everything (benchmarks, quiet tests). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

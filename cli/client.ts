/** Talking to a running `herald dev` server, with errors that say what to do. */
import { CLOUDEVENTS_JSON, HeraldError } from '../contracts';
import { announcedDevServer } from './dev-address';

/**
 * The dev server to talk to without `--url`: on 127.0.0.1 at `$PORT` when it is set (as `herald dev`
 * reads it), else the one a running `herald dev` announced in `.herald/dev.json` here, else port 4000.
 */
export function defaultUrl(env: Readonly<Record<string, string | undefined>> = process.env, dir = process.cwd()): string {
  if (env.PORT) return `http://127.0.0.1:${env.PORT}`;
  return announcedDevServer(dir) ?? 'http://127.0.0.1:4000';
}

/** No server answers at the URL. */
export class ServerUnavailableError extends HeraldError {
  constructor(readonly url: string, options?: ErrorOptions) {
    super(`no herald dev server at ${url} (start one with \`npm start\`, or pass --url)`, options);
  }
}

/** The server refused the request; `reason` is its `error`. */
export class RejectedError extends HeraldError {
  constructor(readonly status: number, readonly reason: string) {
    super(`rejected (${status}): ${reason}`);
  }
}

/** A client of one dev server. */
export class DevClient {
  readonly url: string;

  constructor(url: string) {
    this.url = url.replace(/\/+$/, '');
  }

  /** Publishes one event in structured mode; resolves to its id. */
  async publish(event: Record<string, unknown>): Promise<string> {
    const { ids } = await this.request<{ ids: string[] }>('POST', '/events', JSON.stringify(event), CLOUDEVENTS_JSON);
    return ids[0]!;
  }

  /** Runs a schedule now; resolves to the event it published. */
  async fire(schedule: string): Promise<{ id: string; type: string }> {
    return this.request<{ id: string; type: string }>('POST', `/schedules/${encodeURIComponent(schedule)}/fire`);
  }

  /** The dead letters a filter matches (all without one), oldest first. */
  async deadLetters<T = Record<string, unknown>>(filter: DeadLetterFilter = {}): Promise<T[]> {
    return this.request<T[]>('GET', `/dlq${queryOf(filter)}`);
  }

  /** Redrives the dead letters a filter matches (all without one) to their subscriptions; resolves to how many. */
  async redrive(filter: DeadLetterFilter = {}): Promise<number> {
    return (await this.request<{ redriven: number }>('POST', `/dlq/redrive${queryOf(filter)}`)).redriven;
  }

  /** Deletes the dead letters a filter matches (all without one) for good; resolves to how many. */
  async purge(filter: DeadLetterFilter = {}): Promise<number> {
    return (await this.request<{ purged: number }>('POST', `/dlq/purge${queryOf(filter)}`)).purged;
  }

  async traces<T = Record<string, unknown>>(correlationId: string): Promise<T[]> {
    return this.request<T[]>('GET', `/traces/${encodeURIComponent(correlationId)}`);
  }

  private async request<T>(method: string, path: string, body?: string, contentType?: string): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        method,
        ...(body !== undefined ? { body, headers: { 'content-type': contentType ?? 'application/json' } } : {}),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new ServerUnavailableError(this.url, { cause: error });
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new RejectedError(response.status, `the server answered something other than JSON: ${text.slice(0, 200)}`);
    }
    if (!response.ok) {
      const message = typeof parsed === 'object' && parsed && 'error' in parsed ? String((parsed as { error: unknown }).error) : text;
      throw new RejectedError(response.status, message);
    }
    return parsed as T;
  }
}

/** Which dead letters a `herald dlq` command means: every field given must match. */
export interface DeadLetterFilter {
  readonly id?: string;
  readonly function?: string;
  readonly type?: string;
}

function queryOf(filter: DeadLetterFilter): string {
  const entries = Object.entries(filter).filter(([, v]) => v !== undefined) as [string, string][];
  return entries.length ? `?${new URLSearchParams(entries)}` : '';
}

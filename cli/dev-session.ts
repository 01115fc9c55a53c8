/**
 * One `herald dev` session: a topology on the local runtime behind the dev HTTP server. The command
 * starts one with the project's app; tests start one on a free port with an injected clock, backoff and
 * handlers, and talk to it over HTTP.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Topology } from '../contracts';
import { cliApp } from '../providers/app-module';
import {
  createLocalRuntime, startDevServer, type DevServer, type DevServerOptions, type LocalRuntime, type LocalRuntimeOptions, type StopReport,
} from '../providers/local';

export interface DevSessionOptions extends LocalRuntimeOptions {
  /** @default the project's app (herald:app, as `herald dev` without --app loads it), with its root */
  readonly topology?: Topology;
  /** @default 4000; 0 picks a free port */
  readonly port?: number;
  /** @default 127.0.0.1 */
  readonly host?: string;
  /** Where webhook secrets are read from. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Starts the runtime (Kafka: kafkaRuntime). @default createLocalRuntime, with the transport and stores given */
  readonly start?: RuntimeStarter;
  /** Told of each request the server refused with a 4xx. */
  readonly onRejected?: DevServerOptions['onRejected'];
}

/** A started runtime and how to stop it (with whatever clients it holds). */
export interface StartedRuntime {
  readonly runtime: LocalRuntime;
  stop(graceMs: number, hurry?: AbortSignal): Promise<StopReport>;
}

export type RuntimeStarter = (topology: Topology, options: LocalRuntimeOptions) => Promise<StartedRuntime>;

const startLocal: RuntimeStarter = async (topology, options) => {
  const runtime = createLocalRuntime(topology, options);
  try {
    await runtime.ready;
  } catch (error) {
    await runtime.stop(0);
    throw error;
  }
  return { runtime, stop: (graceMs, hurry) => runtime.stop(graceMs, hurry) };
};

export interface DevSession {
  readonly url: string;
  readonly runtime: LocalRuntime;
  readonly server: DevServer;
  /** Stops the server, then the runtime (see LocalRuntime.stop). */
  stop(graceMs: number, hurry?: AbortSignal): Promise<StopReport>;
}

/** Starts a dev session; resolves once it is listening. */
export async function startDevSession(options: DevSessionOptions = {}): Promise<DevSession> {
  let { topology, root } = options;
  if (!topology) {
    const loaded = cliApp();
    topology = loaded.topology;
    root ??= loaded.app.root;
  }
  const started = await (options.start ?? startLocal)(topology, {
    ...options,
    ...(root ? { root } : {}),
    // Uploads land where the user started herald dev, beside the shutdown reports.
    bucketsDir: options.bucketsDir ?? path.join(process.cwd(), '.herald', 'buckets'),
  });
  const { runtime } = started;
  let server: DevServer;
  try {
    server = await startDevServer(runtime, {
      ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.host ? { host: options.host } : {}),
      ...(options.env ? { env: options.env } : {}),
      ...(options.onRejected ? { onRejected: options.onRejected } : {}),
    });
  } catch (error) {
    await started.stop(0);
    throw error;
  }
  return {
    url: server.url,
    runtime,
    server,
    async stop(graceMs, hurry) {
      // Stop accepting first, then let the in-flight work finish while the listener closes.
      const report = started.stop(graceMs, hurry);
      await server.close();
      return report;
    },
  };
}

/**
 * Saves what an ephemeral (`--memory`) run would lose at a stop, dead letters or undelivered events with
 * their subscriptions, as JSON to look at. Resolves to the file.
 */
export async function saveJson(items: readonly unknown[], dir: string, name: string, now = new Date()): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${name}-${now.toISOString().replace(/[:.]/g, '-')}.json`);
  await writeFile(file, `${JSON.stringify(items, null, 2)}\n`);
  return file;
}

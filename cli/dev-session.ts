/**
 * One `herald dev` session: a topology on the local runtime behind the dev HTTP server. The command
 * starts one with the project's app; tests start one on a free port with an injected clock, backoff and
 * handlers, and talk to it over HTTP.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { assertValidTopology, deliveryPlan, type Topology } from '../contracts';
import { loadHandler } from '../runtime';
import { cliApp } from '../providers/app-module';
import {
  RuntimeHandle, createLocalRuntime, keptStores, startDevServer, topologyDiff,
  type DevServer, type DevServerOptions, type LocalRuntime, type LocalRuntimeOptions, type StopReport, type TopologyChange,
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

/** How long a reload that restarts the runtime lets in-flight deliveries finish before the new one starts. */
export const RELOAD_GRACE_MS = 2_000;

/** What a reload did. */
export interface ReloadReport {
  /** What the new topology declares differently (empty: only code changed, and it was swapped in place). */
  readonly changes: readonly TopologyChange[];
  /** Whether the runtime was restarted on the new topology (its stores kept). */
  readonly restarted: boolean;
  /** What the old runtime left unsettled at the restart: none on a durable transport (the new runtime delivers them), memory's otherwise. */
  readonly left: StopReport['undelivered'];
}

export interface DevSession {
  readonly url: string;
  /** The runtime the server serves: a handle that stays the same object across reloads. */
  readonly runtime: LocalRuntime;
  readonly server: DevServer;
  /**
   * Runs `next` (the app's topology, loaded afresh with its modules): when it declares what runs now, its
   * code is swapped in place (LocalRuntime.swapCode: queues, retries, dead letters, traces and claims
   * untouched); otherwise its handlers are loaded, then the runtime is stopped (in-flight deliveries get
   * RELOAD_GRACE_MS) and started again on `next` with the same stores, requests arriving meanwhile waiting
   * for it. Nothing is replaced when `next` is invalid or a handler fails to load: the old code keeps running.
   * @throws TopologyError, or whatever loading a handler throws, before anything changed
   */
  reload(next: Topology): Promise<ReloadReport>;
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
  const start = options.start ?? startLocal;
  const runtimeOptions: LocalRuntimeOptions = {
    ...options,
    // Made once: a reload's new runtime keeps the traces, dead letters and claims of the one before.
    ...keptStores(options),
    ...(root ? { root } : {}),
    // Uploads land where the user started herald dev, beside the shutdown reports.
    bucketsDir: options.bucketsDir ?? path.join(process.cwd(), '.herald', 'buckets'),
  };
  let started = await start(topology, runtimeOptions);
  const runtime = new RuntimeHandle(started.runtime);
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
  /** The reload under way, if any: a stop waits for it, and reloads run one at a time. */
  let reloading: Promise<unknown> = Promise.resolve();
  const restart = async (next: Topology) => {
    const left = await started.stop(RELOAD_GRACE_MS);
    try {
      started = await start(next, runtimeOptions);
    } catch (error) {
      // The new topology's runtime could not start (its transport refused): run the old one again.
      started = await start(runtime.runtime.topology, runtimeOptions);
      runtime.replace(started.runtime);
      throw error;
    }
    runtime.replace(started.runtime);
    return left.undelivered;
  };
  return {
    url: server.url,
    runtime,
    server,
    reload(next) {
      const done = reloading.then(async (): Promise<ReloadReport> => {
        const changes = topologyDiff(runtime.topology, next, runtime.delivery);
        if (!changes.length) {
          runtime.swapCode(next);
          return { changes, restarted: false, left: [] };
        }
        assertValidTopology(next);
        // Loaded (and so cached) before the old runtime stops: the new one takes the same modules.
        loadHandlers(next, runtime.delivery, runtimeOptions);
        const left = await runtime.hold(restart(next));
        server.topologyChanged();
        return { changes, restarted: true, left };
      });
      reloading = done.catch(() => {});
      return done;
    },
    async stop(graceMs, hurry) {
      await reloading;
      // Stop accepting first, then let the in-flight work finish while the listener closes.
      const report = started.stop(graceMs, hurry);
      await server.close();
      return report;
    },
  };
}

/**
 * Loads the handler of every function `t` delivers to (of those the session consumes): a module that fails
 * to load fails the reload before the running runtime is touched.
 */
function loadHandlers(t: Topology, delivery: LocalRuntime['delivery'], options: LocalRuntimeOptions): void {
  const names = new Set(deliveryPlan(t, delivery).channels.map((c) => c.function));
  for (const name of names) {
    if (options.handlers?.[name] || (options.functions && !options.functions.includes(name))) continue;
    loadHandler(options.root ?? process.cwd(), t.functions.find((f) => f.name === name)!);
  }
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

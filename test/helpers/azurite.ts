/**
 * Azurite, Microsoft's Blob and Table Storage emulator (npm `azurite` 3.35.0, the last that runs on Node
 * 20), started for real by the tests that need it: `azurite-blob` and `azurite-table` on free 127.0.0.1
 * ports, in memory, without telemetry (with it on, Azurite ignores SIGTERM), and without the API-version
 * check (the SDKs installed speak a newer version than 3.35.0 knows). Stopped by `stop()`, and never left
 * running when the test process exits first.
 * The account is Azurite's well-known development account; its key is public and fit for tests only.
 * @see https://learn.microsoft.com/azure/storage/common/storage-use-azurite#well-known-storage-account-and-key
 */
import { AzureNamedKeyCredential, TableClient } from '@azure/data-tables';
import { ContainerClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, connect } from 'node:net';
import * as path from 'node:path';

export const AZURITE_ACCOUNT = 'devstoreaccount1';
export const AZURITE_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

const BIN = path.resolve(__dirname, '../../node_modules/.bin');

export interface Azurite {
  /** `http://127.0.0.1:<port>/devstoreaccount1` */
  readonly blobEndpoint: string;
  readonly tableEndpoint: string;
  /** A client of `container` (created on first use by the caller: `createIfNotExists`). */
  container(name: string): ContainerClient;
  table(name: string): TableClient;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (the OS's pick, released for the server to take). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function listening(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`azurite exited (${child.exitCode}) before listening on ${port}`);
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`azurite did not listen on ${port} within ${timeoutMs} ms`);
}

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

async function service(kind: 'blob' | 'table'): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = spawn(path.join(BIN, `azurite-${kind}`), [
    '--inMemoryPersistence', '--disableTelemetry', '--skipApiVersionCheck', '--silent',
    // Blob keeps extents in memory (by default up to half the machine's RAM); Table has no such option.
    ...(kind === 'blob' ? ['--extentMemoryLimit', '64'] : []),
    `--${kind}Host`, '127.0.0.1', `--${kind}Port`, String(port),
  ], { stdio: 'ignore' });
  live.add(child);
  child.once('exit', () => live.delete(child));
  // The test process must not wait for the server: a run that ends without stop() kills it on exit.
  child.unref();
  try {
    await listening(port, child, 15_000);
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return { port, child };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Starts Blob and Table services. */
export async function startAzurite(): Promise<Azurite> {
  const started = await Promise.allSettled([service('blob'), service('table')]);
  const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) {
    await Promise.all(started.map((s) => (s.status === 'fulfilled' ? stopChild(s.value.child) : undefined)));
    throw failed.reason;
  }
  const [blob, table] = started.map((s) => (s as PromiseFulfilledResult<{ port: number; child: ChildProcess }>).value) as [{ port: number; child: ChildProcess }, { port: number; child: ChildProcess }];
  const blobEndpoint = `http://127.0.0.1:${blob.port}/${AZURITE_ACCOUNT}`;
  const tableEndpoint = `http://127.0.0.1:${table.port}/${AZURITE_ACCOUNT}`;
  const blobKey = new StorageSharedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY);
  const tableKey = new AzureNamedKeyCredential(AZURITE_ACCOUNT, AZURITE_KEY);
  return {
    blobEndpoint,
    tableEndpoint,
    container: (name) => new ContainerClient(`${blobEndpoint}/${name}`, blobKey),
    // Azurite serves Table Storage over http: the SDK refuses a shared key over http unless told.
    table: (name) => new TableClient(tableEndpoint, name, tableKey, { allowInsecureConnection: true }),
    stop: async () => {
      await Promise.all([stopChild(blob.child), stopChild(table.child)]);
    },
  };
}

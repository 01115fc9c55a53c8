/**
 * A real Firestore for tests: Google's Cloud Firestore emulator (the `google-cloud-cli-firestore-emulator`
 * package of the Google Cloud CLI, a Java program), one process per call on a free 127.0.0.1 port, empty
 * when it starts. Clients reach it through `FIRESTORE_EMULATOR_HOST`. A missing emulator is a clear
 * error, never a skip.
 * @see https://cloud.google.com/firestore/docs/emulator
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';

/** Where the Google Cloud CLI's apt package installs the emulator's launcher. */
export const FIRESTORE_EMULATOR = '/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud_firestore_emulator';
const READY = 'Dev App Server is now running';
const START_TIMEOUT_MS = 60_000;

export interface FirestoreEmulator {
  /** `127.0.0.1:<port>`, the value of `FIRESTORE_EMULATOR_HOST`. */
  readonly host: string;
  /** Stops the emulator (its whole process group: the launcher and its JVM). Idempotent. */
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts the emulator and resolves once it serves. @throws Error naming the package when it is not installed */
export async function startFirestoreEmulator(): Promise<FirestoreEmulator> {
  if (!existsSync(FIRESTORE_EMULATOR)) {
    throw new Error(`the Firestore emulator is not installed (${FIRESTORE_EMULATOR} is missing): apt-get install google-cloud-cli-firestore-emulator`);
  }
  const port = await freePort();
  // Its own process group, so stop() ends the JVM the launcher starts too.
  const child = spawn(FIRESTORE_EMULATOR, ['start', `--host=127.0.0.1`, `--port=${port}`], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';
  let stopping: Promise<void> | undefined;
  const stop = () => (stopping ??= (async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) {
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
      const late = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 5_000);
      await exited;
      clearTimeout(late);
    }
  })());
  process.once('exit', () => { if (child.pid !== undefined && child.exitCode === null) { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } } });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      const seen = (chunk: Buffer) => {
        output = (output + String(chunk)).slice(-4_000);
        if (output.includes(READY)) { clearTimeout(timer); resolve(); }
      };
      child.stdout!.on('data', seen);
      child.stderr!.on('data', seen);
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`it exited (${code}) before it was ready`)); });
    });
  } catch (error) {
    await stop();
    throw new Error(`the Firestore emulator did not start: ${(error as Error).message}\n${output}`, { cause: error });
  }
  return { host: `127.0.0.1:${port}`, stop };
}

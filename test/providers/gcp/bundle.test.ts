/**
 * The GCP bundle target: the file set a Cloud Function (gen2) runs, and the bundle itself run the way the
 * buildpack runs it: its `index.js` loaded as the `main` of its package.json, registering the function
 * with the Functions Framework, then served by the framework's own test server and sent real HTTP
 * requests (no Pub/Sub call is needed by any of them: the paths that publish are the runtime tests').
 */
import { getTestServer } from '@google-cloud/functions-framework/testing';
import { expect } from 'chai';
import Module from 'node:module';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { appRoot, shop } from '../../../app/topology';
import type { AppModule, FunctionSpec } from '../../../contracts';
import { GCP_ENTRY_POINT, bundleHandler, bundleIngress, packageJson } from '../../../providers/gcp/bundle';
import { invokeConfig, invokeIngressConfig } from '../../../providers/gcp/invoke';
import { invokeTarget, type InvokeTarget } from '../../../providers/gcp/invoke-target';
import { offlineChannel } from '../../../providers/gcp/offline';
import { GCP_CONFIG_ENV } from '../../../providers/gcp/runtime/config';
import { encodeDocumentEventData, firestoreFields } from '../../../providers/gcp/runtime/document-event';
import { encodePush } from '../../../providers/gcp/runtime/push';
import { envelope } from '../../fixtures/aws';

const ROOT = path.resolve(__dirname, '../../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const PINNED = (require('../../../package.json') as { dependencies: Record<string, string> }).dependencies;
const fn = (name: string): FunctionSpec => shop.functions.find((f) => f.name === name)!;
const app: AppModule = { module: path.join(ROOT, 'app/topology.ts'), exportName: 'shop', root: appRoot };

/** Loads a bundle's index.js as a CommonJS module resolving packages from the repository (as from its installed dependencies). */
function load(code: string): void {
  const file = path.join(ROOT, 'herald-bundle-under-test.js');
  const m = new Module(file);
  m.filename = file;
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(ROOT);
  (m as unknown as { _compile(code: string, file: string): void })._compile(code, file);
}

/** POSTs to the function registered under the entry point, through the Functions Framework's server. */
async function post(headers: Record<string, string>, body: string | Buffer): Promise<{ status: number; text: string }> {
  const server = getTestServer(GCP_ENTRY_POINT);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers, body });
    return { status: res.status, text: await res.text() };
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

/** Runs `f` with the config in the environment and the bundle's JSON log lines kept off the test output. */
async function withConfig<T>(config: unknown, f: () => Promise<T>): Promise<T> {
  const write = process.stderr.write;
  process.env[GCP_CONFIG_ENV] = JSON.stringify(config);
  process.stderr.write = ((chunk: string) => (String(chunk).startsWith('{') ? true : write.call(process.stderr, chunk))) as typeof process.stderr.write;
  try {
    return await f();
  } finally {
    process.stderr.write = write;
    delete process.env[GCP_CONFIG_ENV];
  }
}

describe('providers/gcp/bundle', function () {
  this.timeout(60_000);

  it('bundles a function into index.js and a package.json whose main it is, the Google libraries external and pinned as tested', () => {
    const bundle = bundleHandler(appRoot, fn('send-confirmation'));
    expect(Object.keys(bundle.files).sort()).to.deep.equal(['index.js', 'package.json']);
    const code = bundle.files['index.js']!;
    expect(code).to.match(/require\("@google-cloud\/functions-framework"\)/);
    expect(code).to.match(/require\("@google-cloud\/pubsub"\)/);
    expect(code).to.not.match(/require\("zod"\)|require\("protobufjs"\)/);
    const pkg = JSON.parse(bundle.files['package.json']!) as { main: string; dependencies: Record<string, string> };
    expect(pkg.main).to.equal('index.js');
    expect(pkg.dependencies).to.deep.equal({
      '@google-cloud/firestore': PINNED['@google-cloud/firestore'], '@google-cloud/functions-framework': PINNED['@google-cloud/functions-framework'],
      '@google-cloud/pubsub': PINNED['@google-cloud/pubsub'], '@google-cloud/storage': PINNED['@google-cloud/storage'],
    });
    expect(bundle.bytes).to.equal(Buffer.byteLength(code) + Buffer.byteLength(bundle.files['package.json']!));
  });

  it("lists the Functions Framework and exactly the Google libraries the code requires, and refuses one the repository does not pin", () => {
    expect(Object.keys(JSON.parse(packageJson('require("@google-cloud/pubsub")')).dependencies)).to.deep.equal(['@google-cloud/functions-framework', '@google-cloud/pubsub']);
    expect(() => packageJson('require("@google-cloud/bigquery")')).to.throw(Error, 'the GCP bundle requires @google-cloud/bigquery, which package.json does not pin');
  });

  it('carries the Firestore protobuf schema only in the change ingress bundle', () => {
    expect(bundleIngress('change', app).files['index.js']).to.include('google.events.cloud.firestore.v1');
    expect(bundleHandler(appRoot, fn('audit-orders')).files['index.js']).to.not.include('google.events.cloud.firestore.v1');
  });

  it("runs a user function's bundle behind the Functions Framework: a push answered 204, what is not a push 400", async () => {
    load(bundleHandler(appRoot, fn('send-confirmation')).files['index.js']!);
    // Without the Firestore store (it would need credentials): the run needs no Google API at all.
    const { idempotency: _, ...config } = invokeConfig(shop, 'send-confirmation');
    const subscription = offlineChannel({ subscription: config.channels[0]!.subscription }).subscription;
    const confirmed = envelope({ type: 'OrderConfirmed.v1', source: 'shop.orders', data: { orderId: 'o-1', paymentId: 'p-1', amount: 1, currency: 'EUR' } });
    await withConfig(config, async () => {
      const ok = await post({ 'content-type': 'application/json' }, JSON.stringify(encodePush(confirmed, { subscription })));
      expect([ok.status, ok.text]).to.deep.equal([204, '']);
      const notPush = await post({ 'content-type': 'application/json' }, '{"foo":"bar"}');
      expect(notPush.status).to.equal(400);
      expect(JSON.parse(notPush.text)).to.deep.equal({ outcome: 'retry', reason: 'the request body is not a Pub/Sub push' });
    });
  });

  it('runs the webhook ingress bundle over HTTP: a forged signature is refused with 401 and the error', async () => {
    load(bundleIngress('webhook', app).files['index.js']!);
    const config = invokeIngressConfig(shop, invokeTarget(shop, 'webhook:payments') as Exclude<InvokeTarget, { kind: 'function' }>);
    await withConfig(config, async () => {
      const a = await post({ 'content-type': 'application/json', 'herald-signature': 't=1,v1=00' }, '{"orderId":"o-1"}');
      expect(a.status).to.equal(401);
      expect(JSON.parse(a.text)).to.have.property('error').that.is.a('string');
    });
  });

  it('runs the change ingress bundle as a cloudEvent() function: a binary-mode Firestore event with protobuf data reaches the decoder', async () => {
    load(bundleIngress('change', app).files['index.js']!);
    const config = invokeIngressConfig(shop, invokeTarget(shop, 'change:customers') as Exclude<InvokeTarget, { kind: 'function' }>);
    const data = encodeDocumentEventData({ value: { name: 'projects/p/databases/(default)/documents/orders/o-1', fields: firestoreFields({ a: 1 }) } });
    await withConfig(config, async () => {
      // A write to another collection: decoded, then acknowledged without a publish.
      const a = await post({
        'content-type': 'application/protobuf', 'ce-specversion': '1.0', 'ce-id': 'evt-1', 'ce-type': 'google.cloud.firestore.document.v1.written',
        'ce-source': '//firestore.googleapis.com/projects/p/databases/(default)', 'ce-subject': 'documents/orders/o-1',
      }, Buffer.from(data));
      expect(a.status).to.equal(204);
      // Structured mode, the protobuf as data_base64: read the same way.
      const structured = (dataBase64: string) => JSON.stringify({
        specversion: '1.0', id: 'evt-2', type: 'google.cloud.firestore.document.v1.written', source: '//firestore.googleapis.com/projects/p/databases/(default)',
        datacontenttype: 'application/protobuf', data_base64: dataBase64,
      });
      expect((await post({ 'content-type': 'application/cloudevents+json' }, structured(Buffer.from(data).toString('base64')))).status).to.equal(204);
    });
  });
});

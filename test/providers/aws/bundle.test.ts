import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { shop, appRoot } from '../../../app/topology';
import type { FunctionSpec } from '../../../contracts';
import { bundleHandler, bundleIngress } from '../../../providers/aws/bundle';
import { AWS_CONFIG_ENV } from '../../../providers/aws/runtime/config';
import { envelope, sqsEvent, sqsRecord } from '../../fixtures/aws';

const fn = (name: string): FunctionSpec => shop.functions.find((f) => f.name === name)!;

/** Loads a bundle's code as a CommonJS module, as the Lambda runtime does with index.js. */
function load(code: string): { handler: (event: unknown) => Promise<unknown> } {
  const dir = mkdtempSync(path.join(tmpdir(), 'herald-bundle-'));
  const file = path.join(dir, 'index.js');
  writeFileSync(file, code);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(file);
}

describe('providers/aws/bundle', function () {
  this.timeout(60_000);

  it('bundles a function into exactly one CommonJS file, index.js, whose exports.handler runs it, the AWS SDK left external', async () => {
    const bundle = bundleHandler(appRoot, fn('send-confirmation'));
    expect(Object.keys(bundle.files)).to.deep.equal(['index.js']);
    const code = bundle.files['index.js']!;
    expect(bundle.bytes).to.equal(Buffer.byteLength(code));
    expect(code).to.not.match(/from ["']zod["']|require\(["']zod["']\)/);
    expect(code).to.match(/require\("@aws-sdk\/client-eventbridge"\)/);
    const config = { kind: 'function', name: 'send-confirmation', timeoutMs: 10_000, allowedPublishes: [], channels: [], sources: {}, deadLetterQueues: {} };
    process.env[AWS_CONFIG_ENV] = JSON.stringify(config);
    // The bundle logs JSON lines on stderr, as in Lambda: capture them.
    const logged: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => { logged.push(String(chunk)); return true; }) as typeof process.stderr.write;
    try {
      const { handler } = load(code);
      const good = envelope({ type: 'OrderConfirmed.v1', source: 'shop.orders', data: { orderId: 'o-1', paymentId: 'p-1', amount: 1, currency: 'EUR' } });
      const bad = envelope({ type: 'OrderConfirmed.v1', source: 'shop.orders', data: { orderId: 'o-1' } });
      const response = await handler(sqsEvent(sqsRecord(JSON.stringify(good), { messageId: 'a' }), sqsRecord(JSON.stringify(bad), { messageId: 'b' })));
      expect(response).to.deep.equal({ batchItemFailures: [{ itemIdentifier: 'b' }] });
      const failure = logged.map((l) => JSON.parse(l)).find((l) => l.itemId === 'b');
      expect(failure.reason).to.match(/^SchemaValidationError: OrderConfirmed\.v1 data is invalid/);
    } finally {
      process.stderr.write = write;
      delete process.env[AWS_CONFIG_ENV];
    }
  });

  it('keeps error class names through minification, so dead-letter reasons stay readable', () => {
    expect(bundleHandler(appRoot, fn('charge-payment')).files['index.js']).to.match(/"SchemaValidationError"/);
  });

  it('bundles a handler module once however many functions use it, and different modules apart', () => {
    const first = bundleHandler(appRoot, fn('make-thumbnail'));
    const many = Array.from({ length: 50 }, (_, i) => bundleHandler(appRoot, { ...fn('make-thumbnail'), name: `copy-${i}` }));
    expect(many.every((b) => b === first)).to.equal(true);
    expect(bundleHandler(appRoot, fn('index-metadata')).hash).to.not.equal(first.hash);
  });

  it('bundles each ingress kind from the topology module', () => {
    const app = { module: path.join(appRoot, 'app/topology.ts'), exportName: 'shop', root: appRoot };
    const hashes = (['webhook', 'upload', 'change'] as const).map((kind) => {
      const b = bundleIngress(kind, app);
      expect(Object.keys(b.files), kind).to.deep.equal(['index.js']);
      expect(b.files['index.js'], kind).to.match(/createIngressHandler|webhook/);
      return b.hash;
    });
    expect(new Set(hashes).size).to.equal(3);
  });

  it('names the function when its module cannot be bundled', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'herald-bad-'));
    writeFileSync(path.join(dir, 'broken.ts'), 'export const handler = ;');
    expect(() => bundleHandler(dir, { ...fn('make-thumbnail'), name: 'broken', handler: 'broken.ts' })).to.throw(Error, /cannot bundle function "broken" \(broken\.ts\).*broken\.ts:1/);
    expect(() => bundleHandler(dir, { ...fn('make-thumbnail'), name: 'missing', handler: 'missing.ts' })).to.throw(Error, /cannot bundle function "missing"/);
  });
});

/**
 * The bundling core, through a fake target that adds a `package.json` around its code (as Azure and GCP
 * will): the file set, its hash, the cache, and errors that name the function.
 */
import { expect } from 'chai';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { FunctionSpec } from '../../contracts';
import { bundleHandler, bundleIngress, fileSet, type BundleTarget } from '../../providers/bundle';

/** A project on disk: a target runtime with a factory, two handler modules, a topology module. */
function project(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'herald-core-bundle-'));
  const files: Record<string, string> = {
    'runtime.ts': 'export function wrap(wrapped: { name: string }, ...rest: unknown[]) { return async (event: unknown) => ({ ran: wrapped.name, event, rest }); }',
    'greet.ts': "export const handler = { name: 'greet' };",
    'farewell.ts': "export const handler = { name: 'farewell' };",
    'uses-platform.ts': "import { platformThing } from 'herald-platform-provided';\nexport const handler = { name: platformThing };",
    'broken.ts': 'export const handler = ;',
    'topology.ts': "export const app = { name: 'shop' };",
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

/** A target shaped like the ones to come: code in `main.js`, a `package.json` pointing at it. */
function fakeTarget(dir: string, calls: string[] = []): BundleTarget {
  const runtime = { module: path.join(dir, 'runtime.ts'), factory: 'wrap' };
  return {
    codeFile: 'main.js',
    build: { external: ['herald-platform-provided'], target: 'node22', format: 'cjs' },
    entries: { handler: runtime, ingress: runtime },
    extraFiles: (code) => {
      calls.push(code);
      return { 'package.json': JSON.stringify({ name: 'fn', main: 'main.js' }) };
    },
  };
}

const spec = (name: string, handler: string): FunctionSpec => ({ kind: 'fn', name, handler, timeout: '10s', memory: 256, environment: {} });

/** Writes a file set into a fresh folder and loads the folder as a package (so `main` is what finds the code). */
function loadPackage(files: Readonly<Record<string, string>>): { handler: (event: unknown) => Promise<unknown> } {
  const dir = mkdtempSync(path.join(tmpdir(), 'herald-core-package-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(dir);
}

describe('providers/bundle', function () {
  this.timeout(60_000);
  let dir: string;
  before(() => { dir = project(); });

  describe('fileSet', () => {
    it('hashes names and contents whatever the order they are given in, and totals the bytes', () => {
      const a = fileSet({ 'index.js': 'code', 'package.json': '{}' });
      const b = fileSet({ 'package.json': '{}', 'index.js': 'code' });
      expect(a.hash).to.match(/^[0-9a-f]{64}$/).and.to.equal(b.hash);
      expect(a.bytes).to.equal(6);
    });

    it('changes the hash when any one file, its name, or the set of files changes', () => {
      const base = fileSet({ 'index.js': 'code', 'package.json': '{}' });
      const variants = [
        fileSet({ 'index.js': 'code!', 'package.json': '{}' }),
        fileSet({ 'index.js': 'code', 'package.json': '{ }' }),
        fileSet({ 'main.js': 'code', 'package.json': '{}' }),
        fileSet({ 'index.js': 'code' }),
        // The same bytes split differently between name and content.
        fileSet({ 'index.jsc': 'ode', 'package.json': '{}' }),
      ];
      for (const v of variants) expect(v.hash, JSON.stringify(v.files)).to.not.equal(base.hash);
    });
  });

  describe('bundleHandler', () => {
    it('builds the code file plus the files the target adds, and the set runs as a package', async () => {
      const bundle = bundleHandler(fakeTarget(dir), dir, spec('greet', 'greet.ts'));
      expect(Object.keys(bundle.files).sort()).to.deep.equal(['main.js', 'package.json']);
      expect(JSON.parse(bundle.files['package.json']!).main).to.equal('main.js');
      expect(bundle.bytes).to.equal(Buffer.byteLength(bundle.files['main.js']!) + Buffer.byteLength(bundle.files['package.json']!));
      expect(bundle.hash).to.equal(fileSet(bundle.files).hash);
      const { handler } = loadPackage(bundle.files);
      expect(await handler({ n: 1 })).to.deep.equal({ ran: 'greet', event: { n: 1 }, rest: [] });
    });

    it('hands the target\'s extra files the built code', () => {
      const calls: string[] = [];
      const bundle = bundleHandler(fakeTarget(dir, calls), dir, spec('greet', 'greet.ts'));
      expect(calls).to.deep.equal([bundle.files['main.js']]);
    });

    it('changes the hash when only the extra files differ, and when the code differs', () => {
      const target = fakeTarget(dir);
      const other: BundleTarget = { ...target, extraFiles: () => ({ 'package.json': JSON.stringify({ name: 'fn', main: 'main.js', private: true }) }) };
      const greet = bundleHandler(target, dir, spec('greet', 'greet.ts'));
      const greetOther = bundleHandler(other, dir, spec('greet', 'greet.ts'));
      expect(greetOther.files['main.js']).to.equal(greet.files['main.js']);
      expect(greetOther.hash).to.not.equal(greet.hash);
      expect(bundleHandler(target, dir, spec('farewell', 'farewell.ts')).hash).to.not.equal(greet.hash);
    });

    it('builds a module once per target however many functions use it', () => {
      const calls: string[] = [];
      const target = fakeTarget(dir, calls);
      const first = bundleHandler(target, dir, spec('greet', 'greet.ts'));
      const again = bundleHandler(target, dir, spec('greet-again', './greet.ts'));
      expect(again).to.equal(first);
      expect(calls).to.have.length(1);
      const elsewhere = fakeTarget(dir, calls);
      expect(bundleHandler(elsewhere, dir, spec('greet', 'greet.ts'))).to.not.equal(first);
      expect(calls).to.have.length(2);
    });

    it('leaves the packages the target names external, and fails on them when it does not', () => {
      const target = fakeTarget(dir);
      expect(bundleHandler(target, dir, spec('platform', 'uses-platform.ts')).files['main.js']).to.match(/require\("herald-platform-provided"\)/);
      const bare: BundleTarget = { ...target, build: { ...target.build, external: [] } };
      expect(() => bundleHandler(bare, dir, spec('platform', 'uses-platform.ts'))).to.throw(Error, /cannot bundle function "platform" \(uses-platform\.ts\): .*herald-platform-provided/);
    });

    it('names the function, its module and the failing line when the module cannot be built', () => {
      const target = fakeTarget(dir);
      expect(() => bundleHandler(target, dir, spec('broken', 'broken.ts'))).to.throw(Error, /^cannot bundle function "broken" \(broken\.ts\): .*broken\.ts:1: /);
      expect(() => bundleHandler(target, dir, spec('missing', 'missing.ts'))).to.throw(Error, /^cannot bundle function "missing" \(missing\.ts\): /);
    });

    it('refuses a target whose extra files would overwrite its code', () => {
      const clobbering: BundleTarget = { ...fakeTarget(dir), extraFiles: () => ({ 'main.js': '' }) };
      expect(() => bundleHandler(clobbering, dir, spec('greet', 'greet.ts'))).to.throw(Error, /adds a file named like its code file \(main\.js\)/);
    });
  });

  describe('bundleIngress', () => {
    it('wraps the app\'s topology export with the ingress kind, in the same kind of file set', async () => {
      const app = { module: path.join(dir, 'topology.ts'), exportName: 'app', root: dir };
      const bundle = bundleIngress(fakeTarget(dir), 'upload', app);
      expect(Object.keys(bundle.files).sort()).to.deep.equal(['main.js', 'package.json']);
      const { handler } = loadPackage(bundle.files);
      expect(await handler('e')).to.deep.equal({ ran: 'shop', event: 'e', rest: [{ kind: 'upload' }] });
      expect(bundleIngress(fakeTarget(dir), 'change', app).hash).to.not.equal(bundle.hash);
    });
  });
});

/** The app module, from one place: parsing `herald:app`, finding the topology, and where the CLI and the program read it. */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { shop } from '../../app/topology';
import {
  AppModuleError, DEFAULT_APP, cliApp, configuredApp, findProjectDir, isTopology, loadApp, parseAppSpec, pickTopology,
} from '../../providers/app-module';

const ROOT = path.resolve(__dirname, '../..');
const FIXTURES = path.join(ROOT, 'test/fixtures/apps');

describe('app module', () => {
  describe('parseAppSpec', () => {
    it('splits <module>#<export> and leaves the export out when none is named', () => {
      expect(parseAppSpec('app/topology.ts#shop')).to.deep.equal({ module: 'app/topology.ts', exportName: 'shop' });
      expect(parseAppSpec('app/topology.ts')).to.deep.equal({ module: 'app/topology.ts' });
    });

    it('refuses an empty module or an empty export', () => {
      expect(() => parseAppSpec('#shop')).to.throw(AppModuleError, /names no module/);
      expect(() => parseAppSpec('app/topology.ts#')).to.throw(AppModuleError, /empty export after #/);
    });
  });

  describe('pickTopology', () => {
    const spec = { module: 'm.ts' };
    it('finds the one topology export by type, and takes a named one', () => {
      expect(pickTopology({ appRoot: '/x', shop }, spec, 'm')).to.deep.equal({ exportName: 'shop', topology: shop });
      expect(pickTopology({ other: shop, shop }, { module: 'm.ts', exportName: 'other' }, 'm').exportName).to.equal('other');
    });

    it('says what is wrong: no such export, not a topology, none, several', () => {
      expect(() => pickTopology({ shop }, { module: 'm.ts', exportName: 'shp' }, 'app module m.ts')).to.throw(AppModuleError, /^app module m\.ts has no export named "shp"; its exports: shop$/);
      expect(() => pickTopology({ appRoot: '/x' }, { module: 'm.ts', exportName: 'appRoot' }, 'm')).to.throw(AppModuleError, /export "appRoot" is not a topology \(a string\)/);
      expect(() => pickTopology({ appRoot: '/x' }, spec, 'm')).to.throw(AppModuleError, /^m exports no topology;/);
      expect(() => pickTopology({ a: shop, b: shop }, spec, 'm')).to.throw(AppModuleError, /^m exports 2 topologies \(a, b\); name one: m\.ts#a$/);
    });

    it('takes a topology by its shape only', () => {
      expect(isTopology(shop)).to.equal(true);
      expect(isTopology({ ...shop, functions: undefined })).to.equal(false);
      expect(isTopology('shop')).to.equal(false);
    });
  });

  describe('loadApp', () => {
    it('loads the example app by default, its module absolute and its root the project', () => {
      const { topology, app } = loadApp(DEFAULT_APP, ROOT);
      expect(topology).to.equal(shop);
      expect(app).to.deep.equal({ module: path.join(ROOT, 'app/topology.ts'), exportName: 'shop', root: ROOT });
    });

    it('names the module and what is wrong with it', () => {
      expect(() => loadApp('app/nowhere.ts', ROOT)).to.throw(AppModuleError, /^app module app\/nowhere\.ts \(in .+\): no such file; set herald:app or pass --app/);
      expect(() => loadApp('app/events.ts', ROOT)).to.throw(AppModuleError, /^app module app\/events\.ts \(in .+\) exports no topology/);
      expect(() => loadApp('test/fixtures/apps/broken.ts', ROOT)).to.throw(AppModuleError, /broken\.ts \(in .+\) failed to load: declaration failed on purpose/);
      expect(() => loadApp('test/fixtures/apps/two-apps.ts', ROOT)).to.throw(AppModuleError, /exports 2 topologies \(audit, mail\); name one: test\/fixtures\/apps\/two-apps\.ts#audit/);
      expect(() => loadApp('test/fixtures/apps/two-apps.ts#version', ROOT)).to.throw(AppModuleError, /export "version" is not a topology \(a number\)/);
    });

    it('takes the named one of several', () => {
      expect(loadApp('test/fixtures/apps/two-apps.ts#audit', ROOT).topology.name).to.equal('audit');
    });
  });

  describe('where the CLI reads herald:app', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'herald-app-module-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    const project = (config: string, stack?: string) => {
      writeFileSync(path.join(dir, 'Pulumi.yaml'), `name: herald\nruntime: nodejs\nconfig:\n${config}`);
      if (stack !== undefined) writeFileSync(path.join(dir, 'Pulumi.dev.yaml'), `config:\n${stack}`);
    };

    it('reads a declared default, a value or a short-form value from Pulumi.yaml, and the stack file over it', () => {
      project('  herald:app:\n    type: string\n    default: a.ts\n');
      expect(configuredApp(dir, 'dev')).to.equal('a.ts');
      project('  herald:app:\n    value: b.ts#b\n');
      expect(configuredApp(dir, 'dev')).to.equal('b.ts#b');
      project('  herald:app: c.ts\n', '  herald:app: d.ts#d\n');
      expect(configuredApp(dir, 'dev')).to.equal('d.ts#d');
      expect(configuredApp(dir, 'prod'), 'a stack without a file sets nothing').to.equal('c.ts');
    });

    it('is undefined when nothing sets it, and refuses a value that is not a string', () => {
      project('  herald:cloud: aws\n');
      expect(configuredApp(dir, 'dev')).to.equal(undefined);
      project('  herald:app: 3\n');
      expect(() => configuredApp(dir, 'dev')).to.throw(AppModuleError, /herald:app must be a string/);
    });

    it('finds the project upwards from where a command runs, and resolves the setting in it', () => {
      const nested = path.join(dir, 'a', 'b');
      mkdirSync(nested, { recursive: true });
      project(`  herald:app: ${JSON.stringify(path.join(FIXTURES, 'two-apps.ts#mail'))}\n`);
      expect(findProjectDir(nested)).to.equal(dir);
      const { topology, app } = cliApp({ cwd: nested });
      expect(topology.name).to.equal('mail');
      expect(app).to.deep.equal({ module: path.join(FIXTURES, 'two-apps.ts'), exportName: 'mail', root: dir });
    });

    it('takes --app over the setting, relative to the cwd, with its handlers relative to the project holding the module', () => {
      project('  herald:app: nowhere.ts\n');
      const { topology, app } = cliApp({ cwd: FIXTURES, flag: 'two-apps.ts#audit' });
      expect(topology.name).to.equal('audit');
      expect(app).to.deep.equal({ module: path.join(FIXTURES, 'two-apps.ts'), exportName: 'audit', root: ROOT });
      expect(() => cliApp({ cwd: dir })).to.throw(AppModuleError, /app module nowhere\.ts \(in .+\): no such file/);
    });

    it('gives the module the program gives realize: the same file, export and root', () => {
      expect(cliApp({ cwd: path.join(ROOT, 'cli') })).to.deep.equal(loadApp(configuredApp(ROOT, 'dev') ?? DEFAULT_APP, ROOT));
    });
  });
});

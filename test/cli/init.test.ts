/** `herald init`: what it writes, what it refuses, and which Herald the new project depends on. */
import { expect } from 'chai';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { heraldSpec, runInit } from '../../cli/commands/init';
import { memoryIo } from '../../cli/io';
import { pinnedVersions, projectName, scaffold } from '../../cli/scaffold';

const ROOT = path.resolve(__dirname, '../..');
const yaml = require('js-yaml') as { load(text: string): unknown };
const HERALD = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };

describe('herald init', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'herald-init-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the project into a new folder: one event, one function, one test, the program and its dev stack', async () => {
    const io = memoryIo();
    expect(await runInit(['Shop_Front', '--herald', '^0.1.0'], io, dir)).to.equal(0);
    const project = path.join(dir, 'Shop_Front');
    const read = (f: string) => readFileSync(path.join(project, f), 'utf8');
    expect(readdirSync(project, { recursive: true }).map(String).filter((f) => f.includes('.')).sort()).to.deep.equal([
      '.gitignore', '.mocharc.json', 'Pulumi.dev.yaml', 'Pulumi.yaml', 'README.md', 'app/events.ts', 'app/topology.ts',
      'functions/send-welcome.ts', 'index.ts', 'package.json', 'test/send-welcome.test.ts', 'tsconfig.json',
    ]);
    const pkg = JSON.parse(read('package.json'));
    expect(pkg).to.include({ name: 'shop-front', private: true });
    expect(pkg.scripts).to.include({ start: 'herald dev', test: 'mocha' });
    expect(pkg.dependencies).to.deep.equal({ herald: '^0.1.0', '@pulumi/pulumi': HERALD.dependencies['@pulumi/pulumi'], zod: HERALD.dependencies.zod });
    expect(pkg.devDependencies.typescript).to.equal(HERALD.devDependencies.typescript);
    expect(pkg.devDependencies.tsx).to.equal(HERALD.dependencies.tsx);
    expect(io.stdout.join('\n')).to.contain('npm install');
  });

  it('names main in Pulumi.yaml and declares no herald setting there; the dev stack sets the values', async () => {
    expect(await runInit(['p'], memoryIo(), dir)).to.equal(0);
    const project = yaml.load(readFileSync(path.join(dir, 'p/Pulumi.yaml'), 'utf8')) as Record<string, unknown>;
    expect(project).to.include({ name: 'p', main: 'index.ts' });
    expect(project).to.not.have.property('config');
    const stack = yaml.load(readFileSync(path.join(dir, 'p/Pulumi.dev.yaml'), 'utf8')) as { config: Record<string, unknown> };
    expect(stack.config).to.deep.equal({ 'herald:cloud': 'aws', 'aws:region': 'eu-west-1', 'herald:app': 'app/topology.ts' });
    expect(readFileSync(path.join(dir, 'p/index.ts'), 'utf8')).to.contain("import { heraldProgram } from 'herald/program';");
  });

  it('refuses a folder that is not empty, a file, and a name it cannot use, with exit code 2', async () => {
    mkdirSync(path.join(dir, 'full'));
    writeFileSync(path.join(dir, 'full/x'), '');
    writeFileSync(path.join(dir, 'file'), '');
    const cases: [string[], RegExp][] = [
      [['full'], /full is not empty; give a new or empty folder/],
      [['file'], /file is not a folder/],
      [['herald'], /a project named herald cannot depend on the herald package; pass --name/],
      [['123'], /"123" gives no project name/],
      [[], /give one folder/],
      [['a', 'b'], /give one folder/],
    ];
    for (const [argv, message] of cases) {
      const io = memoryIo();
      expect(await runInit(argv, io, dir), argv.join(' ')).to.equal(2);
      expect(io.stderr.join('\n')).to.match(message);
    }
    expect(readdirSync(path.join(dir, 'full'))).to.deep.equal(['x']);
  });

  it('depends on this checkout when run from one (installed as a package, not linked), else on its registry version', () => {
    expect(heraldSpec(undefined, ROOT)).to.deep.equal({ spec: `file:${ROOT}`, installLinks: true });
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'herald', version: '1.2.3' }));
    expect(heraldSpec(undefined, dir)).to.deep.equal({ spec: '^1.2.3', installLinks: false });
    expect(heraldSpec('file:/x/herald-0.1.0.tgz')).to.deep.equal({ spec: 'file:/x/herald-0.1.0.tgz', installLinks: false });
    expect(scaffold({ name: 'p', herald: `file:${ROOT}`, installLinks: true, versions: pinnedVersions(HERALD) })['.npmrc']).to.contain('install-links=true');
  });

  it('makes a project name from a folder name', () => {
    expect(projectName('My Shop')).to.equal('my-shop');
    expect(projectName('2fast-api-')).to.equal('fast-api');
    expect(() => pinnedVersions({ dependencies: {} })).to.throw(/pins no version of @pulumi\/pulumi/);
  });
});

/**
 * The files `herald init` writes: a Herald project with one event, one function and one test, whose
 * `npm install && npm start && npm test` works. Pure: a name and the versions in, file name → content out.
 */
import { MAX_NAME_LENGTH, NAME_PATTERN } from '../contracts/limits';

export interface ScaffoldOptions {
  /** The project's name: package, Pulumi project and topology (lower-case kebab-case). */
  readonly name: string;
  /** The npm spec of the Herald dependency (`^0.1.0`, `file:…`). */
  readonly herald: string;
  /** The versions the project's other dependencies are pinned to: Herald's own (see {@link pinnedVersions}). */
  readonly versions: Readonly<Record<string, string>>;
  /** Adds `.npmrc` with `install-links=true`: a `file:` folder is then installed as a package would be, not linked. */
  readonly installLinks?: boolean;
}

/** What the project depends on besides Herald, pinned as Herald pins them (so npm installs one copy of each). */
export const SCAFFOLD_DEPENDENCIES = ['@pulumi/pulumi', 'zod'] as const;
export const SCAFFOLD_DEV_DEPENDENCIES = ['@types/chai', '@types/mocha', '@types/node', 'chai', 'mocha', 'tsx', 'typescript'] as const;

/** The versions of {@link SCAFFOLD_DEPENDENCIES} and {@link SCAFFOLD_DEV_DEPENDENCIES} in Herald's package.json. @throws Error naming one it lacks */
export function pinnedVersions(pkg: { dependencies?: Record<string, string>; devDependencies?: Record<string, string> }): Record<string, string> {
  const all = { ...pkg.devDependencies, ...pkg.dependencies };
  return Object.fromEntries([...SCAFFOLD_DEPENDENCIES, ...SCAFFOLD_DEV_DEPENDENCIES].map((name) => {
    const version = all[name];
    if (!version) throw new Error(`Herald's package.json pins no version of ${name}`);
    return [name, version];
  }));
}

/**
 * The project name a folder gives: lower-case kebab-case, as topology names are.
 * @throws Error when nothing usable is left, or the name is herald (a project cannot depend on a package of its own name)
 */
export function projectName(raw: string): string {
  const name = raw.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').replace(/-+$/, '').slice(0, MAX_NAME_LENGTH).replace(/-+$/, '');
  if (!NAME_PATTERN.test(name)) throw new Error(`"${raw}" gives no project name (lower-case letters, digits and -, starting with a letter); pass --name`);
  if (name === 'herald') throw new Error('a project named herald cannot depend on the herald package; pass --name');
  return name;
}

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** Every file of a new project, by path relative to its folder. */
export function scaffold(options: ScaffoldOptions): Record<string, string> {
  const { name, herald, versions } = options;
  const pick = (names: readonly string[]) => Object.fromEntries(names.map((n) => [n, versions[n]!]));
  const files: Record<string, string> = {
    'package.json': json({
      name,
      version: '0.1.0',
      private: true,
      type: 'commonjs',
      scripts: {
        start: 'herald dev',
        test: 'mocha',
        typecheck: 'tsc --noEmit -p .',
        plan: 'herald plan --cloud aws',
      },
      dependencies: { herald, ...pick(SCAFFOLD_DEPENDENCIES) },
      devDependencies: pick(SCAFFOLD_DEV_DEPENDENCIES),
      // The state database of herald dev builds a native module at install (as Herald's own package.json allows).
      allowScripts: { 'better-sqlite3': true },
    }),
    'Pulumi.yaml': `name: ${name}
# Named, so Pulumi runs this file whatever package.json says.
main: index.ts
runtime:
  name: nodejs
  options:
    typescript: true
description: ${name}, an event-driven system declared once with Herald.
# Herald's settings (herald:cloud, herald:app, …) keep their defaults in Herald: a project may declare a type
# or default only for its own namespace. Set their values per stack, in Pulumi.<stack>.yaml.
`,
    'Pulumi.dev.yaml': `config:
  herald:cloud: aws
  aws:region: eu-west-1
  # The app, <module>[#<export>]; this is the default (the topology export is found by type).
  herald:app: app/topology.ts
`,
    'tsconfig.json': json({
      compilerOptions: {
        rootDir: '.',
        target: 'ES2022',
        lib: ['ES2022'],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        noEmit: true,
        esModuleInterop: true,
        skipLibCheck: true,
        forceConsistentCasingInFileNames: true,
        types: ['node', 'mocha'],
      },
      include: ['index.ts', 'app/**/*.ts', 'functions/**/*.ts', 'test/**/*.ts'],
    }),
    '.mocharc.json': json({
      'node-option': ['import=tsx'],
      extension: ['ts'],
      spec: ['test/**/*.test.ts'],
      timeout: 20000,
      'forbid-only': true,
      'forbid-pending': true,
    }),
    '.gitignore': 'node_modules\n.herald/\n',
    'index.ts': `/**
 * The Pulumi program: the app herald:app names (default app/topology.ts), realized on the cloud herald:cloud
 * names, with the stack outputs named by kind. \`pulumi up\` runs it; \`herald plan\` runs it offline.
 */
import { heraldProgram } from 'herald/program';

export = () => heraldProgram(__dirname);
`,
    'app/events.ts': `/** The app's events: immutable facts, versioned. */
import { z } from 'zod';
import { defineEvent } from 'herald';

export const UserSignedUp = defineEvent({
  type: 'UserSignedUp',
  version: 1,
  source: '${name}.accounts',
  description: 'Someone created an account.',
  schema: z.object({ userId: z.string().min(1), email: z.email() }),
});
`,
    'app/topology.ts': `/** The app, declared once: every target (herald dev, AWS, Azure, GCP, Kafka) realizes this value. */
import { topology } from 'herald';
import { UserSignedUp } from './events';

const declared = topology('${name}').event(UserSignedUp);
const bus = declared.bus('${name}');

declared.fn('send-welcome', { handler: 'functions/send-welcome.ts', timeout: '10s' })
  .subscribe(bus, { events: [UserSignedUp] });

export const app = declared.build();
`,
    'functions/send-welcome.ts': `/** Welcomes a new user (here: logs the email it would send). A throw retries the event, then dead-letters it. */
import { on } from 'herald';
import { UserSignedUp } from '../app/events';

export const handler = on(UserSignedUp, async (event, ctx) => {
  ctx.log.info('welcome sent', { userId: event.data.userId, to: event.data.email });
});
`,
    'test/send-welcome.test.ts': `import { expect } from 'chai';
import * as path from 'node:path';
import { EventRegistry, Pipeline, RecordingPublisher, newEnvelope, type Logger } from 'herald';
import { plan } from 'herald/program';
import { UserSignedUp } from '../app/events';
import { app } from '../app/topology';
import { handler } from '../functions/send-welcome';

/** Runs the handler through the pipeline every target runs, recording its log lines. */
async function deliver(event: object) {
  const lines: Record<string, unknown>[] = [];
  const logger: Logger = { debug() {}, info: (message, fields) => void lines.push({ message, ...fields }), warn() {}, error() {} };
  const pipeline = new Pipeline({ functionName: 'send-welcome', handler, registry: new EventRegistry(app.events), publisher: new RecordingPublisher(), logger });
  return { outcome: await pipeline.process(event, { attempt: 1 }), lines };
}

describe('send-welcome', () => {
  it('welcomes a new user', async () => {
    const { outcome, lines } = await deliver(newEnvelope(UserSignedUp, { userId: 'u-1', email: 'ada@example.com' }));
    expect(outcome.kind).to.equal('ok');
    expect(lines).to.deep.include({ message: 'welcome sent', userId: 'u-1', to: 'ada@example.com' });
  });

  it('dead-letters an event that breaks its schema, at once', async () => {
    const { outcome } = await deliver({ ...newEnvelope(UserSignedUp, { userId: 'u-2', email: 'ada@example.com' }), data: { userId: 'u-2' } });
    expect(outcome.kind).to.equal('dead-letter');
  });

  it('deploys to AWS as a Lambda function behind an EventBridge rule (Pulumi mocks, offline)', async function () {
    this.timeout(120_000);
    const { resources } = await plan({ cloud: 'aws', stack: 'dev', projectDir: path.resolve(__dirname, '..') });
    const types = resources.map((r) => \`\${r.type} \${r.name}\`);
    expect(types).to.include('herald:aws:Function send-welcome');
    expect(resources.filter((r) => r.type === 'aws:lambda/function:Function').map((r) => r.name)).to.deep.equal(['send-welcome']);
    expect(resources.some((r) => r.type === 'aws:cloudwatch/eventRule:EventRule')).to.equal(true);
  });
});
`,
    'README.md': `# ${name}

An event-driven system declared once with [Herald](https://www.npmjs.com/package/herald): the app is
\`app/topology.ts\`, its events \`app/events.ts\`, its handlers \`functions/\`.

\`\`\`sh
npm install
npm start          # herald dev: the app on this machine, HTTP on 127.0.0.1:4000
npm test           # the handler through Herald's pipeline, and the AWS deployment under Pulumi mocks
npm run plan       # what pulumi up would create on AWS, offline
\`\`\`

With \`npm start\` running, publish an event:

\`\`\`sh
npx herald publish UserSignedUp.v1 '{"userId":"u-1","email":"ada@example.com"}'
\`\`\`

Deploy with \`pulumi up\` (stack \`dev\`: \`herald:cloud\` and the cloud's region are in \`Pulumi.dev.yaml\`).
`,
  };
  if (options.installLinks) files['.npmrc'] = '# Herald comes from a folder (a checkout): install it as a package, not a link to the folder.\ninstall-links=true\n';
  return files;
}

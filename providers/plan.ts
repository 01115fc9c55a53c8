/**
 * `herald plan`: runs the Pulumi program under Pulumi's mock engine with a stack's config
 * (`Pulumi.<stack>.yaml`, `herald:cloud` overridden) and returns every resource it would create, with
 * its parent, inputs and the outputs the cloud's mock target gives it, and where the stack goes. No
 * Pulumi CLI, no credentials. Pulumi's runtime state is process-wide, so one process plans once: the CLI
 * runs it in its own process.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import type { CloudName } from '../contracts';
import { declaredValue, findProjectDir } from './app-module';
import { builtCloud } from './index';
import { mockCloudFor, mockTargets } from './mock-targets';
import { installMocks, MockEngine, settle, withCheapStacks, type RecordedResource } from './mocks';

/** One planned resource, as `herald plan --json` prints it. */
export interface PlannedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** The parent's URN, or null for the stack's direct children. */
  readonly parent: string | null;
  readonly inputs: Record<string, unknown>;
  /** What the engine reports beyond the inputs (id, ARN, URL, …); a component's registered outputs. */
  readonly outputs: Record<string, unknown>;
}

export interface Plan {
  readonly project: string;
  readonly stack: string;
  readonly cloud: CloudName;
  /** Where the stack goes, as the cloud's mock target read it from the stack's config (e.g. `{ region }`). */
  readonly location: Readonly<Record<string, string>>;
  readonly resources: PlannedResource[];
  /** The program's exports (the stack outputs). */
  readonly outputs: Record<string, unknown>;
  /** Warnings and notes the program logged (`pulumi.log.*`), in order. */
  readonly diagnostics: string[];
}

export interface PlanOptions {
  /** A cloud `herald:cloud` may name; one not built yet is refused before any file is read. */
  readonly cloud: string;
  /** @default {@link defaultStack} of the cloud */
  readonly stack?: string;
  /** Where Pulumi.yaml, Pulumi.<stack>.yaml and the program are. @default the nearest folder with a Pulumi.yaml from the cwd up */
  readonly projectDir?: string;
  /** `herald:app` for this run (`--app`), over the stack's: `<module>[#<export>]`, the module absolute or relative to the project. */
  readonly app?: string;
  /** The program to run instead of `<projectDir>/index.ts` (benchmarks); what it resolves to is the stack outputs. */
  readonly program?: () => unknown;
}

/** The project `herald plan` runs in: the nearest folder from `cwd` up with a Pulumi.yaml. @throws Error when there is none */
export function planProjectDir(cwd = process.cwd()): string {
  const dir = findProjectDir(cwd);
  if (!dir) throw new Error(`no Pulumi.yaml in ${cwd} or above it: run herald plan in a Pulumi project (herald init makes one)`);
  return dir;
}

/** The program `pulumi up` runs: Pulumi.yaml's `main`, else index.ts (what Pulumi's host finds through package.json). */
function programFile(projectDir: string, project: ProjectFile = readProjectFile(projectDir)): string {
  return path.join(projectDir, typeof project.main === 'string' ? project.main : 'index.ts');
}

/** What plan reads of `Pulumi.yaml`. */
interface ProjectFile {
  readonly name?: string;
  readonly main?: unknown;
  readonly config?: Record<string, unknown>;
}

/** `Pulumi.yaml`, parsed (once per plan: its helpers take it). @throws Error naming the file when it is missing or not YAML */
function readProjectFile(projectDir: string): ProjectFile {
  return (loadYaml(path.join(projectDir, 'Pulumi.yaml')) as ProjectFile | null) ?? {};
}

/** The stack planned without `--stack`: `dev` on AWS (the first cloud built), `dev-<cloud>` on every other. */
export function defaultStack(cloud: CloudName): string {
  return cloud === 'aws' ? 'dev' : `dev-${cloud}`;
}

/** Shown instead of a secret's value: plan never decrypts or prints secrets. */
export const SECRET_PLACEHOLDER = '[secret]';

/**
 * A stack's config as Pulumi's runtime takes it: `namespace:key` → string; `secure:` values become the
 * placeholder and are marked secret (they are encrypted for the Pulumi CLI; plan never decrypts them).
 * @throws Error naming the file when it is missing or not YAML.
 */
export function readStackConfig(projectDir: string, project: string, stack: string): { config: Record<string, string>; secretKeys: string[] } {
  const file = path.join(projectDir, `Pulumi.${stack}.yaml`);
  const doc = loadYaml(file) as { config?: Record<string, unknown> } | null;
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [raw, value] of Object.entries(doc?.config ?? {})) {
    const key = raw.includes(':') ? raw : `${project}:${raw}`;
    if (value && typeof value === 'object' && 'secure' in value) {
      config[key] = SECRET_PLACEHOLDER;
      secretKeys.push(key);
    } else {
      config[key] = typeof value === 'string' ? value : JSON.stringify(value);
    }
  }
  return { config, secretKeys };
}

function loadYaml(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`no ${path.basename(file)} in ${path.dirname(file)}; create the stack with \`pulumi stack init\` or pick another with --stack`);
  }
  // js-yaml is a dependency of @pulumi/pulumi (its automation API reads stack files with it).
  const yaml = require('js-yaml') as { load(text: string): unknown };
  return yaml.load(text);
}

/**
 * The project's declared config values (`Pulumi.yaml` `config:`: `key: {value: …}`, `key: {default: …}` or
 * the short form `key: value`; see declaredValue), as `namespace:key` → string: what the Pulumi CLI gives a stack that does not set a key.
 * @throws Error naming the file when it is missing or not YAML.
 */
export function projectConfigDefaults(projectDir: string, doc: ProjectFile = readProjectFile(projectDir)): Record<string, string> {
  const project = String(doc.name ?? 'project');
  const defaults: Record<string, string> = {};
  for (const [raw, decl] of Object.entries(doc.config ?? {})) {
    const key = raw.includes(':') ? raw : `${project}:${raw}`;
    const value = declaredValue(decl);
    if (value !== undefined && value !== null) defaults[key] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return defaults;
}

/**
 * The settings `Pulumi.yaml` declares with no default that the stack's config leaves unset: the Pulumi CLI
 * refuses such a stack ("missing configuration value"), so plan says so before anything else.
 */
export function missingRequiredSettings(projectDir: string, config: Readonly<Record<string, string>>, doc: ProjectFile = readProjectFile(projectDir)): string[] {
  const project = String(doc.name ?? 'project');
  return Object.entries(doc.config ?? {})
    .filter(([, decl]) => decl && typeof decl === 'object' && !('default' in decl) && !('value' in decl))
    .map(([raw]) => (raw.includes(':') ? raw : `${project}:${raw}`))
    .filter((key) => config[key] === undefined);
}

/** Runs the program under mocks and returns what it would create. */
export async function plan(options: PlanOptions): Promise<Plan> {
  const cloud = builtCloud(options.cloud);
  const projectDir = options.projectDir ?? planProjectDir();
  const stack = options.stack ?? defaultStack(cloud);
  const projectFile = readProjectFile(projectDir);
  const project = String(projectFile.name ?? 'project');
  const stackConfig = readStackConfig(projectDir, project, stack);
  const config = { ...projectConfigDefaults(projectDir, projectFile), ...stackConfig.config, 'herald:cloud': cloud, ...(options.app ? { 'herald:app': options.app } : {}) };
  const { secretKeys } = stackConfig;
  const engine = new MockEngine(mockCloudFor(mockTargets[cloud], config, stack));
  await installMocks(engine, project, stack);
  pulumi.runtime.setAllConfig(config, secretKeys);

  // Without an engine, pulumi.log writes to the console (info to stdout): keep stdout for the plan.
  const diagnostics: string[] = missingRequiredSettings(projectDir, config, projectFile).map((key) =>
    `warning: pulumi up will refuse stack ${stack} until it sets ${key} (Pulumi.yaml declares it with no default): pulumi config set --secret ${key} <value> --stack ${stack}`);
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error };
  console.log = console.info = console.warn = console.error = (...args: unknown[]) => void diagnostics.push(args.map(String).join(' '));
  let exports: unknown;
  try {
    exports = await withCheapStacks(async () => {
      // As Pulumi runs a program: an exported function is called, and whatever it gives is awaited.
      const loaded = options.program ?? require(programFile(projectDir, projectFile));
      const result = await (typeof loaded === 'function' ? loaded() : loaded);
      await settle();
      await engine.flush();
      return result;
    });
  } finally {
    Object.assign(console, saved);
  }
  const outputs = await new Promise<Record<string, unknown>>((resolve) => {
    pulumi.output(exports ?? {}).apply((v) => resolve({ ...(v as Record<string, unknown>) }));
  });
  const resources = await Promise.all(engine.resources.map(planned));
  return { project, stack, cloud, location: engine.cloud.location, resources, outputs: await clean(outputs) as Record<string, unknown>, diagnostics };
}

async function planned(r: RecordedResource): Promise<PlannedResource> {
  const inputs = await clean(r.inputs) as Record<string, unknown>;
  const reported = r.custom
    ? { id: r.id, ...Object.fromEntries(Object.entries(r.outputs).filter(([k]) => !(k in r.inputs))) }
    : r.outputs;
  return { urn: r.urn, type: r.type, name: r.name, parent: r.parent ?? null, inputs, outputs: await clean(reported) as Record<string, unknown> };
}

/** JSON-safe values: assets summarised (size and hash, not the code), secrets hidden. */
async function clean(value: unknown): Promise<unknown> {
  if (pulumi.asset.AssetArchive.isInstance(value)) {
    const assets = await (value as pulumi.asset.AssetArchive).assets;
    return { archive: Object.fromEntries(await Promise.all(Object.entries(assets).map(async ([name, a]) => [name, await clean(a)]))) };
  }
  if (pulumi.asset.StringAsset.isInstance(value)) {
    const text = await (value as pulumi.asset.StringAsset).text;
    return { asset: 'string', bytes: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') };
  }
  if (pulumi.asset.Asset.isInstance(value) || pulumi.asset.Archive.isInstance(value)) return { asset: 'file' };
  if (Array.isArray(value)) return Promise.all((value as unknown[]).map(clean));
  if (value && typeof value === 'object') {
    const o = value as Record<string, unknown>;
    if (o[pulumi.runtime.specialSigKey] === pulumi.runtime.specialSecretSig) return SECRET_PLACEHOLDER;
    return Object.fromEntries(await Promise.all(Object.entries(o).filter(([, v]) => v !== undefined).map(async ([k, v]) => [k, await clean(v)])));
  }
  return value;
}

/**
 * The plain form: a header saying where the stack goes; one line per resource, indented under its
 * parent; then the stack outputs, one line per value by its path (`queues.payments.url: https://…`).
 */
export function formatPlan(p: Plan): string {
  const children = new Map<string | null, PlannedResource[]>();
  for (const r of p.resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
  const place = [p.cloud, ...Object.entries(p.location).map(([key, value]) => `${key} ${value}`)].join(', ');
  const lines = [`herald plan: ${p.resources.length} resources on ${place} (project ${p.project}, stack ${p.stack})`];
  const walk = (parent: string | null, depth: number) => {
    for (const r of children.get(parent) ?? []) {
      const where = r.outputs.url ?? r.outputs.arn ?? r.outputs.bucket;
      lines.push(`${'  '.repeat(depth)}${r.type}  ${r.name}${typeof where === 'string' ? `  ${where}` : ''}`);
      walk(r.urn, depth + 1);
    }
  };
  walk(null, 1);
  lines.push('outputs:');
  const leaves = (key: string, value: unknown): void => {
    if (value === undefined) return;
    const nested = value !== null && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value) : undefined;
    if (nested?.length) for (const [k, v] of nested) leaves(`${key}.${k}`, v);
    else lines.push(`  ${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`);
  };
  // `herald` is every kind's outputs again (schedules, subscriptions and alarms too): too long to print here.
  for (const [key, value] of Object.entries(p.outputs)) if (key !== 'herald') leaves(key, value);
  return lines.join('\n');
}

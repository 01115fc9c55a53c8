/**
 * A deterministic Pulumi mock engine, shared by `herald plan` and the tests. It is cloud-neutral: it
 * records each resource with its parent (Pulumi's mock monitor does not pass parents to mocks, so the
 * monitor's registration is wrapped) and the outputs components register, and asks a mock cloud (each
 * cloud's `providers/<cloud>/mocks.ts`) what that cloud would report for a resource — its id, physical
 * name, ARN or resource id, URL — so references between resources read as the cloud's real identifiers.
 */
import { createHash } from 'node:crypto';
import * as pulumi from '@pulumi/pulumi';

/** One registered resource. */
export interface RecordedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** The parent's URN; undefined for top-level resources (the stack's children). */
  readonly parent?: string;
  readonly custom: boolean;
  readonly id: string;
  readonly inputs: Record<string, any>;
  outputs: Record<string, any>;
}

/** A custom resource as a mock cloud sees it when asked what it would report. */
export interface MockResource {
  /** The Pulumi type token, e.g. `aws:sqs/queue:Queue` or `azure-native:servicebus:Queue`. */
  readonly type: string;
  /** The logical name given to the resource's constructor. */
  readonly name: string;
  /** Unique and stable per resource: derive made-up names and ids from it, so two plans are identical. */
  readonly urn: string;
  readonly inputs: Readonly<Record<string, any>>;
}

/** What a cloud reports for a resource beyond its inputs. */
export interface MockReport {
  /** The resource's id (an SQS queue's URL, an Azure resource id); @default a hash of the URN */
  readonly id?: string;
  /** Outputs added to the inputs: physical name, ARN or resource id, URL, … */
  readonly state: Readonly<Record<string, any>>;
}

/** A provider function's stub (`aws:index/getRegion:getRegion`): its inputs → its result. */
export type MockCall = (inputs: Record<string, any>) => Record<string, any>;

/**
 * One cloud as the mock engine sees it. The engine never reads a type token itself, so a cloud is added
 * by writing its `mocks.ts`, not by touching the engine.
 */
export interface MockCloud {
  /**
   * Where resources go, in the order the plan prints it: `{ region }` on AWS, `{ location }` on Azure,
   * `{ project, region }` on GCP.
   */
  readonly location: Readonly<Record<string, string>>;
  /** What the cloud would report for a custom resource; `{ state: {} }` for a type it does not know. */
  report(resource: MockResource): MockReport;
  /** Stubs of the provider's functions, by token; the engine refuses any other token. */
  readonly calls: Readonly<Record<string, MockCall>>;
}

/** A cloud's mocks for `herald plan`: the stack config it needs and the mock cloud built from it. */
export interface MockTarget {
  /**
   * Stack config keys the target needs offline (a region, a location, a project); a plan refuses a stack
   * file without one, naming it, rather than making up where the stack goes.
   */
  readonly requiredConfig: readonly string[];
  /** The mock cloud for a stack's config (`namespace:key` → string), every required key present. */
  forStack(config: Readonly<Record<string, string>>): MockCloud;
}

export interface MockOptions {
  /** Stubs that take precedence over the cloud's own (a test pinning a function's result). */
  readonly calls?: Readonly<Record<string, MockCall>>;
}

/** A hex digest of `text`, `length` characters long: the deterministic part of made-up names and ids. */
export const mockHash = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);

/** The mock engine: pass it to `installMocks`, read `resources` after `settle()`. */
export class MockEngine implements pulumi.runtime.Mocks {
  readonly resources: RecordedResource[] = [];
  /** By URN, for the outputs components register. */
  readonly byUrn = new Map<string, RecordedResource>();
  /** Set by the wrapped monitor just before it calls `newResource` for the same request. */
  pending?: { urn: string; parent?: string };

  constructor(readonly cloud: MockCloud, private readonly options: MockOptions = {}) {}

  /** Recorded archives' text, one copy per distinct bundle (each registration deserialises its own copy). */
  private readonly texts = new Map<string, string>();
  private work: Promise<void>[] = [];

  /** Resolves when recorded archives share their text (call after `settle`). */
  async flush(): Promise<void> {
    while (this.work.length) await Promise.all(this.work.splice(0));
  }

  private async intern(archive: pulumi.asset.AssetArchive): Promise<pulumi.asset.AssetArchive> {
    const assets = await archive.assets;
    const shared: Record<string, pulumi.asset.Asset | pulumi.asset.Archive> = {};
    for (const [name, a] of Object.entries(assets)) {
      if (!pulumi.asset.StringAsset.isInstance(a)) { shared[name] = a; continue; }
      const text = await (a as pulumi.asset.StringAsset).text;
      if (!this.texts.has(text)) this.texts.set(text, text);
      shared[name] = new pulumi.asset.StringAsset(this.texts.get(text)!);
    }
    return new pulumi.asset.AssetArchive(shared);
  }

  /** Forgets what was recorded (between tests). */
  reset(): void {
    this.resources.length = 0;
    this.byUrn.clear();
    this.work = [];
  }

  newResource(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, any> } {
    const urn = this.pending?.urn ?? args.name;
    const custom = args.custom ?? true;
    // Components report nothing of their own: their outputs are what they register.
    const report: MockReport = custom ? this.cloud.report({ type: args.type, name: args.name, urn, inputs: args.inputs }) : { state: {} };
    const state: Record<string, any> = { ...args.inputs, ...report.state };
    const id = report.id ?? mockHash(urn, 12);
    // Code archives are not echoed back as outputs (nothing reads them, and each is a whole bundle to serialise again).
    for (const [key, value] of Object.entries(state)) if (pulumi.asset.Archive.isInstance(value)) delete state[key];
    const recorded: RecordedResource = { urn, type: args.type, name: args.name, ...(this.pending?.parent ? { parent: this.pending.parent } : {}), custom, id, inputs: args.inputs, outputs: state };
    this.resources.push(recorded);
    this.byUrn.set(urn, recorded);
    for (const [key, value] of Object.entries(args.inputs)) {
      if (pulumi.asset.AssetArchive.isInstance(value)) this.work.push(this.intern(value as pulumi.asset.AssetArchive).then((a) => { recorded.inputs[key] = a; }));
    }
    this.pending = undefined;
    return { id, state };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
    const handler = this.options.calls?.[args.token] ?? this.cloud.calls[args.token];
    if (!handler) throw new Error(`mock call not implemented: ${args.token}`);
    return handler(args.inputs);
  }
}

interface MonitorLike {
  registerResource(req: { getParent(): string; getType(): string; getName(): string }, callback: unknown): unknown;
  registerResourceOutputs(req: { getUrn(): string; getOutputs(): { toJavaScript(): Record<string, any> } | undefined }, callback: unknown): unknown;
  newUrn(parent: string, type: string, name: string): string;
}

/**
 * Installs `engine` as Pulumi's mocks (process-wide: Pulumi keeps one global runtime state), with
 * project and stack names, not in preview (so every output is known). Call before any resource is created.
 */
export async function installMocks(engine: MockEngine, project: string, stack: string): Promise<void> {
  await pulumi.runtime.setMocks(engine, project, stack, false);
  const monitor = pulumi.runtime.getMonitor() as unknown as MonitorLike;
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, callback) => {
    const parent = req.getParent() || undefined;
    engine.pending = { urn: monitor.newUrn(req.getParent(), req.getType(), req.getName()), ...(parent ? { parent } : {}) };
    return register(req, callback);
  };
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req, callback) => {
    const recorded = engine.byUrn.get(req.getUrn());
    if (recorded) recorded.outputs = req.getOutputs()?.toJavaScript() ?? {};
    return registerOutputs(req, callback);
  };
}

/** Resolves when every resource registration (and every apply that creates one) has finished. */
export function settle(): Promise<void> {
  // `waitForRPCs` is internal to @pulumi/pulumi (exported from runtime/settings, not in its typings).
  return (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}

/**
 * Runs `fn` with cheap stack traces. Pulumi captures a stack trace for every promise it creates (to
 * report leaks), and under tsx each is source-mapped: that dominates the time of a mocked program. A
 * failure inside still has its message; it loses its frames, which a plan or test does not print.
 */
export async function withCheapStacks<T>(fn: () => T | Promise<T>): Promise<T> {
  const limit = Error.stackTraceLimit;
  const sourceMaps = (process as { sourceMapsEnabled?: boolean }).sourceMapsEnabled ?? false;
  Error.stackTraceLimit = 0;
  process.setSourceMapsEnabled(false);
  try {
    return await fn();
  } finally {
    Error.stackTraceLimit = limit;
    process.setSourceMapsEnabled(sourceMaps);
  }
}

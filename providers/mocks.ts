/**
 * A deterministic Pulumi mock engine, shared by `herald plan` and the tests: every resource gets an id,
 * a physical name (auto-named with a suffix hashed from its URN) and, on AWS, the ARN, URL and other
 * outputs AWS would give it, so references between resources read as real ARNs. It records each
 * resource with its parent (Pulumi's mock monitor does not pass parents to mocks, so the monitor's
 * registration is wrapped) and the outputs components register.
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

export interface MockOptions {
  /** @default 'eu-west-1' */
  readonly region?: string;
  /** @default '123456789012' */
  readonly accountId?: string;
  /** Invoke results by token; any other token throws. */
  readonly calls?: Readonly<Record<string, (inputs: Record<string, any>) => Record<string, any>>>;
}

const hash = (text: string, length: number) => createHash('sha256').update(text).digest('hex').slice(0, length);

/** Resource types whose physical name Pulumi generates when `name` is not given. */
const AUTONAMED = new Set([
  'aws:sqs/queue:Queue', 'aws:sns/topic:Topic', 'aws:cloudwatch/eventBus:EventBus', 'aws:cloudwatch/eventRule:EventRule',
  'aws:lambda/function:Function', 'aws:iam/role:Role', 'aws:iam/rolePolicy:RolePolicy', 'aws:cloudwatch/logGroup:LogGroup',
  'aws:kinesis/stream:Stream', 'aws:dynamodb/table:Table', 'aws:scheduler/schedule:Schedule', 'aws:scheduler/scheduleGroup:ScheduleGroup',
  'aws:apigatewayv2/api:Api', 'aws:cloudwatch/metricAlarm:MetricAlarm',
]);

/** The mock engine: pass it to `installMocks`, read `resources` after `settle()`. */
export class MockEngine implements pulumi.runtime.Mocks {
  readonly resources: RecordedResource[] = [];
  /** By URN, for the outputs components register. */
  readonly byUrn = new Map<string, RecordedResource>();
  /** Set by the wrapped monitor just before it calls `newResource` for the same request. */
  pending?: { urn: string; parent?: string };
  private readonly region: string;
  private readonly account: string;

  constructor(private readonly options: MockOptions = {}) {
    this.region = options.region ?? 'eu-west-1';
    this.account = options.accountId ?? '123456789012';
  }

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
    const state = args.custom ? { ...args.inputs, ...this.awsOutputs(args.type, args.name, urn, args.inputs) } : { ...args.inputs };
    const id = state.__id ?? hash(urn, 12);
    delete state.__id;
    // Code archives are not echoed back as outputs (nothing reads them, and each is a whole bundle to serialise again).
    for (const [key, value] of Object.entries(state)) if (pulumi.asset.Archive.isInstance(value)) delete state[key];
    const recorded: RecordedResource = { urn, type: args.type, name: args.name, ...(this.pending?.parent ? { parent: this.pending.parent } : {}), custom: args.custom ?? true, id, inputs: args.inputs, outputs: state };
    this.resources.push(recorded);
    this.byUrn.set(urn, recorded);
    for (const [key, value] of Object.entries(args.inputs)) {
      if (pulumi.asset.AssetArchive.isInstance(value)) this.work.push(this.intern(value as pulumi.asset.AssetArchive).then((a) => { recorded.inputs[key] = a; }));
    }
    this.pending = undefined;
    return { id, state };
  }

  call(args: pulumi.runtime.MockCallArgs): Record<string, any> {
    const handler = this.options.calls?.[args.token];
    if (!handler) throw new Error(`mock call not implemented: ${args.token}`);
    return handler(args.inputs);
  }

  /** What AWS reports for a resource of this type: physical name, ARN, URL, … (`__id` becomes the id). */
  private awsOutputs(type: string, name: string, urn: string, inputs: Record<string, any>): Record<string, any> {
    if (!type.startsWith('aws:')) return {};
    const { region: r, account: a } = this;
    const physical = inputs.name ?? (AUTONAMED.has(type) ? `${name}-${hash(urn, 7)}${inputs.fifoQueue ? '.fifo' : ''}` : undefined);
    const named = physical !== undefined ? { name: physical } : {};
    switch (type) {
      case 'aws:sqs/queue:Queue': {
        const url = `https://sqs.${r}.amazonaws.com/${a}/${physical}`;
        return { ...named, arn: `arn:aws:sqs:${r}:${a}:${physical}`, url, __id: url };
      }
      case 'aws:sns/topic:Topic': return { ...named, arn: `arn:aws:sns:${r}:${a}:${physical}` };
      case 'aws:sns/topicSubscription:TopicSubscription': return { arn: `${inputs.topic}:${hash(urn, 8)}-sub` };
      case 'aws:cloudwatch/eventBus:EventBus': return { ...named, arn: `arn:aws:events:${r}:${a}:event-bus/${physical}` };
      case 'aws:cloudwatch/eventRule:EventRule':
        return { ...named, arn: `arn:aws:events:${r}:${a}:rule/${inputs.eventBusName ? `${inputs.eventBusName}/` : ''}${physical}` };
      case 'aws:lambda/function:Function': {
        const arn = `arn:aws:lambda:${r}:${a}:function:${physical}`;
        return { ...named, arn, qualifiedArn: `${arn}:$LATEST`, invokeArn: `arn:aws:apigateway:${r}:lambda:path/2015-03-31/functions/${arn}/invocations`, __id: physical };
      }
      case 'aws:lambda/eventSourceMapping:EventSourceMapping': {
        const uuid = hash(urn, 32).replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
        return { uuid, arn: `arn:aws:lambda:${r}:${a}:event-source-mapping:${uuid}`, __id: uuid };
      }
      case 'aws:iam/role:Role': return { ...named, arn: `arn:aws:iam::${a}:role/${physical}`, uniqueId: `AROA${hash(urn, 16).toUpperCase()}`, __id: physical };
      case 'aws:cloudwatch/logGroup:LogGroup': return { ...named, arn: `arn:aws:logs:${r}:${a}:log-group:${physical}`, __id: physical };
      case 'aws:kinesis/stream:Stream': return { ...named, arn: `arn:aws:kinesis:${r}:${a}:stream/${physical}` };
      case 'aws:dynamodb/table:Table': {
        const arn = `arn:aws:dynamodb:${r}:${a}:table/${physical}`;
        return { ...named, arn, ...(inputs.streamEnabled ? { streamArn: `${arn}/stream/2026-01-01T00:00:00.000`, streamLabel: '2026-01-01T00:00:00.000' } : {}), __id: physical };
      }
      case 'aws:s3/bucket:Bucket': {
        const bucket = inputs.bucket ?? `${name}-${hash(urn, 7)}`;
        return { bucket, arn: `arn:aws:s3:::${bucket}`, bucketDomainName: `${bucket}.s3.amazonaws.com`, __id: bucket };
      }
      case 'aws:scheduler/scheduleGroup:ScheduleGroup': return { ...named, arn: `arn:aws:scheduler:${r}:${a}:schedule-group/${physical}` };
      case 'aws:scheduler/schedule:Schedule': return { ...named, arn: `arn:aws:scheduler:${r}:${a}:schedule/${inputs.groupName ?? 'default'}/${physical}` };
      case 'aws:apigatewayv2/api:Api': {
        const id = hash(urn, 10);
        return { ...named, arn: `arn:aws:apigateway:${r}::/apis/${id}`, apiEndpoint: `https://${id}.execute-api.${r}.amazonaws.com`, executionArn: `arn:aws:execute-api:${r}:${a}:${id}`, __id: id };
      }
      case 'aws:cloudwatch/metricAlarm:MetricAlarm': return { ...named, arn: `arn:aws:cloudwatch:${r}:${a}:alarm:${physical}` };
      default:
        // Attachments (policies, permissions, targets, mappings of config) have no ARN of their own.
        return named;
    }
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

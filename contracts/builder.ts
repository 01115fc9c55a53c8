/**
 * The topology builder: `topology('shop')` gives methods per kind that fill in the production defaults
 * and return handles to reference. `build()` returns the plain `Topology` value.
 */
import type { Duration } from './duration';
import type { EventDefinition } from './events';
import type { Filter } from './filter';
import type {
  AlarmMetric, BucketSpec, BusSpec, FunctionSpec, Overrides, QueueSpec, Ref, ScheduleSpec, StreamSpec,
  SubscriptionSpec, TableSpec, Topology, TopicSpec, VerifySpec, WebhookSpec, AlarmSpec,
} from './topology';

export const DEFAULTS = {
  queue: { maxAttempts: 10, retention: '4d', deadLetterRetention: '14d', batch: { size: 10, window: '0s' }, alarmOnAge: '5m' },
  stream: { retention: '24h', maxAttempts: 10, maxEventAge: '1h', batch: { size: 100, window: '0s' }, alarmOnAge: '5m' },
  fn: { timeout: '30s', memory: 256 },
  alarm: { period: '5m' },
} as const satisfies Record<string, Record<string, unknown>>;

type Event = EventDefinition<any>;
type Target = Ref<'bus' | 'topic'>;

export type QueueOptions = Partial<Omit<QueueSpec, 'kind' | 'name' | 'batch'>> & { batch?: Partial<QueueSpec['batch']> };
export type StreamOptions = Partial<Omit<StreamSpec, 'kind' | 'name' | 'key' | 'batch'>> & { batch?: Partial<StreamSpec['batch']> };
export interface FunctionOptions extends Partial<Omit<FunctionSpec, 'kind' | 'name' | 'handler' | 'publishes'>> {
  readonly handler: string;
  readonly publishes?: { readonly to: Target; readonly events: readonly Event[] };
}
export interface SubscribeOptions {
  readonly events: readonly Event[];
  readonly where?: Filter;
  readonly via?: Ref<'queue' | 'stream'>;
  readonly name?: string;
}
export interface ScheduleOptions { readonly cron: string; readonly emits: Event; readonly to: Target; readonly data?: Record<string, unknown> }
export interface WebhookOptions { readonly path: string; readonly method?: 'POST' | 'PUT'; readonly verify: VerifySpec; readonly emits: Event; readonly to: Target }
export interface BucketOptions { readonly onUpload?: { readonly prefix: string; readonly emits: Event; readonly to: Target }; readonly overrides?: Overrides }
export interface TableOptions {
  readonly partitionKey: string; readonly sortKey?: string;
  readonly onChange?: { readonly emits: Event; readonly to: Target }; readonly overrides?: Overrides;
}
export interface AlarmOptions { readonly on: Ref<'queue' | 'stream' | 'fn'>; readonly metric: AlarmMetric; readonly threshold: number; readonly period?: Duration }

/** A function handle: subscribe it to sources. */
export interface FunctionHandle extends Ref<'fn'> {
  subscribe(from: Ref<'bus' | 'topic' | 'stream'>, options: SubscribeOptions): FunctionHandle;
}

/** Starts a topology. */
export function topology(name: string): TopologyBuilder {
  return new TopologyBuilder(name);
}

export class TopologyBuilder {
  private readonly events = new Map<string, Event>();
  private readonly spec: { -readonly [K in keyof Topology]: K extends 'name' ? string : any[] };

  constructor(name: string) {
    this.spec = {
      name, events: [], buses: [], queues: [], topics: [], streams: [], functions: [], subscriptions: [],
      schedules: [], webhooks: [], buckets: [], tables: [], alarms: [],
    };
  }

  /** Registers event definitions (those named by resources are registered on their own). */
  event(...definitions: Event[]): this {
    for (const d of definitions) this.register(d);
    return this;
  }

  bus(name: string, options: { overrides?: Overrides } = {}): Ref<'bus'> {
    return this.add<BusSpec>('buses', { kind: 'bus', name, ...options });
  }

  queue(name: string, options: QueueOptions = {}): Ref<'queue'> {
    const d = DEFAULTS.queue;
    return this.add<QueueSpec>('queues', {
      kind: 'queue', name, ...d, ...options, batch: { ...d.batch, ...options.batch },
    } as QueueSpec);
  }

  topic(name: string, options: { overrides?: Overrides } = {}): Ref<'topic'> {
    return this.add<TopicSpec>('topics', { kind: 'topic', name, ...options });
  }

  stream(name: string, options: StreamOptions & { key: string }): Ref<'stream'> {
    const d = DEFAULTS.stream;
    return this.add<StreamSpec>('streams', {
      kind: 'stream', name, ...d, ...options, batch: { ...d.batch, ...options.batch },
    } as StreamSpec);
  }

  fn(name: string, options: FunctionOptions): FunctionHandle {
    const { publishes, ...rest } = options;
    for (const e of publishes?.events ?? []) this.register(e);
    this.add<FunctionSpec>('functions', {
      kind: 'fn', name, ...DEFAULTS.fn, environment: {}, ...rest,
      ...(publishes ? { publishes: { to: ref(publishes.to), events: publishes.events.map((e) => e.wireType) } } : {}),
    } as FunctionSpec);
    const handle: FunctionHandle = {
      kind: 'fn', name,
      subscribe: (from, sub) => {
        for (const e of sub.events) this.register(e);
        const spec: SubscriptionSpec = {
          kind: 'subscription', name: sub.name ?? `${name}-${from.name}`, function: name, from: ref(from),
          events: sub.events.map((e) => e.wireType),
          ...(sub.where ? { where: sub.where } : {}),
          ...(sub.via ? { via: ref(sub.via) } : {}),
        };
        this.spec.subscriptions.push(Object.freeze(spec));
        return handle;
      },
    };
    return handle;
  }

  schedule(name: string, options: ScheduleOptions): Ref<'schedule'> {
    this.register(options.emits);
    return this.add<ScheduleSpec>('schedules', {
      kind: 'schedule', name, cron: options.cron, emits: options.emits.wireType, to: ref(options.to), data: options.data ?? {},
    });
  }

  webhook(name: string, options: WebhookOptions): Ref<'webhook'> {
    this.register(options.emits);
    return this.add<WebhookSpec>('webhooks', {
      kind: 'webhook', name, path: options.path, method: options.method ?? 'POST', verify: options.verify,
      emits: options.emits.wireType, to: ref(options.to),
    });
  }

  bucket(name: string, options: BucketOptions = {}): Ref<'bucket'> {
    const { onUpload, ...rest } = options;
    if (onUpload) this.register(onUpload.emits);
    return this.add<BucketSpec>('buckets', {
      kind: 'bucket', name, ...rest,
      ...(onUpload ? { onUpload: { prefix: onUpload.prefix, emits: onUpload.emits.wireType, to: ref(onUpload.to) } } : {}),
    });
  }

  table(name: string, options: TableOptions): Ref<'table'> {
    const { onChange, ...rest } = options;
    if (onChange) this.register(onChange.emits);
    return this.add<TableSpec>('tables', {
      kind: 'table', name, ...rest,
      ...(onChange ? { onChange: { emits: onChange.emits.wireType, to: ref(onChange.to) } } : {}),
    });
  }

  alarm(name: string, options: AlarmOptions): Ref<'alarm'> {
    return this.add<AlarmSpec>('alarms', {
      kind: 'alarm', name, on: ref(options.on), metric: options.metric, threshold: options.threshold,
      period: options.period ?? DEFAULTS.alarm.period,
    });
  }

  /** The plain, frozen topology value. Validate it with `validateTopology`. */
  build(): Topology {
    return Object.freeze({ ...this.spec, events: [...this.events.values()] }) as Topology;
  }

  private register(definition: Event): void {
    // Register the whole upcast chain: a v2 consumer also reads v1 events.
    for (let d: Event | undefined = definition; d; d = d.upcastFrom?.from) {
      const known = this.events.get(d.wireType);
      if (known && known !== d) throw new TypeError(`two different definitions of ${d.wireType}`);
      this.events.set(d.wireType, d);
    }
  }

  private add<S extends Ref>(list: Exclude<keyof Topology, 'name'>, spec: S): Ref<S['kind']> & S {
    (this.spec[list] as unknown[]).push(Object.freeze(spec));
    return spec as Ref<S['kind']> & S;
  }
}

/** A bare reference, so handles with methods never end up in the plain topology. */
function ref<K extends Ref['kind']>(r: Ref<K>): Ref<K> {
  return { kind: r.kind, name: r.name };
}

/**
 * fn → a Cloud Functions gen2 function (Node.js 22) built by Cloud Build from the function's bundle,
 * zipped into the stack's source bucket under a name that carries the bundle's hash (the function is
 * rebuilt only when its source object changes). Each function runs as its own service account, granted
 * exactly what it uses, resource by resource: `roles/pubsub.publisher` on the topic it publishes to and on
 * its channels' dead-letter topics (bad input is dead-lettered by the function itself), the storage roles
 * on the claim-check bucket, and `roles/datastore.user` narrowed by condition to the stack's database
 * (Firestore has no per-collection IAM). Timeout, memory and maximum instances come from the spec (one
 * request per instance, so `concurrency` is the instance count); ingress is internal-only, which admits
 * Pub/Sub, Cloud Scheduler and Eventarc, unless the function must be public (a webhook). A function pushed
 * to also gets its push service account, the only principal with `roles/run.invoker` on its service, and
 * a function with direct subscriptions owns their dead-letter topic.
 * @see https://cloud.google.com/functions/docs/securing/function-identity
 * @see https://cloud.google.com/run/docs/securing/ingress
 */
import * as pulumi from '@pulumi/pulumi';
import * as cloudfunctionsv2 from '@pulumi/gcp/cloudfunctionsv2';
import type * as serviceaccount from '@pulumi/gcp/serviceaccount';
import * as storage from '@pulumi/gcp/storage';
import { DEFAULTS, toSeconds, type Channel, type FunctionSpec } from '../../contracts';
import { codeArchive } from '../archive';
import { alertPolicy, deadLetterAlert, pushErrorRateCondition } from './alarm';
import { GCP_ENTRY_POINT, GCP_NODE_RUNTIME, type Bundle } from './bundle';
import type { GcpFoundation } from './foundation';
import { bucketMember, firestoreDatabaseCondition, invokerMember, projectMember, ROLES, serviceAccountFor, serviceAccountRole, topicMember } from './iam';
import type { Labels } from './labels';
import { resourceName, serviceAccountId } from './names';
import { deadLetterTopic, type DeadLetterTopic } from './queue';

/**
 * The CPU Cloud Functions gives each memory size (the gen1 tiers gen2 keeps): below 1 vCPU an instance
 * serves one request at a time, which is how Herald runs every function.
 * @see https://cloud.google.com/functions/docs/configuring/memory
 */
export const CPU_BY_MEMORY_MB: readonly (readonly [number, string])[] = [
  [128, '0.083'], [256, '0.167'], [512, '0.333'], [1024, '0.583'], [2048, '1'], [8192, '2'], [16384, '4'], [32768, '8'],
];

/** The vCPUs of a function with `memory` MB. */
export function cpuFor(memory: number): string {
  return (CPU_BY_MEMORY_MB.find(([mb]) => memory <= mb) ?? CPU_BY_MEMORY_MB[CPU_BY_MEMORY_MB.length - 1]!)[1];
}

/** The name of a bundle's source object: the function's and the bundle's hash, so a change rebuilds it. */
export function sourceObjectName(prefix: string, name: string, bundle: Pick<Bundle, 'hash'>): string {
  return `${prefix}/${name}-${bundle.hash.slice(0, 16)}.zip`;
}

/** Where a function's code is built: the foundation's source bucket, repository and build account. */
export type BuildPlace = Pick<GcpFoundation, 'prefix' | 'project' | 'region' | 'sourceBucket' | 'imageRepository' | 'buildAccount' | 'buildGrants'>;

export interface GcpFunctionSettings {
  readonly build: BuildPlace;
  readonly bundle: Bundle;
  readonly timeoutSeconds: number;
  readonly memory: number;
  readonly maxInstances?: number;
  /** The function's environment (its config as JSON among it). */
  readonly environment: pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** Environment variables read from Secret Manager: variable → secret id and version. */
  readonly secrets?: readonly { readonly key: string; readonly secret: pulumi.Input<string>; readonly version: pulumi.Input<string> }[];
  /** Reachable from the internet (a webhook); internal-only otherwise. */
  readonly public: boolean;
  readonly description: string;
  readonly labels: Labels;
  readonly overrides?: Readonly<Record<string, unknown>>;
  /** Grants the function needs to deploy (a secret's accessor), made for its account before it. */
  readonly grantsFirst?: (member: pulumi.Output<string>) => pulumi.Resource[];
}

/** The pieces of any function Herald deploys (user and ingress functions alike). */
export interface FunctionParts {
  readonly account: serviceaccount.Account;
  readonly source: storage.BucketObject;
  readonly function: cloudfunctionsv2.Function;
}

/** A service account, the source object and the function, under `parent`; grants come after (they name the account). */
export function createFunction(name: string, s: GcpFunctionSettings, parent: pulumi.Resource, dependsOn: pulumi.Input<pulumi.Resource>[] = []): FunctionParts {
  const b = s.build;
  const account = serviceAccountFor(`${name}-sa`, serviceAccountId(`${b.prefix}/fn/${name}`, name), `Herald ${b.prefix} function ${name}`, parent);
  const first = s.grantsFirst?.(account.member) ?? [];
  const source = new storage.BucketObject(`${name}-source`, {
    bucket: b.sourceBucket.name,
    name: sourceObjectName(b.prefix, name, s.bundle),
    source: codeArchive(s.bundle),
    contentType: 'application/zip',
  }, { parent });
  const fn = new cloudfunctionsv2.Function(resourceName('cloudFunction', name), {
    location: b.region,
    description: s.description,
    buildConfig: {
      runtime: GCP_NODE_RUNTIME,
      entryPoint: GCP_ENTRY_POINT,
      source: { storageSource: { bucket: b.sourceBucket.name, object: source.name } },
      serviceAccount: b.buildAccount.id,
      dockerRepository: b.imageRepository.id,
    },
    serviceConfig: {
      timeoutSeconds: s.timeoutSeconds,
      availableMemory: `${s.memory}M`,
      availableCpu: cpuFor(s.memory),
      maxInstanceRequestConcurrency: 1,
      ...(s.maxInstances !== undefined ? { maxInstanceCount: s.maxInstances } : {}),
      serviceAccountEmail: account.email,
      ingressSettings: s.public ? 'ALLOW_ALL' : 'ALLOW_INTERNAL_ONLY',
      allTrafficOnLatestRevision: true,
      environmentVariables: s.environment,
      ...(s.secrets?.length ? { secretEnvironmentVariables: s.secrets.map((x) => ({ key: x.key, projectId: b.project, secret: x.secret, version: x.version })) } : {}),
    },
    labels: s.labels,
    ...s.overrides,
    // The build account must hold its grants before Cloud Build runs as it.
  }, { parent, dependsOn: [...b.buildGrants, ...first, ...dependsOn] });
  return { account, source, function: fn };
}

/** The Cloud Run service of a function, as invoker bindings and Eventarc name it (it has the function's name). */
export function serviceOf(fn: cloudfunctionsv2.Function) {
  return { name: fn.name, location: fn.location };
}

/** The URL pushes, jobs and triggers call: the Cloud Run service's (the audience its tokens are checked against). */
export function serviceUrl(fn: cloudfunctionsv2.Function): pulumi.Output<string> {
  return fn.serviceConfig.apply((c) => c?.uri ?? '');
}

/**
 * A service account that may invoke exactly this function (`roles/run.invoker` on its service), for
 * pushes, a scheduler job or an Eventarc trigger. The Pub/Sub agent, when given, may mint its tokens:
 * projects created before 8 April 2021 need that grant for authenticated push.
 * @see https://cloud.google.com/pubsub/docs/authenticate-push-subscriptions
 */
export function invokerAccount(name: string, purpose: { prefix: string; readable: string; display: string }, fn: cloudfunctionsv2.Function, parent: pulumi.Resource, tokenMinter?: pulumi.Input<string>): serviceaccount.Account {
  const account = serviceAccountFor(`${name}-invoker`, serviceAccountId(`${purpose.prefix}/invoker/${name}`, purpose.readable), purpose.display, parent);
  invokerMember(`${name}-invoker-run`, serviceOf(fn), account.member, parent);
  if (tokenMinter) serviceAccountRole(`${name}-invoker-tokens`, account.name, ROLES.tokenCreator, tokenMinter, parent);
  return account;
}

/** The stores a function reads and writes. */
export interface FunctionStores {
  readonly project: string;
  readonly database: pulumi.Output<string>;
  readonly claimCheckBucket: pulumi.Output<string>;
}

/** Publishing to the claim check and reading it back, and claiming ids in the stack's database. */
export function storeGrants(name: string, member: pulumi.Input<string>, stores: FunctionStores, parent: pulumi.Resource, options: { readonly idempotency: boolean }): void {
  bucketMember(`${name}-claim-check-write`, stores.claimCheckBucket, ROLES.objectCreator, member, parent);
  bucketMember(`${name}-claim-check-read`, stores.claimCheckBucket, ROLES.objectViewer, member, parent);
  if (options.idempotency) {
    projectMember(`${name}-idempotency`, stores.project, ROLES.datastoreUser, member, parent, firestoreDatabaseCondition(stores.project, stores.database));
  }
}

export interface GcpFunctionArgs {
  readonly spec: FunctionSpec;
  readonly build: BuildPlace;
  readonly bundle: Bundle;
  readonly channels: readonly Channel[];
  /** The dead-letter topic id of each channel whose owner is a queue, stream or topic subscriber, by subscription. */
  readonly deadLetters: Readonly<Record<string, pulumi.Input<string>>>;
  /** The topic it publishes to (its id), if it publishes. */
  readonly publishTopic?: pulumi.Input<string>;
  readonly stores: FunctionStores;
  readonly agentMember: pulumi.Input<string>;
  /** The config's environment, given the dead-letter topic of its direct channels (when it has any). */
  readonly environment: (directDeadLetterTopic: pulumi.Output<string> | undefined) => pulumi.Input<Record<string, pulumi.Input<string>>>;
  /** The short names of its channels' push subscriptions (named from their filters, created after it). */
  readonly pushSubscriptions: readonly string[];
  readonly labels: Labels;
}

/** `herald:gcp:Function`: a user function, its identities and grants. */
export class GcpFunction extends pulumi.ComponentResource implements FunctionParts {
  readonly account: serviceaccount.Account;
  readonly source: storage.BucketObject;
  readonly function: cloudfunctionsv2.Function;
  /** The account whose tokens authenticate pushes to it; absent when nothing subscribes it. */
  readonly pushAccount?: serviceaccount.Account;
  /** Dead letters of its direct subscriptions, when it has any. */
  readonly deadLetters?: DeadLetterTopic;
  /** Its channels' dead-letter topic ids, by subscription. */
  readonly channelDeadLetters: Readonly<Record<string, pulumi.Input<string>>>;
  readonly url: pulumi.Output<string>;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: GcpFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:gcp:Function', name, {}, opts);
    const { spec, build } = args;
    if (args.channels.some((c) => c.source.kind === 'direct')) {
      this.deadLetters = deadLetterTopic(name, { retentionSeconds: toSeconds(DEFAULTS.queue.deadLetterRetention), agentMember: args.agentMember, labels: args.labels }, this);
      deadLetterAlert(name, `${build.prefix} ${name} (direct subscriptions)`, this.deadLetters.subscription.name, args.labels, this);
    }
    const channelDeadLetters: Record<string, pulumi.Input<string>> = {};
    for (const c of args.channels) channelDeadLetters[c.subscription] = c.deadLetter.owner === 'fn' ? this.deadLetters!.topic.id : args.deadLetters[c.subscription]!;
    this.channelDeadLetters = channelDeadLetters;
    ({ account: this.account, source: this.source, function: this.function } = createFunction(name, {
      build,
      bundle: args.bundle,
      timeoutSeconds: toSeconds(spec.timeout),
      memory: spec.memory,
      ...(spec.concurrency !== undefined ? { maxInstances: spec.concurrency } : {}),
      environment: args.environment(this.deadLetters?.topic.id),
      public: false,
      description: `Herald function ${spec.name}`,
      labels: args.labels,
      ...(spec.overrides?.gcp ? { overrides: spec.overrides.gcp } : {}),
    }, this));
    const member = this.account.member;
    if (args.publishTopic) topicMember(`${name}-publish`, args.publishTopic, ROLES.publisher, member, this);
    // One grant per distinct dead-letter topic (channels through one queue share it).
    const granted = new Set<pulumi.Input<string>>();
    for (const [sub, topic] of Object.entries(channelDeadLetters)) {
      if (granted.has(topic)) continue;
      granted.add(topic);
      topicMember(`${name}-dead-letter-${sub}`, topic, ROLES.publisher, member, this);
    }
    storeGrants(name, member, args.stores, this, { idempotency: args.channels.length > 0 });
    if (args.channels.length) {
      this.pushAccount = invokerAccount(name, { prefix: build.prefix, readable: `${name}-push`, display: `Herald ${build.prefix} pushes to ${name}` }, this.function, this, args.agentMember);
      alertPolicy(`${name}-push-errors`, `${build.prefix} ${name}: push error rate`, pushErrorRateCondition(args.pushSubscriptions), args.labels, this);
    }
    this.url = serviceUrl(this.function);
    this.outputs = { name: this.function.name, url: this.url, serviceAccount: this.account.email };
    this.registerOutputs(this.outputs);
  }
}

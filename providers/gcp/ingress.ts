/**
 * Ingress functions: the functions Herald provides for webhooks, schedules, upload triggers and change
 * triggers. Each turns a request, a scheduler run, an uploaded object or a document write into the
 * declared event and publishes it; heavy work never runs here. Same packaging and least privilege as user
 * functions (function.ts): a bundle of the ingress entry and the app's topology, its own service account,
 * `roles/pubsub.publisher` on exactly the topic it publishes to, object creation in the claim check.
 */
import * as pulumi from '@pulumi/pulumi';
import type { AppModule } from '../../contracts';
import { bundleIngress } from './bundle';
import { functionEnvironment, type GcpIngressResources } from './function-config';
import { bucketMember, ROLES, topicMember } from './iam';
import { createFunction, serviceUrl, type BuildPlace, type FunctionParts } from './function';
import type { Labels } from './labels';
import type { GcpConfig, GcpIngressKind } from './runtime/config';

/**
 * Timeout and memory per ingress kind: a webhook answers its sender fast; a scheduler job's attempt
 * deadline and an upload push's ack deadline are short; a change event is one document.
 */
export const INGRESS_SETTINGS: Readonly<Record<GcpIngressKind, { readonly timeoutSeconds: number; readonly memory: number }>> = {
  webhook: { timeoutSeconds: 10, memory: 256 },
  schedule: { timeoutSeconds: 30, memory: 256 },
  upload: { timeoutSeconds: 30, memory: 256 },
  change: { timeoutSeconds: 60, memory: 256 },
};

export interface IngressArgs {
  readonly app: AppModule;
  readonly build: BuildPlace;
  /** The id of the topic it publishes to (`projects/<p>/topics/<t>`). */
  readonly publishTopic: pulumi.Output<string>;
  readonly claimCheckBucket: pulumi.Output<string>;
  readonly stack: string;
  readonly labels: Labels;
}

export interface IngressSettings {
  readonly kind: GcpIngressKind;
  /** The kind's config from the resources' physical names (function-config.ts builds it). */
  readonly config: (r: GcpIngressResources) => pulumi.Input<GcpConfig>;
  readonly public?: boolean;
  readonly extraEnvironment?: Readonly<Record<string, string>>;
  readonly secrets?: readonly { readonly key: string; readonly secret: pulumi.Input<string>; readonly version: pulumi.Input<string> }[];
  /** Grants the function needs to deploy, made for its account before it. */
  readonly grantsFirst?: (member: pulumi.Output<string>) => pulumi.Resource[];
}

/** An ingress function and its grants, under `parent`. */
export function createIngress(name: string, a: IngressArgs, s: IngressSettings, parent: pulumi.Resource): FunctionParts & { readonly url: pulumi.Output<string> } {
  const { timeoutSeconds, memory } = INGRESS_SETTINGS[s.kind];
  const environment = pulumi.all([a.publishTopic, a.claimCheckBucket]).apply(([publishTopic, claimCheckBucket]) => pulumi.output(s.config({ project: a.build.project, publishTopic, claimCheckBucket })))
    .apply((config) => functionEnvironment(config, s.extraEnvironment ?? {}, a.stack));
  const parts = createFunction(name, {
    build: a.build,
    bundle: bundleIngress(s.kind, a.app),
    timeoutSeconds,
    memory,
    environment,
    ...(s.secrets ? { secrets: s.secrets } : {}),
    public: s.public ?? false,
    description: `Herald ${s.kind} ingress ${name}`,
    labels: a.labels,
    ...(s.grantsFirst ? { grantsFirst: s.grantsFirst } : {}),
  }, parent);
  const member = parts.account.member;
  topicMember(`${name}-publish`, a.publishTopic, ROLES.publisher, member, parent);
  bucketMember(`${name}-claim-check-write`, a.claimCheckBucket, ROLES.objectCreator, member, parent);
  return { ...parts, url: serviceUrl(parts.function) };
}

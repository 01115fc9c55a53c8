/**
 * bucket → a private Cloud Storage bucket (uniform bucket-level access, public access prevention
 * enforced) and, with an upload trigger: a Pub/Sub notification (`OBJECT_FINALIZE`, the trigger's prefix
 * as `objectNamePrefix`, JSON payload) to an upload topic, on which the Cloud Storage service agent holds
 * `roles/pubsub.publisher`; and an explicit push subscription on that topic to the upload ingress, with
 * OIDC, a dead-letter topic and backoff like any channel. The ingress maps each object to the declared
 * event and publishes it. Not an Eventarc storage trigger: Eventarc filters on the bucket only, not on a
 * prefix, and its subscription has no dead-letter topic.
 * @see https://cloud.google.com/storage/docs/pubsub-notifications
 */
import * as pulumi from '@pulumi/pulumi';
import * as pubsub from '@pulumi/gcp/pubsub';
import * as storage from '@pulumi/gcp/storage';
import type { BucketSpec, DeliveryPlan } from '../../contracts';
import { deadLetterAlert } from './alarm';
import { GCP_BACKOFF, GCP_DIRECT_ATTEMPTS } from './filter';
import { privateBucket } from './foundation';
import { uploadConfig } from './function-config';
import { invokerAccount, type FunctionParts } from './function';
import { ROLES, topicMember } from './iam';
import { createIngress, INGRESS_SETTINGS, type IngressArgs } from './ingress';
import type { Labels } from './labels';
import { ACK_DEADLINE_MARGIN_SECONDS, subscriptionRetention, SUBSCRIPTION_RETENTION_SECONDS } from './limits';
import { pushSubscriptionName, resourceName } from './names';
import { deadLetterTopic, type DeadLetterTopic } from './queue';
import { pushSubscription } from './subscription';

/** The upload notification's payload: the object's resource, as the JSON API writes it. */
export const UPLOAD_NOTIFICATION = { payloadFormat: 'JSON_API_V1', eventTypes: ['OBJECT_FINALIZE'] } as const;

export interface GcpBucketArgs {
  readonly spec: BucketSpec;
  readonly plan: DeliveryPlan;
  readonly region: string;
  readonly labels: Labels;
  /** The upload trigger's ingress settings; absent without `onUpload`. */
  readonly ingress?: IngressArgs & { readonly agentMember: pulumi.Input<string>; readonly storageAgentMember: pulumi.Input<string> };
}

/** `herald:gcp:Bucket`: a bucket and its upload trigger. */
export class GcpBucket extends pulumi.ComponentResource {
  readonly bucket: storage.Bucket;
  readonly uploadTopic?: pubsub.Topic;
  readonly notification?: storage.Notification;
  readonly ingress?: FunctionParts;
  readonly deadLetters?: DeadLetterTopic;
  readonly subscription?: pubsub.Subscription;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: GcpBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:gcp:Bucket', name, {}, opts);
    const { spec } = args;
    this.bucket = privateBucket(name, { location: args.region, labels: args.labels, ...(spec.overrides?.gcp ? { extra: spec.overrides.gcp } : {}) }, { parent: this });
    const upload = spec.onUpload;
    const ingress = args.ingress;
    if (upload && ingress) {
      const prefix = ingress.build.prefix;
      this.uploadTopic = new pubsub.Topic(resourceName('pubsubTopic', `${name}-uploads`), { labels: args.labels }, { parent: this });
      const storageAgent = topicMember(`${name}-uploads-storage-agent`, this.uploadTopic.id, ROLES.publisher, ingress.storageAgentMember, this);
      this.notification = new storage.Notification(`${name}-uploads`, {
        bucket: this.bucket.name,
        topic: this.uploadTopic.id,
        ...UPLOAD_NOTIFICATION,
        eventTypes: [...UPLOAD_NOTIFICATION.eventTypes],
        objectNamePrefix: upload.prefix,
        // Cloud Storage checks that it may publish when the notification is created.
      }, { parent: this, dependsOn: [storageAgent] });
      this.deadLetters = deadLetterTopic(`${name}-uploads`, { retentionSeconds: SUBSCRIPTION_RETENTION_SECONDS.max, agentMember: ingress.agentMember, labels: args.labels }, this);
      deadLetterAlert(`${name}-uploads`, `${prefix} ${name} uploads`, this.deadLetters.subscription.name, args.labels, this);
      const subscriptionName = pushSubscriptionName(prefix, `${name}-uploads`, '');
      const deadLetterTopicId = this.deadLetters.topic.id;
      const parts = createIngress(`${name}-upload`, ingress, {
        kind: 'upload',
        config: (r) => pulumi.all([this.bucket.name, deadLetterTopicId]).apply(([bucket, deadLetterTopic]) => uploadConfig(args.plan, { ...spec, onUpload: upload }, {
          ...r, bucket, subscription: `projects/${r.project}/subscriptions/${subscriptionName}`, deadLetterTopic,
        })),
      }, this);
      this.ingress = parts;
      topicMember(`${name}-upload-dead-letter`, deadLetterTopicId, ROLES.publisher, parts.account.member, this);
      const invoker = invokerAccount(`${name}-upload`, { prefix, readable: `${name}-upload-push`, display: `Herald ${prefix} uploads of ${spec.name}` }, parts.function, this, ingress.agentMember);
      this.subscription = pushSubscription(`${name}-uploads`, {
        name: subscriptionName,
        topic: this.uploadTopic.id,
        filter: '',
        endpoint: { url: parts.url, serviceAccountEmail: invoker.email },
        ackDeadlineSeconds: INGRESS_SETTINGS.upload.timeoutSeconds + ACK_DEADLINE_MARGIN_SECONDS,
        deadLetterTopic: deadLetterTopicId,
        maxDeliveryAttempts: GCP_DIRECT_ATTEMPTS,
        backoff: GCP_BACKOFF,
        retention: subscriptionRetention(SUBSCRIPTION_RETENTION_SECONDS.default),
        ordered: false,
        agentMember: ingress.agentMember,
        labels: args.labels,
      }, this).subscription;
    }
    this.outputs = { name: this.bucket.name, url: this.bucket.url, ...(this.uploadTopic ? { uploadTopic: this.uploadTopic.id } : {}) };
    this.registerOutputs(this.outputs);
  }
}

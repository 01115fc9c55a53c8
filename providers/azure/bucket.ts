/**
 * bucket → a blob container in its own hardened storage account (shared keys off: only identities with a
 * data role reach it) and, with `onUpload`, the upload trigger: an Event Grid system topic on that account
 * (one per source account, so no implicit topic appears beside it), a `BlobCreated` subscription on the
 * blobs under the prefix (`subjectBeginsWith`, case-sensitive) pushing CloudEvents to an ingress Function
 * App that publishes the declared event, with a retry policy and dead letters written, with the system
 * topic's identity, to a container only it may write. Event Grid retries an upload up to 30 times over a
 * day: publishing it is idempotent (the event id is the blob's event id).
 * @see https://learn.microsoft.com/azure/event-grid/event-schema-blob-storage
 * @see https://learn.microsoft.com/azure/event-grid/system-topics
 */
import * as pulumi from '@pulumi/pulumi';
import * as eventgrid from '@pulumi/azure-native/eventgrid';
import type * as storage from '@pulumi/azure-native/storage';
import type * as monitor from '@pulumi/azure-native/monitor';
import type { BucketSpec } from '../../contracts';
import { eventGridDeadLetterCondition, metricAlert } from './alarm';
import { deadLetterContainer, type DeadLetterContainer } from './bus';
import type { AzureFoundation } from './foundation';
import type { FlexParts } from './function';
import { createIngress, type IngressArgs } from './ingress';
import { EVENT_GRID_LIMITS } from './limits';
import { accountName, containerName, eventSubscriptionName, resourceName } from './names';
import { FUNCTION_NAMES } from './runtime/config';
import { hardenedStorageAccount, privateContainer } from './stores';
import { blobSubjectPrefix, eventGridDelivery } from './subscription';
import type { Tags } from './tags';

/** The event type of a new blob. */
export const BLOB_CREATED = 'Microsoft.Storage.BlobCreated';

export interface AzureBucketArgs {
  readonly spec: BucketSpec;
  readonly foundation: AzureFoundation;
  readonly tags: Tags;
  /** With `onUpload`: the ingress app's settings (the upload trigger is added here). */
  readonly ingress?: Omit<IngressArgs, 'ingress'>;
}

/** `herald:azure:Bucket`: a storage account and container, and with `onUpload` its upload trigger. */
export class AzureBucket extends pulumi.ComponentResource {
  readonly account: storage.StorageAccount;
  readonly container: storage.BlobContainer;
  readonly systemTopic?: eventgrid.SystemTopic;
  readonly deadLetters?: DeadLetterContainer;
  readonly ingress?: FlexParts;
  readonly eventSubscription?: eventgrid.SystemTopicEventSubscription;
  /** Fires on any upload event the system topic gave up on (`DeadLetteredCount`). */
  readonly deadLetterAlert?: monitor.MetricAlert;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: AzureBucketArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:azure:Bucket', name, {}, opts);
    const { spec, foundation: f } = args;
    const rg = f.resourceGroupName;
    this.account = hardenedStorageAccount(`${name}-account`, {
      resourceGroupName: rg, location: f.location, accountName: accountName('storageAccount', f.scope, name), tags: args.tags,
      ...(spec.overrides?.azure ? { overrides: spec.overrides.azure } : {}),
    }, this);
    this.container = privateContainer(name, { account: this.account, resourceGroupName: rg, containerName: spec.name }, this);
    const up = spec.onUpload;
    if (up && args.ingress) {
      this.systemTopic = new eventgrid.SystemTopic(resourceName('systemTopic', `${name}-events`), {
        resourceGroupName: rg,
        location: f.location,
        source: this.account.id,
        topicType: 'Microsoft.Storage.StorageAccounts',
        identity: { type: 'SystemAssigned' },
        tags: args.tags,
      }, { parent: this });
      const principalId = this.systemTopic.identity.apply((i) => i?.principalId ?? '');
      this.deadLetters = deadLetterContainer(name, 'upload', f, principalId, this);
      this.deadLetterAlert = metricAlert(`${name}-dead-letters`, eventGridDeadLetterCondition(this.systemTopic.id, true), f, args.tags, this);
      this.ingress = createIngress(`${name}-upload`, {
        ...args.ingress,
        ingress: { kind: 'upload', spec, trigger: up, container: containerName(spec.name) },
      }, this);
      this.eventSubscription = new eventgrid.SystemTopicEventSubscription(`${name}-upload`, {
        resourceGroupName: rg,
        systemTopicName: this.systemTopic.name,
        eventSubscriptionName: eventSubscriptionName(`${spec.name}-upload`),
        filter: {
          includedEventTypes: [BLOB_CREATED],
          subjectBeginsWith: blobSubjectPrefix(containerName(spec.name), up.prefix),
          isSubjectCaseSensitive: true,
        },
        destination: {
          endpointType: 'AzureFunction',
          resourceId: pulumi.interpolate`${this.ingress.app.id}/functions/${FUNCTION_NAMES.upload}`,
          maxEventsPerBatch: 1,
        },
        ...eventGridDelivery(EVENT_GRID_LIMITS.maxDeliveryAttempts, { storageId: f.storage.id, container: this.deadLetters.container.name }),
        // Event Grid validates a function destination when it is created: the app and its code first.
      }, { parent: this, dependsOn: [this.ingress.app, this.ingress.package, this.deadLetters.grant] });
    }
    this.outputs = {
      account: this.account.name, container: this.container.name,
      ...(this.ingress ? { function: this.ingress.app.name } : {}),
    };
    this.registerOutputs(this.outputs);
  }
}

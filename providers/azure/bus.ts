/**
 * bus → an Event Grid custom topic taking CloudEvents 1.0 (`CloudEventSchemaV1_0`), with a system-assigned
 * identity and local (SAS key) auth off: publishers authenticate with Entra ID (EventGrid Data Sender on
 * this topic). Its identity delivers to Service Bus queues and Event Hubs and writes dead letters, so it
 * holds exactly Storage Blob Data Contributor on this bus's dead-letter container here, and Data Sender
 * on each queue or hub a subscription targets (subscription.ts).
 * @see https://learn.microsoft.com/azure/event-grid/cloud-event-schema
 * @see https://learn.microsoft.com/azure/event-grid/manage-event-delivery#use-managed-identity-for-dead-lettering
 */
import * as pulumi from '@pulumi/pulumi';
import * as eventgrid from '@pulumi/azure-native/eventgrid';
import type * as authorization from '@pulumi/azure-native/authorization';
import type * as monitor from '@pulumi/azure-native/monitor';
import type * as storage from '@pulumi/azure-native/storage';
import type { BusSpec } from '../../contracts';
import type { AzureFoundation } from './foundation';
import { eventGridDeadLetterCondition, metricAlert } from './alarm';
import { roleAssignment } from './iam';
import { resourceName } from './names';
import { privateContainer } from './stores';
import type { Tags } from './tags';

/** Where an Event Grid topic's dead letters go: a container, and the topic identity's right to write it. */
export interface DeadLetterContainer {
  readonly container: storage.BlobContainer;
  readonly grant: authorization.RoleAssignment;
}

/** A dead-letter container in the foundation's account that `principalId` may write; `kind` prefixes its name (`bus`, `upload`). */
export function deadLetterContainer(name: string, kind: string, foundation: AzureFoundation, principalId: pulumi.Input<string>, parent: pulumi.Resource): DeadLetterContainer {
  const container = privateContainer(`${name}-dead-letters`, { account: foundation.storage, resourceGroupName: foundation.resourceGroupName, containerName: `${kind}-${name}-dead-letters` }, parent);
  const grant = roleAssignment(`${name}-dead-letters-writer`, principalId, {
    role: 'storageBlobDataContributor', scope: container.id, purpose: `Event Grid writes ${name}'s dead letters`,
  }, parent);
  return { container, grant };
}

export interface AzureBusArgs {
  readonly spec: BusSpec;
  readonly foundation: AzureFoundation;
  readonly tags: Tags;
}

/** `herald:azure:Bus`: an Event Grid custom topic and its dead-letter container. */
export class AzureBus extends pulumi.ComponentResource {
  readonly topic: eventgrid.Topic;
  readonly deadLetters: DeadLetterContainer;
  /** Fires on any event the topic gave up on (Event Grid's `DeadLetteredCount`): it is in the dead-letter container. */
  readonly deadLetterAlert: monitor.MetricAlert;
  /** The topic's system-assigned identity (delivery and dead-lettering). */
  readonly principalId: pulumi.Output<string>;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: AzureBusArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:azure:Bus', name, {}, opts);
    const f = args.foundation;
    this.topic = new eventgrid.Topic(resourceName('eventGridTopic', name), {
      resourceGroupName: f.resourceGroupName,
      location: f.location,
      inputSchema: 'CloudEventSchemaV1_0',
      identity: { type: 'SystemAssigned' },
      disableLocalAuth: true,
      minimumTlsVersionAllowed: '1.2',
      tags: args.tags,
      ...args.spec.overrides?.azure,
    }, { parent: this });
    this.principalId = this.topic.identity.apply((i) => i?.principalId ?? '');
    this.deadLetters = deadLetterContainer(name, 'bus', f, this.principalId, this);
    this.deadLetterAlert = metricAlert(`${name}-dead-letters`, eventGridDeadLetterCondition(this.topic.id, false), f, args.tags, this);
    this.outputs = { name: this.topic.name, id: this.topic.id, endpoint: this.topic.endpoint, deadLetterContainer: this.deadLetters.container.name };
    this.registerOutputs(this.outputs);
  }
}

/**
 * table → a Firestore collection of the stack's database (stores.ts; Firestore creates a collection with
 * its first document, so there is nothing to declare for it) and, with a change trigger: an Eventarc
 * trigger on `google.cloud.firestore.document.v1.written` for the collection's documents
 * (`<collection>/{document}`, a path pattern), in the database's location, calling the change ingress
 * as a service account holding `roles/run.invoker` on that function only (and the event receiver role,
 * which exists only at project level). The events are protobuf `DocumentEventData`; the ingress decodes
 * them, keeps the old and new values and publishes the declared event. Eventarc retries a failed event
 * for 24 hours and has no dead-letter topic, so the ingress dead-letters what it cannot turn into an event.
 * @see https://cloud.google.com/firestore/docs/extend-with-functions-2nd-gen
 * @see https://cloud.google.com/eventarc/docs/reference/rest/v1/projects.locations.triggers
 */
import * as pulumi from '@pulumi/pulumi';
import * as eventarc from '@pulumi/gcp/eventarc';
import type * as serviceaccount from '@pulumi/gcp/serviceaccount';
import type { DeliveryPlan, TableSpec } from '../../contracts';
import { deadLetterAlert } from './alarm';
import { changeConfig } from './function-config';
import { invokerAccount, type FunctionParts } from './function';
import { projectMember, ROLES, topicMember } from './iam';
import { createIngress, type IngressArgs } from './ingress';
import type { Labels } from './labels';
import { SUBSCRIPTION_RETENTION_SECONDS } from './limits';
import { resourceName } from './names';
import { deadLetterTopic, type DeadLetterTopic } from './queue';

/** The Firestore event a change trigger reads: any create, update or delete of a document. */
export const DOCUMENT_WRITTEN = 'google.cloud.firestore.document.v1.written';

/** The Eventarc matching criteria for the documents of one collection of one database. */
export function documentCriteria(database: pulumi.Input<string>, collection: string) {
  return [
    { attribute: 'type', value: DOCUMENT_WRITTEN },
    { attribute: 'database', value: database },
    { attribute: 'document', value: `${collection}/{document}`, operator: 'match-path-pattern' },
  ];
}

export interface GcpTableArgs {
  readonly spec: TableSpec;
  readonly plan: DeliveryPlan;
  /** The stack's Firestore database id and location. */
  readonly database: pulumi.Output<string>;
  readonly region: string;
  readonly labels: Labels;
  /** The change trigger's ingress settings; absent without `onChange`. */
  readonly ingress?: IngressArgs & { readonly agentMember: pulumi.Input<string> };
}

/** `herald:gcp:Table`: a collection and its change trigger. */
export class GcpTable extends pulumi.ComponentResource {
  /** The collection id (the table's name). */
  readonly collection: string;
  readonly ingress?: FunctionParts;
  readonly deadLetters?: DeadLetterTopic;
  readonly triggerAccount?: serviceaccount.Account;
  readonly trigger?: eventarc.Trigger;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: GcpTableArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:gcp:Table', name, {}, opts);
    const { spec, ingress } = args;
    this.collection = spec.name;
    const change = spec.onChange;
    if (change && ingress) {
      const prefix = ingress.build.prefix;
      this.deadLetters = deadLetterTopic(`${name}-changes`, { retentionSeconds: SUBSCRIPTION_RETENTION_SECONDS.max, agentMember: ingress.agentMember, labels: args.labels }, this);
      deadLetterAlert(`${name}-changes`, `${prefix} ${name} changes`, this.deadLetters.subscription.name, args.labels, this);
      const deadLetterTopicId = this.deadLetters.topic.id;
      const parts = createIngress(`${name}-change`, ingress, {
        kind: 'change',
        config: (r) => pulumi.all([args.database, deadLetterTopicId]).apply(([database, deadLetterTopic]) => changeConfig(args.plan, { ...spec, onChange: change }, {
          ...r, collection: this.collection, database, deadLetterTopic,
        })),
      }, this);
      this.ingress = parts;
      topicMember(`${name}-change-dead-letter`, deadLetterTopicId, ROLES.publisher, parts.account.member, this);
      this.triggerAccount = invokerAccount(`${name}-change`, { prefix, readable: `${name}-changes`, display: `Herald ${prefix} changes of ${spec.name}` }, parts.function, this, ingress.agentMember);
      const receiver = projectMember(`${name}-change-receiver`, ingress.build.project, ROLES.eventReceiver, this.triggerAccount.member, this);
      this.trigger = new eventarc.Trigger(resourceName('eventarcTrigger', `${name}-changes`), {
        // The database's location: Firestore triggers must be in it.
        location: args.region,
        matchingCriterias: documentCriteria(args.database, this.collection),
        eventDataContentType: 'application/protobuf',
        destination: { cloudRunService: { service: parts.function.name, region: args.region } },
        serviceAccount: this.triggerAccount.email,
        labels: args.labels,
      }, { parent: this, dependsOn: [receiver] });
    }
    this.outputs = { collection: pulumi.output(this.collection), database: args.database, ...(this.trigger ? { trigger: this.trigger.name } : {}) };
    this.registerOutputs(this.outputs);
  }
}

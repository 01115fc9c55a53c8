/**
 * fn → what the cluster knows of a function: its principal's ACLs (see acl.ts) and, when a subscription
 * reads a bus directly (no queue or stream in between), the dead-letter topic of those direct channels.
 * The function itself runs in a Herald worker (`herald worker`), wherever the user starts one: as a
 * process, a systemd unit or a Kubernetes deployment authenticated as the principal.
 */
import * as pulumi from '@pulumi/pulumi';
import * as kafka from '@pulumi/kafka';
import { DEFAULTS, type DeliveryPlan, type FunctionSpec } from '../../contracts';
import { grantsOf, type Grant } from './acl';
import type { KafkaFoundation } from './foundation';
import { declareTopic } from './declare-topic';

export interface KafkaFunctionArgs {
  readonly spec: FunctionSpec;
  /** The delivery plan: the function's channels, and those its publishes feed. */
  readonly plan: DeliveryPlan;
  readonly cluster: Pick<KafkaFoundation, 'names' | 'settings'>;
}

/** `herald:kafka:Function`: the principal's ACLs and the direct channels' dead-letter topic. */
export class KafkaFunction extends pulumi.ComponentResource {
  readonly principal: string;
  readonly grants: readonly Grant[];
  readonly acls: readonly kafka.Acl[];
  readonly deadLetterTopic?: kafka.Topic;
  readonly outputs: Readonly<Record<string, pulumi.Input<string>>>;

  constructor(name: string, args: KafkaFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:kafka:Function', name, {}, opts);
    const { spec, plan, cluster: { names, settings } } = args;
    this.principal = names.principal(spec.name);
    const direct = plan.channelsOf(spec.name).find((c) => c.deadLetter.owner === 'fn');
    if (direct) this.deadLetterTopic = declareTopic(`${name}-dlq`, names.deadLetter(direct), settings, { retention: DEFAULTS.queue.deadLetterRetention }, this);
    this.grants = grantsOf(names, spec, plan);
    this.acls = this.grants.map((g) => new kafka.Acl(`${name}-${g.operation.toLowerCase()}-${g.resourceType.toLowerCase()}-${g.pattern === 'Prefixed' ? 'prefix-' : ''}${g.resourceName}`, {
      aclPrincipal: this.principal,
      // Any client host: Kafka ACLs name hosts by IP, and workers move; the principal is what is checked.
      aclHost: '*',
      aclOperation: g.operation,
      aclPermissionType: 'Allow',
      aclResourceType: g.resourceType,
      aclResourceName: g.resourceName,
      resourcePatternTypeFilter: g.pattern,
    }, { parent: this }));
    this.outputs = { principal: this.principal, ...(this.deadLetterTopic ? { deadLetterTopic: this.deadLetterTopic.name } : {}) };
    this.registerOutputs(this.outputs);
  }
}

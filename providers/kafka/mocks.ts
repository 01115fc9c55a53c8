/**
 * A Kafka cluster as Pulumi's mock engine sees it (`herald plan --cloud kafka` and the deploy tests): a
 * topic's id is its name, an ACL's id is the pipe-separated form `pulumi import` takes, as the Terraform
 * Kafka provider reports them. Where the stack goes is its bootstrap brokers (`herald:kafkaBrokers`).
 */
import type { MockCloud, MockReport, MockResource, MockTarget } from '../mocks';

/** The cluster at `brokers` (`host:port[,…]`). */
export function kafkaMockCloud(brokers: string): MockCloud {
  return { location: { brokers }, calls: {}, report };
}

/** Reads the brokers from the stack's `herald:kafkaBrokers`. */
export const kafkaMockTarget: MockTarget = {
  requiredConfig: ['herald:kafkaBrokers'],
  forStack: (config) => kafkaMockCloud(config['herald:kafkaBrokers']!),
};

function report({ type, inputs }: MockResource): MockReport {
  switch (type) {
    case 'kafka:index/topic:Topic': return { id: String(inputs.name), state: {} };
    case 'kafka:index/acl:Acl': {
      const { aclPrincipal, aclHost, aclOperation, aclPermissionType, aclResourceType, aclResourceName, resourcePatternTypeFilter } = inputs;
      return { id: [aclPrincipal, aclHost, aclOperation, aclPermissionType, aclResourceType, aclResourceName, resourcePatternTypeFilter ?? 'Literal'].join('|'), state: {} };
    }
    default:
      return { state: {} };
  }
}

/**
 * IAM on GCP, resource by resource: every grant Herald makes is one member binding on the one resource it
 * concerns (a topic, a subscription, a bucket, a secret, a Cloud Run service, a service account), never a
 * policy that replaces what others granted, and never a project-level grant where the resource has its
 * own IAM. The two exceptions are roles that exist only at project level, each narrowed as far as GCP
 * allows (see `projectMember`). Primitive roles are refused outright.
 * @see https://cloud.google.com/iam/docs/understanding-roles
 */
import * as pulumi from '@pulumi/pulumi';
import * as cloudrunv2 from '@pulumi/gcp/cloudrunv2';
import * as projects from '@pulumi/gcp/projects';
import * as pubsub from '@pulumi/gcp/pubsub';
import * as secretmanager from '@pulumi/gcp/secretmanager';
import * as serviceaccount from '@pulumi/gcp/serviceaccount';
import * as storage from '@pulumi/gcp/storage';
import { physicalName } from './names';

/** The predefined roles Herald grants, by purpose. Each is the narrowest that does the job. */
export const ROLES = {
  /** Publish to a topic (a function's publish target and its dead-letter topics; the Pub/Sub agent on a dead-letter topic; the GCS agent on an upload topic). */
  publisher: 'roles/pubsub.publisher',
  /** The Pub/Sub service agent acknowledging a dead-lettered message on its source subscription. */
  subscriber: 'roles/pubsub.subscriber',
  /** Call a gen2 function: it is a Cloud Run service (`roles/cloudfunctions.invoker` alone does not let anyone invoke it). */
  invoker: 'roles/run.invoker',
  /** Read and write Firestore documents (the idempotency store). Firestore has no per-collection IAM. */
  datastoreUser: 'roles/datastore.user',
  /** Write claim-checked data; read it back. */
  objectCreator: 'roles/storage.objectCreator',
  objectViewer: 'roles/storage.objectViewer',
  /** Read a secret's versions (a webhook's signing secret). */
  secretAccessor: 'roles/secretmanager.secretAccessor',
  /** Mint OIDC tokens as a push or scheduler service account (the Pub/Sub agent on projects created before 8 April 2021 needs it). */
  tokenCreator: 'roles/iam.serviceAccountTokenCreator',
  /** An Eventarc trigger's service account receiving events; the role exists only at project level. */
  eventReceiver: 'roles/eventarc.eventReceiver',
  /** Cloud Build writing a function's logs; the role exists only at project level. */
  logWriter: 'roles/logging.logWriter',
  /** Cloud Build pushing a function's image to Herald's repository. */
  artifactWriter: 'roles/artifactregistry.writer',
} as const;

/** Roles no Herald principal ever gets. */
export const PRIMITIVE_ROLES = ['roles/owner', 'roles/editor', 'roles/viewer'] as const;

/** @throws RangeError on a primitive role: a bug in the caller. */
export function assertNarrow(role: string): string {
  if ((PRIMITIVE_ROLES as readonly string[]).includes(role)) throw new RangeError(`${role} is a primitive role; grant a predefined role on the resource instead`);
  return role;
}

/** A service account of its own, with a display name saying what it is for. */
export function serviceAccountFor(name: string, accountId: string, displayName: string, parent: pulumi.Resource): serviceaccount.Account {
  return new serviceaccount.Account(name, {
    accountId: physicalName('serviceAccount', accountId),
    displayName: displayName.slice(0, 100),
    description: `Created by Herald: ${displayName}`.slice(0, 256),
  }, { parent });
}

export function topicMember(name: string, topic: pulumi.Input<string>, role: string, member: pulumi.Input<string>, parent: pulumi.Resource): pubsub.TopicIAMMember {
  return new pubsub.TopicIAMMember(name, { topic, role: assertNarrow(role), member }, { parent });
}

export function subscriptionMember(name: string, subscription: pulumi.Input<string>, role: string, member: pulumi.Input<string>, parent: pulumi.Resource): pubsub.SubscriptionIAMMember {
  return new pubsub.SubscriptionIAMMember(name, { subscription, role: assertNarrow(role), member }, { parent });
}

export function bucketMember(name: string, bucket: pulumi.Input<string>, role: string, member: pulumi.Input<string>, parent: pulumi.Resource): storage.BucketIAMMember {
  return new storage.BucketIAMMember(name, { bucket, role: assertNarrow(role), member }, { parent });
}

export function secretMember(name: string, secretId: pulumi.Input<string>, role: string, member: pulumi.Input<string>, parent: pulumi.Resource): secretmanager.SecretIamMember {
  return new secretmanager.SecretIamMember(name, { secretId, role: assertNarrow(role), member }, { parent });
}

export function serviceAccountRole(name: string, account: pulumi.Input<string>, role: string, member: pulumi.Input<string>, parent: pulumi.Resource): serviceaccount.IAMMember {
  return new serviceaccount.IAMMember(name, { serviceAccountId: account, role: assertNarrow(role), member }, { parent });
}

/** A gen2 function's Cloud Run service, as an invoker binding names it. */
export interface InvokableService {
  readonly name: pulumi.Input<string>;
  readonly location: pulumi.Input<string>;
}

/** `roles/run.invoker` on one function's service only: for its push, scheduler or Eventarc service account, or `allUsers` on a webhook. */
export function invokerMember(name: string, service: InvokableService, member: pulumi.Input<string>, parent: pulumi.Resource): cloudrunv2.ServiceIamMember {
  return new cloudrunv2.ServiceIamMember(name, { name: service.name, location: service.location, role: ROLES.invoker, member }, { parent });
}

/**
 * A grant on the project for a role that has no narrower resource: Firestore (IAM is per project; the
 * condition narrows it to one database), Eventarc's event receiver and Cloud Build's log writer.
 * @see https://cloud.google.com/firestore/docs/security/iam#iam_conditions
 */
export function projectMember(name: string, project: pulumi.Input<string>, role: (typeof ROLES)['datastoreUser' | 'eventReceiver' | 'logWriter'], member: pulumi.Input<string>,
  parent: pulumi.Resource, condition?: { title: string; expression: pulumi.Input<string> }): projects.IAMMember {
  return new projects.IAMMember(name, { project, role: assertNarrow(role), member, ...(condition ? { condition } : {}) }, { parent });
}

/** The IAM condition that narrows a Firestore grant to one database. */
export function firestoreDatabaseCondition(project: pulumi.Input<string>, database: pulumi.Input<string>) {
  return { title: 'herald-idempotency-database', expression: pulumi.interpolate`resource.name == "projects/${project}/databases/${database}"` };
}

/**
 * schedule → a Cloud Scheduler HTTP job on the 5-field cron as written (Cloud Scheduler reads unix-cron),
 * in UTC, calling the schedule's ingress function with an OIDC token of its own service account, the only
 * principal with `roles/run.invoker` on that function. The ingress builds the declared event from the
 * bundled topology, with `{{scheduledTime}}` from the `X-CloudScheduler-ScheduleTime` header and the event
 * id from the schedule's name and that time, so a retried run is deduplicated downstream; it publishes
 * the event and answers 2xx. A failed run is retried with backoff within the attempt deadline.
 * @see https://cloud.google.com/scheduler/docs/configuring/cron-job-schedules
 * @see https://cloud.google.com/scheduler/docs/http-target-auth
 */
import * as pulumi from '@pulumi/pulumi';
import * as cloudscheduler from '@pulumi/gcp/cloudscheduler';
import type * as serviceaccount from '@pulumi/gcp/serviceaccount';
import type { DeliveryPlan, ScheduleSpec } from '../../contracts';
import { scheduleConfig } from './function-config';
import { invokerAccount, type FunctionParts } from './function';
import { createIngress, INGRESS_SETTINGS, type IngressArgs } from './ingress';
import type { Labels } from './labels';
import { protoDuration } from './limits';
import { resourceName } from './names';

/**
 * Retries of a failed run: up to 5 (Cloud Scheduler's most), backing off from 10 s to 5 min; each attempt
 * may last the ingress's timeout plus a margin.
 * @see https://cloud.google.com/scheduler/docs/reference/rest/v1/projects.locations.jobs#RetryConfig
 */
export const SCHEDULE_RETRY = { retryCount: 5, minBackoffDuration: '10s', maxBackoffDuration: '300s', maxDoublings: 5 } as const;
export const SCHEDULE_TIME_ZONE = 'Etc/UTC';

export interface GcpScheduleArgs {
  readonly spec: ScheduleSpec;
  readonly plan: DeliveryPlan;
  readonly ingress: IngressArgs;
  readonly labels: Labels;
}

/** `herald:gcp:Schedule`: a scheduler job, its ingress function and the account it calls it as. */
export class GcpSchedule extends pulumi.ComponentResource {
  readonly ingress: FunctionParts;
  readonly invoker: serviceaccount.Account;
  readonly job: cloudscheduler.Job;
  readonly outputs: Readonly<Record<string, pulumi.Output<string>>>;

  constructor(name: string, args: GcpScheduleArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:gcp:Schedule', name, {}, opts);
    const { spec, ingress } = args;
    const parts = createIngress(`${name}-schedule`, ingress, { kind: 'schedule', config: (r) => scheduleConfig(args.plan, spec, r) }, this);
    this.ingress = parts;
    this.invoker = invokerAccount(`${name}-schedule`, { prefix: ingress.build.prefix, readable: `${name}-scheduler`, display: `Herald ${ingress.build.prefix} schedule ${spec.name}` }, parts.function, this);
    this.job = new cloudscheduler.Job(resourceName('schedulerJob', name), {
      region: ingress.build.region,
      description: `Herald schedule ${spec.name}: ${spec.emits} on ${spec.to.kind} ${spec.to.name}`,
      schedule: spec.cron,
      timeZone: SCHEDULE_TIME_ZONE,
      attemptDeadline: protoDuration(INGRESS_SETTINGS.schedule.timeoutSeconds + 15),
      retryConfig: { ...SCHEDULE_RETRY },
      httpTarget: {
        uri: parts.url,
        httpMethod: 'POST',
        headers: { 'Content-Type': 'application/json' },
        oidcToken: { serviceAccountEmail: this.invoker.email, audience: parts.url },
      },
    }, { parent: this });
    this.outputs = { name: this.job.name, function: parts.function.name, schedule: pulumi.output(spec.cron) };
    this.registerOutputs(this.outputs);
  }
}

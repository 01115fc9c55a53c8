/**
 * schedule → a timer trigger in an ingress Function App that publishes the declared event on each run.
 * The expression is NCRONTAB (6 fields, seconds first: the 5-field cron with seconds `0`, UTC) in the app
 * setting `HERALD_SCHEDULE_<NAME>`, which the trigger reads as `%HERALD_SCHEDULE_<NAME>%`: the plan shows
 * it, and it can change without new code. The host runs a timer on one instance at a time (a blob lease
 * in its storage), so a run is not duplicated across instances.
 * @see https://learn.microsoft.com/azure/azure-functions/functions-bindings-timer#ncrontab-expressions
 */
import * as pulumi from '@pulumi/pulumi';
import type * as web from '@pulumi/azure-native/web';
import type { ScheduleSpec } from '../../contracts';
import { toNcrontab } from './cron';
import { scheduleSetting } from './function-config';
import type { FlexParts } from './function';
import { createIngress, type IngressArgs } from './ingress';

export interface AzureScheduleArgs {
  readonly spec: ScheduleSpec;
  readonly ingress: Omit<IngressArgs, 'ingress'>;
}

/** `herald:azure:Schedule`: a timer-triggered ingress app. */
export class AzureSchedule extends pulumi.ComponentResource {
  readonly ingress: FlexParts;
  readonly app: web.WebApp;
  readonly outputs: Readonly<Record<string, pulumi.Input<string>>>;

  constructor(name: string, args: AzureScheduleArgs, opts?: pulumi.ComponentResourceOptions) {
    super('herald:azure:Schedule', name, {}, opts);
    const { spec } = args;
    this.ingress = createIngress(`${name}-schedule`, { ...args.ingress, ingress: { kind: 'schedule', spec } }, this);
    this.app = this.ingress.app;
    this.outputs = { function: this.app.name, setting: scheduleSetting(spec.name), ncrontab: toNcrontab(spec.cron) };
    this.registerOutputs(this.outputs);
  }
}

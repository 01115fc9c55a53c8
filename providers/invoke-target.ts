/**
 * What `herald invoke --function <name>` names, on every cloud: a user function by its name, or one of
 * Herald's ingress functions as `webhook:<webhook>`, `upload:<bucket>`, `change:<table>`, and, where a
 * schedule runs as a function (Azure's timer, GCP's Cloud Scheduler target), `schedule:<schedule>`.
 */
import type { BucketSpec, ChangeTrigger, FunctionSpec, ScheduleSpec, TableSpec, Topology, UploadTrigger, WebhookSpec } from '../contracts';

/** A target; without schedules (a cloud where a schedule is no function), never a `schedule`. */
export type InvokeTarget<Schedules extends boolean = true> = Schedules extends true ? AnyTarget : Exclude<AnyTarget, { readonly kind: 'schedule' }>;

type AnyTarget =
  | { readonly kind: 'function'; readonly spec: FunctionSpec }
  | { readonly kind: 'webhook'; readonly spec: WebhookSpec }
  | { readonly kind: 'upload'; readonly spec: BucketSpec & { readonly onUpload: UploadTrigger }; readonly trigger: UploadTrigger }
  | { readonly kind: 'change'; readonly spec: TableSpec & { readonly onChange: ChangeTrigger }; readonly trigger: ChangeTrigger }
  | { readonly kind: 'schedule'; readonly spec: ScheduleSpec };

export interface InvokeTargets<Schedules extends boolean> {
  /** The target `name` names, or why there is none (listing every name there is). */
  invokeTarget(t: Topology, name: string): InvokeTarget<Schedules> | { readonly refused: string };
  /** Every name `herald invoke` takes for the topology. */
  invokeNames(t: Topology): string[];
}

/** The names a cloud's invoke takes: schedules are targets only where a schedule runs as a function. */
export function invokeTargets<Schedules extends boolean>(options: { readonly schedules: Schedules }): InvokeTargets<Schedules> {
  const invokeNames = (t: Topology): string[] => [
    ...t.functions.map((f) => f.name), ...t.webhooks.map((w) => `webhook:${w.name}`),
    ...t.buckets.filter((b) => b.onUpload).map((b) => `upload:${b.name}`), ...t.tables.filter((x) => x.onChange).map((x) => `change:${x.name}`),
    ...(options.schedules ? t.schedules.map((s) => `schedule:${s.name}`) : []),
  ];
  const find = (t: Topology, kind: string, logical: string): AnyTarget | undefined => {
    switch (kind) {
      case 'function': {
        const spec = t.functions.find((f) => f.name === logical);
        return spec && { kind, spec };
      }
      case 'webhook': {
        const spec = t.webhooks.find((w) => w.name === logical);
        return spec && { kind, spec };
      }
      case 'upload': {
        const spec = t.buckets.find((b) => b.name === logical);
        return spec?.onUpload ? { kind, spec: { ...spec, onUpload: spec.onUpload }, trigger: spec.onUpload } : undefined;
      }
      case 'change': {
        const spec = t.tables.find((x) => x.name === logical);
        return spec?.onChange ? { kind, spec: { ...spec, onChange: spec.onChange }, trigger: spec.onChange } : undefined;
      }
      case 'schedule': {
        const spec = options.schedules ? t.schedules.find((s) => s.name === logical) : undefined;
        return spec && { kind, spec };
      }
      default: return undefined;
    }
  };
  return {
    invokeNames,
    invokeTarget(t, name) {
      const colon = name.indexOf(':');
      const found = find(t, colon < 0 ? 'function' : name.slice(0, colon), name.slice(colon + 1));
      // `find` gives a schedule only when schedules are targets.
      return (found as InvokeTarget<Schedules> | undefined) ?? { refused: `no function "${name}" in ${t.name}; functions: ${invokeNames(t).join(', ')}` };
    },
  };
}

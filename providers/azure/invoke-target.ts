/**
 * What a `herald invoke --function <name>` names on Azure: a user function by its name, or one of Herald's
 * ingress functions as `webhook:<webhook>`, `upload:<bucket>`, `change:<table>` or `schedule:<schedule>`
 * (the names AWS takes, plus the schedule, which is a timer function on Azure).
 */
import type { BucketSpec, ChangeTrigger, FunctionSpec, ScheduleSpec, TableSpec, Topology, UploadTrigger, WebhookSpec } from '../../contracts';

export type InvokeTarget =
  | { readonly kind: 'function'; readonly spec: FunctionSpec }
  | { readonly kind: 'webhook'; readonly spec: WebhookSpec }
  | { readonly kind: 'upload'; readonly spec: BucketSpec; readonly trigger: UploadTrigger }
  | { readonly kind: 'change'; readonly spec: TableSpec; readonly trigger: ChangeTrigger }
  | { readonly kind: 'schedule'; readonly spec: ScheduleSpec };

/** The target `name` names, or why there is none (listing every name there is). */
export function invokeTarget(t: Topology, name: string): InvokeTarget | { readonly refused: string } {
  const colon = name.indexOf(':');
  const kind = colon < 0 ? 'function' : name.slice(0, colon);
  const logical = name.slice(colon + 1);
  const found = ((): InvokeTarget | undefined => {
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
        return spec?.onUpload && { kind, spec, trigger: spec.onUpload };
      }
      case 'change': {
        const spec = t.tables.find((x) => x.name === logical);
        return spec?.onChange && { kind, spec, trigger: spec.onChange };
      }
      case 'schedule': {
        const spec = t.schedules.find((s) => s.name === logical);
        return spec && { kind, spec };
      }
      default: return undefined;
    }
  })();
  return found ?? { refused: `no function "${name}" in ${t.name}; functions: ${invokeNames(t).join(', ')}` };
}

/** Every name `herald invoke --cloud azure` takes for the topology. */
export function invokeNames(t: Topology): string[] {
  return [
    ...t.functions.map((f) => f.name), ...t.webhooks.map((w) => `webhook:${w.name}`),
    ...t.buckets.filter((b) => b.onUpload).map((b) => `upload:${b.name}`), ...t.tables.filter((x) => x.onChange).map((x) => `change:${x.name}`),
    ...t.schedules.map((s) => `schedule:${s.name}`),
  ];
}

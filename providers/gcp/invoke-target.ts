/** What `herald invoke --function <name>` names on GCP (providers/invoke-target.ts): a schedule is a function Cloud Scheduler calls, `schedule:<name>`. */
import { invokeTargets } from '../invoke-target';

export type { InvokeTarget } from '../invoke-target';
export const { invokeTarget, invokeNames } = invokeTargets({ schedules: true });

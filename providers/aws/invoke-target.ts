/** What `herald invoke --function <name>` names on AWS (providers/invoke-target.ts): a schedule is an EventBridge Scheduler target there, not a function. */
import { invokeTargets, type InvokeTarget as Target } from '../invoke-target';

export type InvokeTarget = Target<false>;
export const { invokeTarget, invokeNames } = invokeTargets({ schedules: false });

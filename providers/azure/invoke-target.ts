/** What `herald invoke --function <name>` names on Azure (providers/invoke-target.ts): a schedule is a timer function there, `schedule:<name>`. */
import { invokeTargets } from '../invoke-target';

export type { InvokeTarget } from '../invoke-target';
export const { invokeTarget, invokeNames } = invokeTargets({ schedules: true });

/**
 * `import … from 'herald/program'`: the Pulumi program of a Herald project (its `index.ts` calls
 * `heraldProgram(__dirname)`), and `plan`, what `herald plan` runs: the program under Pulumi's mock engine.
 */
export { heraldProgram } from '../providers/program';
export { formatPlan, plan, type Plan, type PlanOptions, type PlannedResource } from '../providers/plan';

/**
 * The types of `herald/program`, declared by hand: the sources behind it reach every cloud's provider and
 * their type packages (a project does not install those), so a project type-checks against this instead.
 * test/package.test.ts checks the sources still satisfy it.
 */

/** Realizes the app of the project in `projectDir` (`herald:app`, `herald:cloud`); resolves to the stack outputs. */
export declare function heraldProgram(projectDir: string): Promise<Record<string, unknown>>;

export interface PlannedResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent: string | null;
  readonly inputs: Record<string, unknown>;
  readonly outputs: Record<string, unknown>;
}

export interface Plan {
  readonly project: string;
  readonly stack: string;
  readonly cloud: 'aws' | 'azure' | 'gcp' | 'kafka';
  readonly location: Readonly<Record<string, string>>;
  readonly resources: PlannedResource[];
  readonly outputs: Record<string, unknown>;
  readonly diagnostics: string[];
}

export interface PlanOptions {
  /** aws, azure, gcp or kafka. */
  readonly cloud: string;
  /** @default dev on aws, dev-<cloud> on any other */
  readonly stack?: string;
  /** @default the nearest folder with a Pulumi.yaml from the cwd up */
  readonly projectDir?: string;
  /** `herald:app` for this run, over the stack's. */
  readonly app?: string;
}

/** Runs the project's program under Pulumi's mock engine (one plan per process) and resolves to what it would create. */
export declare function plan(options: PlanOptions): Promise<Plan>;

/** The plan as `herald plan` prints it. */
export declare function formatPlan(plan: Plan): string;

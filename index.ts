/**
 * The Pulumi program: the app `herald:app` names (default app/topology.ts: here, the example shop),
 * realized on the cloud `herald:cloud` names, with the stack outputs named by kind (providers/program.ts).
 * It exports a function, which Pulumi calls and awaits. `pulumi up` runs it; `herald plan` runs it under
 * Pulumi's mock engine. A project made by `herald init` has the same file, importing `herald/program`.
 */
import { heraldProgram } from './providers/program';

export = () => heraldProgram(__dirname);

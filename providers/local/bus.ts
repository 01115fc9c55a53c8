/**
 * Routing by the portable filters: a bus (and a topic, and a stream's consumers) sends each event to
 * every subscription that receives its type and whose filter accepts it. Locally every clause is
 * evaluated here, with the reference evaluator, so pipelines get no residual. A subscription whose type
 * matched but whose filter did not is reported, which is what makes `/traces` show why a function was
 * not reached.
 */
import { attributeOf, matchesClauses, type Clause, type Envelope } from '../../contracts';
import type { Inlet } from './queue';

/** One subscription's way out of a router. */
export interface Route {
  readonly subscription: string;
  readonly function: string;
  /** Wire types delivered (each listed type and the older versions it upcasts). */
  readonly types: readonly string[];
  /** The filter in normal form; empty for none. */
  readonly clauses: readonly Clause[];
  readonly inlet: Inlet;
}

export type FilteredListener = (route: Route, envelope: Envelope) => void;

export class Router {
  private readonly byType = new Map<string, Route[]>();

  /** @param name for messages: `bus shop`, `topic alerts`, `stream order-audit` */
  constructor(readonly name: string, private readonly onFiltered: FilteredListener = () => {}) {}

  /** Adds a subscription. */
  add(route: Route): void {
    for (const type of new Set(route.types)) {
      const list = this.byType.get(type);
      if (list) list.push(route);
      else this.byType.set(type, [route]);
    }
  }

  /** Routes one event; returns how many subscriptions it was sent to. */
  publish(envelope: Envelope): number {
    const routes = this.byType.get(envelope.type);
    if (!routes) return 0;
    let sent = 0;
    for (const route of routes) {
      if (route.clauses.length === 0 || matchesClauses(route.clauses, (field) => attributeOf(envelope, field))) {
        route.inlet.send(envelope);
        sent++;
      } else {
        this.onFiltered(route, envelope);
      }
    }
    return sent;
  }

  /** Subscriptions by wire type, for the startup table and tests. */
  routes(): ReadonlyMap<string, readonly Route[]> {
    return this.byType;
  }
}

/**
 * A function of a name, remembered for the first names it is asked about. Hot paths meet the same few names
 * again and again (a record's header names, an event's extension attributes); remembering the answer costs a
 * Map lookup instead of a slice or a pattern per call. Bounded, so names that vary (a producer's own headers)
 * cannot grow it: past `max` names, the rest are worked out each time.
 */
export function remembered<T>(compute: (name: string) => T, max = 256): (name: string) => T {
  const known = new Map<string, T>();
  return (name) => {
    const hit = known.get(name);
    if (hit !== undefined || known.has(name)) return hit as T;
    const value = compute(name);
    if (known.size < max) known.set(name, value);
    return value;
  };
}

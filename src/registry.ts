/**
 * The process's named caches (option `name`), held weakly: a registered
 * function that nobody else holds is collected, and leaves the registry.
 * The set lives on `globalThis` under a `Symbol.for` key, so the ESM and
 * CommonJS builds (or two bundles) list each other's caches too.
 */

/** Registered wrappers, shared by every copy of the library in the process. */
const REGISTRY: unique symbol = Symbol.for('lru-memo.registry.v1') as never;

function registered(): Set<WeakRef<object>> {
  const holder = globalThis as { [REGISTRY]?: Set<WeakRef<object>> };
  return (holder[REGISTRY] ??= new Set());
}

/** Removes a collected function's reference (one registry for the process: see cache.ts on why). */
const collected = new FinalizationRegistry<WeakRef<object>>((ref) => registered().delete(ref));

/** Adds a named cached function. */
export function register(fn: object): void {
  const ref = new WeakRef(fn);
  registered().add(ref);
  collected.register(fn, ref);
}

/** The named cached functions alive now, in registration order. */
export function registeredFunctions(): object[] {
  const alive: object[] = [];
  for (const ref of registered()) {
    const fn = ref.deref();
    if (fn !== undefined) alive.push(fn);
  }
  return alive;
}

/** The resolve hook registered by bench/built.mjs: each public entry's source resolves to its built file. */
const root = new URL('../', import.meta.url);
const builtFor = new Map(
  [
    ['src/index.ts', 'dist/index.js'],
    ['src/request/index.ts', 'dist/request.js'],
    ['src/shared/index.ts', 'dist/shared.js'],
    ['src/redis/index.ts', 'dist/redis.js'],
    ['src/grace/index.ts', 'dist/grace.js'],
    ['src/policies/index.ts', 'dist/policies.js'],
    ['src/events/index.ts', 'dist/events.js'],
  ].map(([source, built]) => [new URL(source, root).href, new URL(built, root).href]),
);

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  const built = builtFor.get(resolved.url);
  return built === undefined ? resolved : { ...resolved, url: built, format: 'module' };
}

/**
 * Brands of the library's objects, registered with `Symbol.for` so that every
 * copy of the library in a process (the ESM and CommonJS builds, two bundles)
 * recognises the others' budgets, tiers and cached functions.
 */

/** On budgets made by createBudget. */
export const BUDGET_BRAND: unique symbol = Symbol.for('lru-memo.budget.v1') as never;

/** Whether `value` is a budget made by any copy of the library. */
export function isBranded(value: unknown, brand: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/**
 * `@cached`: the function wrapper applied to class members, for standard
 * (TC39) decorators and legacy `experimentalDecorators` alike.
 *
 * The decorator only works out where the member is and what kind it is; the
 * caching itself is `createCachedFunction`, whose default scope already keeps
 * one cache per receiver in a WeakMap. So an instance method gets a cache per
 * instance (created lazily on its first call), a static method one per
 * receiving class, a getter one per instance, and nothing is added to the
 * instance or done at construction.
 *
 * Flavour detection: a standard decorator receives `(value, context)` where
 * `context.kind` is a string; a legacy one receives `(target, key,
 * descriptor)`. Anything else is a misuse and gets a TypeError that names the
 * member and the place, when the class is defined.
 */
/* eslint-disable @typescript-eslint/no-explicit-any --
   Decorator types must accept any member signature in both flavours: `any[]`
   parameter lists and an `any` default for `This` are what let TypeScript infer
   the decorated method's own types instead of widening them. */
import { MEMBER_OPTIONS, describe, readSettings, type Settings } from './options.js';
import type { AnyFunction, LruCacheOptions } from './types.js';
import { createCachedFunction, groupOf } from './wrap.js';

/**
 * Options for {@link cached}: everything {@link lruCache} takes, plus `scope`.
 *
 * @example
 * ```ts
 * class SlowAdder {
 *   constructor(readonly delay: number) {}
 *   // Every SlowAdder with the same delay shares one cache.
 *   @cached({ maxSize: 32, scope: (adder: SlowAdder) => adder.delay })
 *   calculate(a: number, b: number) { return a + b; }
 * }
 * ```
 */
export interface CachedOptions<This = any> extends Omit<LruCacheOptions<any[], any>, 'scope'> {
  /**
   * Which instances share a cache (Python's "self dilemma"):
   * - `'instance'`: each instance has its own cache (held weakly);
   * - `'shared'`: one cache for every instance, for results that do not depend
   *   on instance state;
   * - `'request'`: one cache per request, whatever the instance (a singleton
   *   service memoizing per request); see `lru-memo/request`;
   * - `(self) => key`: instances whose keys are equal (SameValueZero) share a
   *   cache; an object key is held weakly.
   * @default 'instance'
   */
  scope?: 'instance' | 'shared' | 'request' | ((self: This) => unknown);
}

/**
 * The decorator returned by `cached(options)`: applies to methods (instance
 * and static, sync and async) and getters, in either decorator flavour.
 *
 * @example
 * ```ts
 * const perTenant: CachedDecorator<Service> = cached({ scope: (self: Service) => self.tenantId });
 * class Service {
 *   constructor(readonly tenantId: string) {}
 *   @perTenant settings() { return loadSettings(this.tenantId); }
 * }
 * ```
 */
export interface CachedDecorator<This = any> {
  /** Standard (TC39) decorator on a method. */
  <T extends This, A extends any[], R>(
    value: (this: T, ...args: A) => R,
    context: ClassMethodDecoratorContext<T, (this: T, ...args: A) => R>,
  ): (this: T, ...args: A) => R;
  /** Standard (TC39) decorator on a getter. */
  <T extends This, R>(value: (this: T) => R, context: ClassGetterDecoratorContext<T, R>): (this: T) => R;
  /** Legacy (`experimentalDecorators`) decorator on a method or getter. */
  <V>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<V>): TypedPropertyDescriptor<V>;
}

/**
 * Caches a class member: `@cached` or `@cached(options)`. Works with standard
 * decorators and with `experimentalDecorators` (NestJS, Angular).
 *
 * - Instance methods: one cache per instance, created on first call, held in a
 *   WeakMap: an instance is collected normally, even when its cached results
 *   point back at it. `maxSize` is per instance.
 * - Static methods: one cache per class the method is called on.
 * - Getters: computed once per instance (Python's `cached_property`); a getter
 *   that throws is not cached. Reset with `cacheClear(obj, 'name')`.
 * - Async methods: the promise is cached.
 * - TC39 `#private` methods and getters: inspect and clear them with their
 *   name as written, `cacheInfo(obj, '#name')`.
 * - Fields, setters, auto-accessors, classes, and `@cached` twice on one
 *   member: a TypeError when the class is defined.
 *
 * @example
 * ```ts
 * import { cached, cacheInfo } from 'lru-memo';
 *
 * class Rates {
 *   @cached({ maxSize: 100 })
 *   convert(amount: number, currency: string): number { return amount * lookup(currency); }
 *
 *   @cached
 *   get table(): Map<string, number> { return loadTable(); }
 * }
 *
 * const rates = new Rates();
 * rates.convert(10, 'EUR');
 * cacheInfo(rates, 'convert'); // { hits: 0, misses: 1, maxSize: 100, currSize: 1, evictions: 0 }
 * ```
 */
export function cached<This, A extends any[], R>(
  value: (this: This, ...args: A) => R,
  context: ClassMethodDecoratorContext<This, (this: This, ...args: A) => R>,
): (this: This, ...args: A) => R;
export function cached<This, R>(value: (this: This) => R, context: ClassGetterDecoratorContext<This, R>): (this: This) => R;
export function cached<V>(
  target: object,
  key: string | symbol,
  descriptor: TypedPropertyDescriptor<V>,
): TypedPropertyDescriptor<V>;
export function cached<This = unknown>(options?: CachedOptions<This>): CachedDecorator<This>;
export function cached(...args: unknown[]): unknown {
  if (args.length <= 1) {
    // A legacy class decorator also arrives with one argument: the class.
    if (typeof args[0] === 'function') throw misplaced('class', nameOfClass(args[0]));
    return decoratorFor(readSettings(args[0], '@cached', MEMBER_OPTIONS));
  }
  return decoratorFor(readSettings(undefined, '@cached', MEMBER_OPTIONS))(...args);
}

function decoratorFor(settings: Settings): (...args: unknown[]) => unknown {
  return function cachedDecorator(...args: unknown[]): unknown {
    const [first, second, third] = args;
    if (typeof second === 'object' && second !== null && typeof (second as { kind?: unknown }).kind === 'string') {
      return decorateStandard(settings, first, second as DecoratorContext);
    }
    if (typeof second === 'string' || typeof second === 'symbol') {
      return decorateLegacy(settings, first, second, third as PropertyDescriptor | undefined);
    }
    throw new TypeError(`@cached: expected to decorate a class method or getter, received ${describe(first)}`);
  };
}

function decorateStandard(settings: Settings, value: unknown, context: DecoratorContext): unknown {
  const name = 'name' in context && context.name !== undefined ? memberName(context.name) : nameOfClass(value);
  switch (context.kind) {
    case 'method':
    case 'getter': {
      refuseStacking(value, name);
      const cachedMember = createCachedFunction(value as AnyFunction, settings, '@cached', plainName(context.name), true);
      if (context.private) registerPrivate(context.name as string, cachedMember, context.access as PrivateAccess);
      return cachedMember;
    }
    case 'accessor':
      throw misplaced('auto-accessor', name, 'an auto-accessor already stores its value; cache a getter instead');
    default:
      throw misplaced(context.kind, name);
  }
}

function decorateLegacy(
  settings: Settings,
  target: unknown,
  key: string | symbol,
  descriptor: PropertyDescriptor | undefined,
): PropertyDescriptor {
  const name = memberName(key);
  if (descriptor === undefined) throw misplaced('field', name);
  if (typeof descriptor.value === 'function') {
    refuseStacking(descriptor.value, name);
    return { ...descriptor, value: createCachedFunction(descriptor.value as AnyFunction, settings, '@cached', plainName(key), true) };
  }
  if (typeof descriptor.set === 'function' && typeof descriptor.get !== 'function') throw misplaced('setter', name);
  if (typeof descriptor.set === 'function') {
    // Legacy decorators hand over the getter and setter together, wherever the decorator was written.
    throw misplaced(
      'accessor',
      `${name} with a setter`,
      'experimentalDecorators pass the getter and setter together, and a cached getter would ignore later writes; ' +
        'cache a getter that has no setter',
    );
  }
  if (typeof descriptor.get === 'function') {
    refuseStacking(descriptor.get, name);
    return { ...descriptor, get: createCachedFunction(descriptor.get as AnyFunction, settings, '@cached', plainName(key), true) };
  }
  throw misplaced('field', name);
}

/** `@cached @cached`: two caches, one of which `cacheClear` would never reach. Refused. */
function refuseStacking(member: unknown, name: string): void {
  if (groupOf(member) !== undefined) {
    throw new TypeError(`@cached cannot be applied twice to ${name}: one @cached already caches it`);
  }
}

function misplaced(kind: string, name: string, why?: string): TypeError {
  const rule = why ?? 'it caches methods (instance and static) and getters';
  return new TypeError(`@cached cannot be used on ${kind} ${name}: ${rule}`);
}

/** The member's name as shared keys use it: a symbol by its description. */
function plainName(key: string | symbol): string {
  return typeof key === 'symbol' ? `[${key.description ?? ''}]` : key;
}

function memberName(key: string | symbol): string {
  return typeof key === 'symbol' ? `[${key.toString()}]` : `'${key}'`;
}

/** How a TC39 decorator reaches a `#private` member of an object. */
interface PrivateAccess {
  has(object: object): boolean;
}

/**
 * Cached `#private` members, by name as written ('#load'): weak references to
 * their cached functions, registered once per class definition, never per
 * instance. Each function's brand check is kept in a WeakMap keyed by the
 * function (it closes over the class, which must stay collectable); entries
 * whose class was collected are dropped when met.
 */
const privateMembers = new Map<string, WeakRef<AnyFunction>[]>();
const privateAccess = new WeakMap<AnyFunction, PrivateAccess>();

function registerPrivate(name: string, member: AnyFunction, access: PrivateAccess): void {
  privateAccess.set(member, access);
  const members = privateMembers.get(name) ?? [];
  members.push(new WeakRef(member));
  privateMembers.set(name, members);
}

/**
 * The cached `#private` members of `object`: every one when `name` is
 * undefined, else the one with that name (as written, with its '#').
 */
export function privateMembersOf(object: object, name?: string): AnyFunction[] {
  const found: AnyFunction[] = [];
  for (const [key, members] of privateMembers) {
    if (name !== undefined && key !== name) continue;
    for (let i = members.length - 1; i >= 0; i--) {
      const member = members[i]!.deref();
      if (member === undefined) members.splice(i, 1);
      else if (privateAccess.get(member)?.has(object) === true) found.push(member);
    }
    if (members.length === 0) privateMembers.delete(key);
  }
  return found;
}

function nameOfClass(value: unknown): string {
  return typeof value === 'function' && value.name ? `'${value.name}'` : '(anonymous)';
}

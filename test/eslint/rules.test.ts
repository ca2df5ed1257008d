/**
 * The ESLint rules against ESLint's RuleTester, parsed by typescript-eslint's
 * parser (TypeScript syntax, decorators in both flavours' shapes).
 */
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, it } from 'vitest';
import plugin from '../../src/eslint-plugin/index.js';
import { noMemoizeOnPrototype } from '../../src/eslint-plugin/rules/no-memoize-on-prototype.js';
import { noMemoizeTags } from '../../src/eslint-plugin/rules/no-memoize-tags.js';
import { noSharedCacheDecorator } from '../../src/eslint-plugin/rules/no-shared-cache-decorator.js';
import { noThisAsMemoKey } from '../../src/eslint-plugin/rules/no-this-as-memo-key.js';

RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

/**
 * "Exactly one suggestion, output not checked here". ESLint 9's RuleTester
 * accepts a count for `suggestions`; its type declarations list only arrays.
 */
const ONE_SUGGESTION = 1 as unknown as RuleTester.SuggestionOutput[];

const ruleTester = new RuleTester({
  languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' },
});

/** lru-memo itself, in every form: never reported by any rule. */
const lruMemoForms = [
  `import { cached } from 'lru-memo';
   class A { @cached m(n: number) { return n; } }`,
  `import { cached } from 'lru-memo';
   class A { @cached({ maxSize: 32 }) m(n: number) { return n; } }`,
  `import { cached } from 'lru-memo';
   class A { @cached get total(): number { return 1; } }`,
  `import { cached } from 'lru-memo';
   class A { @cached static s(n: number) { return n; } }`,
  `import { cached } from 'lru-memo';
   class A { @cached async load(id: string): Promise<string> { return id; } }`,
  `import { cached } from 'lru-memo';
   class A { constructor(readonly delay: number) {} @cached({ scope: (a: A) => a.delay }) calc(x: number) { return x; } }`,
  `import { cached } from 'lru-memo';
   class A { @cached({ scope: 'shared' }) m() { return 1; } }`,
  `import { lruCache } from 'lru-memo';
   class C { m(n: number) { return n; } }
   C.prototype.m = lruCache(C.prototype.m);`,
  `import * as memo from 'lru-memo';
   class A { @memo.cached() m(n: number) { return n; } }`,
];

describe('lru-memo/no-memoize-on-prototype', () => {
  ruleTester.run('no-memoize-on-prototype', noMemoizeOnPrototype, {
    valid: [
      ...lruMemoForms,
      // Ordinary memoization of plain functions.
      `import memoize from 'memoize'; const f = memoize((n: number) => n * 2);`,
      `import memoizee from 'memoizee'; export const g = memoizee(function (a, b) { return a + b; }, { length: 2 });`,
      `import _ from 'lodash'; const h = _.memoize((s: string) => s.length);`,
      // A local function named memoize is not a known memoizer.
      `function memoize<T>(fn: T): T { return fn; }
       class C { m() {} }
       C.prototype.m = memoize(C.prototype.m);`,
      // Not a prototype assignment.
      `import memoize from 'memoize'; const obj = { m: (n: number) => n }; obj.m = memoize(obj.m);`,
      // An instance field: one memoized function per instance.
      `import memoize from 'memoize'; class C { m = memoize((n: number) => n); }`,
      // defineProperty on something that is not a prototype.
      `import memoize from 'memoize'; const obj = {}; Object.defineProperty(obj, 'm', { value: memoize((n: number) => n) });`,
      `import memoize from 'memoize'; class C { static s(n: number) { return n; } }
       Reflect.defineProperty(C, 's', { value: memoize(C.s) });`,
      // A descriptor key that is not \`value\`, or a value that is not a memoizer call.
      `import memoize from 'memoize'; class C { m(n: number) { return n; } }
       const value = 'writable';
       Object.defineProperty(C.prototype, 'm', { [value]: memoize(C.prototype.m) });`,
      `import { lruCache } from 'lru-memo'; class C { m(n: number) { return n; } }
       Object.defineProperty(C.prototype, 'm', { value: lruCache(C.prototype.m) });`,
      // A local \`Object\` is not the global one.
      `import memoize from 'memoize'; class C { m(n: number) { return n; } }
       const Object = { defineProperty(...args: unknown[]) { return args; } };
       Object.defineProperty(C.prototype, 'm', { value: memoize(C.prototype.m) });`,
    ],
    invalid: [
      {
        code: `import memoize from 'memoize';
class C { m(n: number) { return n; } }
C.prototype.m = memoize(C.prototype.m);`,
        errors: [
          {
            messageId: 'prototype',
            suggestions: [
              {
                messageId: 'useLruCache',
                output: `import { lruCache } from 'lru-memo';
import memoize from 'memoize';
class C { m(n: number) { return n; } }
C.prototype.m = lruCache(C.prototype.m);`,
              },
            ],
          },
        ],
      },
      {
        code: `import { cached } from 'lru-memo';
import memoizee from 'memoizee';
class C { m(n: number) { return n; } }
C.prototype.m = memoizee(C.prototype.m);`,
        errors: [
          {
            messageId: 'prototype',
            suggestions: [
              {
                messageId: 'useLruCache',
                output: `import { cached, lruCache } from 'lru-memo';
import memoizee from 'memoizee';
class C { m(n: number) { return n; } }
C.prototype.m = lruCache(C.prototype.m);`,
              },
            ],
          },
        ],
      },
      {
        // Options: no suggestion (they mean something else in lru-memo).
        code: `import memoizee from 'memoizee';
class C { m(n: number) { return n; } }
C.prototype.m = memoizee(C.prototype.m, { length: 1, max: 10 });`,
        errors: [{ messageId: 'prototype', suggestions: [] }],
      },
      {
        code: `const memoize = require('lodash.memoize');
function C() {}
C.prototype.area = memoize(function (this: any, w: number) { return w * this.h; });`,
        errors: [
          {
            messageId: 'prototype',
            suggestions: [
              {
                messageId: 'useLruCache',
                output: `import { lruCache } from 'lru-memo';
const memoize = require('lodash.memoize');
function C() {}
C.prototype.area = lruCache(function (this: any, w: number) { return w * this.h; });`,
              },
            ],
          },
        ],
      },
      {
        code: `import _ from 'lodash';
class C { m() { return 1; } }
C.prototype.m = _.memoize(C.prototype.m);`,
        errors: [{ messageId: 'prototype', suggestions: [] }],
      },
      {
        code: `import { memoize as memo } from 'lodash';
class C { m() { return 1; } }
C.prototype['m'] = memo(C.prototype.m);`,
        errors: [{ messageId: 'prototype', suggestions: ONE_SUGGESTION }],
      },
      {
        code: `import moize from 'moize';
class C { m(n: number) { return n; } }
C.prototype.m = moize.infinite(C.prototype.m);`,
        errors: [{ messageId: 'prototype', suggestions: [] }],
      },
      {
        code: `import moize from 'moize';
class C { m(n: number) { return n; } }
C.prototype.m = moize.maxSize(3)(C.prototype.m);`,
        errors: [{ messageId: 'prototype', suggestions: [] }],
      },
      {
        code: `import pMemoize from 'p-memoize';
class Api { async get(id: string) { return id; } }
Api.prototype.get = pMemoize(Api.prototype.get);`,
        errors: [{ messageId: 'prototype', suggestions: ONE_SUGGESTION }],
      },
      // The same method installed with defineProperty.
      {
        code: `import memoize from 'memoize';
class C { m(n: number) { return n; } }
Object.defineProperty(C.prototype, 'm', { value: memoize(C.prototype.m) });`,
        errors: [
          {
            messageId: 'prototype',
            line: 3,
            column: 50,
            suggestions: [
              {
                messageId: 'useLruCache',
                output: `import { lruCache } from 'lru-memo';
import memoize from 'memoize';
class C { m(n: number) { return n; } }
Object.defineProperty(C.prototype, 'm', { value: lruCache(C.prototype.m) });`,
              },
            ],
          },
        ],
      },
      {
        code: `import memoizee from 'memoizee';
class C { m(n: number) { return n; } }
Reflect.defineProperty(C.prototype, 'm', { configurable: true, value: memoizee(C.prototype.m), writable: true });`,
        errors: [{ messageId: 'prototype', suggestions: ONE_SUGGESTION }],
      },
      {
        code: `import memoize from 'memoize';
class C { m(n: number) { return n; } }
Object.defineProperty(C.prototype, 'm', { 'value': memoize(C.prototype.m) });`,
        errors: [{ messageId: 'prototype', suggestions: ONE_SUGGESTION }],
      },
      {
        code: `import memoize from 'memoize';
class C { m(n: number) { return n; } }
Object.defineProperty(C.prototype, 'm', { ['value']: memoize(C.prototype.m) });`,
        errors: [{ messageId: 'prototype', suggestions: ONE_SUGGESTION }],
      },
      {
        code: `import moize from 'moize';
function Api() {}
Object.defineProperty(Api.prototype, 'get', { value: moize.infinite((id: string) => id) });`,
        errors: [{ messageId: 'prototype', suggestions: [] }],
      },
    ],
  });
});

describe('lru-memo/no-this-as-memo-key', () => {
  ruleTester.run('no-this-as-memo-key', noThisAsMemoKey, {
    valid: [
      ...lruMemoForms,
      `import memoizee from 'memoizee';
       const area = memoizee((w: number, h: number) => w * h, { length: 2 });
       class R { w = 1; h = 2; get area() { return area(this.w, this.h); } }`,
      `import memoize from 'lodash.memoize';
       const byId = memoize((user: { id: string }) => user.id, (user) => user.id);`,
      // `this` passed to something that is not a memoizer.
      `function log(self: unknown, x: number) {}
       class C { m(x: number) { log(this, x); } }`,
      // A resolver returning something else.
      `import memoize from 'lodash.memoize';
       const f = memoize((a: number, b: number) => a + b, (a, b) => \`\${a}:\${b}\`);`,
      // Type syntax around something that is not \`this\`.
      `import memoizee from 'memoizee';
       const compute = memoizee((self: object, x: number) => x, { length: 2 });
       class C { run(other: object, x: number) { return compute(other as any, x); } }`,
      `import memoizee from 'memoizee';
       const compute = memoizee((id: string, x: number) => x, { length: 2 });
       class C { id = 'c'; run(x: number) { return compute(this.id as string, x) + compute(this.id!, x); } }`,
      `function log(self: unknown, x: number) {}
       class C { m(x: number) { log(this as any, x); log(this!, x); } }`,
      `import memoize from 'lodash.memoize';
       class C { id = 'c'; m = memoize((n: number) => n, () => this.id as string); }`,
      `import memoize from 'lodash.memoize';
       const f = memoize((a: number, b: number) => a + b, (a: number, b: number) => [a, b] as const);`,
    ],
    invalid: [
      {
        code: `import memoizee from 'memoizee';
const compute = memoizee((self: object, x: number) => x, { length: 2 });
class C { run(x: number) { return compute(this, x); } }`,
        errors: [{ messageId: 'thisArgument', data: { name: 'compute' } }],
      },
      {
        code: `import moize from 'moize';
const mm = moize.infinite((self: object, x: number) => x);
class C { run(x: number) { return mm(this, x); } }`,
        errors: [{ messageId: 'thisArgument' }],
      },
      {
        code: `const memoize = require('lodash.memoize');
class C {
  value = 2;
  double = memoize(function (this: C, n: number) { return n * this.value; }, function (this: C) { return this; });
}`,
        errors: [{ messageId: 'thisResolver' }],
      },
      {
        code: `import memoize from 'lodash.memoize';
class C { constructor() { this.m = memoize((n: number) => n, () => this); } m: (n: number) => number; }`,
        errors: [{ messageId: 'thisResolver' }],
      },
      {
        code: `import { memoize } from 'lodash';
class C { constructor() { this.m = memoize((n: number) => n, (n: number) => [this, n]); } m: (n: number) => number; }`,
        errors: [{ messageId: 'thisResolver' }],
      },
      // \`this\` behind TypeScript syntax is still \`this\`.
      ...[
        'this as any',
        'this!',
        '<any>this',
        'this satisfies object',
        '(this as any)!',
        '((<object>(this as unknown))!)',
      ].map((key) => ({
        code: `import memoizee from 'memoizee';
const compute = memoizee((self: object, x: number) => x, { length: 2 });
class C { run(x: number) { return compute(${key}, x); } }`,
        errors: [{ messageId: 'thisArgument', data: { name: 'compute' } }],
      })),
      {
        code: `import memoize from 'lodash.memoize';
class C { m = memoize((n: number) => n, () => this as unknown); }`,
        errors: [{ messageId: 'thisResolver' }],
      },
      {
        code: `const memoize = require('lodash.memoize');
class C { m = memoize((n: number) => n, function (this: C) { return this!; }); }`,
        errors: [{ messageId: 'thisResolver' }],
      },
      {
        code: `import { memoize } from 'lodash';
class C { m = memoize((n: number) => n, (n: number) => [this as object, n]); }`,
        errors: [{ messageId: 'thisResolver' }],
      },
      {
        code: `import { memoize } from 'lodash';
class C { m = memoize((n: number) => n, (n: number) => [this, n] as const); }`,
        errors: [{ messageId: 'thisResolver' }],
      },
    ],
  });
});

describe('lru-memo/no-shared-cache-decorator', () => {
  ruleTester.run('no-shared-cache-decorator', noSharedCacheDecorator, {
    valid: [
      ...lruMemoForms,
      // lodash-decorators @Memoize is per instance; only MemoizeAll shares.
      `import { Memoize } from 'lodash-decorators'; class A { @Memoize() m(n: number) { return n; } }`,
      // memoizeDecorator without a shared cache keeps one cache per instance.
      `import { memoizeDecorator } from 'memoize'; class A { @memoizeDecorator() m(n: number) { return n; } }`,
      `import { pMemoizeDecorator } from 'p-memoize'; class A { @pMemoizeDecorator() async m(n: number) { return n; } }`,
      // A computed key naming a variable is not known to be 'cache'.
      `import { memoizeDecorator } from 'memoize'; const cache = 'maxAge';
       class A { @memoizeDecorator({ [cache]: 10 }) m(n: number) { return n; } }`,
      // Static methods have a single receiver.
      `import { memoize } from 'decko'; class A { @memoize static s(n: number) { return n; } }`,
      // A local decorator named memoize.
      `const memoize = (t: unknown, k: string, d: PropertyDescriptor) => d;
       class A { @memoize m(n: number) { return n; } }`,
      // Other decorators on the same method.
      `import { Get } from '@nestjs/common'; import { cached } from 'lru-memo';
       class Ctl { @Get() @cached() find(id: string) { return id; } }`,
    ],
    invalid: [
      {
        code: `import { memoize } from 'decko';
class A { @memoize m(n: number) { return n; } }`,
        errors: [
          {
            messageId: 'shared',
            data: { decorator: 'memoize' },
            suggestions: [
              {
                messageId: 'useCached',
                output: `import { cached } from 'lru-memo';
import { memoize } from 'decko';
class A { @cached() m(n: number) { return n; } }`,
              },
            ],
          },
        ],
      },
      {
        code: `import { memoize } from 'utils-decorators';
class A { @memoize() get value() { return 1; } }`,
        errors: [{ messageId: 'shared', suggestions: ONE_SUGGESTION }],
      },
      {
        code: `import { memoize } from 'utils-decorators';
class A { @memoize(1000) m(n: number) { return n; } }`,
        errors: [{ messageId: 'shared', suggestions: [] }],
      },
      {
        code: `import { memoizeAsync } from 'utils-decorators';
class A { @memoizeAsync() async load(id: string) { return id; } }`,
        errors: [{ messageId: 'shared', suggestions: ONE_SUGGESTION }],
      },
      {
        code: `import { MemoizeAll } from 'lodash-decorators';
class A { @MemoizeAll() m(n: number) { return n; } }`,
        errors: [{ messageId: 'shared', suggestions: ONE_SUGGESTION }],
      },
      {
        code: `import * as decorators from 'lodash-decorators';
class A { @decorators.MemoizeAll() m(n: number) { return n; } }`,
        errors: [{ messageId: 'shared', suggestions: ONE_SUGGESTION }],
      },
      {
        code: `import { memoizeDecorator } from 'memoize';
const cache = new Map();
class A { @memoizeDecorator({ cache }) m(n: number) { return n; } }`,
        errors: [{ messageId: 'sharedCacheOption' }],
      },
      {
        code: `import { pMemoizeDecorator } from 'p-memoize';
class A { @pMemoizeDecorator({ cache: new Map() }) async m(n: number) { return n; } }`,
        errors: [{ messageId: 'sharedCacheOption' }],
      },
      {
        // The key written computed, as a string literal: still the cache option.
        code: `import { memoizeDecorator } from 'memoize';
class A { @memoizeDecorator({ ['cache']: new Map() }) m(n: number) { return n; } }`,
        errors: [{ messageId: 'sharedCacheOption' }],
      },
      {
        // Legacy-flavour shape: decorators on a method with parameter decorators and accessibility.
        code: `import { memoize } from 'decko';
function Param(): ParameterDecorator { return () => {}; }
class Svc { @memoize public find(@Param() id: string): string { return id; } }`,
        errors: [{ messageId: 'shared', suggestions: ONE_SUGGESTION }],
      },
      {
        // Standard-flavour shape: decorated getter next to an auto-accessor.
        code: `import { memoize } from 'decko';
class Svc { accessor size = 1; @memoize get total(): number { return this.size; } }`,
        errors: [{ messageId: 'shared', suggestions: ONE_SUGGESTION }],
      },
      {
        // A configured list replaces the defaults.
        code: `import { remember } from 'my-memo';
class A { @remember m(n: number) { return n; } }`,
        options: [{ decorators: [{ module: 'my-memo', name: 'remember' }] }],
        errors: [{ messageId: 'shared', suggestions: ONE_SUGGESTION }],
      },
    ],
  });
});

describe('lru-memo/no-memoize-tags', () => {
  ruleTester.run('no-memoize-tags', noMemoizeTags, {
    valid: [
      ...lruMemoForms,
      `import { Memoize } from 'typescript-memoize'; class A { @Memoize() get v() { return 1; } }`,
      `import { Memoize } from 'typescript-memoize'; class A { @Memoize({ tags: ['t'] }) m(n: number) { return n; } }`,
      `import { Memoize } from 'typescript-memoize'; class A { @Memoize({ tags: ['t'] }) static s() { return 1; } }`,
      // Keys that are not \`tags\`: a near miss, and a computed key naming a variable (not the string 'tags').
      `import { Memoize } from 'typescript-memoize'; class A { @Memoize({ 'tagz': [] }) get v() { return 1; } }`,
      `import { Memoize } from 'typescript-memoize'; const tags = 'expiring';
       class A { @Memoize({ [tags]: 1000 }) get v() { return 1; } }`,
      `import { MemoizeExpiring } from 'typescript-memoize'; class A { @MemoizeExpiring(1000, ['t']) get v() { return 1; } }`,
    ],
    invalid: [
      {
        code: `import { Memoize } from 'typescript-memoize';
class A { @Memoize({ tags: ['users'] }) get all() { return []; } }`,
        errors: [{ messageId: 'tags', data: { decorator: 'Memoize', what: "getter 'all'", member: 'all' } }],
      },
      {
        code: `import { Memoize } from 'typescript-memoize';
class A { @Memoize({ tags: ['users'], expiring: 100 }) load() { return []; } }`,
        errors: [{ messageId: 'tags', data: { decorator: 'Memoize', what: "zero-argument method 'load'", member: 'load' } }],
      },
      {
        code: `import { MemoizeExpiring as ME } from 'typescript-memoize';
class A { @ME({ tags: ['t'] }) get v() { return 1; } }`,
        errors: [{ messageId: 'tags' }],
      },
      {
        code: `import { Memoize } from 'typescript-memoize';
class A { @Memoize({ 'tags': ['a'] }) get all() { return []; } }`,
        errors: [{ messageId: 'tags', data: { decorator: 'Memoize', what: "getter 'all'", member: 'all' } }],
      },
      {
        code: `import { Memoize } from 'typescript-memoize';
class A { @Memoize({ ['tags']: ['a'] }) load() { return []; } }`,
        errors: [{ messageId: 'tags', data: { decorator: 'Memoize', what: "zero-argument method 'load'", member: 'load' } }],
      },
      {
        code: `import { Memoize } from 'typescript-memoize';
class A { @Memoize({ [\`tags\`]: ['a'] }) get all() { return []; } }`,
        errors: [{ messageId: 'tags' }],
      },
    ],
  });
});

describe('the plugin', () => {
  it('exposes every rule in its recommended flat config', async () => {
    const { Linter } = await import('eslint');
    const linter = new Linter({ configType: 'flat' });
    const messages = linter.verify(
      `import memoize from 'memoize';
import { memoize as deckoMemoize } from 'decko';
class C { m(n: number) { return n; } @deckoMemoize other(n: number) { return n; } }
C.prototype.m = memoize(C.prototype.m);`,
      [
        { files: ['**/*.ts'], languageOptions: { parser: tseslint.parser, sourceType: 'module' } },
        { files: ['**/*.ts'], ...(plugin.configs.recommended as object) } as never,
      ],
      'example.ts',
    );
    const ruleIds = messages.map((m) => m.ruleId).sort();
    if (JSON.stringify(ruleIds) !== JSON.stringify(['lru-memo/no-memoize-on-prototype', 'lru-memo/no-shared-cache-decorator'])) {
      throw new Error(`unexpected messages: ${JSON.stringify(messages)}`);
    }
    if (Object.keys(plugin.configs.recommended.rules).length !== 4) throw new Error('recommended must enable all 4 rules');
  });
});

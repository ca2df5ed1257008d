/**
 * `C.prototype.m = memoize(C.prototype.m)` with a function memoizer (or the
 * same installed with `Object.defineProperty` / `Reflect.defineProperty`): one
 * cache for every instance, keyed on the arguments only. Instance B gets the result
 * computed for instance A, and results that reference their instance keep it
 * alive. lruCache() (or @cached) keeps one cache per instance, held weakly.
 */
import type { Rule } from 'eslint';
import type * as ESTree from 'estree';
import { DEFAULT_MEMOIZERS } from '../defaults.js';
import { configuredList, exportListSchema, findVariable, matches, originOf } from '../imports.js';
import { importFixes, innermostCallee, propertyKeyName } from './shared.js';

/** `X.prototype`. */
function isPrototype(node: ESTree.Node): boolean {
  return (
    node.type === 'MemberExpression' &&
    !node.computed &&
    node.property.type === 'Identifier' &&
    node.property.name === 'prototype'
  );
}

/** `X.prototype.m` or `X.prototype['m']`: an assignment target on a prototype. */
function isPrototypeMember(node: ESTree.Node): boolean {
  return node.type === 'MemberExpression' && isPrototype(node.object);
}

/** The globals whose `defineProperty(target, key, descriptor)` installs `descriptor.value` on `target`. */
const PROPERTY_DEFINERS: ReadonlySet<string> = new Set(['Object', 'Reflect']);

/**
 * The descriptor's `value` in `Object.defineProperty(X.prototype, key, { value })`
 * or `Reflect.defineProperty(...)`: the method being installed, exactly as
 * `X.prototype.m = value` would. Undefined for any other call, and when
 * `Object` / `Reflect` is a local binding (not known to be the built-in).
 */
function definedPrototypeValue(context: Rule.RuleContext, call: ESTree.CallExpression): ESTree.Node | undefined {
  const callee = call.callee;
  if (
    callee.type !== 'MemberExpression' ||
    callee.computed ||
    callee.object.type !== 'Identifier' ||
    !PROPERTY_DEFINERS.has(callee.object.name) ||
    callee.property.type !== 'Identifier' ||
    callee.property.name !== 'defineProperty'
  ) {
    return undefined;
  }
  const [target, , descriptor] = call.arguments;
  if (target === undefined || !isPrototype(target) || descriptor?.type !== 'ObjectExpression') return undefined;
  // Declared by the code (an import, a const): not necessarily the built-in.
  if ((findVariable(context.sourceCode.getScope(call), callee.object.name)?.defs.length ?? 0) > 0) return undefined;
  // With a repeated key the last one wins, as at run time.
  const value = descriptor.properties
    .filter((property): property is ESTree.Property => property.type === 'Property' && propertyKeyName(property) === 'value')
    .at(-1);
  return value?.value;
}

export const noMemoizeOnPrototype: Rule.RuleModule = {
  meta: {
    type: 'problem',
    hasSuggestions: true,
    docs: {
      description: 'Disallow function memoizers on prototype methods: they share one cache across instances',
      recommended: true,
      url: 'https://github.com/lru-memo/lru-memo/blob/main/docs/eslint/no-memoize-on-prototype.md',
    },
    schema: [{ type: 'object', properties: { memoizers: exportListSchema }, additionalProperties: false }],
    messages: {
      prototype:
        "{{memoizer}}() on a prototype method keeps one cache for every instance: instance B gets A's result, and results that reference their instance keep it alive. Use @cached() or lruCache() from lru-memo (one cache per instance, held weakly).",
      useLruCache: 'Replace {{memoizer}} with lruCache from lru-memo',
    },
  },
  create(context) {
    const memoizers = configuredList(context, 'memoizers', DEFAULT_MEMOIZERS);
    /** Reports `method` if it is a memoizer call: the function about to become a prototype method. */
    const checkMethod = (method: ESTree.Node | undefined): void => {
      if (method?.type !== 'CallExpression') return;
      const call = method;
      const callee = innermostCallee(call);
      const origin = originOf(context, callee);
      if (origin === undefined || !memoizers.some((m) => matches(origin, m, true))) return;
      const memoizer = context.sourceCode.getText(callee);
      // `moize.infinite(fn)` or curried forms carry settings of their own: no rewrite offered.
      const simpleCall = call.callee === callee && callee.type === 'Identifier' && call.arguments.length === 1;
      context.report({
        node: call,
        messageId: 'prototype',
        data: { memoizer },
        // Safe only for a plain one-argument call: other options mean other things in lru-memo.
        // How the result is installed (assignment or defineProperty) does not matter: lruCache
        // keys on the receiver of each call.
        suggest: simpleCall
          ? [
              {
                messageId: 'useLruCache',
                data: { memoizer },
                fix: (fixer) => [fixer.replaceText(callee, 'lruCache'), ...importFixes(context, fixer, 'lruCache')],
              },
            ]
          : [],
      });
    };
    return {
      AssignmentExpression(node) {
        if (node.operator !== '=' || !isPrototypeMember(node.left)) return;
        checkMethod(node.right);
      },
      CallExpression(node) {
        checkMethod(definedPrototypeValue(context, node));
      },
    };
  },
};

/**
 * A module-level memoizer keyed on `this`: `mm(this, x)` where `mm` was made
 * by a memoizer, or a lodash.memoize resolver that returns `this`. The cache
 * outlives every instance it was called with: they are never collected
 * (Python's lru_cache on a method, in JavaScript).
 */
import type { Rule, Scope } from 'eslint';
import type * as ESTree from 'estree';
import { DEFAULT_MEMOIZERS } from '../defaults.js';
import { configuredList, exportListSchema, matches, originOf, type Export } from '../imports.js';
import { innermostCallee, unwrapTypeSyntax } from './shared.js';

function variableOf(scope: Scope.Scope | null, name: string): Scope.Variable | undefined {
  for (let s = scope; s !== null; s = s.upper) {
    const variable = s.set.get(name);
    if (variable !== undefined) return variable;
  }
  return undefined;
}

/**
 * True when `node` is `this`, also behind type syntax (`this as any`, `this!`,
 * `<any>this`, `this satisfies object`): the cast changes nothing at run time,
 * the instance is still the key.
 */
function isThis(node: ESTree.Node | null | undefined): boolean {
  return node != null && unwrapTypeSyntax(node).type === 'ThisExpression';
}

/** True when `node` is `this`, or an array literal holding `this` (a composite key). */
function isThisKey(node: ESTree.Node | null | undefined): boolean {
  if (node == null) return false;
  const key = unwrapTypeSyntax(node);
  if (key.type === 'ThisExpression') return true;
  return key.type === 'ArrayExpression' && key.elements.some(isThis);
}

/** A resolver function whose result is `this` (or contains it). */
function resolverReturnsThis(fn: ESTree.Node): boolean {
  if (fn.type === 'ArrowFunctionExpression' && fn.body.type !== 'BlockStatement') return isThisKey(fn.body);
  if (fn.type !== 'ArrowFunctionExpression' && fn.type !== 'FunctionExpression') return false;
  if (fn.body.type !== 'BlockStatement') return false;
  return fn.body.body.some((statement) => statement.type === 'ReturnStatement' && isThisKey(statement.argument));
}

export const noThisAsMemoKey: Rule.RuleModule = {
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow keying a shared memoizer on `this`: it keeps every instance alive',
      recommended: true,
      url: 'https://github.com/lru-memo/lru-memo/blob/main/docs/eslint/no-this-as-memo-key.md',
    },
    schema: [{ type: 'object', properties: { memoizers: exportListSchema }, additionalProperties: false }],
    messages: {
      thisArgument:
        '{{name}} is a module-level memoizer: passing `this` makes every instance a key it never lets go of (instances are never collected). Use @cached() from lru-memo: one cache per instance, held weakly.',
      thisResolver:
        'This resolver makes `this` the cache key of a shared memoizer: every instance stays alive. Use @cached() from lru-memo: one cache per instance, held weakly.',
    },
  },
  create(context) {
    const memoizers = configuredList(context, 'memoizers', DEFAULT_MEMOIZERS);
    const isMemoizerCall = (node: ESTree.Node | null | undefined): node is ESTree.CallExpression => {
      if (node?.type !== 'CallExpression') return false;
      const origin = originOf(context, innermostCallee(node));
      return origin !== undefined && memoizers.some((m: Export) => matches(origin, m, true));
    };
    return {
      CallExpression(node) {
        // memoize(fn, resolver) where the resolver returns `this`.
        if (isMemoizerCall(node) && node.arguments.length >= 2 && resolverReturnsThis(node.arguments[1]!)) {
          context.report({ node: node.arguments[1]!, messageId: 'thisResolver' });
          return;
        }
        // mm(this, ...) where mm = memoizer(...).
        if (node.callee.type !== 'Identifier' || !node.arguments.some(isThis)) {
          return;
        }
        const variable = variableOf(context.sourceCode.getScope(node), node.callee.name);
        const definition = variable?.defs[0];
        if (definition?.type !== 'Variable' || !isMemoizerCall(definition.node.init)) return;
        context.report({ node, messageId: 'thisArgument', data: { name: node.callee.name } });
      },
    };
  },
};

/**
 * `C.prototype.m = memoize(C.prototype.m)` with a function memoizer: one cache
 * for every instance, keyed on the arguments only. Instance B gets the result
 * computed for instance A, and results that reference their instance keep it
 * alive. lruCache() (or @cached) keeps one cache per instance, held weakly.
 */
import type { Rule } from 'eslint';
import type * as ESTree from 'estree';
import { DEFAULT_MEMOIZERS } from '../defaults.js';
import { configuredList, exportListSchema, matches, originOf } from '../imports.js';
import { importFixes, innermostCallee } from './shared.js';

function isPrototypeMember(node: ESTree.Node): boolean {
  return (
    node.type === 'MemberExpression' &&
    node.object.type === 'MemberExpression' &&
    !node.object.computed &&
    node.object.property.type === 'Identifier' &&
    node.object.property.name === 'prototype'
  );
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
    return {
      AssignmentExpression(node) {
        if (node.operator !== '=' || !isPrototypeMember(node.left)) return;
        if (node.right.type !== 'CallExpression') return;
        const call = node.right;
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
      },
    };
  },
};

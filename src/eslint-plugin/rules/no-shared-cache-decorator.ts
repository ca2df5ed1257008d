/**
 * Method decorators that keep one cache for every instance: decko
 * `@memoize`, utils-decorators `@memoize`/`@memoizeAsync`, lodash-decorators
 * `@MemoizeAll`, and `memoizeDecorator({ cache })` / `pMemoizeDecorator({ cache })`
 * given a shared `cache`. Instance B gets A's result.
 */
import type { Rule } from 'eslint';
import type * as ESTree from 'estree';
import { DEFAULT_CACHE_OPTION_DECORATORS, DEFAULT_SHARED_DECORATORS } from '../defaults.js';
import { configuredList, exportListSchema, matches, originOf } from '../imports.js';
import { decoratedMethod, importFixes, propertyKeyName, type DecoratorNode } from './shared.js';

function hasCacheOption(call: ESTree.CallExpression): boolean {
  return call.arguments.some(
    (argument) =>
      argument.type === 'ObjectExpression' &&
      argument.properties.some((property) => property.type === 'Property' && propertyKeyName(property) === 'cache'),
  );
}

export const noSharedCacheDecorator: Rule.RuleModule = {
  meta: {
    type: 'problem',
    hasSuggestions: true,
    docs: {
      description: 'Disallow method decorators that share one cache across all instances',
      recommended: true,
      url: 'https://github.com/lru-memo/lru-memo/blob/main/docs/eslint/no-shared-cache-decorator.md',
    },
    schema: [
      {
        type: 'object',
        properties: { decorators: exportListSchema, cacheOptionDecorators: exportListSchema },
        additionalProperties: false,
      },
    ],
    messages: {
      shared:
        "@{{decorator}} keeps one cache for every instance of the class: instance B gets A's result. Use @cached() from lru-memo: one cache per instance, held weakly.",
      sharedCacheOption:
        "@{{decorator}}({ cache }) shares that one cache across every instance: instance B gets A's result. Use @cached() from lru-memo: one cache per instance, held weakly.",
      useCached: 'Replace @{{decorator}} with @cached() from lru-memo',
    },
  },
  create(context) {
    const shared = configuredList(context, 'decorators', DEFAULT_SHARED_DECORATORS);
    const withCacheOption = configuredList(context, 'cacheOptionDecorators', DEFAULT_CACHE_OPTION_DECORATORS);
    return {
      Decorator(node: Rule.Node) {
        const decorator = node as unknown as DecoratorNode;
        const method = decoratedMethod(decorator);
        if (method === undefined || method.static) return; // a static method has one receiver
        const expression = decorator.expression;
        const call = expression.type === 'CallExpression' ? expression : undefined;
        const target = call === undefined ? expression : call.callee;
        const origin = originOf(context, target);
        if (origin === undefined) return;
        const name = context.sourceCode.getText(target);
        if (shared.some((d) => matches(origin, d))) {
          const replaceable = call === undefined || call.arguments.length === 0;
          context.report({
            node: expression,
            messageId: 'shared',
            data: { decorator: name },
            suggest: replaceable
              ? [
                  {
                    messageId: 'useCached',
                    data: { decorator: name },
                    fix: (fixer) => [fixer.replaceText(expression, 'cached()'), ...importFixes(context, fixer, 'cached')],
                  },
                ]
              : [],
          });
        } else if (call !== undefined && withCacheOption.some((d) => matches(origin, d)) && hasCacheOption(call)) {
          context.report({ node: expression, messageId: 'sharedCacheOption', data: { decorator: name } });
        }
      },
    };
  },
};

/**
 * typescript-memoize `@Memoize({ tags })` on a getter or a zero-argument
 * method: to clear by tag it registers every instance in a module-level tag
 * registry, which keeps them all alive.
 */
import type { Rule } from 'eslint';
import type * as ESTree from 'estree';
import { DEFAULT_TAG_DECORATORS } from '../defaults.js';
import { configuredList, exportListSchema, matches, originOf } from '../imports.js';
import { decoratedMethod, propertyKeyName, type DecoratorNode } from './shared.js';

/**
 * An options object with a `tags` key, however the key is spelled (`tags`,
 * `'tags'`, `['tags']`). A computed `[tags]` names a variable whose value is
 * not known here: not reported.
 */
function hasTags(call: ESTree.CallExpression): boolean {
  return call.arguments.some(
    (argument) =>
      argument.type === 'ObjectExpression' &&
      argument.properties.some((property) => property.type === 'Property' && propertyKeyName(property) === 'tags'),
  );
}

export const noMemoizeTags: Rule.RuleModule = {
  meta: {
    type: 'problem',
    docs: {
      description: 'Disallow typescript-memoize tags on getters and zero-argument methods: they keep instances alive',
      recommended: true,
      url: 'https://github.com/lru-memo/lru-memo/blob/main/docs/eslint/no-memoize-tags.md',
    },
    schema: [{ type: 'object', properties: { decorators: exportListSchema }, additionalProperties: false }],
    messages: {
      tags:
        "@{{decorator}}({ tags }) on {{what}} registers every instance under its tags in a module-level registry, so none is ever collected. Use @cached() from lru-memo and cacheClear(instance, '{{member}}') to invalidate.",
    },
  },
  create(context) {
    const decorators = configuredList(context, 'decorators', DEFAULT_TAG_DECORATORS);
    return {
      Decorator(node: Rule.Node) {
        const decorator = node as unknown as DecoratorNode;
        const method = decoratedMethod(decorator);
        if (method === undefined || method.static) return;
        const expression = decorator.expression;
        if (expression.type !== 'CallExpression' || !hasTags(expression)) return;
        const origin = originOf(context, expression.callee);
        if (origin === undefined || !decorators.some((d) => matches(origin, d))) return;
        const isGetter = method.kind === 'get';
        if (!isGetter && method.value.params.length > 0) return;
        const member = context.sourceCode.getText(method.key);
        context.report({
          node: expression,
          messageId: 'tags',
          data: {
            decorator: context.sourceCode.getText(expression.callee),
            what: isGetter ? `getter '${member}'` : `zero-argument method '${member}'`,
            member,
          },
        });
      },
    };
  },
};

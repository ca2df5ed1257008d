/** Helpers shared by the rules: decorated members and the suggestion fixes. */
import type { Rule } from 'eslint';
import type * as ESTree from 'estree';

/** A decorator node (typescript-eslint / Babel AST; not in ESTree's types). */
export interface DecoratorNode {
  type: 'Decorator';
  expression: ESTree.Expression;
  parent: ESTree.Node;
  range: [number, number];
}

/** The class method or getter a decorator is on, if it is on one. */
export function decoratedMethod(decorator: DecoratorNode): ESTree.MethodDefinition | undefined {
  const parent = decorator.parent as ESTree.Node & { decorators?: unknown[] };
  return parent.type === 'MethodDefinition' ? parent : undefined;
}

/** The callee of a call, looking through curried factories: `moize.maxSize(3)(fn)` → `moize.maxSize`. */
export function innermostCallee(call: ESTree.CallExpression): ESTree.Node {
  let callee: ESTree.Node = call.callee;
  while (callee.type === 'CallExpression') callee = callee.callee;
  return callee;
}

/**
 * Fixes that make `name` available from 'lru-memo': nothing if it is already
 * imported, a new specifier in an existing `import { ... } from 'lru-memo'`,
 * or a new import line at the top of the file.
 */
export function importFixes(context: Rule.RuleContext, fixer: Rule.RuleFixer, name: string): Rule.Fix[] {
  const program = context.sourceCode.ast;
  for (const statement of program.body) {
    if (statement.type !== 'ImportDeclaration' || statement.source.value !== 'lru-memo') continue;
    const named = statement.specifiers.filter((s): s is ESTree.ImportSpecifier => s.type === 'ImportSpecifier');
    if (named.some((s) => s.local.name === name)) return [];
    const last = named.at(-1);
    if (last !== undefined) return [fixer.insertTextAfter(last, `, ${name}`)];
  }
  const first = program.body[0];
  const line = `import { ${name} } from 'lru-memo';\n`;
  return [first === undefined ? fixer.insertTextAfterRange([0, 0], line) : fixer.insertTextBefore(first, line)];
}

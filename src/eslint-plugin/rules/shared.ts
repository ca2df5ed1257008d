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

/**
 * Wrappers that change an expression's type, never its value: `x as T`, `x!`,
 * `<T>x`, `x satisfies T` (typescript-eslint), and parentheses where a parser
 * keeps them as nodes (Babel's `createParenthesizedExpressions`). Not in
 * ESTree's types, so matched by name.
 */
const VALUE_PRESERVING_WRAPPERS: ReadonlySet<string> = new Set([
  'TSAsExpression',
  'TSNonNullExpression',
  'TSTypeAssertion',
  'TSSatisfiesExpression',
  'ParenthesizedExpression',
]);

/**
 * The expression under any nesting of type-only wrappers: `(this as any)!` → `this`.
 * A rule looking for a node by type would otherwise miss it as soon as the
 * code satisfies the type checker with a cast.
 */
export function unwrapTypeSyntax(node: ESTree.Node): ESTree.Node {
  let current = node as ESTree.Node & { expression?: ESTree.Node };
  while (VALUE_PRESERVING_WRAPPERS.has(current.type) && current.expression !== undefined) {
    current = current.expression as ESTree.Node & { expression?: ESTree.Node };
  }
  return current;
}

/**
 * The name an object-literal property is known by statically: `tags`,
 * `'tags'`, `['tags']` and `` [`tags`] `` all give 'tags'. A computed key
 * naming a variable (`[tags]`) gives undefined: its value is not known here,
 * and the variable's name says nothing about it.
 */
export function propertyKeyName(property: ESTree.Property): string | undefined {
  const key = property.key;
  if (!property.computed && key.type === 'Identifier') return key.name;
  if (key.type === 'Literal' && (typeof key.value === 'string' || typeof key.value === 'number')) return String(key.value);
  if (key.type === 'TemplateLiteral' && key.expressions.length === 0) return key.quasis[0]!.value.cooked ?? undefined;
  return undefined;
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

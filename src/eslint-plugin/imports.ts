/**
 * Where does a name come from? The rules match memoizers by their import
 * source, not by their local name, so `memoize` from 'memoizee' is found
 * under any alias and a local helper that happens to be called `memoize` is
 * left alone.
 */
import type { Rule, Scope } from 'eslint';
import type * as ESTree from 'estree';

/** A function or decorator exported by a module: `name` 'default' for the default export. */
export interface Export {
  module: string;
  /** 'default' (the default export or the module object of a CommonJS require), or a named export. */
  name: string;
}

/** What a callee or decorator expression refers to, when it comes from a module. */
export interface Origin {
  module: string;
  /** The export used: 'default', a named export, or '*' for a namespace import. */
  imported: string;
  /** A property read from it (`_.memoize`, `moize.infinite`), if any. */
  property?: string;
}

/** The variable `name` denotes in `scope`, looking outwards; undefined for an undeclared global. */
export function findVariable(scope: Scope.Scope | null, name: string): Scope.Variable | undefined {
  for (let s = scope; s !== null; s = s.upper) {
    const variable = s.set.get(name);
    if (variable !== undefined) return variable;
  }
  return undefined;
}

/** The module and export an identifier is bound to, through `import` or `require`. */
export function originOfIdentifier(context: Rule.RuleContext, id: ESTree.Identifier): Origin | undefined {
  const variable = findVariable(context.sourceCode.getScope(id), id.name);
  const definition = variable?.defs[0];
  if (definition === undefined) return undefined;
  if (definition.type === 'ImportBinding') {
    const declaration = definition.parent as ESTree.ImportDeclaration;
    const specifier = definition.node;
    const module = String(declaration.source.value);
    if (specifier.type === 'ImportDefaultSpecifier') return { module, imported: 'default' };
    if (specifier.type === 'ImportNamespaceSpecifier') return { module, imported: '*' };
    const imported = specifier.imported;
    return { module, imported: imported.type === 'Identifier' ? imported.name : String(imported.value) };
  }
  if (definition.type === 'Variable') {
    const declarator = definition.node;
    const module = requiredModule(declarator.init);
    if (module === undefined) return undefined;
    if (declarator.id.type === 'Identifier') return { module, imported: 'default' };
    if (declarator.id.type === 'ObjectPattern') {
      for (const property of declarator.id.properties) {
        if (
          property.type === 'Property' &&
          property.value.type === 'Identifier' &&
          property.value.name === id.name &&
          property.key.type === 'Identifier'
        ) {
          return { module, imported: property.key.name };
        }
      }
    }
  }
  return undefined;
}

/** `require('x')` (or `require('x').default`) → 'x'. */
function requiredModule(init: ESTree.Expression | null | undefined): string | undefined {
  let node = init;
  if (node?.type === 'MemberExpression' && !node.computed && node.property.type === 'Identifier' && node.property.name === 'default') {
    node = node.object as ESTree.Expression;
  }
  if (
    node?.type === 'CallExpression' &&
    node.callee.type === 'Identifier' &&
    node.callee.name === 'require' &&
    node.arguments.length === 1 &&
    node.arguments[0]!.type === 'Literal' &&
    typeof node.arguments[0]!.value === 'string'
  ) {
    return node.arguments[0]!.value;
  }
  return undefined;
}

/** The origin of an expression used as a callee or decorator: `name`, `ns.name`, `name.prop`. */
export function originOf(context: Rule.RuleContext, expression: ESTree.Node): Origin | undefined {
  if (expression.type === 'Identifier') return originOfIdentifier(context, expression);
  if (
    expression.type === 'MemberExpression' &&
    !expression.computed &&
    expression.object.type === 'Identifier' &&
    expression.property.type === 'Identifier'
  ) {
    const base = originOfIdentifier(context, expression.object);
    if (base === undefined) return undefined;
    return { ...base, property: expression.property.name };
  }
  return undefined;
}

/**
 * Does `origin` denote `target`? A named export matches `import { name }`,
 * and also `ns.name` / `defaultExport.name` (lodash: `_.memoize`). A default
 * export matches the default import itself and any property of it when
 * `anyProperty` is set (moize: `moize.infinite`).
 */
export function matches(origin: Origin, target: Export, anyProperty = false): boolean {
  if (origin.module !== target.module) return false;
  if (target.name === 'default') {
    if (origin.imported !== 'default' && origin.imported !== '*') return false;
    return origin.property === undefined || (anyProperty && origin.imported === 'default') || origin.property === 'default';
  }
  if (origin.property === undefined) return origin.imported === target.name;
  return (origin.imported === 'default' || origin.imported === '*') && origin.property === target.name;
}

/** Reads the rule's `memoizers`/`decorators` option, falling back to the defaults. */
export function configuredList(context: Rule.RuleContext, key: string, defaults: readonly Export[]): readonly Export[] {
  const options = context.options[0] as Record<string, unknown> | undefined;
  const given = options?.[key] as Export[] | undefined;
  return given ?? defaults;
}

/** JSON schema for a list of exports, shared by the rules' option schemas. */
export const exportListSchema = {
  type: 'array',
  items: {
    type: 'object',
    properties: { module: { type: 'string' }, name: { type: 'string' } },
    required: ['module', 'name'],
    additionalProperties: false,
  },
} as const;

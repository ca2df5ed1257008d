/**
 * Which property names the build shortens (tsup.config.ts: esbuild's
 * `mangleProps`), and the check that keeps that safe.
 *
 * Only members of the library's own classes are shortened: names no user,
 * runtime API or plug-in ever sees. mangle.json maps each to a fixed short
 * name, so the ESM and CommonJS builds (which share groups, budgets and parts
 * through `Symbol.for` registries) agree, and so do releases that only add
 * names. A name is unsafe, and must not be listed, when it is
 * - a property of a built-in object (Map, WeakRef, Promise, a diagnostics
 *   channel, AsyncLocalStorage, ...): a call on the real object would miss;
 * - declared in the public types (dist/*.d.ts): users read or pass it;
 * - used by a plug-in outside the core (shared, redis, request, eslint-plugin)
 *   on objects that are not the core's.
 *
 *   node scripts/mangle.mjs            adds the core's new class members that are safe to mangle.json
 *   node scripts/mangle.mjs --check [--dist dir]   lists listed names that are unsafe now (exit 1 if any); reads dist/
 *
 * test/package/package.test.ts runs the check on the build users install.
 */
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { AsyncLocalStorage } from 'node:async_hooks';
import * as diagnostics from 'node:diagnostics_channel';
import { EventEmitter } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..');
export const MANGLE_FILE = join(repo, 'scripts', 'mangle.json');

/** The listed names and their short forms. */
export function mangleCache() {
  try {
    return JSON.parse(readFileSync(MANGLE_FILE, 'utf8'));
  } catch (error) {
    if (error.code === 'ENOENT') return {};
    throw error;
  }
}

/** The build's `mangleProps` pattern: exactly the listed names. */
export function manglePattern(cache = mangleCache()) {
  return new RegExp(`^(${Object.keys(cache).join('|')})$`);
}

function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

function parse(file) {
  return ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
}

/** Members (fields, methods, accessors, parameter properties) of the classes in the core and its parts. */
function coreClassMembers() {
  const plugins = ['shared', 'redis', 'request', 'eslint-plugin'].map((d) => join(repo, 'src', d));
  const names = new Set();
  for (const file of sourceFiles(join(repo, 'src')).filter((f) => !plugins.some((p) => f.startsWith(p)))) {
    const visit = (node) => {
      if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) {
        for (const member of node.members) {
          if (member.name && ts.isIdentifier(member.name)) names.add(member.name.text);
          if (ts.isConstructorDeclaration(member)) {
            for (const p of member.parameters) if (p.modifiers?.length && ts.isIdentifier(p.name)) names.add(p.name.text);
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(parse(file));
  }
  return names;
}

function builtinNames() {
  const names = new Set();
  const addAll = (object) => {
    for (let p = object; p; p = Object.getPrototypeOf(p)) for (const k of Object.getOwnPropertyNames(p)) names.add(k);
  };
  for (const key of Object.getOwnPropertyNames(globalThis)) {
    const value = globalThis[key];
    if (value && (typeof value === 'object' || typeof value === 'function')) {
      addAll(value);
      if (value.prototype) addAll(value.prototype);
    }
  }
  for (const object of [diagnostics, diagnostics.channel('lru-memo:mangle-check'), new AsyncLocalStorage(), new EventEmitter(), process]) {
    addAll(object);
  }
  const timer = setTimeout(() => {}, 0);
  addAll(timer);
  clearTimeout(timer);
  return names;
}

/** Property names declared in the public declaration files of `dist`. */
function publicNames(dist) {
  const names = new Set();
  for (const file of readdirSync(dist).filter((f) => f.endsWith('.d.ts') || f.endsWith('.d.cts'))) {
    const visit = (node) => {
      if (
        (ts.isPropertySignature(node) ||
          ts.isMethodSignature(node) ||
          ts.isPropertyDeclaration(node) ||
          ts.isMethodDeclaration(node) ||
          ts.isGetAccessor(node) ||
          ts.isPropertyAssignment(node)) &&
        node.name &&
        ts.isIdentifier(node.name)
      ) {
        names.add(node.name.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(parse(join(dist, file)));
  }
  return names;
}

/** Property names the plug-ins outside the core read, write or declare. */
function pluginNames() {
  const names = new Set();
  for (const dir of ['shared', 'redis', 'request', 'eslint-plugin']) {
    for (const file of sourceFiles(join(repo, 'src', dir))) {
      const visit = (node) => {
        if (ts.isPropertyAccessExpression(node)) names.add(node.name.text);
        if (
          (ts.isPropertyAssignment(node) ||
            ts.isShorthandPropertyAssignment(node) ||
            ts.isMethodDeclaration(node) ||
            ts.isPropertySignature(node) ||
            ts.isPropertyDeclaration(node) ||
            ts.isBindingElement(node)) &&
          node.name &&
          ts.isIdentifier(node.name)
        ) {
          names.add(node.name.text);
        }
        ts.forEachChild(node, visit);
      };
      visit(parse(file));
    }
  }
  return names;
}

/** Why each name may not be mangled (empty: all are safe). */
export function unsafeNames(names, dist = join(repo, 'dist')) {
  const builtin = builtinNames();
  const declared = publicNames(dist);
  const used = pluginNames();
  return names.flatMap((name) => {
    if (builtin.has(name)) return [`${name} (a built-in property)`];
    if (declared.has(name)) return [`${name} (in the public types)`];
    if (used.has(name)) return [`${name} (used by a plug-in)`];
    return [];
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const cache = mangleCache();
  if (process.argv.includes('--check')) {
    const at = process.argv.indexOf('--dist');
    const unsafe = unsafeNames(Object.keys(cache), at === -1 ? undefined : process.argv[at + 1]);
    console.log(unsafe.length === 0 ? `${Object.keys(cache).length} names, all safe` : `unsafe: ${unsafe.join(', ')}`);
    process.exitCode = unsafe.length === 0 ? 0 : 1;
  } else {
    const fresh = [...coreClassMembers()].filter((name) => !(name in cache));
    const unsafe = new Set(unsafeNames(fresh).map((reason) => reason.split(' ')[0]));
    const before = Object.keys(cache).length;
    let next = before;
    for (const name of fresh) if (!unsafe.has(name)) cache[name] = `_${(next++).toString(36)}`;
    writeFileSync(MANGLE_FILE, `${JSON.stringify(cache, null, 2)}\n`);
    console.log(`scripts/mangle.json: ${next} names, ${next - before} added`);
  }
}

/**
 * What a packed package must not ship: checks on its manifest and on the import specifiers of its
 * built files. Pure: the caller reads the tarball; these functions only look at text.
 */
import { builtinModules } from "node:module";
import { posix } from "node:path";

export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  license?: string;
  repository?: unknown;
  engines?: { node?: string };
  files?: string[];
  bin?: Record<string, string> | string;
  exports?: unknown;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

const SPECIFIER = [
  // `from` only in an import or export statement: SQL in a template literal (`is not distinct
  // from 'rate'`) is not an import. The statement cannot cross a quote, backtick or semicolon.
  /\b(?:import|export)\b[^;'"`]*?\bfrom\s*["']([^"']+)["']/g,
  /\bimport\s*["']([^"']+)["']/g,
  /\bimport\(\s*["']([^"']+)["']\s*\)/g,
  /\brequire\(\s*["']([^"']+)["']\s*\)/g,
];

/** What a module specifier looks like (a relative path or a package name): not SQL's `from '/dev/blob'`. */
const VALID = /^(\.{1,2}\/|@?[a-z0-9][\w.-]*)[\w@./:-]*$/i;

/** Every static module specifier in a JavaScript or declaration file (string literals only). */
export function importSpecifiers(code: string): string[] {
  const out = new Set<string>();
  for (const re of SPECIFIER) for (const m of code.matchAll(re)) if (m[1] && VALID.test(m[1])) out.add(m[1]);
  return [...out];
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`. */
export function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier);
}

const BUILTIN = new Set(builtinModules);
const isBuiltin = (s: string) => s.startsWith("node:") || BUILTIN.has(packageOf(s));

/** Problems of a packed package.json: what would break or mislead an `npm install` of it. */
export function manifestProblems(m: Manifest): string[] {
  const problems: string[] = [];
  if (m.private) problems.push(`${m.name}: "private" is set, so it cannot be published`);
  if (!/^0\.\d+\.\d+/.test(m.version) && !/^\d+\.\d+\.\d+/.test(m.version))
    problems.push(`${m.name}: version ${m.version} is not semver`);
  for (const field of ["license", "repository", "files"] as const)
    if (!m[field]) problems.push(`${m.name}: no "${field}"`);
  if (!m.engines?.node) problems.push(`${m.name}: no engines.node`);
  const sections = ["dependencies", "peerDependencies", "optionalDependencies", "devDependencies"] as const;
  for (const section of sections)
    for (const [dep, range] of Object.entries(m[section] ?? {}))
      if (/^(workspace|catalog|link|file):/.test(range))
        problems.push(`${m.name}: ${section}.${dep} is "${range}", which npm cannot install`);
  return problems;
}

/**
 * Problems of the built files of a package, given as path → text (paths relative to the package
 * root, `/`-separated): a `.ts` import path, a relative import of a file that is not shipped, a
 * package import that is not a declared dependency, and bins that plain node cannot run.
 */
export function fileProblems(m: Manifest, files: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  const declared = new Set([
    m.name,
    ...Object.keys(m.dependencies ?? {}),
    ...Object.keys(m.peerDependencies ?? {}),
    ...Object.keys(m.optionalDependencies ?? {}),
  ]);
  for (const [file, code] of files) {
    const isDts = file.endsWith(".d.ts");
    // Only what node or tsc loads: dist/ (a browser bundle such as the brain's web/ is not).
    if (!file.startsWith("dist/") || !(isDts || file.endsWith(".js") || file.endsWith(".mjs"))) continue;
    for (const spec of importSpecifiers(code)) {
      if (spec.startsWith(".")) {
        if (/\.[mc]?tsx?$/.test(spec) && !spec.endsWith(".d.ts"))
          problems.push(`${m.name}: ${file} imports ${spec}, a TypeScript path node cannot load`);
        const target = posix.normalize(posix.join(posix.dirname(file), spec));
        const candidates = isDts ? [target.replace(/\.js$/, ".d.ts"), target] : [target];
        if (!candidates.some((c) => files.has(c)))
          problems.push(`${m.name}: ${file} imports ${spec}, which the package does not ship`);
      } else if (!isBuiltin(spec) && !declared.has(packageOf(spec))) {
        problems.push(`${m.name}: ${file} imports ${spec}, but ${packageOf(spec)} is not a dependency`);
      }
    }
  }
  const bins = typeof m.bin === "string" ? { [m.name]: m.bin } : (m.bin ?? {});
  for (const [name, rel] of Object.entries(bins)) {
    const file = posix.normalize(rel);
    const code = files.get(file);
    if (code === undefined) problems.push(`${m.name}: bin ${name} → ${rel} is not shipped`);
    else if (!file.endsWith(".js")) problems.push(`${m.name}: bin ${name} → ${rel} is not JavaScript`);
    else if (!code.startsWith("#!/usr/bin/env node"))
      problems.push(`${m.name}: bin ${name} has no node shebang`);
  }
  return problems;
}

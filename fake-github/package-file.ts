import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";

/**
 * The path of a data file inside an installed package, found through Node's module search paths
 * (some packages, like @octokit/graphql-schema, do not export their data files).
 */
export function packageFile(packageName: string, file: string): string {
  const require = createRequire(import.meta.url);
  for (const base of require.resolve.paths(packageName) ?? []) {
    const candidate = join(base, packageName, file);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`cannot find ${packageName}/${file}; is ${packageName} installed?`);
}

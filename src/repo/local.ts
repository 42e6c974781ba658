import { readdir, readFile } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { RepoSnapshot } from "./snapshot.js";

const SKIPPED_FOLDERS = new Set([".git", "node_modules"]);

/** A local checkout as a snapshot: paths relative to `root`, with '/' separators. */
export async function localSnapshot(root: string): Promise<RepoSnapshot> {
  const paths: string[] = [];
  const walk = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const full = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name)) await walk(full);
      } else if (entry.isFile()) {
        paths.push(relative(root, full).split(sep).join("/"));
      }
    }
  };
  await walk(root);
  paths.sort();
  return {
    paths,
    async read(path) {
      try {
        return await readFile(join(root, ...path.split("/")), "utf8");
      } catch (error) {
        if (error instanceof Error && "code" in error && error.code === "ENOENT") return undefined;
        throw error;
      }
    },
  };
}

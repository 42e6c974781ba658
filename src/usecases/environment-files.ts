import type { Config } from "../config/schema.js";
import { environmentFolder } from "../core/bump.js";
import type { GitHubRepo, TreeEntry } from "../github/port.js";

const TEXT_FILE = /\.ya?ml$|(?:^|\/)Kustomization$|\.(?:json|txt|md|env|conf|ini|toml|properties)$/i;

/**
 * The files of one environment folder at a commit, read by tree and blob SHA (cached forever). `folders`
 * may already know the folder's tree SHA (from the head read); otherwise it is looked up at `commit`.
 */
export async function readEnvironmentTree(
  repo: GitHubRepo,
  config: Config,
  environment: string,
  commit: string,
  folders: ReadonlyMap<string, string | undefined> = new Map(),
): Promise<TreeEntry[]> {
  const folder = environmentFolder(config, environment);
  const treeSha = folders.has(folder)
    ? folders.get(folder)
    : (await repo.readFolders(commit, [folder])).get(folder);
  if (treeSha === undefined) return [];
  return (await repo.readTree(treeSha)).map((entry) => ({ ...entry, path: `${folder}/${entry.path}` }));
}

/** Path → text of an environment folder's text files (YAML and the usual config formats). */
export async function readEnvironment(
  repo: GitHubRepo,
  config: Config,
  environment: string,
  commit: string,
  folders?: ReadonlyMap<string, string | undefined>,
): Promise<{ files: Map<string, string>; modes: Map<string, string> }> {
  const entries = (await readEnvironmentTree(repo, config, environment, commit, folders)).filter((entry) =>
    TEXT_FILE.test(entry.path),
  );
  const blobs = await repo.readBlobs(entries.map((entry) => entry.sha));
  const files = new Map<string, string>();
  const modes = new Map<string, string>();
  for (const entry of entries) {
    const text = blobs.get(entry.sha);
    if (text === undefined) continue;
    files.set(entry.path, text);
    modes.set(entry.path, entry.mode);
  }
  return { files, modes };
}

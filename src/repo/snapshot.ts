/**
 * A read-only view of a config repository at one commit: the paths it holds and their text. The CLI
 * reads a local checkout; the app reads git trees and blobs through the GitHub API. Use cases see only
 * this port.
 */
export interface RepoSnapshot {
  readonly paths: readonly string[];
  read(path: string): Promise<string | undefined>;
}

/** Reads every file under `folder` (no trailing slash) into a map. */
export async function readFolder(snapshot: RepoSnapshot, folder: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  const prefix = `${folder}/`;
  await Promise.all(
    snapshot.paths
      .filter((path) => path.startsWith(prefix))
      .map(async (path) => {
        const text = await snapshot.read(path);
        if (text !== undefined) files.set(path, text);
      }),
  );
  return files;
}

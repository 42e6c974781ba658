import type { Config } from "../config/schema.js";
import { extractImages } from "../formats/index.js";
import { environmentFiles } from "./bump.js";
import { normaliseImageName } from "./image-ref.js";
import { compareTags } from "./tag-policy.js";
import { parseYaml } from "./yaml/source.js";

export interface DeployedVersion {
  /** The newest tag any reference in the environment pins (they normally agree). */
  readonly tag?: string;
  readonly digest?: string;
  /** Every distinct tag found, when references disagree. */
  readonly tags: readonly string[];
  readonly references: number;
}

/** What each app runs in one environment, read from its folder's files. */
export function deployedVersions(
  config: Config,
  environment: string,
  files: ReadonlyMap<string, string>,
): Record<string, DeployedVersion> {
  const images = new Map<string, string>();
  for (const [name, app] of Object.entries(config.apps)) {
    try {
      images.set(normaliseImageName(app.image), name);
    } catch {
      // an invalid image never passes config parsing; nothing to match
    }
  }
  const found: Record<string, { tags: Set<string>; digests: Map<string, string>; references: number }> = {};
  for (const path of environmentFiles(config, environment, files.keys())) {
    if (!/\.ya?ml$|(?:^|\/)Kustomization$/i.test(path)) continue;
    const parsed = parseYaml(path, files.get(path) ?? "");
    if (!parsed.ok) continue;
    for (const occurrence of extractImages(parsed.source).occurrences) {
      const app =
        occurrence.app ?? (occurrence.image === undefined ? undefined : images.get(occurrence.image));
      if (app === undefined || config.apps[app] === undefined) continue;
      const entry = (found[app] ??= { tags: new Set(), digests: new Map(), references: 0 });
      entry.references++;
      if (occurrence.tag !== undefined) {
        entry.tags.add(occurrence.tag);
        if (occurrence.digest !== undefined) entry.digests.set(occurrence.tag, occurrence.digest);
      }
    }
  }
  const result: Record<string, DeployedVersion> = {};
  for (const [app, entry] of Object.entries(found)) {
    const appConfig = config.apps[app];
    const tags = [...entry.tags].sort((a, b) =>
      appConfig === undefined ? 0 : (compareTags(appConfig, a, b) ?? a.localeCompare(b)),
    );
    const newest = tags.at(-1);
    const digest = newest === undefined ? undefined : entry.digests.get(newest);
    result[app] = {
      ...(newest !== undefined && { tag: newest }),
      ...(digest !== undefined && { digest }),
      tags,
      references: entry.references,
    };
  }
  return result;
}

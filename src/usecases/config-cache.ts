import { LRUCache } from "lru-cache";
import { CONFIG_PATH, parseConfig } from "../config/parse.js";
import type { Config } from "../config/schema.js";
import { ConfigError } from "../core/errors.js";

/**
 * Parsed configs by blob SHA: a config file's text never changes under its SHA, so neither does the
 * result of parsing it (including its errors).
 */
export class ConfigCache {
  readonly #parsed = new LRUCache<string, { config: Config } | { error: ConfigError }>({ max: 500 });
  /** The environment folders each repository's config named last time, to read them in the same request. */
  readonly #folders = new LRUCache<string, readonly string[]>({ max: 5_000 });

  parse(sha: string, text: string): Config {
    let entry = this.#parsed.get(sha);
    if (entry === undefined) {
      try {
        entry = { config: parseConfig(text, CONFIG_PATH) };
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        entry = { error };
      }
      this.#parsed.set(sha, entry);
    }
    if ("error" in entry) throw entry.error;
    return entry.config;
  }

  folders(repo: string): readonly string[] {
    return this.#folders.get(repo) ?? [];
  }

  rememberFolders(repo: string, config: Config): void {
    const folders = Object.values(config.environments).map((env) =>
      env.path
        .split("/")
        .filter((part) => part !== "")
        .join("/"),
    );
    this.#folders.set(repo, folders);
  }
}

import type { Config } from "../config/schema.js";
import { ConfigError } from "../core/errors.js";
import type { RepoConfigBlob } from "../github/installation.js";
import type { RepoId } from "../github/port.js";
import { appsForImage } from "./bump.js";
import type { ConfigCache } from "./config-cache.js";
import type { Log } from "./log.js";

export interface Route {
  readonly repo: RepoId;
  readonly app: string;
  readonly config: Config;
  /** The environments a new version of the app enters: those without `from`. */
  readonly environments: readonly string[];
}

export interface ConfigIndexDeps {
  /** Every config of an installation (all its repositories). */
  readonly readAll: (installationId: number) => Promise<RepoConfigBlob[]>;
  /** One repository's config. */
  readonly readOne: (installationId: number, repo: RepoId) => Promise<RepoConfigBlob>;
  readonly configs: ConfigCache;
  readonly log: Log;
  readonly now: () => number;
  readonly ttlMs: number;
}

interface Entry {
  readonly loadedAt: number;
  readonly repos: Map<string, RepoConfigBlob>;
}

function key(repo: RepoId): string {
  return `${repo.owner}/${repo.name}`.toLowerCase();
}

/**
 * Which config repositories of an installation declare an app for an image. Built from GitHub (one
 * batched read per installation), refreshed when a config changes on a default branch (push webhook),
 * when repositories are added or removed, and at the latest after `ttlMs`, so a replica that missed a
 * push still catches up. Planning always re-reads the config at the commit it edits: the index only routes.
 */
export class ConfigIndex {
  readonly #deps: ConfigIndexDeps;
  readonly #installations = new Map<number, Promise<Entry>>();

  constructor(deps: ConfigIndexDeps) {
    this.#deps = deps;
  }

  async routes(installationId: number, image: string): Promise<Route[]> {
    const entry = await this.#entry(installationId);
    const routes: Route[] = [];
    for (const blob of entry.repos.values()) {
      if (blob.config === undefined) continue;
      let config: Config;
      try {
        config = this.#deps.configs.parse(blob.config.sha, blob.config.text);
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        this.#deps.log.warn(
          { repo: key(blob.repo), problems: error.problems.length },
          "config is invalid; repository skipped for routing",
        );
        continue;
      }
      for (const match of appsForImage(config, image))
        routes.push({ repo: blob.repo, app: match.app, config, environments: match.environments });
    }
    return routes;
  }

  /** A config may have changed in one repository: read it again (if the installation is loaded). */
  async refresh(installationId: number, repo: RepoId): Promise<void> {
    const loaded = this.#installations.get(installationId);
    if (loaded === undefined) return;
    const entry = await loaded;
    entry.repos.set(key(repo), await this.#deps.readOne(installationId, repo));
  }

  forgetRepository(installationId: number, repo: RepoId): void {
    const loaded = this.#installations.get(installationId);
    if (loaded !== undefined) void loaded.then((entry) => entry.repos.delete(key(repo)));
  }

  /** Forget everything about an installation; the next event loads it again. */
  invalidate(installationId: number): void {
    this.#installations.delete(installationId);
  }

  async #entry(installationId: number): Promise<Entry> {
    const loaded = this.#installations.get(installationId);
    if (loaded !== undefined) {
      const entry = await loaded;
      if (this.#deps.now() - entry.loadedAt < this.#deps.ttlMs) return entry;
      this.#installations.delete(installationId);
    }
    const loading = this.#load(installationId);
    this.#installations.set(installationId, loading);
    try {
      return await loading;
    } catch (error) {
      this.#installations.delete(installationId);
      throw error;
    }
  }

  async #load(installationId: number): Promise<Entry> {
    const blobs = await this.#deps.readAll(installationId);
    this.#deps.log.info(
      {
        installationId,
        repositories: blobs.length,
        configs: blobs.filter((blob) => blob.config !== undefined).length,
      },
      "config index loaded",
    );
    return { loadedAt: this.#deps.now(), repos: new Map(blobs.map((blob) => [key(blob.repo), blob])) };
  }
}

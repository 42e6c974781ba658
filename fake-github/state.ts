import { Clock } from "./clock.js";
import { notFound } from "./errors.js";
import { Ids } from "./ids.js";
import { loginKey, type Account, type RepoRole, type Team } from "./model/accounts.js";
import type { App, Installation, InstallationToken } from "./model/apps.js";
import type { PackageVersion } from "./model/packages.js";
import type { Repository } from "./model/repository.js";
import type { Urls } from "./urls.js";
import type { Violations } from "./violations.js";
import type { WebhookEvent } from "./webhooks/event.js";

/**
 * Everything the fake knows. REST routes, GraphQL resolvers and the control API all read and change
 * this one state through the functions in `domain/`, so they behave (and send webhooks) alike.
 */
export class State {
  readonly clock = new Clock();
  readonly ids = new Ids();
  readonly accounts = new Map<string, Account>();
  readonly teams = new Map<string, Team>();
  readonly apps = new Map<number, App>();
  readonly installations = new Map<number, Installation>();
  readonly tokens = new Map<string, InstallationToken>();
  readonly repos = new Map<string, Repository>();
  readonly packages: PackageVersion[] = [];
  readonly urls: Urls;
  readonly violations: Violations;
  readonly #emit: (event: WebhookEvent) => void;

  constructor(urls: Urls, violations: Violations, emit: (event: WebhookEvent) => void) {
    this.urls = urls;
    this.violations = violations;
    this.#emit = emit;
  }

  emit(event: WebhookEvent): void {
    this.#emit(event);
  }

  account(login: string): Account | undefined {
    return this.accounts.get(loginKey(login));
  }

  requireAccount(login: string): Account {
    const account = this.account(login);
    if (account === undefined) throw new Error(`no user or organization "${login}" in the fake GitHub`);
    return account;
  }

  repo(owner: string, name: string): Repository | undefined {
    return this.repos.get(loginKey(`${owner}/${name}`));
  }

  /** `"owner/name"` → repository; throws a 404 when missing. */
  requireRepo(name: string): Repository {
    const [owner, repo] = name.split("/");
    const found = owner === undefined || repo === undefined ? undefined : this.repo(owner, repo);
    if (found === undefined) throw notFound();
    return found;
  }

  team(org: string, slug: string): Team | undefined {
    return this.teams.get(loginKey(`${org}/${slug}`));
  }

  /** Installations that can see this repository. */
  installationsFor(repo: Repository): Installation[] {
    return [...this.installations.values()].filter((installation) => installationCovers(installation, repo));
  }

  /** The repository role of an account: owner, collaborator, or none. */
  roleOf(repo: Repository, login: string): RepoRole | undefined {
    if (loginKey(repo.owner.login) === loginKey(login)) return "admin";
    return repo.collaborators.get(loginKey(login));
  }

  appByBot(account: Account): App | undefined {
    return [...this.apps.values()].find((app) => app.bot.id === account.id);
  }
}

export function installationCovers(installation: Installation, repo: Repository): boolean {
  if (installation.account.id !== repo.owner.id) return false;
  return installation.repositorySelection === "all" || installation.repositoryIds.has(repo.id);
}

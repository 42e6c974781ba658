import { generateKeyPairSync, createPublicKey, randomBytes } from "node:crypto";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { commitChanges, noreplyEmail, type FileChanges } from "../domain/commits.js";
import { branchRef } from "../git/refs.js";
import { nodeId } from "../ids.js";
import {
  loginKey,
  type Account,
  type AccountType,
  type RepoRole,
  type Team,
  type TeamRole,
} from "../model/accounts.js";
import type { App, DeliveryMode, Installation, Permissions } from "../model/apps.js";
import {
  fullName,
  newRepository,
  type BranchProtection,
  type RepoSettings,
  type Repository,
  type RequiredCheck,
} from "../model/repository.js";
import { renderInstallation } from "../render/apps.js";
import type { State } from "../state.js";

/** Setting the world up: people, organizations, teams, repositories, apps and installations. */

export interface AccountOptions {
  readonly name?: string;
  readonly email?: string;
}

export function createAccount(
  state: State,
  login: string,
  type: AccountType,
  options: AccountOptions = {},
): Account {
  if (state.account(login) !== undefined) throw new Error(`the login "${login}" is taken`);
  const id = state.ids.next();
  const prefix = { User: "U", Bot: "BOT", Organization: "O" }[type];
  const partial = {
    id,
    login,
    type,
    nodeId: nodeId(prefix, id),
    createdAt: state.clock.now(),
    name: options.name ?? null,
  };
  const account: Account = {
    ...partial,
    email: options.email ?? (type === "Organization" ? null : noreplyEmail({ ...partial, email: null })),
  };
  state.accounts.set(loginKey(login), account);
  return account;
}

export function createTeam(
  state: State,
  org: string,
  slug: string,
  members: {
    readonly members?: readonly string[];
    readonly maintainers?: readonly string[];
    readonly name?: string;
  } = {},
): Team {
  const owner = state.requireAccount(org);
  if (owner.type !== "Organization") throw new Error(`${org} is not an organization`);
  const id = state.ids.next();
  const team: Team = {
    id,
    nodeId: nodeId("T", id),
    org: owner,
    slug,
    name: members.name ?? slug,
    description: null,
    members: new Map(),
  };
  const add = (login: string, role: TeamRole): void => {
    team.members.set(loginKey(login), { account: state.requireAccount(login), role });
  };
  for (const login of members.members ?? []) add(login, "member");
  for (const login of members.maintainers ?? []) add(login, "maintainer");
  state.teams.set(loginKey(`${org}/${slug}`), team);
  return team;
}

export interface ProtectionOptions {
  /** Status contexts or check run names; `{ context, appId }` to require a specific app's check. */
  readonly requiredChecks?: readonly (string | RequiredCheck)[];
  readonly strict?: boolean;
  readonly requiredApprovals?: number;
  readonly dismissStaleReviews?: boolean;
}

export function protection(options: ProtectionOptions): BranchProtection {
  return {
    requiredChecks: (options.requiredChecks ?? []).map((check) =>
      typeof check === "string" ? { context: check } : check,
    ),
    strict: options.strict ?? false,
    requiredApprovals: options.requiredApprovals ?? 0,
    dismissStaleReviews: options.dismissStaleReviews ?? false,
  };
}

export interface RepoOptions {
  /** `owner/name`; the owner must exist. */
  readonly name: string;
  /** Initial files (path → text) committed on the default branch. */
  readonly files?: FileChanges;
  readonly defaultBranch?: string;
  readonly private?: boolean;
  readonly description?: string;
  readonly settings?: Partial<RepoSettings>;
  /** login → role. */
  readonly collaborators?: Readonly<Record<string, RepoRole>>;
  /** branch → protection. */
  readonly protection?: Readonly<Record<string, ProtectionOptions>>;
}

export function createRepo(state: State, options: RepoOptions): Repository {
  const [ownerLogin, name] = options.name.split("/");
  if (ownerLogin === undefined || name === undefined) throw new Error(`"${options.name}" is not owner/name`);
  const owner = state.requireAccount(ownerLogin);
  if (state.repo(ownerLogin, name) !== undefined) throw new Error(`${options.name} exists`);
  const id = state.ids.next();
  const repo = newRepository({
    id,
    nodeId: nodeId("R", id),
    owner,
    name,
    private: options.private ?? true,
    description: options.description ?? null,
    defaultBranch: options.defaultBranch ?? "main",
    settings: {
      allowAutoMerge: true,
      deleteBranchOnMerge: false,
      allowMergeCommit: true,
      allowSquashMerge: true,
      allowRebaseMerge: true,
      ...options.settings,
    },
    now: state.clock.now(),
  });
  state.repos.set(loginKey(fullName(repo)), repo);
  if (options.files !== undefined) {
    const sha = commitChanges(state, repo, undefined, options.files, "Initial commit", owner);
    repo.refs.set(branchRef(repo.defaultBranch), sha);
  }
  for (const [login, role] of Object.entries(options.collaborators ?? {})) {
    state.requireAccount(login);
    repo.collaborators.set(loginKey(login), role);
  }
  for (const [branch, rules] of Object.entries(options.protection ?? {}))
    repo.protections.set(branch, protection(rules));
  return repo;
}

export interface AppOptions {
  readonly slug: string;
  readonly name?: string;
  /** The account that owns the app (created as a User if missing). */
  readonly owner?: string;
  readonly permissions?: Permissions;
  /** Webhook events the app subscribes to. */
  readonly events?: readonly string[];
  readonly webhook?: { readonly urls: readonly string[]; readonly mode?: DeliveryMode };
  /** Reuse a PEM to skip generating a key. */
  readonly privateKey?: string;
}

export function createApp(state: State, options: AppOptions): App {
  const ownerLogin = options.owner ?? `${options.slug}-owner`;
  const owner = state.account(ownerLogin) ?? createAccount(state, ownerLogin, "User");
  const id = state.ids.next();
  const privateKey =
    options.privateKey ??
    generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs1", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    }).privateKey;
  const bot = createAccount(state, `${options.slug}[bot]`, "Bot", {
    email: `${id}+${options.slug}[bot]@users.noreply.github.com`,
  });
  const app: App = {
    id,
    nodeId: nodeId("A", id),
    slug: options.slug,
    name: options.name ?? options.slug,
    clientId: `Iv1.${randomBytes(8).toString("hex")}`,
    owner,
    bot,
    privateKey,
    publicKey: createPublicKey(privateKey),
    webhookSecret: randomBytes(20).toString("hex"),
    permissions: options.permissions ?? {},
    events: options.events ?? [],
    webhook:
      options.webhook === undefined
        ? undefined
        : { urls: options.webhook.urls, mode: options.webhook.mode ?? "round-robin" },
    createdAt: state.clock.now(),
  };
  state.apps.set(id, app);
  return app;
}

const Manifest = z.looseObject({
  name: z.string().optional(),
  default_events: z.array(z.string()).optional(),
  default_permissions: z.record(z.string(), z.enum(["read", "write", "admin"])).optional(),
});

/** App options from an `app.yml` manifest (its `default_permissions` and `default_events`). */
export function appOptionsFromManifest(yamlText: string, slug: string): AppOptions {
  const manifest = Manifest.parse(parseYaml(yamlText));
  return {
    slug,
    ...(manifest.name === undefined ? {} : { name: manifest.name }),
    permissions: manifest.default_permissions ?? {},
    events: manifest.default_events ?? [],
  };
}

export interface InstallOptions {
  readonly account: string;
  /** `"all"` (default) or repository names (`name` or `owner/name`). */
  readonly repositories?: "all" | readonly string[];
  /** Defaults to the app's permissions. */
  readonly permissions?: Permissions;
  /** Defaults to the app's events. */
  readonly events?: readonly string[];
}

export function createInstallation(state: State, app: App, options: InstallOptions): Installation {
  const account = state.requireAccount(options.account);
  const id = state.ids.next();
  const selected =
    options.repositories === undefined || options.repositories === "all" ? undefined : options.repositories;
  const installation: Installation = {
    id,
    nodeId: nodeId("MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9u", id),
    app,
    account,
    repositorySelection: selected === undefined ? "all" : "selected",
    repositoryIds: new Set(
      (selected ?? []).map(
        (name) => state.requireRepo(name.includes("/") ? name : `${account.login}/${name}`).id,
      ),
    ),
    permissions: options.permissions ?? app.permissions,
    events: options.events ?? app.events,
    createdAt: state.clock.now(),
  };
  state.installations.set(id, installation);
  return installation;
}

/** Adds repositories to a `selected` installation and sends `installation_repositories.added`. */
export function addInstallationRepositories(
  state: State,
  installation: Installation,
  repos: readonly Repository[],
  sender: Account,
): void {
  const added = repos.filter((repo) => !installation.repositoryIds.has(repo.id));
  for (const repo of added) installation.repositoryIds.add(repo.id);
  if (added.length === 0) return;
  state.emit({
    name: "installation_repositories",
    action: "added",
    account: installation.account,
    sender,
    onlyApp: installation.app,
    fields: {
      installation: renderInstallation(state, installation),
      repository_selection: installation.repositorySelection,
      repositories_added: added.map((repo) => ({
        id: repo.id,
        node_id: repo.nodeId,
        name: repo.name,
        full_name: fullName(repo),
        private: repo.private,
      })),
      repositories_removed: [],
      requester: null,
    },
  });
}

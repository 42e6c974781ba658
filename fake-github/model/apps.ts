import type { KeyObject } from "node:crypto";
import type { Account } from "./accounts.js";

/** GitHub Apps, their installations and installation tokens. */

export type PermissionLevel = "read" | "write" | "admin";

/** Like app.yml's `default_permissions`: `{ contents: "write", pull_requests: "write", … }`. */
export type Permissions = Readonly<Record<string, PermissionLevel>>;

export type DeliveryMode = "round-robin" | "broadcast";

export interface WebhookTarget {
  readonly urls: readonly string[];
  readonly mode: DeliveryMode;
}

export interface App {
  readonly id: number;
  readonly nodeId: string;
  readonly slug: string;
  readonly name: string;
  readonly clientId: string;
  readonly owner: Account;
  /** The `<slug>[bot]` account the app acts as. */
  readonly bot: Account;
  readonly privateKey: string;
  readonly publicKey: KeyObject;
  readonly webhookSecret: string;
  readonly permissions: Permissions;
  readonly events: readonly string[];
  webhook: WebhookTarget | undefined;
  readonly createdAt: Date;
}

export interface Installation {
  readonly id: number;
  readonly nodeId: string;
  readonly app: App;
  readonly account: Account;
  readonly repositorySelection: "all" | "selected";
  /** Repository ids, when the selection is `selected`. */
  readonly repositoryIds: Set<number>;
  permissions: Permissions;
  events: readonly string[];
  readonly createdAt: Date;
}

export interface InstallationToken {
  readonly token: string;
  readonly installation: Installation;
  readonly expiresAt: Date;
  /** Narrower than the installation's when the token was requested with `permissions`. */
  readonly permissions: Permissions;
  /** Only these repositories, when the token was requested with `repositories`/`repository_ids`. */
  readonly repositoryIds: ReadonlySet<number> | undefined;
}

const LEVELS: readonly PermissionLevel[] = ["read", "write", "admin"];

export function permits(permissions: Permissions, name: string, needed: PermissionLevel): boolean {
  if (name === "metadata" && needed === "read") return true;
  const granted = permissions[name];
  return granted !== undefined && LEVELS.indexOf(granted) >= LEVELS.indexOf(needed);
}

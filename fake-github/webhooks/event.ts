import type { Account } from "../model/accounts.js";
import type { App } from "../model/apps.js";
import type { Repository } from "../model/repository.js";

/** A state change worth a webhook. The dispatcher adds `repository`, `organization`, `sender`, `installation`. */
export interface WebhookEvent {
  /** `X-GitHub-Event`, e.g. `pull_request`. */
  readonly name: string;
  readonly action?: string;
  readonly repo?: Repository;
  /** The account whose installations receive it, when there is no repository (e.g. a package). */
  readonly account?: Account;
  readonly sender: Account;
  /** The event's own fields, in GitHub's key order (after `action`). */
  readonly fields: Readonly<Record<string, unknown>>;
  /** Only this app's installation receives it (e.g. `check_run.rerequested`). */
  readonly onlyApp?: App;
}

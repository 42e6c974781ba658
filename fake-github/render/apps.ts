import type { Installation } from "../model/apps.js";
import type { State } from "../state.js";
import type { Schema } from "./schemas.js";
import { iso } from "./time.js";
import { renderUser } from "./users.js";

export function renderInstallation(
  state: State,
  installation: Installation,
): Schema<"installation"> & { account: ReturnType<typeof renderUser> } {
  const api = state.urls.apiUrl(`/app/installations/${installation.id}`);
  return {
    id: installation.id,
    client_id: installation.app.clientId,
    account: renderUser(state.urls, installation.account),
    repository_selection: installation.repositorySelection,
    access_tokens_url: `${api}/access_tokens`,
    repositories_url: state.urls.apiUrl("/installation/repositories"),
    html_url: state.urls.htmlUrl(
      installation.account.type === "Organization"
        ? `/organizations/${installation.account.login}/settings/installations/${installation.id}`
        : `/settings/installations/${installation.id}`,
    ),
    app_id: installation.app.id,
    app_slug: installation.app.slug,
    target_id: installation.account.id,
    target_type: installation.account.type,
    permissions: { ...installation.permissions },
    events: [...installation.events],
    created_at: iso(installation.createdAt),
    updated_at: iso(installation.createdAt),
    single_file_name: null,
    has_multiple_single_files: false,
    single_file_paths: [],
    suspended_by: null,
    suspended_at: null,
  };
}

import { createHash } from "node:crypto";
import type { Account } from "../model/accounts.js";
import type { PackageVersion } from "../model/packages.js";
import type { Repository } from "../model/repository.js";
import { iso } from "../render/time.js";
import { renderUser } from "../render/users.js";
import type { State } from "../state.js";
import { webhookExample } from "../webhooks/examples.js";

/**
 * Publishing a container image version to GHCR: sends `package.published` and
 * `registry_package.published`, shaped from GitHub's own container example and carrying the real
 * owner, name, tag, digest and `package_url` (`ghcr.io/acme/api:1.4.0`).
 */

export interface PublishInput {
  readonly owner: Account;
  readonly name: string;
  readonly tag: string;
  readonly digest?: string;
  readonly repo?: Repository;
}

export function publishContainer(state: State, publisher: Account, input: PublishInput): PackageVersion {
  const existing = state.packages.find((p) => p.owner.id === input.owner.id && p.name === input.name);
  const version: PackageVersion = {
    packageId: existing?.packageId ?? state.ids.next(),
    versionId: state.ids.next(),
    owner: input.owner,
    name: input.name,
    tag: input.tag,
    digest:
      input.digest ??
      `sha256:${createHash("sha256").update(`${input.owner.login}/${input.name}:${input.tag}`).digest("hex")}`,
    repositoryFullName: input.repo === undefined ? undefined : `${input.repo.owner.login}/${input.repo.name}`,
    publishedAt: state.clock.now(),
    publisher,
  };
  state.packages.push(version);
  const pkg = packageObject(state, version);
  const where = input.repo === undefined ? { account: input.owner } : { repo: input.repo };
  state.emit({ name: "package", action: "published", ...where, sender: publisher, fields: { package: pkg } });
  state.emit({
    name: "registry_package",
    action: "published",
    ...where,
    sender: publisher,
    fields: { registry_package: pkg },
  });
  return version;
}

function packageObject(state: State, version: PackageVersion): Record<string, unknown> {
  const template = webhookExample("package", "published", (example) =>
    JSON.stringify(example).includes("container_metadata"),
  );
  const base = (template?.["package"] ?? {}) as Record<string, unknown>;
  const baseVersion = (base["package_version"] ?? {}) as Record<string, unknown>;
  const baseMetadata = (baseVersion["container_metadata"] ?? {}) as Record<string, unknown>;
  const owner = version.owner.login;
  const image = `ghcr.io/${owner.toLowerCase()}/${version.name}`;
  const html = state.urls.htmlUrl(
    `/${owner}/${version.repositoryFullName?.split("/")[1] ?? ""}/pkgs/container/${version.name}`,
  );
  const at = iso(version.publishedAt);
  return {
    ...base,
    id: version.packageId,
    name: version.name,
    namespace: owner,
    description: null,
    ecosystem: "CONTAINER",
    package_type: "CONTAINER",
    html_url: html,
    created_at: at,
    updated_at: at,
    owner: renderUser(state.urls, version.owner),
    package_version: {
      ...baseVersion,
      id: version.versionId,
      version: version.digest,
      name: version.digest,
      description: "",
      summary: "",
      body: "",
      html_url: `${html}/${version.versionId}`,
      target_commitish: "",
      target_oid: "",
      created_at: at,
      updated_at: at,
      metadata: [],
      container_metadata: {
        ...baseMetadata,
        tag: { name: version.tag, digest: version.digest },
      },
      package_files: [],
      installation_command: `docker pull ${image}:${version.tag}`,
      package_url: `${image}:${version.tag}`,
      author: renderUser(state.urls, version.publisher),
    },
    registry: {
      about_url: "https://github.com",
      name: "GitHub CONTAINER registry",
      type: "CONTAINER",
      url: `https://ghcr.io/${owner.toLowerCase()}`,
      vendor: "GitHub Inc",
    },
  };
}

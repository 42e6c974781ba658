import type { Account } from "./accounts.js";

/** A container image version published to GHCR. */
export interface PackageVersion {
  readonly packageId: number;
  readonly versionId: number;
  readonly owner: Account;
  /** The image name below the owner: `api` for `ghcr.io/acme/api`. */
  readonly name: string;
  readonly tag: string;
  readonly digest: string;
  readonly repositoryFullName: string | undefined;
  readonly publishedAt: Date;
  readonly publisher: Account;
}

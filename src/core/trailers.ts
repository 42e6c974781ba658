/**
 * Git trailers on Stagecoach's own commits say what a branch proposes. The branch (moved only by
 * compare-and-swap) is the truth; the PR body is a projection of it, repaired when the two disagree.
 * Because every move is decided from the state it replaces, the proposed version on a branch only ever
 * goes up, whichever replica writes.
 */

export interface ProposedVersion {
  readonly app: string;
  readonly tag: string;
  readonly digest?: string;
}

export interface Proposal {
  readonly kind: "bump" | "promotion" | "rollback";
  readonly env: string;
  readonly versions: readonly ProposedVersion[];
}

const TRAILER = /^Stagecoach-([A-Za-z]+): (.+)$/;

export function renderTrailers(proposal: Proposal): string {
  return [
    `Stagecoach-Kind: ${proposal.kind}`,
    `Stagecoach-Env: ${proposal.env}`,
    ...proposal.versions.map(
      (version) =>
        `Stagecoach-Version: ${version.app} ${version.tag}${version.digest === undefined ? "" : `@${version.digest}`}`,
    ),
  ].join("\n");
}

/** The proposal in a commit message's trailers, or undefined when the commit is not Stagecoach's. */
export function parseTrailers(message: string): Proposal | undefined {
  let kind: Proposal["kind"] | undefined;
  let env: string | undefined;
  const versions: ProposedVersion[] = [];
  for (const line of message.split(/\r?\n/)) {
    const match = TRAILER.exec(line.trim());
    if (match === null) continue;
    const [, key, value = ""] = match;
    if (key === "Kind" && (value === "bump" || value === "promotion" || value === "rollback")) kind = value;
    else if (key === "Env") env = value;
    else if (key === "Version") {
      const [app, reference] = value.split(" ");
      if (app === undefined || reference === undefined) continue;
      const at = reference.indexOf("@");
      versions.push(
        at === -1
          ? { app, tag: reference }
          : { app, tag: reference.slice(0, at), digest: reference.slice(at + 1) },
      );
    }
  }
  if (kind === undefined || env === undefined) return undefined;
  return { kind, env, versions };
}

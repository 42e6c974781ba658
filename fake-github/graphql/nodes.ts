import { z } from "zod";
import { mergeability } from "../domain/mergeability.js";
import { latestReviews } from "../domain/protection.js";
import { resolveCommit } from "../domain/resolve.js";
import { isBinary } from "../git/diff.js";
import { log } from "../git/history.js";
import { entryType, type EntryMode, type Sha } from "../git/objects.js";
import { lookupPath, requireTree } from "../git/trees.js";
import type { Account } from "../model/accounts.js";
import type { Issue, Label, Pull } from "../model/issues.js";
import { fullName, type Repository } from "../model/repository.js";
import { commitNodeId, requireCommit, signatureDate } from "../render/git.js";
import { pullChanges } from "../render/pulls.js";
import { iso, isoOrNull } from "../render/time.js";
import { checkSuiteConnection } from "./checks.js";
import { connection, PageArgs } from "./connection.js";
import { need, type GqlObject, type GraphqlContext } from "./context.js";

/**
 * Every GraphQL object the fake can return, built from the same state REST reads. A field that is
 * not a key of these objects is unimplemented: the strict field resolver (see `execute.ts`) fails
 * loudly on it instead of answering null.
 */

const oidNodeId = (repo: Repository, kind: string, sha: Sha): string =>
  `${kind}_${Buffer.from(`${repo.id}:${sha}`).toString("base64url")}`;

export function actorNode(context: GraphqlContext, account: Account): GqlObject {
  return {
    __typename: account.type === "Organization" ? "Organization" : account.type,
    id: account.nodeId,
    login: account.login,
    url: context.state.urls.htmlUrl(`/${account.login}`),
    avatarUrl: `https://avatars.githubusercontent.com/u/${account.id}?v=4`,
    resourcePath: `/${account.login}`,
    ...(account.type === "Organization" ? {} : { name: account.name, email: account.email ?? "" }),
  };
}

export function repositoryNode(context: GraphqlContext, repo: Repository): GqlObject {
  const needContents = (field: string): void => {
    need(context, `Repository.${field}`, ["contents:read"]);
  };
  return {
    __typename: "Repository",
    id: repo.nodeId,
    databaseId: repo.id,
    name: repo.name,
    nameWithOwner: fullName(repo),
    owner: () => actorNode(context, repo.owner),
    isPrivate: repo.private,
    visibility: repo.private ? "PRIVATE" : "PUBLIC",
    url: context.state.urls.repoHtml(fullName(repo)),
    autoMergeAllowed: repo.settings.allowAutoMerge,
    deleteBranchOnMerge: repo.settings.deleteBranchOnMerge,
    mergeCommitAllowed: repo.settings.allowMergeCommit,
    squashMergeAllowed: repo.settings.allowSquashMerge,
    rebaseMergeAllowed: repo.settings.allowRebaseMerge,
    createdAt: iso(repo.createdAt),
    pushedAt: iso(repo.pushedAt),
    updatedAt: iso(repo.updatedAt),
    defaultBranchRef: () => {
      needContents("defaultBranchRef");
      return refNode(context, repo, `refs/heads/${repo.defaultBranch}`);
    },
    ref: (args: unknown) => {
      needContents("ref");
      const { qualifiedName } = z.object({ qualifiedName: z.string() }).parse(args);
      const name = qualifiedName.startsWith("refs/") ? qualifiedName : `refs/heads/${qualifiedName}`;
      return refNode(context, repo, name);
    },
    object: (args: unknown) => {
      needContents("object");
      const { oid, expression } = z
        .object({ oid: z.string().nullish(), expression: z.string().nullish() })
        .parse(args);
      return objectNode(context, repo, oid ?? expression ?? "");
    },
    pullRequests: (args: unknown) => {
      need(context, "Repository.pullRequests", ["pull_requests:read"]);
      return pullRequestConnection(context, repo, args);
    },
    pullRequest: (args: unknown) => {
      need(context, "Repository.pullRequest", ["pull_requests:read"]);
      const { number } = z.object({ number: z.number() }).parse(args);
      const issue = repo.issues.get(number);
      return issue?.pull === undefined ? null : pullRequestNode(context, repo, issue, issue.pull);
    },
    label: (args: unknown) => {
      need(context, "Repository.label", ["issues:read", "pull_requests:read"]);
      const { name } = z.object({ name: z.string() }).parse(args);
      const label = repo.labels.get(name.toLowerCase());
      return label === undefined ? null : labelNode(context, repo, label);
    },
    issues: (args: unknown) => {
      need(context, "Repository.issues", ["issues:read"]);
      return issueConnection(context, repo, args);
    },
    labels: (args: unknown) => {
      need(context, "Repository.labels", ["issues:read", "pull_requests:read"]);
      const { query } = z.looseObject({ query: z.string().nullish() }).parse(args);
      const labels = [...repo.labels.values()].filter(
        (l) => query == null || l.name.toLowerCase().includes(query.toLowerCase()),
      );
      return connection(labels, args, (label) => labelNode(context, repo, label));
    },
  };
}

const IssuesArgs = PageArgs.extend({
  states: z.array(z.enum(["OPEN", "CLOSED"])).nullish(),
  labels: z.array(z.string()).nullish(),
  orderBy: z
    .object({ field: z.enum(["CREATED_AT", "UPDATED_AT", "COMMENTS"]), direction: z.enum(["ASC", "DESC"]) })
    .nullish(),
});

/** Repository.issues: issues only (GitHub keeps pull requests out of this connection). */
function issueConnection(context: GraphqlContext, repo: Repository, rawArgs: unknown): GqlObject {
  const args = IssuesArgs.parse(rawArgs ?? {});
  const matching = [...repo.issues.values()].filter(
    (issue) =>
      issue.pull === undefined &&
      (args.states == null || args.states.includes(issue.state === "open" ? "OPEN" : "CLOSED")) &&
      (args.labels == null || args.labels.some((label) => issue.labels.includes(label.toLowerCase()))),
  );
  const sign = args.orderBy?.direction === "DESC" ? -1 : 1;
  const key = (issue: Issue): number =>
    args.orderBy?.field === "UPDATED_AT" ? issue.updatedAt.getTime() : issue.createdAt.getTime();
  matching.sort((a, b) => sign * (key(a) - key(b) || a.number - b.number));
  return connection(matching, args, (issue) => ({
    __typename: "Issue",
    id: issue.nodeId,
    number: issue.number,
    title: issue.title,
    body: issue.body ?? "",
    state: issue.state === "open" ? "OPEN" : "CLOSED",
    closed: issue.state === "closed",
    createdAt: issue.createdAt.toISOString().replace(/\.\d{3}Z$/, "Z"),
    updatedAt: issue.updatedAt.toISOString().replace(/\.\d{3}Z$/, "Z"),
    url: context.state.urls.repoHtml(fullName(repo), `/issues/${issue.number}`),
    author: () => actorNode(context, issue.user),
    labels: (labelArgs: unknown) =>
      connection(
        issue.labels.flatMap((labelKey) => repo.labels.get(labelKey) ?? []),
        labelArgs,
        (label) => labelNode(context, repo, label),
      ),
  }));
}

export function labelNode(context: GraphqlContext, repo: Repository, label: Label): GqlObject {
  return {
    __typename: "Label",
    id: label.nodeId,
    name: label.name,
    color: label.color,
    description: label.description,
    isDefault: label.isDefault,
    url: context.state.urls.repoHtml(fullName(repo), `/labels/${encodeURIComponent(label.name)}`),
  };
}

export function refNode(context: GraphqlContext, repo: Repository, qualifiedName: string): GqlObject | null {
  const sha = repo.refs.get(qualifiedName);
  if (sha === undefined) return null;
  const prefix = /^refs\/[^/]+\//.exec(qualifiedName)?.[0] ?? "refs/";
  return {
    __typename: "Ref",
    id: `REF_${Buffer.from(`${repo.id}:${qualifiedName}`).toString("base64url")}`,
    name: qualifiedName.slice(prefix.length),
    prefix,
    repository: () => repositoryNode(context, repo),
    target: () => gitObjectNode(context, repo, sha),
    associatedPullRequests: (args: unknown) => {
      need(context, "Ref.associatedPullRequests", ["pull_requests:read"]);
      return pullRequestConnection(context, repo, {
        ...z.looseObject({}).parse(args),
        headRefName: qualifiedName.slice(prefix.length),
      });
    },
  };
}

/** `oid:` or `expression:` (`main`, `HEAD:path`, `<sha>:path`) → Commit, Tree or Blob. */
export function objectNode(context: GraphqlContext, repo: Repository, expression: string): GqlObject | null {
  const colon = expression.indexOf(":");
  const rev = colon < 0 ? expression : expression.slice(0, colon);
  const path = colon < 0 ? undefined : expression.slice(colon + 1);
  const direct = repo.objects.expand(rev.toLowerCase());
  const start =
    rev === "HEAD" || rev === ""
      ? resolveCommit(repo, repo.defaultBranch)
      : (direct ?? resolveCommit(repo, rev));
  if (start === undefined) return null;
  if (path === undefined) return gitObjectNode(context, repo, start);
  const commit = repo.objects.commit(start);
  const tree = commit?.tree ?? (repo.objects.tree(start) === undefined ? undefined : start);
  if (tree === undefined) return null;
  const entry = lookupPath(repo.objects, tree, path);
  return entry === undefined ? null : gitObjectNode(context, repo, entry.sha, entry.path);
}

/** `path` is where a tree sits, so its entries report full paths. */
export function gitObjectNode(
  context: GraphqlContext,
  repo: Repository,
  sha: Sha,
  path = "",
): GqlObject | null {
  const type = repo.objects.typeOf(sha);
  if (type === "commit") return commitNode(context, repo, sha);
  if (type === "tree") return treeNode(context, repo, sha, path);
  if (type === "blob") return blobNode(context, repo, sha);
  return null;
}

function gitActor(
  context: GraphqlContext,
  signature: { name: string; email: string; seconds: number; offsetMinutes: number },
): GqlObject {
  const account = [...context.state.accounts.values()].find(
    (a) => a.email?.toLowerCase() === signature.email.toLowerCase(),
  );
  return {
    name: signature.name,
    email: signature.email,
    date: signatureDate({ ...signature }),
    user: account === undefined || account.type === "Organization" ? null : actorNode(context, account),
  };
}

export function commitNode(context: GraphqlContext, repo: Repository, sha: Sha): GqlObject {
  const commit = requireCommit(repo, sha);
  const [headline = "", ...rest] = commit.message.split("\n");
  return {
    __typename: "Commit",
    id: commitNodeId(repo, sha),
    oid: sha,
    abbreviatedOid: sha.slice(0, 7),
    message: commit.message,
    messageHeadline: headline,
    messageBody: rest.join("\n").replace(/^\n+/, ""),
    committedDate: signatureDate(commit.committer),
    authoredDate: signatureDate(commit.author),
    author: () => gitActor(context, commit.author),
    committer: () => gitActor(context, commit.committer),
    url: context.state.urls.repoHtml(fullName(repo), `/commit/${sha}`),
    commitUrl: context.state.urls.repoHtml(fullName(repo), `/commit/${sha}`),
    repository: () => repositoryNode(context, repo),
    tree: () => treeNode(context, repo, commit.tree),
    parents: (args: unknown) =>
      connection(commit.parents, args, (parent) => commitNode(context, repo, parent)),
    history: (args: unknown) => {
      const { path, since, until } = z
        .looseObject({ path: z.string().nullish(), since: z.string().nullish(), until: z.string().nullish() })
        .parse(args);
      const from = since == null ? Number.NEGATIVE_INFINITY : Date.parse(since) / 1000;
      const to = until == null ? Number.POSITIVE_INFINITY : Date.parse(until) / 1000;
      const shas = log(repo.objects, sha, path == null ? {} : { path }).filter((s) => {
        const seconds = requireCommit(repo, s).committer.seconds;
        return seconds >= from && seconds <= to;
      });
      return connection(shas, args, (s) => commitNode(context, repo, s));
    },
    file: (args: unknown) => {
      const { path } = z.object({ path: z.string() }).parse(args);
      const entry = lookupPath(repo.objects, commit.tree, path);
      return entry === undefined || entry.path === ""
        ? null
        : treeEntryNode(context, repo, entry.path, entry.mode, entry.sha);
    },
    checkSuites: (args: unknown) => checkSuiteConnection(context, repo, sha, args),
  };
}

export function treeNode(context: GraphqlContext, repo: Repository, sha: Sha, base = ""): GqlObject {
  return {
    __typename: "Tree",
    id: oidNodeId(repo, "T", sha),
    oid: sha,
    abbreviatedOid: sha.slice(0, 7),
    repository: () => repositoryNode(context, repo),
    entries: () =>
      requireTree(repo.objects, sha).map((entry) =>
        treeEntryNode(
          context,
          repo,
          base === "" ? entry.name : `${base}/${entry.name}`,
          entry.mode,
          entry.sha,
        ),
      ),
  };
}

function treeEntryNode(
  context: GraphqlContext,
  repo: Repository,
  path: string,
  mode: EntryMode,
  sha: Sha,
): GqlObject {
  const name = path.split("/").pop() ?? path;
  const size = repo.objects.blob(sha)?.length ?? 0;
  return {
    __typename: "TreeEntry",
    name,
    path,
    mode: Number.parseInt(mode, 8),
    type: entryType(mode),
    oid: sha,
    size,
    extension: name.includes(".") ? `.${name.split(".").pop() ?? ""}` : null,
    isGenerated: false,
    object: () =>
      mode === "040000" ? treeNode(context, repo, sha, path) : gitObjectNode(context, repo, sha),
  };
}

function blobNode(context: GraphqlContext, repo: Repository, sha: Sha): GqlObject {
  const content = repo.objects.blob(sha) ?? Buffer.alloc(0);
  const binary = isBinary(content);
  return {
    __typename: "Blob",
    id: oidNodeId(repo, "B", sha),
    oid: sha,
    abbreviatedOid: sha.slice(0, 7),
    byteSize: content.length,
    isBinary: binary,
    isTruncated: false,
    text: binary ? null : content.toString("utf8"),
    repository: () => repositoryNode(context, repo),
  };
}

const PullRequestsArgs = PageArgs.extend({
  states: z.array(z.enum(["OPEN", "CLOSED", "MERGED"])).nullish(),
  headRefName: z.string().nullish(),
  baseRefName: z.string().nullish(),
  labels: z.array(z.string()).nullish(),
  orderBy: z
    .object({ field: z.enum(["CREATED_AT", "UPDATED_AT", "COMMENTS"]), direction: z.enum(["ASC", "DESC"]) })
    .nullish(),
});

export function pullState(issue: Issue, pull: Pull): "OPEN" | "CLOSED" | "MERGED" {
  if (pull.merged) return "MERGED";
  return issue.state === "open" ? "OPEN" : "CLOSED";
}

function pullRequestConnection(context: GraphqlContext, repo: Repository, rawArgs: unknown): GqlObject {
  const args = PullRequestsArgs.parse(rawArgs ?? {});
  const pulls = [...repo.issues.values()].flatMap((issue) =>
    issue.pull === undefined ? [] : [{ issue, pull: issue.pull }],
  );
  const matching = pulls.filter(
    ({ issue, pull }) =>
      (args.states == null || args.states.includes(pullState(issue, pull))) &&
      (args.headRefName == null || pull.headRef === args.headRefName) &&
      (args.baseRefName == null || pull.baseRef === args.baseRefName) &&
      (args.labels == null || args.labels.some((label) => issue.labels.includes(label.toLowerCase()))),
  );
  const field = args.orderBy?.field ?? "CREATED_AT";
  const sign = args.orderBy?.direction === "DESC" ? -1 : 1;
  const key = ({ issue }: { issue: Issue }): number =>
    field === "UPDATED_AT"
      ? issue.updatedAt.getTime()
      : field === "COMMENTS"
        ? [...repo.comments.values()].filter((c) => c.issueNumber === issue.number).length
        : issue.createdAt.getTime();
  matching.sort((a, b) => sign * (key(a) - key(b) || a.issue.number - b.issue.number));
  return connection(matching, args, ({ issue, pull }) => pullRequestNode(context, repo, issue, pull));
}

export function pullRequestNode(
  context: GraphqlContext,
  repo: Repository,
  issue: Issue,
  pull: Pull,
): GqlObject {
  const { state } = context;
  const merge = (): ReturnType<typeof mergeability> => mergeability(state, repo, issue, pull);
  return {
    __typename: "PullRequest",
    id: pull.nodeId,
    databaseId: pull.id,
    number: issue.number,
    title: issue.title,
    body: issue.body ?? "",
    state: pullState(issue, pull),
    closed: issue.state === "closed",
    merged: pull.merged,
    isDraft: pull.draft,
    locked: issue.locked,
    createdAt: iso(issue.createdAt),
    updatedAt: iso(issue.updatedAt),
    closedAt: isoOrNull(issue.closedAt),
    mergedAt: isoOrNull(pull.mergedAt),
    url: state.urls.repoHtml(fullName(repo), `/pull/${issue.number}`),
    permalink: state.urls.repoHtml(fullName(repo), `/pull/${issue.number}`),
    headRefName: pull.headRef,
    headRefOid: pull.headSha,
    isCrossRepository: pull.headRepo !== undefined,
    baseRefName: pull.baseRef,
    baseRefOid: () => pull.closedBaseSha ?? repo.refs.get(`refs/heads/${pull.baseRef}`) ?? pull.headSha,
    headRef: () => refNode(context, repo, `refs/heads/${pull.headRef}`),
    baseRef: () => refNode(context, repo, `refs/heads/${pull.baseRef}`),
    repository: () => repositoryNode(context, repo),
    author: () => actorNode(context, issue.user),
    mergedBy: () => (pull.mergedBy === null ? null : actorNode(context, pull.mergedBy)),
    mergeCommit: () => (pull.mergeCommitSha === null ? null : commitNode(context, repo, pull.mergeCommitSha)),
    mergeable: () => {
      const value = merge().mergeable;
      return value === null ? "UNKNOWN" : value ? "MERGEABLE" : "CONFLICTING";
    },
    mergeStateStatus: () => merge().state.toUpperCase(),
    labels: (args: unknown) =>
      connection(
        issue.labels.flatMap((key) => repo.labels.get(key) ?? []),
        args,
        (label) => labelNode(context, repo, label),
      ),
    autoMergeRequest: () =>
      pull.autoMerge === null
        ? null
        : {
            enabledAt: iso(pull.autoMerge.enabledAt),
            enabledBy: actorNode(context, pull.autoMerge.enabledBy),
            mergeMethod: pull.autoMerge.method.toUpperCase(),
            commitHeadline: pull.autoMerge.commitTitle,
            commitBody: pull.autoMerge.commitMessage,
          },
    reviewDecision: () => {
      const latest = latestReviews(repo, issue.number);
      if (latest.some((review) => review.state === "CHANGES_REQUESTED")) return "CHANGES_REQUESTED";
      if (latest.some((review) => review.state === "APPROVED")) return "APPROVED";
      return (repo.protections.get(pull.baseRef)?.requiredApprovals ?? 0) > 0 ? "REVIEW_REQUIRED" : null;
    },
    reviews: (args: unknown) => {
      const { states } = z.looseObject({ states: z.array(z.string()).nullish() }).parse(args);
      const reviews = [...repo.reviews.values()].filter(
        (r) => r.pullNumber === issue.number && (states == null || states.includes(r.state)),
      );
      return connection(reviews, args, (review) => ({
        __typename: "PullRequestReview",
        id: review.nodeId,
        databaseId: review.id,
        state: review.state,
        body: review.body,
        submittedAt: iso(review.submittedAt),
        author: actorNode(context, review.user),
        commit: commitNode(context, repo, review.commitId),
      }));
    },
    commits: (args: unknown) =>
      connection(pullChanges(repo, pull).commits, args, (sha) => ({
        __typename: "PullRequestCommit",
        id: oidNodeId(repo, "PURC", sha),
        commit: commitNode(context, repo, sha),
      })),
    files: (args: unknown) =>
      connection(pullChanges(repo, pull).changes, args, (change) => ({
        __typename: "PullRequestChangedFile",
        path: change.path,
        changeType: {
          added: "ADDED",
          removed: "DELETED",
          modified: "MODIFIED",
          renamed: "RENAMED",
          changed: "CHANGED",
        }[change.status],
      })),
  };
}

import { LRUCache } from "lru-cache";
import type { ProbotOctokit } from "probot";
import { z } from "zod";
import { CONFIG_PATH } from "../config/parse.js";
import { PERMISSIONS } from "../config/schema.js";
import { FREEZE_LABEL, parseFreezeIssue } from "../core/freeze-issue.js";
import type {
  FileWrite,
  FreezeHold,
  MergedPull,
  Reaction,
  RepoPermission,
  GitHubRepo,
  HeadState,
  MergeMethod,
  PullDetail,
  PullState,
  PullSummary,
  RepoId,
  TreeEntry,
} from "./port.js";

export type Octokit = InstanceType<typeof ProbotOctokit>;

/**
 * Trees and blobs by SHA. Git objects never change, so entries never go stale; the cache is shared by
 * every repository and installation (the same SHA is the same bytes everywhere) and bounded by size.
 */
export class ObjectCache {
  readonly #trees = new LRUCache<string, readonly TreeEntry[]>({
    maxSize: 20_000_000,
    sizeCalculation: (entries) => 1 + entries.length * 120,
  });
  readonly #blobs = new LRUCache<string, string>({
    maxSize: 64_000_000,
    sizeCalculation: (text) => 1 + text.length,
  });

  tree(sha: string): readonly TreeEntry[] | undefined {
    return this.#trees.get(sha);
  }
  setTree(sha: string, entries: readonly TreeEntry[]): void {
    this.#trees.set(sha, entries);
  }
  blob(sha: string): string | undefined {
    return this.#blobs.get(sha);
  }
  setBlob(sha: string, text: string): void {
    this.#blobs.set(sha, text);
  }
}

const PULL_FIELDS = `number state title body url headRefName headRefOid baseRefName isCrossRepository createdAt mergedAt
  author { login } mergedBy { login } labels(first: 20) { nodes { name } }`;

const PullNode = z.object({
  number: z.number(),
  state: z.enum(["OPEN", "CLOSED", "MERGED"]),
  title: z.string(),
  body: z.string(),
  url: z.string(),
  headRefName: z.string(),
  headRefOid: z.string(),
  baseRefName: z.string(),
  isCrossRepository: z.boolean(),
  createdAt: z.string(),
  mergedAt: z.string().nullable(),
  author: z.object({ login: z.string() }).nullable(),
  mergedBy: z.object({ login: z.string() }).nullable(),
  labels: z.object({ nodes: z.array(z.object({ name: z.string() })) }).nullable(),
});

export const IssueNode = z.object({
  number: z.number(),
  body: z.string(),
  author: z.object({ login: z.string(), __typename: z.string() }).nullable(),
});

/** The GraphQL selection of open `/freeze` issues that `freezesOf` reads (`$freezeLabel` = FREEZE_LABEL). */
export const FREEZE_ISSUES_FIELD =
  "freezeIssues: issues(labels: [$freezeLabel], states: [OPEN], first: 20) { nodes { number body author { login __typename } } }";

/** Freeze holds from GraphQL issue nodes: only Stagecoach (a bot) writes them; a look-alike by hand is none. */
export function freezesOf(nodes: readonly z.infer<typeof IssueNode>[]): FreezeHold[] {
  return nodes.flatMap((issue) =>
    issue.author?.__typename === "Bot" ? toFreezeHold(issue.number, issue.body) : [],
  );
}

const TreeFile = z.object({ oid: z.string(), type: z.string() }).nullable();

const HeadResponse = z.object({
  repository: z.object({
    id: z.string(),
    squashMergeAllowed: z.boolean(),
    mergeCommitAllowed: z.boolean(),
    rebaseMergeAllowed: z.boolean(),
    defaultBranchRef: z.object({
      name: z.string(),
      target: z
        .object({
          oid: z.string(),
          tree: z.object({ oid: z.string() }),
          config: z
            .object({ oid: z.string(), object: z.object({ text: z.string().nullable() }).nullable() })
            .nullable(),
        })
        .catchall(TreeFile),
    }),
    ref: z
      .object({
        target: z.object({
          oid: z.string(),
          message: z.string().optional(),
          parents: z.object({ nodes: z.array(z.object({ oid: z.string() })) }).optional(),
        }),
      })
      .nullable()
      .optional(),
    pullRequests: z.object({ nodes: z.array(PullNode) }).optional(),
    envPulls: z.object({ nodes: z.array(PullNode) }).optional(),
    freezeIssues: z.object({ nodes: z.array(IssueNode) }).optional(),
  }),
});

const ObjectsResponse = z.object({
  repository: z.record(z.string(), z.object({ oid: z.string() }).nullable()),
});

const TreeResponse = z.object({
  sha: z.string(),
  truncated: z.boolean(),
  tree: z.array(z.object({ path: z.string(), mode: z.string(), type: z.string(), sha: z.string() })),
});

const RestPull = z.object({
  number: z.number(),
  state: z.enum(["open", "closed"]),
  merged: z.boolean(),
  draft: z.boolean().optional(),
  title: z.string(),
  body: z.string().nullable(),
  html_url: z.string(),
  head: z.object({ ref: z.string(), sha: z.string() }),
  base: z.object({ ref: z.string() }),
  user: z.object({ login: z.string() }).nullable(),
  created_at: z.string(),
  merged_at: z.string().nullable(),
  merged_by: z.object({ login: z.string() }).nullable().optional(),
  labels: z.array(z.object({ name: z.string() })),
  mergeable_state: z.string().optional(),
});

const BlobResponse = z.object({ content: z.string(), encoding: z.string() });
const ShaResponse = z.object({ sha: z.string() });
const BlobsResponse = z.object({
  repository: z.record(
    z.string(),
    z
      .object({ text: z.string().nullable().optional(), isBinary: z.boolean().nullable().optional() })
      .nullable(),
  ),
});
const SHA = /^[0-9a-f]{40}$/;
const BLOB_BATCH = 100;

const ReadPullResponse = z.object({
  repository: z.object({
    pullRequest: PullNode.extend({
      merged: z.boolean(),
      mergeCommit: z
        .object({ oid: z.string(), parents: z.object({ nodes: z.array(z.object({ oid: z.string() })) }) })
        .nullable(),
      commits: z.object({ nodes: z.array(z.object({ commit: z.object({ message: z.string() }) })) }),
      files: z.object({ nodes: z.array(z.object({ path: z.string() })) }).nullable(),
    }).nullable(),
  }),
});
const AncestorsResponse = z.object({
  repository: z.object({
    object: z
      .object({
        history: z.object({ nodes: z.array(z.object({ oid: z.string(), message: z.string() })) }).optional(),
      })
      .nullable(),
  }),
});
const SearchPullsResponse = z.object({
  repository: z.object({ pullRequests: z.object({ nodes: z.array(PullNode) }) }),
});
const PullCreated = z.object({ number: z.number(), html_url: z.string() });
const UpdateRefsResponse = z.object({
  updateRefs: z.object({ clientMutationId: z.string().nullable() }).nullable(),
});

function folderAlias(index: number): string {
  return `folder${index}`;
}

/** A config repository seen through an installation's Octokit. */
export class OctokitRepo implements GitHubRepo {
  readonly id: RepoId;
  readonly #octokit: Octokit;
  readonly #cache: ObjectCache;

  constructor(octokit: Octokit, id: RepoId, cache: ObjectCache) {
    this.#octokit = octokit;
    this.id = id;
    this.#cache = cache;
  }

  async readHead(options: {
    readonly branch?: string;
    readonly folders: readonly string[];
    readonly env?: string;
  }): Promise<HeadState> {
    const folderFields = options.folders
      .map((_, index) => `${folderAlias(index)}: file(path: $folder${index}) { oid type }`)
      .join("\n            ");
    const folderVariables = options.folders.map((_, index) => `, $folder${index}: String!`).join("");
    const branchFields =
      options.branch === undefined
        ? ""
        : `
        ref(qualifiedName: $qualifiedBranch) { target { oid ... on Commit { message parents(first: 2) { nodes { oid } } } } }
        pullRequests(headRefName: $branch, first: 20, orderBy: { field: CREATED_AT, direction: DESC }) { nodes { ${PULL_FIELDS} } }`;
    const envFields =
      options.env === undefined
        ? ""
        : `
        envPulls: pullRequests(labels: [$envLabel], first: 50, orderBy: { field: UPDATED_AT, direction: DESC }) { nodes { ${PULL_FIELDS} } }
        ${FREEZE_ISSUES_FIELD}`;
    const query = `query StagecoachHead($owner: String!, $name: String!, $config: String!${options.branch === undefined ? "" : ", $branch: String!, $qualifiedBranch: String!"}${options.env === undefined ? "" : ", $envLabel: String!, $freezeLabel: String!"}${folderVariables}) {
      repository(owner: $owner, name: $name) {
        id
        squashMergeAllowed mergeCommitAllowed rebaseMergeAllowed
        defaultBranchRef {
          name
          target {
            oid
            ... on Commit {
              tree { oid }
              config: file(path: $config) { oid object { ... on Blob { text } } }
              ${folderFields}
            }
          }
        }${branchFields}${envFields}
      }
    }`;
    const variables: Record<string, string> = {
      owner: this.id.owner,
      name: this.id.name,
      config: CONFIG_PATH,
    };
    if (options.branch !== undefined) {
      variables["branch"] = options.branch;
      variables["qualifiedBranch"] = `refs/heads/${options.branch}`;
    }
    if (options.env !== undefined) {
      variables["envLabel"] = `env:${options.env}`;
      variables["freezeLabel"] = FREEZE_LABEL;
    }
    options.folders.forEach((folder, index) => {
      variables[`folder${index}`] = folder;
    });
    const response = HeadResponse.parse(await this.#octokit.graphql(query, variables));
    const repository = response.repository;
    this.#repositoryNodeId = repository.id;
    const target = repository.defaultBranchRef.target;
    const folders = new Map<string, string | undefined>();
    options.folders.forEach((folder, index) => {
      const entry = target[folderAlias(index)];
      folders.set(folder, entry?.type === "tree" ? entry.oid : undefined);
    });
    const config = target.config;
    const text = config?.object?.text ?? undefined;
    const mergeMethods: MergeMethod[] = [];
    if (repository.squashMergeAllowed) mergeMethods.push("squash");
    if (repository.mergeCommitAllowed) mergeMethods.push("merge");
    if (repository.rebaseMergeAllowed) mergeMethods.push("rebase");
    return {
      repositoryId: repository.id,
      mergeMethods,
      defaultBranch: repository.defaultBranchRef.name,
      commitSha: target.oid,
      treeSha: target.tree.oid,
      ...(config !== null && text !== undefined && { config: { sha: config.oid, text } }),
      folders,
      ...(repository.ref !== null &&
        repository.ref !== undefined && {
          branch: {
            sha: repository.ref.target.oid,
            message: repository.ref.target.message ?? "",
            parents: repository.ref.target.parents?.nodes.map((parent) => parent.oid) ?? [],
          },
        }),
      pulls: (repository.pullRequests?.nodes ?? [])
        .filter((pull) => !pull.isCrossRepository)
        .map(toPullSummary),
      envPulls: (repository.envPulls?.nodes ?? [])
        .filter((pull) => !pull.isCrossRepository)
        .map(toPullSummary),
      freezes: freezesOf(repository.freezeIssues?.nodes ?? []),
    };
  }

  async readFolders(
    commitSha: string,
    folders: readonly string[],
  ): Promise<ReadonlyMap<string, string | undefined>> {
    const result = new Map<string, string | undefined>();
    if (folders.length === 0) return result;
    const fields = folders
      .map(
        (_, index) =>
          `${folderAlias(index)}: object(expression: $folder${index}) { oid ... on Tree { oid } }`,
      )
      .join("\n");
    const variables: Record<string, string> = { owner: this.id.owner, name: this.id.name };
    folders.forEach((folder, index) => {
      variables[`folder${index}`] = `${commitSha}:${folder}`;
    });
    const query = `query StagecoachFolders($owner: String!, $name: String!${folders.map((_, index) => `, $folder${index}: String!`).join("")}) {
      repository(owner: $owner, name: $name) { ${fields} }
    }`;
    const response = ObjectsResponse.parse(await this.#octokit.graphql(query, variables));
    folders.forEach((folder, index) => {
      result.set(folder, response.repository[folderAlias(index)]?.oid);
    });
    return result;
  }

  async readTree(treeSha: string): Promise<readonly TreeEntry[]> {
    const cached = this.#cache.tree(treeSha);
    if (cached !== undefined) return cached;
    const { data } = await this.#octokit.request("GET /repos/{owner}/{repo}/git/trees/{tree_sha}", {
      owner: this.id.owner,
      repo: this.id.name,
      tree_sha: treeSha,
      recursive: "1",
    });
    const tree = TreeResponse.parse(data);
    if (tree.truncated)
      throw new Error(`tree ${treeSha} of ${this.id.owner}/${this.id.name} is too large for one read`);
    const entries = tree.tree
      .filter((entry) => entry.type === "blob")
      .map(({ path, sha, mode }) => ({ path, sha, mode }));
    this.#cache.setTree(treeSha, entries);
    return entries;
  }

  async readBlob(sha: string): Promise<string> {
    const cached = this.#cache.blob(sha);
    if (cached !== undefined) return cached;
    const { data } = await this.#octokit.request("GET /repos/{owner}/{repo}/git/blobs/{file_sha}", {
      owner: this.id.owner,
      repo: this.id.name,
      file_sha: sha,
    });
    const blob = BlobResponse.parse(data);
    const text =
      blob.encoding === "base64" ? Buffer.from(blob.content, "base64").toString("utf8") : blob.content;
    this.#cache.setBlob(sha, text);
    return text;
  }

  async readBlobs(shas: readonly string[]): Promise<ReadonlyMap<string, string>> {
    const result = new Map<string, string>();
    const missing: string[] = [];
    for (const sha of new Set(shas)) {
      // SHAs go into the query text: only ever forty hex digits.
      if (!SHA.test(sha)) throw new Error(`not a git object id: ${JSON.stringify(sha)}`);
      const cached = this.#cache.blob(sha);
      if (cached === undefined) missing.push(sha);
      else result.set(sha, cached);
    }
    for (let start = 0; start < missing.length; start += BLOB_BATCH) {
      const batch = missing.slice(start, start + BLOB_BATCH);
      const fields = batch
        .map((sha, index) => `blob${index}: object(oid: "${sha}") { ... on Blob { text isBinary } }`)
        .join("\n");
      const response = BlobsResponse.parse(
        await this.#octokit.graphql(
          `query StagecoachBlobs($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { ${fields} } }`,
          {
            owner: this.id.owner,
            name: this.id.name,
          },
        ),
      );
      for (const [index, sha] of batch.entries()) {
        const blob = response.repository[`blob${index}`];
        // GitHub leaves `text` null for binary or very large blobs: read those one by one.
        const text = blob?.text ?? (await this.readBlob(sha));
        this.#cache.setBlob(sha, text);
        result.set(sha, text);
      }
    }
    return result;
  }

  async createCommit(options: {
    parent: string;
    baseTree: string;
    files: readonly FileWrite[];
    message: string;
  }): Promise<string> {
    const { data: tree } = await this.#octokit.request("POST /repos/{owner}/{repo}/git/trees", {
      owner: this.id.owner,
      repo: this.id.name,
      base_tree: options.baseTree,
      tree: options.files.map((file) =>
        file.content === null
          ? { path: file.path, mode: "100644" as const, type: "blob" as const, sha: null }
          : {
              path: file.path,
              mode: (file.mode ?? "100644") as "100644" | "100755",
              type: "blob" as const,
              content: file.content,
            },
      ),
    });
    const { data: commit } = await this.#octokit.request("POST /repos/{owner}/{repo}/git/commits", {
      owner: this.id.owner,
      repo: this.id.name,
      message: options.message,
      tree: ShaResponse.parse(tree).sha,
      parents: [options.parent],
    });
    return ShaResponse.parse(commit).sha;
  }

  async createBranch(name: string, sha: string): Promise<"created" | "exists"> {
    try {
      await this.#octokit.request("POST /repos/{owner}/{repo}/git/refs", {
        owner: this.id.owner,
        repo: this.id.name,
        ref: `refs/heads/${name}`,
        sha,
      });
      return "created";
    } catch (error) {
      if (statusOf(error) === 422) return "exists";
      throw error;
    }
  }

  async moveBranch(name: string, from: string, to: string): Promise<"moved" | "conflict"> {
    const repositoryId = await this.#repositoryId();
    try {
      UpdateRefsResponse.parse(
        await this.#octokit.graphql(
          `mutation StagecoachMoveBranch($input: UpdateRefsInput!) { updateRefs(input: $input) { clientMutationId } }`,
          {
            input: {
              repositoryId,
              refUpdates: [{ name: `refs/heads/${name}`, beforeOid: from, afterOid: to, force: true }],
            },
          },
        ),
      );
      return "moved";
    } catch (error) {
      // GitHub answers a stale beforeOid with a GraphQL error: someone else moved the branch first.
      if (isGraphqlError(error)) return "conflict";
      throw error;
    }
  }

  async createPull(options: {
    branch: string;
    base: string;
    title: string;
    body: string;
    labels: readonly string[];
  }): Promise<{ number: number; url: string }> {
    const { data } = await this.#octokit.request("POST /repos/{owner}/{repo}/pulls", {
      owner: this.id.owner,
      repo: this.id.name,
      head: options.branch,
      base: options.base,
      title: options.title,
      body: options.body,
      maintainer_can_modify: true,
    });
    const pull = PullCreated.parse(data);
    if (options.labels.length > 0) await this.addLabels(pull.number, options.labels);
    return { number: pull.number, url: pull.html_url };
  }

  async updatePull(
    number: number,
    changes: { title?: string; body?: string; state?: "open" | "closed" },
  ): Promise<void> {
    await this.#octokit.request("PATCH /repos/{owner}/{repo}/pulls/{pull_number}", {
      owner: this.id.owner,
      repo: this.id.name,
      pull_number: number,
      ...changes,
    });
  }

  async addLabels(number: number, labels: readonly string[]): Promise<void> {
    await this.#octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/labels", {
      owner: this.id.owner,
      repo: this.id.name,
      issue_number: number,
      labels: [...labels],
    });
  }

  async comment(number: number, body: string): Promise<void> {
    await this.#octokit.request("POST /repos/{owner}/{repo}/issues/{issue_number}/comments", {
      owner: this.id.owner,
      repo: this.id.name,
      issue_number: number,
      body,
    });
  }

  async upsertComment(
    number: number,
    key: string,
    body: string,
  ): Promise<"created" | "updated" | "unchanged"> {
    const marker = commentMarker(key);
    const text = `${body}\n\n${marker}`;
    const comments = await this.#octokit.paginate(
      "GET /repos/{owner}/{repo}/issues/{issue_number}/comments",
      {
        owner: this.id.owner,
        repo: this.id.name,
        issue_number: number,
        per_page: 100,
      },
    );
    const mine = z
      .array(
        z.object({
          id: z.number(),
          body: z.string().optional(),
          user: z.object({ type: z.string() }).nullable(),
        }),
      )
      .parse(comments)
      .find((comment) => comment.user?.type === "Bot" && (comment.body ?? "").includes(marker));
    if (mine === undefined) {
      await this.comment(number, text);
      return "created";
    }
    if (mine.body === text) return "unchanged";
    await this.#octokit.request("PATCH /repos/{owner}/{repo}/issues/comments/{comment_id}", {
      owner: this.id.owner,
      repo: this.id.name,
      comment_id: mine.id,
      body: text,
    });
    return "updated";
  }

  async readFreezes(): Promise<readonly FreezeHold[]> {
    const issues = await this.#octokit.paginate("GET /repos/{owner}/{repo}/issues", {
      owner: this.id.owner,
      repo: this.id.name,
      labels: FREEZE_LABEL,
      state: "open",
      per_page: 100,
    });
    const holds: FreezeHold[] = [];
    for (const issue of z
      .array(
        z.object({
          number: z.number(),
          body: z.string().nullable().optional(),
          user: z.object({ type: z.string() }).nullable(),
        }),
      )
      .parse(issues)) {
      // Only Stagecoach writes freeze issues; a look-alike opened by hand is not a freeze.
      if (issue.user?.type === "Bot") holds.push(...toFreezeHold(issue.number, issue.body ?? ""));
    }
    return holds;
  }

  async getPull(number: number): Promise<PullDetail> {
    const { data } = await this.#octokit.request("GET /repos/{owner}/{repo}/pulls/{pull_number}", {
      owner: this.id.owner,
      repo: this.id.name,
      pull_number: number,
    });
    const pull = RestPull.parse(data);
    return {
      number: pull.number,
      state: pull.merged ? "merged" : pull.state,
      title: pull.title,
      body: pull.body ?? "",
      url: pull.html_url,
      headRef: pull.head.ref,
      headSha: pull.head.sha,
      baseRef: pull.base.ref,
      author: pull.user?.login ?? "ghost",
      createdAt: pull.created_at,
      ...(pull.merged_at !== null && { mergedAt: pull.merged_at }),
      ...(pull.merged_by !== null && pull.merged_by !== undefined && { mergedBy: pull.merged_by.login }),
      labels: pull.labels.map((label) => label.name),
      draft: pull.draft ?? false,
      mergeableState: pull.mergeable_state ?? "unknown",
    };
  }

  async checkConclusion(sha: string, name: string): Promise<string> {
    const { data } = await this.#octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
      owner: this.id.owner,
      repo: this.id.name,
      ref: sha,
      check_name: name,
    });
    const runs = z
      .object({
        check_runs: z.array(
          z.object({ id: z.number(), status: z.string(), conclusion: z.string().nullable() }),
        ),
      })
      .parse(data).check_runs;
    const latest = [...runs].sort((a, b) => b.id - a.id)[0];
    if (latest === undefined) return "missing";
    return latest.status === "completed" ? (latest.conclusion ?? "pending") : "pending";
  }

  async pullsForCommit(sha: string): Promise<readonly number[]> {
    const { data } = await this.#octokit.request("GET /repos/{owner}/{repo}/commits/{commit_sha}/pulls", {
      owner: this.id.owner,
      repo: this.id.name,
      commit_sha: sha,
    });
    return z
      .array(z.object({ number: z.number(), state: z.string() }))
      .parse(data)
      .filter((pull) => pull.state === "open")
      .map((pull) => pull.number);
  }

  async mergePull(
    number: number,
    sha: string,
    method: MergeMethod,
  ): Promise<"merged" | "not-mergeable" | "head-moved"> {
    try {
      await this.#octokit.request("PUT /repos/{owner}/{repo}/pulls/{pull_number}/merge", {
        owner: this.id.owner,
        repo: this.id.name,
        pull_number: number,
        sha,
        merge_method: method,
      });
      return "merged";
    } catch (error) {
      const status = statusOf(error);
      if (status === 409) return "head-moved";
      if (status === 405 || status === 422) return "not-mergeable";
      throw error;
    }
  }

  async readPull(number: number): Promise<MergedPull | undefined> {
    const response = ReadPullResponse.parse(
      await this.#octokit.graphql(
        `query StagecoachPull($owner: String!, $name: String!, $number: Int!) {
          repository(owner: $owner, name: $name) {
            pullRequest(number: $number) {
              ${PULL_FIELDS}
              merged
              mergeCommit { oid parents(first: 2) { nodes { oid } } }
              commits(last: 100) { nodes { commit { message } } }
              files(first: 100) { nodes { path } }
            }
          }
        }`,
        { owner: this.id.owner, name: this.id.name, number },
      ),
    );
    const pull = response.repository.pullRequest;
    if (pull === null) return undefined;
    return {
      ...toPullSummary(pull),
      merged: pull.merged,
      fromFork: pull.isCrossRepository,
      ...(pull.mergeCommit !== null && {
        mergeCommit: {
          sha: pull.mergeCommit.oid,
          parents: pull.mergeCommit.parents.nodes.map((parent) => parent.oid),
        },
      }),
      commitMessages: pull.commits.nodes.map((node) => node.commit.message),
      files: pull.files?.nodes.map((file) => file.path) ?? [],
    };
  }

  async readAncestors(sha: string, count: number): Promise<readonly { sha: string; message: string }[]> {
    if (!SHA.test(sha)) throw new Error(`not a git object id: ${JSON.stringify(sha)}`);
    const response = AncestorsResponse.parse(
      await this.#octokit.graphql(
        `query StagecoachAncestors($owner: String!, $name: String!, $oid: GitObjectID!, $count: Int!) {
          repository(owner: $owner, name: $name) { object(oid: $oid) { ... on Commit { history(first: $count) { nodes { oid message } } } } }
        }`,
        { owner: this.id.owner, name: this.id.name, oid: sha, count },
      ),
    );
    return (
      response.repository.object?.history?.nodes.map((node) => ({ sha: node.oid, message: node.message })) ??
      []
    );
  }

  async folderHistory(folder: string, limit: number): Promise<readonly { sha: string; date: string }[]> {
    const { data } = await this.#octokit.request("GET /repos/{owner}/{repo}/commits", {
      owner: this.id.owner,
      repo: this.id.name,
      path: folder,
      per_page: Math.min(limit, 100),
    });
    return z
      .array(
        z.object({
          sha: z.string(),
          commit: z.object({ committer: z.object({ date: z.string().optional() }).nullable() }),
        }),
      )
      .parse(data)
      .map((commit) => ({ sha: commit.sha, date: commit.commit.committer?.date ?? "" }));
  }

  async searchPulls(
    labels: readonly string[],
    states: readonly PullState[],
    limit: number,
  ): Promise<readonly PullSummary[]> {
    const response = SearchPullsResponse.parse(
      await this.#octokit.graphql(
        `query StagecoachSearchPulls($owner: String!, $name: String!, $labels: [String!], $states: [PullRequestState!], $first: Int!) {
          repository(owner: $owner, name: $name) {
            pullRequests(labels: $labels, states: $states, first: $first, orderBy: { field: UPDATED_AT, direction: DESC }) { nodes { ${PULL_FIELDS} } }
          }
        }`,
        {
          owner: this.id.owner,
          name: this.id.name,
          labels: labels.slice(0, 1),
          states: states.map((state) => state.toUpperCase()),
          first: Math.min(limit, 100),
        },
      ),
    );
    // GitHub matches any of the labels given; the rest are checked here, so all must be present.
    return response.repository.pullRequests.nodes
      .filter((pull) => !pull.isCrossRepository)
      .map(toPullSummary)
      .filter((pull) => labels.every((label) => pull.labels.includes(label)));
  }

  async reactToComment(commentId: number, reaction: Reaction): Promise<"created" | "exists"> {
    const response = await this.#octokit.request(
      "POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
      {
        owner: this.id.owner,
        repo: this.id.name,
        comment_id: commentId,
        content: reaction,
      },
    );
    // 201 when this reaction is new, 200 when the app had already reacted so.
    return response.status === 201 ? "created" : "exists";
  }

  async permissionOf(login: string): Promise<RepoPermission> {
    try {
      const { data } = await this.#octokit.request(
        "GET /repos/{owner}/{repo}/collaborators/{username}/permission",
        {
          owner: this.id.owner,
          repo: this.id.name,
          username: login,
        },
      );
      return toPermission(z.object({ permission: z.string(), role_name: z.string().optional() }).parse(data));
    } catch (error) {
      // Not a user (renamed or deleted): no permission.
      if (statusOf(error) === 404) return "none";
      throw error;
    }
  }

  async isTeamMember(org: string, team: string, login: string): Promise<boolean> {
    try {
      const { data } = await this.#octokit.request(
        "GET /orgs/{org}/teams/{team_slug}/memberships/{username}",
        {
          org,
          team_slug: team,
          username: login,
        },
      );
      // An invitation not yet accepted is not a membership.
      return z.object({ state: z.string() }).parse(data).state === "active";
    } catch (error) {
      // 404: not a member, or a team this installation cannot see (another organization).
      if (statusOf(error) === 404) return false;
      throw error;
    }
  }

  async createIssue(options: {
    title: string;
    body: string;
    labels: readonly string[];
  }): Promise<{ number: number; url: string }> {
    const { data } = await this.#octokit.request("POST /repos/{owner}/{repo}/issues", {
      owner: this.id.owner,
      repo: this.id.name,
      title: options.title,
      body: options.body,
      labels: [...options.labels],
    });
    const issue = z.object({ number: z.number(), html_url: z.string() }).parse(data);
    return { number: issue.number, url: issue.html_url };
  }

  async closeIssue(number: number): Promise<void> {
    await this.#octokit.request("PATCH /repos/{owner}/{repo}/issues/{issue_number}", {
      owner: this.id.owner,
      repo: this.id.name,
      issue_number: number,
      state: "closed",
    });
  }

  #repositoryNodeId: string | undefined;

  /** Remembered from `readHead` (always called first); fetched only when a caller skipped it. */
  async #repositoryId(): Promise<string> {
    if (this.#repositoryNodeId !== undefined) return this.#repositoryNodeId;
    const response = z
      .object({ repository: z.object({ id: z.string() }) })
      .parse(
        await this.#octokit.graphql(
          `query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { id } }`,
          { owner: this.id.owner, name: this.id.name },
        ),
      );
    this.#repositoryNodeId = response.repository.id;
    return response.repository.id;
  }
}

function toPermission(data: { permission: string; role_name?: string | undefined }): RepoPermission {
  // role_name tells maintain and triage apart; `permission` folds them into write and read (and is
  // what a custom role is based on).
  const role = data.role_name;
  if (role !== undefined && (PERMISSIONS as readonly string[]).includes(role)) return role as RepoPermission;
  const legacy = data.permission;
  return legacy === "admin" || legacy === "write" || legacy === "read" ? legacy : "none";
}

function toFreezeHold(number: number, body: string): FreezeHold[] {
  const record = parseFreezeIssue(body);
  if (record === undefined) return [];
  const since = Date.parse(record.since);
  return [
    {
      issue: number,
      env: record.env,
      by: record.by,
      ...(record.reason !== undefined && { reason: record.reason }),
      since: Number.isNaN(since) ? 0 : since,
    },
  ];
}

function toPullSummary(node: z.output<typeof PullNode>): PullSummary {
  const state: PullState = node.state === "OPEN" ? "open" : node.state === "MERGED" ? "merged" : "closed";
  return {
    number: node.number,
    state,
    title: node.title,
    body: node.body,
    url: node.url,
    headRef: node.headRefName,
    headSha: node.headRefOid,
    baseRef: node.baseRefName,
    author: node.author?.login ?? "ghost",
    createdAt: node.createdAt,
    ...(node.mergedAt !== null && { mergedAt: node.mergedAt }),
    ...(node.mergedBy !== null && { mergedBy: node.mergedBy.login }),
    labels: node.labels?.nodes.map((label) => label.name) ?? [],
  };
}

/** Hidden marker that identifies one of Stagecoach's own comments. */
export function commentMarker(key: string): string {
  return `<!-- stagecoach:comment ${key} -->`;
}

export function statusOf(error: unknown): number | undefined {
  if (error !== null && typeof error === "object" && "status" in error && typeof error.status === "number")
    return error.status;
  return undefined;
}

function isGraphqlError(error: unknown): boolean {
  return error instanceof Error && error.name === "GraphqlResponseError";
}

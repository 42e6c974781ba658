import { LRUCache } from "lru-cache";
import { z } from "zod";
import { CONFIG_PATH } from "../config/parse.js";
import type { RepoPermission } from "../core/authorise.js";
import type { Review } from "../core/gate.js";
import { GATE_CHECK_NAME, type GateCheck } from "../core/render-gate.js";
import type {
  AppIdentity,
  ChangedFile,
  GatePort,
  GatePull,
  GateRun,
  MergedPull,
  OpenPull,
  RequiredCheck,
} from "./gate-port.js";
import { FREEZE_LABEL } from "../core/freeze-issue.js";
import { FREEZE_ISSUES_FIELD, freezesOf, IssueNode, statusOf, type Octokit } from "./octokit-repo.js";
import type { GitHubRepo, RepoId } from "./port.js";

/**
 * The gate's GitHub port on Octokit. One GraphQL request reads a PR with its files, reviews, the config
 * at its base and the gate's own check run on its head (more only for PRs with over 100 files or
 * reviews, or renamed files); people's permissions and team memberships are read over REST and cached
 * briefly; merged PRs are cached forever.
 */

const PAGE = 100;
const BLOB_BATCH = 100;

const Actor = z.object({ __typename: z.string(), login: z.string() }).nullable();
const PageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() });
const FileNode = z.object({ path: z.string(), changeType: z.string() });
const ReviewNode = z.object({
  databaseId: z.number().nullable(),
  state: z.string(),
  submittedAt: z.string().nullable(),
  author: Actor,
  commit: z.object({ oid: z.string() }).nullable(),
});
const RunNode = z.object({
  databaseId: z.number().nullable(),
  status: z.string(),
  conclusion: z.string().nullable(),
  externalId: z.string().nullable(),
});
const Files = z.object({ nodes: z.array(FileNode), pageInfo: PageInfo });
const Reviews = z.object({ nodes: z.array(ReviewNode), pageInfo: PageInfo });

const GateResponse = z.object({
  repository: z
    .object({
      pullRequest: z
        .object({
          number: z.number(),
          state: z.enum(["OPEN", "CLOSED", "MERGED"]),
          isDraft: z.boolean(),
          body: z.string(),
          headRefName: z.string(),
          headRefOid: z.string(),
          baseRefName: z.string(),
          author: Actor,
          baseRef: z
            .object({
              target: z.object({
                oid: z.string(),
                config: z
                  .object({
                    oid: z.string(),
                    object: z.object({ text: z.string().nullable().optional() }).nullable(),
                  })
                  .nullable()
                  .optional(),
              }),
            })
            .nullable(),
          files: Files.nullable(),
          reviews: Reviews,
          commits: z.object({
            nodes: z.array(
              z.object({
                commit: z.object({
                  oid: z.string(),
                  checkSuites: z
                    .object({
                      nodes: z.array(
                        z.object({ checkRuns: z.object({ nodes: z.array(RunNode) }).nullable() }).nullable(),
                      ),
                    })
                    .nullable(),
                }),
              }),
            ),
          }),
        })
        .nullable(),
      freezeIssues: z.object({ nodes: z.array(IssueNode) }).optional(),
    })
    .nullable(),
});

const GATE_QUERY = `query StagecoachGate($owner: String!, $name: String!, $number: Int!, $config: String!, $appId: Int!, $check: String!, $freezeLabel: String!) {
  repository(owner: $owner, name: $name) {
    ${FREEZE_ISSUES_FIELD}
    pullRequest(number: $number) {
      number state isDraft body headRefName headRefOid baseRefName
      author { __typename login }
      baseRef { target { oid ... on Commit { config: file(path: $config) { oid object { ... on Blob { text } } } } } }
      files(first: ${PAGE}) { nodes { path changeType } pageInfo { hasNextPage endCursor } }
      reviews(first: ${PAGE}) { nodes { databaseId state submittedAt author { __typename login } commit { oid } } pageInfo { hasNextPage endCursor } }
      commits(last: 1) {
        nodes { commit { oid
          checkSuites(first: 10, filterBy: { appId: $appId }) {
            nodes { checkRuns(first: 10, filterBy: { checkName: $check, checkType: LATEST }) { nodes { databaseId status conclusion externalId } } }
          }
        } }
      }
    }
  }
}`;

const MergedNode = z.object({
  number: z.number(),
  merged: z.boolean().optional(),
  mergedAt: z.string().nullable(),
  baseRefName: z.string(),
  body: z.string(),
  author: Actor,
});
const MERGED_FIELDS = "number mergedAt baseRefName body author { __typename login }";

const CheckRunCreated = z.object({ id: z.number() });
const RenamedFiles = z.array(z.object({ filename: z.string(), previous_filename: z.string().optional() }));

const Branch = z.object({
  protection: z
    .object({
      required_status_checks: z
        .object({
          enforcement_level: z.string().optional(),
          contexts: z.array(z.string()).optional(),
          checks: z.array(z.object({ context: z.string(), app_id: z.number().nullable() })).optional(),
        })
        .optional(),
    })
    .optional(),
});
const BranchRules = z.array(
  z.object({
    type: z.string(),
    parameters: z
      .object({
        required_status_checks: z
          .array(z.object({ context: z.string(), integration_id: z.number().optional() }))
          .optional(),
      })
      .optional(),
  }),
);

const App = z.object({ id: z.number(), slug: z.string() });

/** Team memberships and permissions for a minute (keyed by org/team/login and repo/login); merges forever. */
export class GateCaches {
  readonly #memberships: LRUCache<string, boolean>;
  readonly #permissions: LRUCache<string, RepoPermission>;
  readonly #merged = new LRUCache<string, MergedPull>({ max: 5_000 });

  constructor(options: { readonly now: () => number; readonly ttlMs?: number }) {
    const ttl = options.ttlMs ?? 60_000;
    const perf = { now: options.now };
    this.#memberships = new LRUCache({ max: 10_000, ttl, perf });
    this.#permissions = new LRUCache({ max: 10_000, ttl, perf });
  }

  membership(team: string, login: string): boolean | undefined {
    return this.#memberships.get(membershipKey(team, login));
  }
  setMembership(team: string, login: string, member: boolean): void {
    this.#memberships.set(membershipKey(team, login), member);
  }
  /** A `membership` webhook said this changed: read it fresh next time. */
  forgetMembership(team: string, login: string): void {
    this.#memberships.delete(membershipKey(team, login));
  }
  permission(repo: RepoId, login: string): RepoPermission | undefined {
    return this.#permissions.get(permissionKey(repo, login));
  }
  setPermission(repo: RepoId, login: string, permission: RepoPermission): void {
    this.#permissions.set(permissionKey(repo, login), permission);
  }
  merged(repo: RepoId, number: number): MergedPull | undefined {
    return this.#merged.get(`${repo.owner}/${repo.name}#${number}`.toLowerCase());
  }
  setMerged(repo: RepoId, pull: MergedPull): void {
    this.#merged.set(`${repo.owner}/${repo.name}#${pull.number}`.toLowerCase(), pull);
  }
}

function membershipKey(team: string, login: string): string {
  return `${team.replace(/^@/, "")}/${login}`.toLowerCase();
}

function permissionKey(repo: RepoId, login: string): string {
  return `${repo.owner}/${repo.name}/${login}`.toLowerCase();
}

/** This app's id and bot login, read once per process with the app's own (JWT) Octokit. */
export async function readAppIdentity(appOctokit: Octokit): Promise<AppIdentity> {
  const { data } = await appOctokit.request("GET /app");
  const app = App.parse(data);
  return { appId: app.id, botLogin: `${app.slug}[bot]` };
}

function actorOf(actor: z.output<typeof Actor>): { login: string; type: "User" | "Bot" } {
  return actor === null
    ? { login: "ghost", type: "User" }
    : { login: actor.login, type: actor.__typename === "Bot" ? "Bot" : "User" };
}

const REVIEW_STATES = new Set<string>(["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED"]);

function toReview(node: z.output<typeof ReviewNode>): Review | undefined {
  // Pending reviews are not submitted; reviews of deleted accounts cannot count.
  if (node.author === null || node.submittedAt === null || !REVIEW_STATES.has(node.state)) return undefined;
  const author = actorOf(node.author);
  return {
    id: node.databaseId ?? 0,
    login: author.login,
    type: author.type,
    state: node.state as Review["state"],
    // A review whose commit is gone (force-push) is on no commit the PR has now: stale.
    commitId: node.commit?.oid ?? "",
    submittedAt: Date.parse(node.submittedAt),
  };
}

function latestRun(runs: readonly z.output<typeof RunNode>[]): GateRun | undefined {
  let latest: GateRun | undefined;
  for (const run of runs) {
    if (run.databaseId === null || (latest !== undefined && latest.id > run.databaseId)) continue;
    latest = {
      id: run.databaseId,
      status: run.status.toLowerCase(),
      ...(run.conclusion !== null && { conclusion: run.conclusion.toLowerCase() }),
      ...(run.externalId !== null && { externalId: run.externalId }),
    };
  }
  return latest;
}

function toMerged(node: z.output<typeof MergedNode>): MergedPull | undefined {
  if (node.mergedAt === null || node.merged === false) return undefined;
  return {
    number: node.number,
    mergedAt: Date.parse(node.mergedAt),
    baseRef: node.baseRefName,
    author: actorOf(node.author),
    body: node.body,
  };
}

/** The checks `branch` requires, from classic branch protection and from rulesets. */
export async function readRequiredChecks(
  octokit: Octokit,
  repo: RepoId,
  branch: string,
): Promise<RequiredCheck[]> {
  const checks: RequiredCheck[] = [];
  const add = (context: string, appId: number | null | undefined): void => {
    if (checks.some((check) => check.context === context && check.appId === (appId ?? undefined))) return;
    checks.push({ context, ...(appId !== null && appId !== undefined && { appId }) });
  };
  try {
    const { data } = await octokit.request("GET /repos/{owner}/{repo}/branches/{branch}", {
      owner: repo.owner,
      repo: repo.name,
      branch,
    });
    const required = Branch.parse(data).protection?.required_status_checks;
    if (required !== undefined && required.enforcement_level !== "off") {
      for (const check of required.checks ?? []) add(check.context, check.app_id);
      for (const context of required.contexts ?? []) {
        if (!checks.some((check) => check.context === context)) add(context, undefined);
      }
    }
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
  try {
    const rules = await octokit.paginate("GET /repos/{owner}/{repo}/rules/branches/{branch}", {
      owner: repo.owner,
      repo: repo.name,
      branch,
      per_page: 100,
    });
    for (const rule of BranchRules.parse(rules)) {
      if (rule.type !== "required_status_checks") continue;
      for (const check of rule.parameters?.required_status_checks ?? [])
        add(check.context, check.integration_id);
    }
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }
  return checks;
}

/**
 * Does `defaultBranch` require `Stagecoach / approvals` (classic protection or a ruleset)? For `/status`,
 * which warns when it does not: without it, the gate is advice, not a rule.
 */
export async function gateRequired(
  source: Octokit | Pick<GatePort, "requiredChecks">,
  repo: RepoId,
  defaultBranch: string,
): Promise<boolean> {
  const checks =
    "requiredChecks" in source
      ? await source.requiredChecks(defaultBranch)
      : await readRequiredChecks(source, repo, defaultBranch);
  return checks.some((check) => check.context === GATE_CHECK_NAME);
}

export class OctokitGate implements GatePort {
  readonly id: RepoId;
  readonly #octokit: Octokit;
  readonly #repo: Pick<GitHubRepo, "readBlobs" | "permissionOf" | "isTeamMember">;
  readonly #identity: AppIdentity;
  readonly #caches: GateCaches;

  constructor(
    octokit: Octokit,
    repo: Pick<GitHubRepo, "id" | "readBlobs" | "permissionOf" | "isTeamMember">,
    identity: AppIdentity,
    caches: GateCaches,
  ) {
    this.#octokit = octokit;
    this.id = repo.id;
    this.#repo = repo;
    this.#identity = identity;
    this.#caches = caches;
  }

  async readPull(number: number): Promise<GatePull | undefined> {
    const response = GateResponse.parse(
      await this.#octokit.graphql(GATE_QUERY, {
        ...this.#vars(),
        number,
        config: CONFIG_PATH,
        appId: this.#identity.appId,
        check: GATE_CHECK_NAME,
        freezeLabel: FREEZE_LABEL,
      }),
    );
    const pull = response.repository?.pullRequest;
    if (pull === null || pull === undefined) return undefined;

    let files: ChangedFile[] = (pull.files?.nodes ?? []).map((file) => ({ path: file.path }));
    let renamed = (pull.files?.nodes ?? []).some((file) => file.changeType === "RENAMED");
    let filesPage = pull.files?.pageInfo;
    while (filesPage?.hasNextPage === true && filesPage.endCursor !== null) {
      const page = Files.parse(await this.#more(number, "files", "path changeType", filesPage.endCursor));
      files.push(...page.nodes.map((file) => ({ path: file.path })));
      renamed ||= page.nodes.some((file) => file.changeType === "RENAMED");
      filesPage = page.pageInfo;
    }
    // GraphQL names only a renamed file's new path; the folder it left is touched as much.
    if (renamed) files = await this.#restFiles(number);

    const reviewNodes = [...pull.reviews.nodes];
    let reviewsPage = pull.reviews.pageInfo;
    while (reviewsPage.hasNextPage && reviewsPage.endCursor !== null) {
      const page = Reviews.parse(
        await this.#more(
          number,
          "reviews",
          "databaseId state submittedAt author { __typename login } commit { oid }",
          reviewsPage.endCursor,
        ),
      );
      reviewNodes.push(...page.nodes);
      reviewsPage = page.pageInfo;
    }

    const head = pull.commits.nodes[0]?.commit;
    // `commits(last: 1)` stops at a PR's 250th commit: past that, ask REST for the head's runs.
    const gateRun =
      head?.oid === pull.headRefOid
        ? latestRun((head.checkSuites?.nodes ?? []).flatMap((suite) => suite?.checkRuns?.nodes ?? []))
        : await this.#gateRunOf(pull.headRefOid);
    const config = pull.baseRef?.target.config;
    const text = config?.object?.text ?? undefined;
    return {
      number: pull.number,
      state: pull.state === "OPEN" ? "open" : pull.state === "MERGED" ? "merged" : "closed",
      draft: pull.isDraft,
      author: actorOf(pull.author),
      body: pull.body,
      headRef: pull.headRefName,
      headSha: pull.headRefOid,
      baseRef: pull.baseRefName,
      ...(pull.baseRef !== null && { baseSha: pull.baseRef.target.oid }),
      ...(config !== null &&
        config !== undefined &&
        text !== undefined && { config: { sha: config.oid, text } }),
      files,
      reviews: reviewNodes.flatMap((node) => toReview(node) ?? []),
      ...(gateRun !== undefined && { gateRun }),
      freezes: freezesOf(response.repository?.freezeIssues?.nodes ?? []),
    };
  }

  async openPulls(): Promise<readonly OpenPull[]> {
    const Page = z.object({
      repository: z
        .object({
          pullRequests: z.object({
            nodes: z.array(z.object({ number: z.number(), baseRefName: z.string() })),
            pageInfo: PageInfo,
          }),
        })
        .nullable(),
    });
    const pulls: OpenPull[] = [];
    let after: string | null = null;
    do {
      const page: z.output<typeof Page> = Page.parse(
        await this.#octokit.graphql(
          `query StagecoachOpenPulls($owner: String!, $name: String!, $after: String) {
            repository(owner: $owner, name: $name) {
              pullRequests(states: [OPEN], first: ${PAGE}, after: $after) { nodes { number baseRefName } pageInfo { hasNextPage endCursor } }
            }
          }`,
          { ...this.#vars(), after },
        ),
      );
      const connection = page.repository?.pullRequests;
      if (connection === undefined) break;
      pulls.push(...connection.nodes.map((node) => ({ number: node.number, baseRef: node.baseRefName })));
      after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
    } while (after !== null);
    return pulls;
  }

  async permission(login: string): Promise<RepoPermission> {
    const cached = this.#caches.permission(this.id, login);
    if (cached !== undefined) return cached;
    const permission = await this.#repo.permissionOf(login);
    this.#caches.setPermission(this.id, login, permission);
    return permission;
  }

  async isTeamMember(team: string, login: string): Promise<boolean> {
    const cached = this.#caches.membership(team, login);
    if (cached !== undefined) return cached;
    const [org = "", slug = ""] = team.replace(/^@/, "").split("/");
    const member = await this.#repo.isTeamMember(org, slug, login);
    this.#caches.setMembership(team, login, member);
    return member;
  }

  readBlobs(shas: readonly string[]): Promise<ReadonlyMap<string, string>> {
    return this.#repo.readBlobs(shas);
  }

  async blobShas(
    files: readonly { readonly commit: string; readonly path: string }[],
  ): Promise<(string | undefined)[]> {
    const result: (string | undefined)[] = [];
    const Answer = z.object({
      repository: z.record(z.string(), z.object({ __typename: z.string(), oid: z.string() }).nullable()),
    });
    for (let start = 0; start < files.length; start += BLOB_BATCH) {
      const batch = files.slice(start, start + BLOB_BATCH);
      const variables: Record<string, string> = this.#vars();
      const fields = batch.map(({ commit, path }, index) => {
        variables[`e${index}`] = `${commit}:${path}`;
        return `f${index}: object(expression: $e${index}) { __typename oid }`;
      });
      const declarations = batch.map((_, index) => `, $e${index}: String!`).join("");
      const answer = Answer.parse(
        await this.#octokit.graphql(
          `query StagecoachBlobShas($owner: String!, $name: String!${declarations}) { repository(owner: $owner, name: $name) { ${fields.join("\n")} } }`,
          variables,
        ),
      );
      batch.forEach((_, index) => {
        const object = answer.repository[`f${index}`];
        result.push(object?.__typename === "Blob" ? object.oid : undefined);
      });
    }
    return result;
  }

  async mergedPull(number: number): Promise<MergedPull | undefined> {
    const cached = this.#caches.merged(this.id, number);
    if (cached !== undefined) return cached;
    const Answer = z.object({
      repository: z.object({ pullRequest: MergedNode.extend({ merged: z.boolean() }).nullable() }).nullable(),
    });
    const answer = Answer.parse(
      await this.#octokit.graphql(
        `query StagecoachMergedPull($owner: String!, $name: String!, $number: Int!) {
          repository(owner: $owner, name: $name) { pullRequest(number: $number) { merged ${MERGED_FIELDS} } }
        }`,
        { ...this.#vars(), number },
      ),
    );
    const node = answer.repository?.pullRequest;
    const merged = node === null || node === undefined ? undefined : toMerged(node);
    if (merged !== undefined) this.#caches.setMerged(this.id, merged);
    return merged;
  }

  async mergedPullsLabelled(label: string): Promise<readonly MergedPull[]> {
    const Answer = z.object({
      repository: z.object({ pullRequests: z.object({ nodes: z.array(MergedNode) }) }).nullable(),
    });
    const answer = Answer.parse(
      await this.#octokit.graphql(
        `query StagecoachMergedPulls($owner: String!, $name: String!, $label: String!) {
          repository(owner: $owner, name: $name) {
            pullRequests(states: [MERGED], labels: [$label], first: 50, orderBy: { field: UPDATED_AT, direction: DESC }) { nodes { ${MERGED_FIELDS} } }
          }
        }`,
        { ...this.#vars(), label },
      ),
    );
    return (answer.repository?.pullRequests.nodes ?? []).flatMap((node) => toMerged(node) ?? []);
  }

  async createGateRun(headSha: string, check: GateCheck, externalId: string): Promise<number> {
    const { data } = await this.#octokit.request("POST /repos/{owner}/{repo}/check-runs", {
      owner: this.id.owner,
      repo: this.id.name,
      name: check.name,
      head_sha: headSha,
      status: "completed",
      conclusion: check.conclusion,
      external_id: externalId,
      output: { title: check.title, summary: check.summary },
    });
    return CheckRunCreated.parse(data).id;
  }

  async updateGateRun(id: number, check: GateCheck, externalId: string): Promise<void> {
    await this.#octokit.request("PATCH /repos/{owner}/{repo}/check-runs/{check_run_id}", {
      owner: this.id.owner,
      repo: this.id.name,
      check_run_id: id,
      status: "completed",
      conclusion: check.conclusion,
      external_id: externalId,
      output: { title: check.title, summary: check.summary },
    });
  }

  requiredChecks(branch: string): Promise<readonly RequiredCheck[]> {
    return readRequiredChecks(this.#octokit, this.id, branch);
  }

  #vars(): Record<string, string> {
    return { owner: this.id.owner, name: this.id.name };
  }

  async #more(
    number: number,
    field: "files" | "reviews",
    selection: string,
    after: string,
  ): Promise<unknown> {
    const Answer = z.object({
      repository: z.object({ pullRequest: z.record(z.string(), z.unknown()) }),
    });
    const answer = Answer.parse(
      await this.#octokit.graphql(
        `query StagecoachGateMore($owner: String!, $name: String!, $number: Int!, $after: String!) {
          repository(owner: $owner, name: $name) { pullRequest(number: $number) {
            ${field}(first: ${PAGE}, after: $after) { nodes { ${selection} } pageInfo { hasNextPage endCursor } }
          } }
        }`,
        { ...this.#vars(), number, after },
      ),
    );
    return answer.repository.pullRequest[field];
  }

  async #gateRunOf(sha: string): Promise<GateRun | undefined> {
    const { data } = await this.#octokit.request("GET /repos/{owner}/{repo}/commits/{ref}/check-runs", {
      owner: this.id.owner,
      repo: this.id.name,
      ref: sha,
      check_name: GATE_CHECK_NAME,
      app_id: this.#identity.appId,
      per_page: 100,
    });
    const runs = z
      .object({
        check_runs: z.array(
          z.object({
            id: z.number(),
            status: z.string(),
            conclusion: z.string().nullable(),
            external_id: z.string().nullable(),
          }),
        ),
      })
      .parse(data).check_runs;
    return latestRun(
      runs.map((run) => ({
        databaseId: run.id,
        status: run.status,
        conclusion: run.conclusion,
        externalId: run.external_id,
      })),
    );
  }

  async #restFiles(number: number): Promise<ChangedFile[]> {
    const files = await this.#octokit.paginate("GET /repos/{owner}/{repo}/pulls/{pull_number}/files", {
      owner: this.id.owner,
      repo: this.id.name,
      pull_number: number,
      per_page: 100,
    });
    return RenamedFiles.parse(files).map((file) => ({
      path: file.filename,
      ...(file.previous_filename !== undefined && { previousPath: file.previous_filename }),
    }));
  }
}

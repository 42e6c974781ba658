import { enableAutoMerge, disableAutoMerge } from "../domain/auto-merge.js";
import {
  createCheckRun,
  requireCheckRun,
  rerequestCheckRun,
  updateCheckRun,
  type CheckRunInput,
} from "../domain/checks.js";
import { commitChanges, type FileChanges } from "../domain/commits.js";
import {
  addLabels,
  closeIssueOrPull,
  createComment,
  createIssue,
  deleteComment,
  editComment,
  react,
  removeLabel,
  reopenIssueOrPull,
  requireComment,
  requireIssue,
} from "../domain/issues.js";
import { mergePull } from "../domain/merge.js";
import { publishContainer } from "../domain/packages.js";
import { convertToDraft, editPull, markReadyForReview, openPull, requestReviewers } from "../domain/pulls.js";
import { updateRefs } from "../domain/refs.js";
import { resolveCommit } from "../domain/resolve.js";
import { dismissReview, requireReview, submitReview, type ReviewEvent } from "../domain/reviews.js";
import { createStatus } from "../domain/statuses.js";
import { ZERO_SHA, type Sha } from "../git/objects.js";
import { branchRef } from "../git/refs.js";
import { roleAtLeast, type Account, type RepoRole } from "../model/accounts.js";
import type { App } from "../model/apps.js";
import type { CheckConclusion, StatusState } from "../model/checks.js";
import type { MergeMethod, ReactionContent } from "../model/issues.js";
import type { Repository } from "../model/repository.js";
import type { State } from "../state.js";

/**
 * `fake.as(login)`: what a person (or a CI app's bot) does on GitHub. Each action goes through the
 * same domain functions as the API and sends the same webhooks; call `fake.settle()` afterwards.
 * Repositories are named `"owner/name"`.
 */
export class Actor {
  readonly #state: State;
  readonly account: Account;

  constructor(state: State, account: Account) {
    this.#state = state;
    this.account = account;
  }

  #repo(name: string, role?: RepoRole): Repository {
    const repo = this.#state.requireRepo(name);
    if (
      role !== undefined &&
      !roleAtLeast(this.#state.roleOf(repo, this.account.login), role) &&
      this.#app() === undefined
    ) {
      throw new Error(`${this.account.login} lacks ${role} access to ${name}`);
    }
    return repo;
  }

  #app(): App | undefined {
    return this.#state.appByBot(this.account);
  }

  #commit(repo: Repository, ref: string): Sha {
    const sha = resolveCommit(repo, ref);
    if (sha === undefined) throw new Error(`no commit for "${ref}" in ${repo.name}`);
    return sha;
  }

  /** Commits file changes (path → text, `null` deletes) on a branch, creating it from `from` (default branch) if needed. */
  push(
    repoName: string,
    change: { branch: string; files: FileChanges; message?: string; from?: string },
  ): Sha {
    const repo = this.#repo(repoName, "write");
    const ref = branchRef(change.branch);
    const current = repo.refs.get(ref);
    const fromDefault = change.from === undefined ? repo.refs.get(branchRef(repo.defaultBranch)) : undefined;
    const parent =
      current ?? fromDefault ?? (change.from === undefined ? undefined : this.#commit(repo, change.from));
    const sha = commitChanges(
      this.#state,
      repo,
      parent,
      change.files,
      change.message ?? `Update ${Object.keys(change.files).join(", ")}`,
      this.account,
    );
    updateRefs(
      this.#state,
      repo,
      [{ name: ref, before: current ?? ZERO_SHA, after: sha, force: false }],
      this.account,
    );
    return sha;
  }

  /** Points a branch at a commit (force-push), creating the branch if needed. */
  setBranch(repoName: string, branch: string, ref: string): Sha {
    const repo = this.#repo(repoName, "write");
    const sha = this.#commit(repo, ref);
    updateRefs(this.#state, repo, [{ name: branchRef(branch), after: sha, force: true }], this.account);
    return sha;
  }

  deleteBranch(repoName: string, branch: string): void {
    const repo = this.#repo(repoName, "write");
    updateRefs(this.#state, repo, [{ name: branchRef(branch), after: ZERO_SHA, force: true }], this.account);
  }

  openPull(
    repoName: string,
    input: { head: string; base?: string; title: string; body?: string; draft?: boolean; fromFork?: string },
  ): number {
    const repo = this.#repo(repoName);
    const { fromFork, ...rest } = input;
    const issue = openPull(
      this.#state,
      repo,
      this.account,
      {
        ...rest,
        base: input.base ?? repo.defaultBranch,
        ...(fromFork !== undefined && { fromFork: this.#state.requireRepo(fromFork) }),
      },
      this.#app(),
    );
    return issue.number;
  }

  editPull(repoName: string, number: number, edit: { title?: string; body?: string; base?: string }): void {
    const repo = this.#repo(repoName);
    editPull(this.#state, repo, requireIssue(repo, number), this.account, edit);
  }

  close(repoName: string, number: number): void {
    const repo = this.#repo(repoName, "triage");
    closeIssueOrPull(this.#state, repo, requireIssue(repo, number), this.account);
  }

  reopen(repoName: string, number: number): void {
    const repo = this.#repo(repoName, "triage");
    reopenIssueOrPull(this.#state, repo, requireIssue(repo, number), this.account);
  }

  merge(repoName: string, number: number, options: { method?: MergeMethod; sha?: string } = {}): Sha {
    const repo = this.#repo(repoName, "write");
    return mergePull(this.#state, repo, requireIssue(repo, number), this.account, {
      method: options.method ?? "merge",
      ...(options.sha === undefined ? {} : { sha: options.sha }),
    });
  }

  markReadyForReview(repoName: string, number: number): void {
    const repo = this.#repo(repoName);
    markReadyForReview(this.#state, repo, requireIssue(repo, number), this.account);
  }

  convertToDraft(repoName: string, number: number): void {
    const repo = this.#repo(repoName);
    convertToDraft(this.#state, repo, requireIssue(repo, number), this.account);
  }

  enableAutoMerge(repoName: string, number: number, method: MergeMethod = "merge"): void {
    const repo = this.#repo(repoName, "write");
    enableAutoMerge(this.#state, repo, requireIssue(repo, number), this.account, { method });
  }

  disableAutoMerge(repoName: string, number: number): void {
    const repo = this.#repo(repoName, "write");
    disableAutoMerge(this.#state, repo, requireIssue(repo, number), this.account);
  }

  requestReviewers(repoName: string, number: number, logins: readonly string[]): void {
    const repo = this.#repo(repoName);
    const accounts = logins.map((login) => this.#state.requireAccount(login));
    requestReviewers(this.#state, repo, requireIssue(repo, number), this.account, accounts, []);
  }

  openIssue(repoName: string, input: { title: string; body?: string; labels?: readonly string[] }): number {
    const repo = this.#repo(repoName);
    return createIssue(this.#state, repo, this.account, input, this.#app()).number;
  }

  /** Comments on an issue or pull request; returns the comment id. */
  comment(repoName: string, number: number, body: string): number {
    const repo = this.#repo(repoName);
    return createComment(this.#state, repo, requireIssue(repo, number), this.account, body, this.#app()).id;
  }

  editComment(repoName: string, commentId: number, body: string): void {
    const repo = this.#repo(repoName);
    editComment(this.#state, repo, requireComment(repo, commentId), this.account, body);
  }

  deleteComment(repoName: string, commentId: number): void {
    const repo = this.#repo(repoName);
    deleteComment(this.#state, repo, requireComment(repo, commentId), this.account);
  }

  react(repoName: string, commentId: number, content: ReactionContent): void {
    const repo = this.#repo(repoName);
    react(
      this.#state,
      repo,
      { kind: "issue_comment", id: requireComment(repo, commentId).id },
      this.account,
      content,
    );
  }

  addLabels(repoName: string, number: number, labels: readonly string[]): void {
    const repo = this.#repo(repoName, "triage");
    addLabels(this.#state, repo, requireIssue(repo, number), this.account, labels);
  }

  removeLabel(repoName: string, number: number, label: string): void {
    const repo = this.#repo(repoName, "triage");
    removeLabel(this.#state, repo, requireIssue(repo, number), this.account, label);
  }

  /** Submits a review; returns its id. */
  review(repoName: string, number: number, event: ReviewEvent, body = ""): number {
    const repo = this.#repo(repoName);
    return submitReview(this.#state, repo, requireIssue(repo, number), this.account, { event, body }).id;
  }

  approve(repoName: string, number: number): number {
    return this.review(repoName, number, "APPROVE");
  }

  dismissReview(repoName: string, number: number, reviewId: number, message: string): void {
    const repo = this.#repo(repoName, "write");
    const issue = requireIssue(repo, number);
    dismissReview(this.#state, repo, requireReview(repo, issue, reviewId), this.account, message);
  }

  /** Sets a commit status (as a CI system would). `ref` may be a SHA or a branch. */
  setStatus(
    repoName: string,
    ref: string,
    status: { context: string; state: StatusState; description?: string; targetUrl?: string },
  ): void {
    const repo = this.#repo(repoName);
    createStatus(this.#state, repo, this.account, this.#commit(repo, ref), status);
  }

  /** Creates a check run as this app bot (e.g. `ci[bot]`); completed when `conclusion` is given. Returns its id. */
  checkRun(repoName: string, ref: string, input: CheckRunInput & { name: string }): number {
    const repo = this.#repo(repoName);
    return createCheckRun(this.#state, repo, this.#requireApp(), this.#commit(repo, ref), input).id;
  }

  completeCheckRun(
    repoName: string,
    checkRunId: number,
    conclusion: CheckConclusion,
    output?: CheckRunInput["output"],
  ): void {
    const repo = this.#repo(repoName);
    const run = requireCheckRun(repo, checkRunId);
    if (run.app.id !== this.#requireApp().id)
      throw new Error(`check run ${checkRunId} belongs to ${run.app.slug}`);
    updateCheckRun(this.#state, repo, run, { conclusion, ...(output === undefined ? {} : { output }) });
  }

  /** Presses "Re-run" on a check run: its app hears `check_run.rerequested`. */
  rerequestCheckRun(repoName: string, checkRunId: number): void {
    const repo = this.#repo(repoName);
    rerequestCheckRun(this.#state, repo, requireCheckRun(repo, checkRunId), this.account);
  }

  /** Publishes `ghcr.io/<owner>/<name>:<tag>`; sends `package` and `registry_package` `published`. */
  publishContainer(input: { owner: string; name: string; tag: string; digest?: string; repo?: string }): {
    digest: string;
  } {
    const repo = input.repo === undefined ? undefined : this.#repo(input.repo);
    const version = publishContainer(this.#state, this.account, {
      owner: this.#state.requireAccount(input.owner),
      name: input.name,
      tag: input.tag,
      ...(input.digest === undefined ? {} : { digest: input.digest }),
      ...(repo === undefined ? {} : { repo }),
    });
    return { digest: version.digest };
  }

  /** Sends `repository_dispatch` with `action: eventType`. */
  dispatch(repoName: string, eventType: string, clientPayload: Record<string, unknown> = {}): void {
    const repo = this.#repo(repoName, "write");
    this.#state.emit({
      name: "repository_dispatch",
      action: eventType,
      repo,
      sender: this.account,
      fields: { branch: repo.defaultBranch, client_payload: clientPayload },
    });
  }

  #requireApp(): App {
    const app = this.#app();
    if (app === undefined)
      throw new Error(`${this.account.login} is not an app's bot; only apps create check runs`);
    return app;
  }
}

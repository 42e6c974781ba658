import { mergePull } from "../domain/merge.js";
import { requestReviewers, editPull, openPull } from "../domain/pulls.js";
import { dismissReview, editReview, requireReview, submitReview } from "../domain/reviews.js";
import { HttpError, notFound, validationFailed } from "../errors.js";
import { paginate } from "../http/pagination.js";
import { route, type RouteDefinition } from "../http/route.js";
import type { Issue, Pull } from "../model/issues.js";
import type { Repository } from "../model/repository.js";
import { renderCommit, renderDiffEntry } from "../render/git.js";
import { renderReview } from "../render/issues.js";
import { pullChanges, renderPull, renderPullSimple } from "../render/pulls.js";
import { renderTeam, renderUser } from "../render/users.js";

/** Pull requests, their files and commits, merging, reviews and review requests. */

function requirePullIssue(repo: Repository, number: number): { issue: Issue; pull: Pull } {
  const issue = repo.issues.get(number);
  if (issue?.pull === undefined) throw notFound();
  return { issue, pull: issue.pull };
}

export const pullRoutes: RouteDefinition[] = [
  route(
    "get",
    "/repos/{owner}/{repo}/pulls",
    { permissions: ["pull_requests:read"] },
    ({ repo, query, state, url }) => {
      const wanted = query.state ?? "open";
      const [headOwner, headBranch] =
        query.head?.includes(":") === true ? query.head.split(":", 2) : [undefined, query.head];
      const pulls = [...repo.issues.values()].flatMap((issue) => {
        const pull = issue.pull;
        if (pull === undefined) return [];
        if (wanted !== "all" && issue.state !== wanted) return [];
        if (
          headBranch !== undefined &&
          (pull.headRef !== headBranch ||
            (headOwner !== undefined && headOwner.toLowerCase() !== repo.owner.login.toLowerCase()))
        )
          return [];
        if (query.base !== undefined && pull.baseRef !== query.base) return [];
        return [{ issue, pull }];
      });
      const sort = query.sort ?? "created";
      const direction = query.direction ?? (sort === "created" ? "desc" : "asc");
      const key = ({ issue }: { issue: Issue }): number =>
        sort === "updated"
          ? issue.updatedAt.getTime()
          : sort === "popularity"
            ? [...repo.comments.values()].filter((c) => c.issueNumber === issue.number).length
            : issue.createdAt.getTime();
      pulls.sort(
        (a, b) => (key(a) - key(b) || a.issue.number - b.issue.number) * (direction === "asc" ? 1 : -1),
      );
      const page = paginate(url, query, pulls);
      return {
        status: 200,
        body: page.body.map(({ issue, pull }) => renderPullSimple(state, repo, issue, pull)),
        headers: page.headers,
      };
    },
  ),

  route(
    "post",
    "/repos/{owner}/{repo}/pulls",
    { permissions: ["pull_requests:write"] },
    ({ repo, body, state, actor, caller }) => {
      if (body.title === undefined)
        throw validationFailed({ resource: "Issue", field: "title", code: "missing_field" });
      const issue = openPull(
        state,
        repo,
        actor,
        {
          title: body.title,
          head: body.head,
          base: body.base,
          ...(body.body === undefined ? {} : { body: body.body }),
          ...(body.draft === undefined ? {} : { draft: body.draft }),
          ...(body.maintainer_can_modify === undefined
            ? {}
            : { maintainerCanModify: body.maintainer_can_modify }),
        },
        caller.app,
      );
      const { pull } = requirePullIssue(repo, issue.number);
      return {
        status: 201,
        body: renderPull(state, repo, issue, pull),
        headers: {
          location: state.urls.repoApi(`${repo.owner.login}/${repo.name}`, `/pulls/${issue.number}`),
        },
      };
    },
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/pulls/{pull_number}",
    { permissions: ["pull_requests:read"] },
    ({ repo, params, state }) => {
      const { issue, pull } = requirePullIssue(repo, params.pull_number);
      return { status: 200, body: renderPull(state, repo, issue, pull) };
    },
  ),

  route(
    "patch",
    "/repos/{owner}/{repo}/pulls/{pull_number}",
    { permissions: ["pull_requests:write"] },
    ({ repo, params, body, state, actor }) => {
      const { issue, pull } = requirePullIssue(repo, params.pull_number);
      editPull(state, repo, issue, actor, {
        ...(body?.title === undefined ? {} : { title: body.title }),
        ...(body?.body === undefined ? {} : { body: body.body }),
        ...(body?.state === undefined ? {} : { state: body.state }),
        ...(body?.base === undefined ? {} : { base: body.base }),
        ...(body?.maintainer_can_modify === undefined
          ? {}
          : { maintainerCanModify: body.maintainer_can_modify }),
      });
      return { status: 200, body: renderPull(state, repo, issue, pull) };
    },
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/pulls/{pull_number}/files",
    { permissions: ["pull_requests:read"] },
    ({ repo, params, query, state, url }) => {
      const { pull } = requirePullIssue(repo, params.pull_number);
      const { changes } = pullChanges(repo, pull);
      const page = paginate(url, query, changes.slice(0, 3000));
      return {
        status: 200,
        body: page.body.map((change) => renderDiffEntry(state, repo, pull.headSha, change)),
        headers: page.headers,
      };
    },
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/pulls/{pull_number}/commits",
    { permissions: ["pull_requests:read"] },
    ({ repo, params, query, state, url }) => {
      const { pull } = requirePullIssue(repo, params.pull_number);
      const page = paginate(url, query, pullChanges(repo, pull).commits.slice(0, 250));
      return {
        status: 200,
        body: page.body.map((sha) => renderCommit(state, repo, sha)),
        headers: page.headers,
      };
    },
  ),

  route(
    "put",
    "/repos/{owner}/{repo}/pulls/{pull_number}/merge",
    { permissions: ["contents:write"] },
    ({ repo, params, body, state, actor }) => {
      const { issue } = requirePullIssue(repo, params.pull_number);
      const sha = mergePull(state, repo, issue, actor, {
        method: body?.merge_method ?? "merge",
        ...(body?.sha === undefined ? {} : { sha: body.sha }),
        ...(body?.commit_title === undefined ? {} : { commitTitle: body.commit_title }),
        ...(body?.commit_message === undefined ? {} : { commitMessage: body.commit_message }),
      });
      return { status: 200, body: { sha, merged: true, message: "Pull Request successfully merged" } };
    },
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
    { permissions: ["pull_requests:read"] },
    ({ repo, params, query, state, url }) => {
      requirePullIssue(repo, params.pull_number);
      const reviews = [...repo.reviews.values()].filter((review) => review.pullNumber === params.pull_number);
      const page = paginate(url, query, reviews);
      return {
        status: 200,
        body: page.body.map((review) => renderReview(state, repo, review)),
        headers: page.headers,
      };
    },
  ),

  route(
    "post",
    "/repos/{owner}/{repo}/pulls/{pull_number}/reviews",
    { permissions: ["pull_requests:write"] },
    ({ repo, params, body, state, actor }) => {
      const { issue } = requirePullIssue(repo, params.pull_number);
      if (body?.event === undefined) {
        throw new HttpError(422, "Unprocessable Entity", {
          errors: [
            {
              resource: "PullRequestReview",
              code: "custom",
              message: "The fake GitHub does not keep pending reviews; pass an event",
            },
          ],
        });
      }
      const review = submitReview(state, repo, issue, actor, {
        event: body.event,
        ...(body.body === undefined ? {} : { body: body.body }),
        ...(body.commit_id === undefined ? {} : { commitId: body.commit_id }),
      });
      return { status: 200, body: renderReview(state, repo, review) };
    },
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}",
    { permissions: ["pull_requests:read"] },
    ({ repo, params, state }) => {
      const { issue } = requirePullIssue(repo, params.pull_number);
      return { status: 200, body: renderReview(state, repo, requireReview(repo, issue, params.review_id)) };
    },
  ),

  route(
    "put",
    "/repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}",
    { permissions: ["pull_requests:write"] },
    ({ repo, params, body, state, actor }) => {
      const { issue } = requirePullIssue(repo, params.pull_number);
      const review = requireReview(repo, issue, params.review_id);
      editReview(state, repo, review, actor, body.body);
      return { status: 200, body: renderReview(state, repo, review) };
    },
  ),

  route(
    "put",
    "/repos/{owner}/{repo}/pulls/{pull_number}/reviews/{review_id}/dismissals",
    { permissions: ["pull_requests:write"] },
    ({ repo, params, body, state, actor }) => {
      const { issue } = requirePullIssue(repo, params.pull_number);
      const review = requireReview(repo, issue, params.review_id);
      dismissReview(state, repo, review, actor, body.message);
      return { status: 200, body: renderReview(state, repo, review) };
    },
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers",
    { permissions: ["pull_requests:read"] },
    ({ repo, params, state }) => {
      const { pull } = requirePullIssue(repo, params.pull_number);
      return {
        status: 200,
        body: {
          users: pull.requestedReviewers.map((account) => renderUser(state.urls, account)),
          teams: pull.requestedTeams.map((team) => renderTeam(state.urls, team)),
        },
      };
    },
  ),

  route(
    "post",
    "/repos/{owner}/{repo}/pulls/{pull_number}/requested_reviewers",
    { permissions: ["pull_requests:write"] },
    ({ repo, params, body, state, actor }) => {
      const { issue, pull } = requirePullIssue(repo, params.pull_number);
      const reviewers = (body?.reviewers ?? []).map((login) => {
        const account = state.account(login);
        if (account === undefined || state.roleOf(repo, login) === undefined) {
          throw validationFailed({
            resource: "PullRequest",
            code: "custom",
            message:
              "Reviews may only be requested from collaborators. One or more of the users or teams you specified is not a collaborator of the " +
              `${repo.owner.login}/${repo.name} repository.`,
          });
        }
        return account;
      });
      const teams = (body?.team_reviewers ?? []).map((slug) => {
        const team = state.team(repo.owner.login, slug);
        if (team === undefined)
          throw validationFailed({
            resource: "PullRequest",
            code: "custom",
            message: `Could not resolve to a node with the global id of '${slug}'.`,
          });
        return team;
      });
      requestReviewers(state, repo, issue, actor, reviewers, teams);
      return { status: 201, body: renderPullSimple(state, repo, issue, pull) };
    },
  ),
];

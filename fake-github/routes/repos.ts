import { resolveCommit } from "../domain/resolve.js";
import { HttpError, notFound } from "../errors.js";
import { diffTrees } from "../git/diff.js";
import { commitsBetween, log, mergeBase } from "../git/history.js";
import { branchRef } from "../git/refs.js";
import { lookupPath } from "../git/trees.js";
import { paginate } from "../http/pagination.js";
import { route, type RouteDefinition } from "../http/route.js";
import type { Repository } from "../model/repository.js";
import { renderBranch, renderBranchRules } from "../render/branches.js";
import { renderDirectory, renderFile } from "../render/contents.js";
import { renderCommit, requireCommit } from "../render/git.js";
import { renderFullRepository } from "../render/repos.js";
import type { Schema } from "../render/schemas.js";
import { renderUser } from "../render/users.js";
import { isBinary } from "../git/diff.js";

/** Repositories: the repo itself, contents, commits, compare, branches, rules, collaborators, dispatches. */

function commitOrFail(repo: Repository, ref: string, status: 404 | 422 = 422): string {
  const sha = resolveCommit(repo, ref);
  if (sha === undefined) throw new HttpError(status, `No commit found for SHA: ${ref}`);
  return sha;
}

function defaultTip(repo: Repository): string {
  const sha = repo.refs.get(branchRef(repo.defaultBranch));
  if (sha === undefined) throw new HttpError(409, "Git Repository is empty.");
  return sha;
}

const RAW_TYPES = ["application/vnd.github.raw", "application/vnd.github.v3.raw"];

function wantsRaw(accept: string): boolean {
  return RAW_TYPES.some((type) => accept.includes(type));
}

export const repoRoutes: RouteDefinition[] = [
  route("get", "/repos/{owner}/{repo}", { permissions: ["metadata:read"] }, ({ repo, state }) => ({
    status: 200,
    body: renderFullRepository(state, repo),
  })),

  route(
    "get",
    "/repos/{owner}/{repo}/contents/{path}",
    { permissions: ["contents:read"] },
    ({ repo, params, query, state, accept }) => {
      const ref = query.ref ?? repo.defaultBranch;
      const sha = resolveCommit(repo, ref);
      if (sha === undefined) throw new HttpError(404, `No commit found for the ref ${ref}`);
      const path = params.path.replace(/^\/+|\/+$/g, "");
      const entry = lookupPath(repo.objects, requireCommit(repo, sha).tree, path);
      if (entry === undefined) throw notFound();
      if (entry.mode === "040000")
        return { status: 200, body: renderDirectory(state, repo, ref, path, entry.sha) };
      const content = repo.objects.blob(entry.sha) ?? Buffer.alloc(0);
      if (wantsRaw(accept)) {
        const contentType = isBinary(content) ? "application/octet-stream" : "text/plain; charset=utf-8";
        return { status: 200, raw: content, contentType };
      }
      return { status: 200, body: renderFile(state, repo, ref, path, entry.mode, entry.sha, content) };
    },
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/commits",
    { permissions: ["contents:read"] },
    ({ repo, query, state, url }) => {
      const start = query.sha === undefined ? defaultTip(repo) : commitOrFail(repo, query.sha, 404);
      const since = query.since === undefined ? undefined : Date.parse(query.since) / 1000;
      const until = query.until === undefined ? undefined : Date.parse(query.until) / 1000;
      const shas = log(repo.objects, start, query.path === undefined ? {} : { path: query.path }).filter(
        (sha) => {
          const seconds = requireCommit(repo, sha).committer.seconds;
          return (since === undefined || seconds >= since) && (until === undefined || seconds <= until);
        },
      );
      const page = paginate(url, query, shas);
      return {
        status: 200,
        body: page.body.map((sha) => renderCommit(state, repo, sha)),
        headers: page.headers,
      };
    },
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/commits/{ref}",
    { permissions: ["contents:read"] },
    ({ repo, params, state }) => {
      const sha = commitOrFail(repo, params.ref);
      const commit = requireCommit(repo, sha);
      const parent = commit.parents[0];
      const changes = diffTrees(
        repo.objects,
        parent === undefined ? undefined : requireCommit(repo, parent).tree,
        commit.tree,
      );
      return { status: 200, body: renderCommit(state, repo, sha, changes) };
    },
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/compare/{basehead}",
    { permissions: ["contents:read"] },
    ({ repo, params, state }) => {
      const match = /^(.+?)\.{2,3}(.+)$/.exec(params.basehead);
      if (match?.[1] === undefined || match[2] === undefined) throw notFound();
      const strip = (ref: string): string => ref.replace(/^[^:]+:/, "");
      const base = resolveCommit(repo, strip(match[1]));
      const head = resolveCommit(repo, strip(match[2]));
      if (base === undefined || head === undefined) throw notFound();
      const since = mergeBase(repo.objects, base, head);
      const ahead = commitsBetween(repo.objects, since, head).reverse();
      const behind = commitsBetween(repo.objects, since, base);
      const status =
        ahead.length === 0
          ? behind.length === 0
            ? "identical"
            : "behind"
          : behind.length === 0
            ? "ahead"
            : "diverged";
      const changes = diffTrees(
        repo.objects,
        since === undefined ? undefined : requireCommit(repo, since).tree,
        requireCommit(repo, head).tree,
      );
      const name = `${repo.owner.login}/${repo.name}`;
      const body: Schema<"commit-comparison"> = {
        url: state.urls.repoApi(name, `/compare/${params.basehead}`),
        html_url: state.urls.repoHtml(name, `/compare/${params.basehead}`),
        permalink_url: state.urls.repoHtml(name, `/compare/${base}...${head}`),
        diff_url: state.urls.repoHtml(name, `/compare/${params.basehead}.diff`),
        patch_url: state.urls.repoHtml(name, `/compare/${params.basehead}.patch`),
        base_commit: renderCommit(state, repo, base),
        merge_base_commit: renderCommit(state, repo, since ?? base),
        status,
        ahead_by: ahead.length,
        behind_by: behind.length,
        total_commits: ahead.length,
        commits: ahead.slice(0, 250).map((sha) => renderCommit(state, repo, sha)),
        files: renderCommit(state, repo, head, changes).files ?? [],
      };
      return { status: 200, body };
    },
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/branches/{branch}",
    { permissions: ["contents:read"] },
    ({ repo, params, state }) => {
      const sha = repo.refs.get(branchRef(params.branch));
      if (sha === undefined) throw new HttpError(404, "Branch not found");
      return { status: 200, body: renderBranch(state, repo, params.branch, sha) };
    },
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/rules/branches/{branch}",
    { permissions: ["metadata:read"] },
    ({ repo, params, query, url }) => {
      const page = paginate(url, query, renderBranchRules(repo, params.branch));
      return { status: 200, body: page.body, headers: page.headers };
    },
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/collaborators/{username}/permission",
    { permissions: ["metadata:read"] },
    ({ repo, params, state }) => {
      const account = state.account(params.username);
      if (account === undefined) throw new HttpError(404, `${params.username} is not a user`);
      const role = state.roleOf(repo, account.login);
      const permission =
        role === undefined
          ? repo.private
            ? "none"
            : "read"
          : { admin: "admin", maintain: "write", write: "write", triage: "read", read: "read" }[role];
      const roleName = role ?? (repo.private ? "none" : "read");
      return {
        status: 200,
        body: {
          permission,
          role_name: roleName,
          user: {
            ...renderUser(state.urls, account),
            permissions: {
              admin: role === "admin",
              maintain: role === "admin" || role === "maintain",
              push: role === "admin" || role === "maintain" || role === "write",
              triage: role !== undefined && role !== "read",
              pull: role !== undefined || !repo.private,
            },
            role_name: roleName,
          },
        },
      };
    },
  ),

  route(
    "post",
    "/repos/{owner}/{repo}/dispatches",
    { permissions: ["contents:write"] },
    ({ repo, body, state, actor }) => {
      state.emit({
        name: "repository_dispatch",
        action: body.event_type,
        repo,
        sender: actor,
        fields: { branch: repo.defaultBranch, client_payload: body.client_payload ?? null },
      });
      return { status: 204 };
    },
  ),
];

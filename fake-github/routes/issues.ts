import {
  addLabels,
  createComment,
  createIssue,
  deleteComment,
  editComment,
  editIssue,
  removeLabel,
  requireComment,
  requireIssue,
  setLabels,
  react,
} from "../domain/issues.js";
import { notFound, validationFailed } from "../errors.js";
import { paginate } from "../http/pagination.js";
import { issuePermissions, requirePermission } from "../http/permissions.js";
import { route, type RawContext, type RouteDefinition } from "../http/route.js";
import type { PermissionLevel } from "../model/apps.js";
import type { Issue } from "../model/issues.js";
import { renderComment, renderIssue, renderLabel, renderReaction, repoLabels } from "../render/issues.js";

/** Issues (pull requests included), comments, labels and reactions. */

const ISSUE_READ = ["issues:read", "pull_requests:read"] as const;
const ISSUE_WRITE = ["issues:write", "pull_requests:write"] as const;

type IssueContext = Pick<RawContext, "state" | "caller" | "repo" | "url">;

/** The route allows either permission; this narrows it to what the issue (or PR) needs. */
function issueFor(context: IssueContext, number: number, level: PermissionLevel): Issue {
  const issue = requireIssue(context.repo, number);
  const request = context.url.pathname;
  requirePermission(
    context.state,
    context.caller,
    request,
    issuePermissions(issue.pull !== undefined, level),
  );
  return issue;
}

function labelNames(input: unknown): string[] {
  if (Array.isArray(input)) {
    return input.flatMap((item: unknown) =>
      typeof item === "string"
        ? [item]
        : typeof item === "object" && item !== null && "name" in item && typeof item.name === "string"
          ? [item.name]
          : [],
    );
  }
  if (typeof input === "object" && input !== null && "labels" in input) return labelNames(input.labels);
  return [];
}

export const issueRoutes: RouteDefinition[] = [
  route(
    "get",
    "/repos/{owner}/{repo}/issues",
    { permissions: [...ISSUE_READ] },
    ({ repo, query, state, url }) => {
      const wanted = query.state ?? "open";
      const labels =
        query.labels
          ?.split(",")
          .map((name) => name.trim().toLowerCase())
          .filter((name) => name !== "") ?? [];
      const issues = [...repo.issues.values()].filter(
        (issue) =>
          (wanted === "all" || issue.state === wanted) &&
          labels.every((label) => issue.labels.includes(label)) &&
          (query.creator === undefined || issue.user.login.toLowerCase() === query.creator.toLowerCase()),
      );
      const direction = query.direction ?? "desc";
      const key = (issue: Issue): number =>
        query.sort === "updated" ? issue.updatedAt.getTime() : issue.createdAt.getTime();
      issues.sort((a, b) => (key(a) - key(b) || a.number - b.number) * (direction === "asc" ? 1 : -1));
      const page = paginate(url, query, issues);
      return {
        status: 200,
        body: page.body.map((issue) => renderIssue(state, repo, issue)),
        headers: page.headers,
      };
    },
  ),

  route(
    "post",
    "/repos/{owner}/{repo}/issues",
    { permissions: ["issues:write"] },
    ({ repo, body, state, actor, caller }) => {
      const title = typeof body.title === "number" ? String(body.title) : body.title;
      const issue = createIssue(
        state,
        repo,
        actor,
        {
          title,
          ...(body.body === undefined ? {} : { body: body.body }),
          labels: labelNames(body.labels),
          assignees: body.assignees ?? [],
        },
        caller.app,
      );
      return { status: 201, body: renderIssue(state, repo, issue) };
    },
  ),

  route("get", "/repos/{owner}/{repo}/issues/{issue_number}", { permissions: [...ISSUE_READ] }, (context) => {
    const issue = issueFor(context, context.params.issue_number, "read");
    return { status: 200, body: renderIssue(context.state, context.repo, issue) };
  }),

  route(
    "patch",
    "/repos/{owner}/{repo}/issues/{issue_number}",
    { permissions: [...ISSUE_WRITE] },
    (context) => {
      const { body, state, repo, actor } = context;
      const issue = issueFor(context, context.params.issue_number, "write");
      editIssue(state, repo, issue, actor, {
        ...(body?.title === undefined || body.title === null ? {} : { title: String(body.title) }),
        ...(body?.body === undefined ? {} : { body: body.body }),
        ...(body?.state === undefined ? {} : { state: body.state }),
        ...(body?.state_reason === undefined ? {} : { stateReason: body.state_reason }),
        ...(body?.labels === undefined ? {} : { labels: labelNames(body.labels) }),
      });
      return { status: 200, body: renderIssue(state, repo, issue) };
    },
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/issues/{issue_number}/comments",
    { permissions: [...ISSUE_READ] },
    (context) => {
      const { repo, query, state, url } = context;
      const issue = issueFor(context, context.params.issue_number, "read");
      const since = query.since === undefined ? 0 : Date.parse(query.since);
      const comments = [...repo.comments.values()].filter(
        (c) => c.issueNumber === issue.number && c.updatedAt.getTime() >= since,
      );
      const page = paginate(url, query, comments);
      return {
        status: 200,
        body: page.body.map((comment) => renderComment(state, repo, comment)),
        headers: page.headers,
      };
    },
  ),

  route(
    "post",
    "/repos/{owner}/{repo}/issues/{issue_number}/comments",
    { permissions: [...ISSUE_WRITE] },
    (context) => {
      const { repo, body, state, actor, caller } = context;
      const issue = issueFor(context, context.params.issue_number, "write");
      const comment = createComment(state, repo, issue, actor, body.body, caller.app);
      return { status: 201, body: renderComment(state, repo, comment) };
    },
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/issues/comments/{comment_id}",
    { permissions: [...ISSUE_READ] },
    (context) => {
      const comment = requireComment(context.repo, Number(context.params.comment_id));
      issueFor(context, comment.issueNumber, "read");
      return { status: 200, body: renderComment(context.state, context.repo, comment) };
    },
  ),

  route(
    "patch",
    "/repos/{owner}/{repo}/issues/comments/{comment_id}",
    { permissions: [...ISSUE_WRITE] },
    (context) => {
      const comment = requireComment(context.repo, Number(context.params.comment_id));
      issueFor(context, comment.issueNumber, "write");
      editComment(context.state, context.repo, comment, context.actor, context.body.body);
      return { status: 200, body: renderComment(context.state, context.repo, comment) };
    },
  ),

  route(
    "delete",
    "/repos/{owner}/{repo}/issues/comments/{comment_id}",
    { permissions: [...ISSUE_WRITE] },
    (context) => {
      const comment = requireComment(context.repo, Number(context.params.comment_id));
      issueFor(context, comment.issueNumber, "write");
      deleteComment(context.state, context.repo, comment, context.actor);
      return { status: 204 };
    },
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/issues/{issue_number}/labels",
    { permissions: [...ISSUE_READ] },
    (context) => {
      const issue = issueFor(context, context.params.issue_number, "read");
      const page = paginate(context.url, context.query, repoLabels(context.repo, issue.labels));
      return {
        status: 200,
        body: page.body.map((label) => renderLabel(context.state, context.repo, label)),
        headers: page.headers,
      };
    },
  ),

  route(
    "post",
    "/repos/{owner}/{repo}/issues/{issue_number}/labels",
    { permissions: [...ISSUE_WRITE] },
    (context) => {
      const issue = issueFor(context, context.params.issue_number, "write");
      const names = labelNames(context.body);
      if (names.length === 0)
        throw validationFailed({ resource: "Label", field: "labels", code: "missing_field" });
      addLabels(context.state, context.repo, issue, context.actor, names);
      return {
        status: 200,
        body: repoLabels(context.repo, issue.labels).map((label) =>
          renderLabel(context.state, context.repo, label),
        ),
      };
    },
  ),

  route(
    "put",
    "/repos/{owner}/{repo}/issues/{issue_number}/labels",
    { permissions: [...ISSUE_WRITE] },
    (context) => {
      const issue = issueFor(context, context.params.issue_number, "write");
      setLabels(context.state, context.repo, issue, context.actor, labelNames(context.body));
      return {
        status: 200,
        body: repoLabels(context.repo, issue.labels).map((label) =>
          renderLabel(context.state, context.repo, label),
        ),
      };
    },
  ),

  route(
    "delete",
    "/repos/{owner}/{repo}/issues/{issue_number}/labels/{name}",
    { permissions: [...ISSUE_WRITE] },
    (context) => {
      const issue = issueFor(context, context.params.issue_number, "write");
      removeLabel(context.state, context.repo, issue, context.actor, context.params.name);
      return {
        status: 200,
        body: repoLabels(context.repo, issue.labels).map((label) =>
          renderLabel(context.state, context.repo, label),
        ),
      };
    },
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/labels",
    { permissions: [...ISSUE_READ] },
    ({ repo, query, state, url }) => {
      const page = paginate(url, query, [...repo.labels.values()]);
      return {
        status: 200,
        body: page.body.map((label) => renderLabel(state, repo, label)),
        headers: page.headers,
      };
    },
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/labels/{name}",
    { permissions: [...ISSUE_READ] },
    ({ repo, params, state }) => {
      const label = repo.labels.get(params.name.toLowerCase());
      if (label === undefined) throw notFound();
      return { status: 200, body: renderLabel(state, repo, label) };
    },
  ),

  route(
    "post",
    "/repos/{owner}/{repo}/labels",
    { permissions: [...ISSUE_WRITE] },
    ({ repo, body, state }) => {
      if (repo.labels.has(body.name.toLowerCase()))
        throw validationFailed({ resource: "Label", code: "already_exists", field: "name" });
      const id = state.ids.next();
      const label = {
        id,
        nodeId: `LA_${id}`,
        name: body.name,
        color: body.color ?? "ededed",
        description: body.description ?? null,
        isDefault: false,
      };
      repo.labels.set(body.name.toLowerCase(), label);
      return { status: 201, body: renderLabel(state, repo, label) };
    },
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
    { permissions: [...ISSUE_READ] },
    (context) => {
      const comment = requireComment(context.repo, Number(context.params.comment_id));
      issueFor(context, comment.issueNumber, "read");
      const reactions = context.repo.reactions.filter(
        (r) =>
          r.subject.kind === "issue_comment" &&
          r.subject.id === comment.id &&
          (context.query.content === undefined || r.content === context.query.content),
      );
      const page = paginate(context.url, context.query, reactions);
      return {
        status: 200,
        body: page.body.map((reaction) => renderReaction(context.state, reaction)),
        headers: page.headers,
      };
    },
  ),

  route(
    "post",
    "/repos/{owner}/{repo}/issues/comments/{comment_id}/reactions",
    { permissions: [...ISSUE_WRITE] },
    (context) => {
      const comment = requireComment(context.repo, Number(context.params.comment_id));
      issueFor(context, comment.issueNumber, "write");
      const { reaction, created } = react(
        context.state,
        context.repo,
        { kind: "issue_comment", id: comment.id },
        context.actor,
        context.body.content,
      );
      const body = renderReaction(context.state, reaction);
      return created ? { status: 201, body } : { status: 200, body };
    },
  ),

  route(
    "get",
    "/repos/{owner}/{repo}/issues/{issue_number}/reactions",
    { permissions: [...ISSUE_READ] },
    (context) => {
      const issue = issueFor(context, context.params.issue_number, "read");
      const reactions = context.repo.reactions.filter(
        (r) =>
          r.subject.kind === "issue" &&
          r.subject.number === issue.number &&
          (context.query.content === undefined || r.content === context.query.content),
      );
      const page = paginate(context.url, context.query, reactions);
      return {
        status: 200,
        body: page.body.map((reaction) => renderReaction(context.state, reaction)),
        headers: page.headers,
      };
    },
  ),

  route(
    "post",
    "/repos/{owner}/{repo}/issues/{issue_number}/reactions",
    { permissions: [...ISSUE_WRITE] },
    (context) => {
      const issue = issueFor(context, context.params.issue_number, "write");
      const { reaction, created } = react(
        context.state,
        context.repo,
        { kind: "issue", number: issue.number },
        context.actor,
        context.body.content,
      );
      const body = renderReaction(context.state, reaction);
      return created ? { status: 201, body } : { status: 200, body };
    },
  ),
];

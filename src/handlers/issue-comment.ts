import type { Context } from "probot";
import type { CommentEvent } from "../usecases/command.js";

export type HandleComment = (
  installationId: number,
  repo: { owner: string; name: string },
  event: CommentEvent,
) => Promise<void>;

/**
 * `issue_comment.created` on an issue or PR: maybe a command. Edited comments are not subscribed to,
 * and comments by bots (Stagecoach's own included) are never read as commands.
 */
export function onIssueComment(handle: HandleComment) {
  return async (context: Context<"issue_comment.created">): Promise<void> => {
    const { payload } = context;
    const installationId = payload.installation?.id;
    const author = payload.comment.user;
    if (installationId === undefined || author === null || author.type !== "User") return;
    if (!payload.comment.body.trimStart().startsWith("/")) return;
    await handle(
      installationId,
      { owner: payload.repository.owner.login, name: payload.repository.name },
      {
        commentId: payload.comment.id,
        commentUrl: payload.comment.html_url,
        body: payload.comment.body,
        author: { login: author.login, type: author.type },
        number: payload.issue.number,
        onPullRequest: payload.issue.pull_request !== undefined,
      },
    );
  };
}

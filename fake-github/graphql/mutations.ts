import { z } from "zod";
import { disableAutoMerge, enableAutoMerge } from "../domain/auto-merge.js";
import { addLabels } from "../domain/issues.js";
import { RefUpdateRejected, updateRefs } from "../domain/refs.js";
import type { Issue } from "../model/issues.js";
import type { Repository } from "../model/repository.js";
import { asGraphql, githubError, need, type GqlObject, type GraphqlContext } from "./context.js";
import { pullRequestNode } from "./nodes.js";

/** The mutations the fake implements; each goes through the same domain functions as REST. */

function repoByNodeId(context: GraphqlContext, id: string): Repository {
  const repo = [...context.state.repos.values()].find((candidate) => candidate.nodeId === id);
  if (repo === undefined)
    throw githubError("NOT_FOUND", `Could not resolve to a node with the global id of '${id}'`);
  return repo;
}

function issueByNodeId(context: GraphqlContext, id: string): { repo: Repository; issue: Issue } {
  for (const repo of context.state.repos.values()) {
    for (const issue of repo.issues.values()) {
      if (issue.nodeId === id || issue.pull?.nodeId === id) return { repo, issue };
    }
  }
  throw githubError("NOT_FOUND", `Could not resolve to a node with the global id of '${id}'`);
}

const UpdateRefsInput = z.object({
  clientMutationId: z.string().nullish(),
  repositoryId: z.string(),
  refUpdates: z.array(
    z.object({
      name: z.string(),
      afterOid: z.string(),
      beforeOid: z.string().nullish(),
      force: z.boolean().nullish(),
    }),
  ),
});

const AutoMergeInput = z.object({
  clientMutationId: z.string().nullish(),
  pullRequestId: z.string(),
  mergeMethod: z.enum(["MERGE", "SQUASH", "REBASE"]).nullish(),
  commitHeadline: z.string().nullish(),
  commitBody: z.string().nullish(),
  expectedHeadOid: z.string().nullish(),
  authorEmail: z.string().nullish(),
});

const LabelsInput = z.object({
  clientMutationId: z.string().nullish(),
  labelableId: z.string(),
  labelIds: z.array(z.string()),
});

const input = <T extends z.ZodType>(schema: T, args: unknown): z.infer<T> =>
  schema.parse(z.object({ input: z.unknown() }).parse(args).input);

export function mutationRoot(context: GraphqlContext): GqlObject {
  const { state, caller } = context;
  return {
    updateRefs: (args: unknown) => {
      need(context, "updateRefs", ["contents:write"]);
      const { repositoryId, refUpdates, clientMutationId } = input(UpdateRefsInput, args);
      const repo = repoByNodeId(context, repositoryId);
      try {
        updateRefs(
          state,
          repo,
          refUpdates.map((update) => ({
            name: update.name,
            ...(update.beforeOid == null ? {} : { before: update.beforeOid }),
            after: update.afterOid,
            force: update.force ?? false,
          })),
          caller.actor,
        );
      } catch (error) {
        if (error instanceof RefUpdateRejected)
          throw githubError("UNPROCESSABLE", `Ref update rejected: ${error.message}`);
        throw error;
      }
      return { clientMutationId: clientMutationId ?? null };
    },

    enablePullRequestAutoMerge: (args: unknown) => {
      need(context, "enablePullRequestAutoMerge", ["pull_requests:write"]);
      need(context, "enablePullRequestAutoMerge", ["contents:write"]);
      const parsed = input(AutoMergeInput, args);
      const { repo, issue } = issueByNodeId(context, parsed.pullRequestId);
      asGraphql(() => {
        enableAutoMerge(state, repo, issue, caller.actor, {
          method:
            parsed.mergeMethod === "SQUASH" ? "squash" : parsed.mergeMethod === "REBASE" ? "rebase" : "merge",
          commitTitle: parsed.commitHeadline ?? null,
          commitMessage: parsed.commitBody ?? null,
          ...(parsed.expectedHeadOid == null ? {} : { expectedHeadOid: parsed.expectedHeadOid }),
        });
      });
      const pull = issue.pull;
      return {
        clientMutationId: parsed.clientMutationId ?? null,
        pullRequest: pull === undefined ? null : pullRequestNode(context, repo, issue, pull),
        actor: null,
      };
    },

    disablePullRequestAutoMerge: (args: unknown) => {
      need(context, "disablePullRequestAutoMerge", ["pull_requests:write"]);
      const parsed = input(AutoMergeInput.pick({ pullRequestId: true, clientMutationId: true }), args);
      const { repo, issue } = issueByNodeId(context, parsed.pullRequestId);
      asGraphql(() => {
        disableAutoMerge(state, repo, issue, caller.actor);
      });
      const pull = issue.pull;
      return {
        clientMutationId: parsed.clientMutationId ?? null,
        pullRequest: pull === undefined ? null : pullRequestNode(context, repo, issue, pull),
        actor: null,
      };
    },

    addLabelsToLabelable: (args: unknown) => {
      const parsed = input(LabelsInput, args);
      const { repo, issue } = issueByNodeId(context, parsed.labelableId);
      need(
        context,
        "addLabelsToLabelable",
        issue.pull === undefined ? ["issues:write"] : ["issues:write", "pull_requests:write"],
      );
      const names = parsed.labelIds.map((id) => {
        const label = [...repo.labels.values()].find((candidate) => candidate.nodeId === id);
        if (label === undefined)
          throw githubError("NOT_FOUND", `Could not resolve to a node with the global id of '${id}'`);
        return label.name;
      });
      addLabels(state, repo, issue, caller.actor, names);
      const pull = issue.pull;
      return {
        clientMutationId: parsed.clientMutationId ?? null,
        labelable:
          pull === undefined
            ? { __typename: "Issue", id: issue.nodeId, number: issue.number }
            : pullRequestNode(context, repo, issue, pull),
      };
    },
  };
}

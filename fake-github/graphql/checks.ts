import { z } from "zod";
import type { Sha } from "../git/objects.js";
import type { App } from "../model/apps.js";
import type { CheckRun, CheckSuite } from "../model/checks.js";
import { fullName, type Repository } from "../model/repository.js";
import { iso, isoOrNull } from "../render/time.js";
import { connection, PageArgs } from "./connection.js";
import { need, type GqlObject, type GraphqlContext } from "./context.js";

/** `Commit.checkSuites` and `CheckSuite.checkRuns`, read from the same state as the REST checks API. */

const SuiteArgs = PageArgs.extend({
  filterBy: z.looseObject({ appId: z.number().int().nullish(), checkName: z.string().nullish() }).nullish(),
});

const RunArgs = PageArgs.extend({
  filterBy: z
    .looseObject({
      appId: z.number().int().nullish(),
      checkName: z.string().nullish(),
      checkType: z.enum(["ALL", "LATEST"]).nullish(),
      status: z.string().nullish(),
      statuses: z.array(z.string()).nullish(),
      conclusions: z.array(z.string()).nullish(),
    })
    .nullish(),
});

function appNode(app: App): GqlObject {
  return { __typename: "App", id: app.nodeId, databaseId: app.id, slug: app.slug, name: app.name };
}

function runNode(context: GraphqlContext, repo: Repository, run: CheckRun): GqlObject {
  const url = context.state.urls.repoHtml(fullName(repo), `/runs/${run.id}`);
  return {
    __typename: "CheckRun",
    id: run.nodeId,
    databaseId: run.id,
    name: run.name,
    status: run.status.toUpperCase(),
    conclusion: run.conclusion === null ? null : run.conclusion.toUpperCase(),
    externalId: run.externalId,
    detailsUrl: run.detailsUrl,
    title: run.output.title,
    summary: run.output.summary,
    text: run.output.text,
    startedAt: iso(run.startedAt),
    completedAt: isoOrNull(run.completedAt),
    url,
    permalink: url,
  };
}

function suiteNode(context: GraphqlContext, repo: Repository, suite: CheckSuite): GqlObject {
  return {
    __typename: "CheckSuite",
    id: suite.nodeId,
    databaseId: suite.id,
    status: suite.status.toUpperCase(),
    conclusion: suite.conclusion === null ? null : suite.conclusion.toUpperCase(),
    createdAt: iso(suite.createdAt),
    updatedAt: iso(suite.updatedAt),
    app: appNode(suite.app),
    checkRuns: (rawArgs: unknown) => {
      const args = RunArgs.parse(rawArgs ?? {});
      const filter = args.filterBy;
      const statuses = filter?.statuses ?? (filter?.status == null ? undefined : [filter.status]);
      let runs = [...repo.checkRuns.values()].filter(
        (run) =>
          run.suiteId === suite.id &&
          (filter?.appId == null || run.app.id === filter.appId) &&
          (filter?.checkName == null || run.name === filter.checkName) &&
          (statuses == null || statuses.includes(run.status.toUpperCase())) &&
          (filter?.conclusions == null ||
            (run.conclusion !== null && filter.conclusions.includes(run.conclusion.toUpperCase()))),
      );
      if (filter?.checkType === "LATEST") {
        const latest = new Map<string, CheckRun>();
        for (const run of runs) latest.set(run.name, run);
        runs = [...latest.values()];
      }
      return connection(runs, args, (run) => runNode(context, repo, run));
    },
  };
}

export function checkSuiteConnection(
  context: GraphqlContext,
  repo: Repository,
  sha: Sha,
  rawArgs: unknown,
): GqlObject {
  need(context, "Commit.checkSuites", ["checks:read"]);
  const args = SuiteArgs.parse(rawArgs ?? {});
  const filter = args.filterBy;
  const suites = [...repo.checkSuites.values()].filter(
    (suite) =>
      suite.headSha === sha &&
      (filter?.appId == null || suite.app.id === filter.appId) &&
      (filter?.checkName == null ||
        [...repo.checkRuns.values()].some(
          (run) => run.suiteId === suite.id && run.name === filter.checkName,
        )),
  );
  return connection(suites, args, (suite) => suiteNode(context, repo, suite));
}

import type { CommandName, Config } from "../config/schema.js";
import { authorise, requiredTeams, whoMay, type Commenter } from "../core/authorise.js";
import { ConfigError } from "../core/errors.js";
import { parseCommand, helpText, type Command } from "../core/commands.js";
import { code, escapeText } from "../core/markdown.js";
import { deployedVersions } from "../core/versions.js";
import type { GitHubRepo, HeadState } from "../github/port.js";
import type { ConfigCache } from "./config-cache.js";
import { readEnvironment } from "./environment-files.js";
import { freezeEnvironment, unfreezeEnvironment } from "./freeze-commands.js";
import type { Log } from "./log.js";
import { runPromotion, type PromoteOutcome } from "./promote.js";
import { runRollback, type RollbackOutcome } from "./rollback.js";
import { renderStatus, type StatusFacts } from "./status.js";

export interface CommentEvent {
  readonly commentId: number;
  readonly commentUrl: string;
  readonly body: string;
  readonly author: { readonly login: string; readonly type: string };
  /** The issue or PR the comment is on. */
  readonly number: number;
  readonly onPullRequest: boolean;
}

export interface CommandDeps {
  readonly configs: ConfigCache;
  readonly log: Log;
  readonly now: () => number;
  readonly appLogin: string;
  /** Extra facts for `/status` (gate requirement, recent refusals). */
  readonly statusFacts?: (repo: GitHubRepo, head: HeadState) => Promise<Omit<StatusFacts, "now">>;
}

export type CommandOutcome =
  | { readonly kind: "ignored"; readonly reason: string }
  | { readonly kind: "duplicate" }
  | { readonly kind: "refused"; readonly reason: string }
  | { readonly kind: "replied"; readonly command: string };

const ALL_COMMANDS: readonly CommandName[] = ["promote", "rollback", "freeze", "unfreeze", "status", "help"];

/**
 * A comment that may be a command:
 * 1. only a one-line comment starting with `/`, by a person, in a repository with a config, is read;
 * 2. the app's first reaction (👀) is the lock: GitHub keeps one reaction per user and kind, so a
 *    redelivered comment, or a second replica, finds it taken and does nothing;
 * 3. permission and team membership are read fresh from GitHub and checked against the config;
 * 4. the command runs, and the reply says what happened, with links.
 */
export async function handleComment(
  repo: GitHubRepo,
  event: CommentEvent,
  deps: CommandDeps,
): Promise<CommandOutcome> {
  const text = event.body.trim();
  if (!text.startsWith("/") || /[\r\n]/.test(text)) return { kind: "ignored", reason: "not a command" };
  if (event.author.type !== "User") return { kind: "ignored", reason: "comments by bots never run commands" };

  const head = await repo.readHead({ folders: [] });
  if (head.config === undefined) return { kind: "ignored", reason: "no config in this repository" };
  let config: Config;
  try {
    config = deps.configs.parse(head.config.sha, head.config.text);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    if ((await repo.reactToComment(event.commentId, "eyes")) === "exists") return { kind: "duplicate" };
    await reply(
      repo,
      event,
      `The Stagecoach config is invalid, so commands cannot run: ${escapeText(error.problems[0] === undefined ? error.message : `${error.problems[0].file}:${error.problems[0].line}: ${error.problems[0].message}`)}`,
    );
    return { kind: "refused", reason: "invalid config" };
  }

  const parsed = parseCommand(text, {
    environments: Object.keys(config.environments),
    apps: Object.keys(config.apps),
  });
  if (parsed.kind === "none") return { kind: "ignored", reason: "not a command" };
  if ((await repo.reactToComment(event.commentId, "eyes")) === "exists") return { kind: "duplicate" };
  if (parsed.kind === "error") {
    await repo.reactToComment(event.commentId, "confused");
    const suggestion = parsed.suggestion === undefined ? "" : ` Did you mean ${code(parsed.suggestion)}?`;
    const help =
      parsed.help === true
        ? `\n\n${helpText(ALL_COMMANDS, Object.fromEntries(ALL_COMMANDS.map((name) => [name, whoMay(name, config)])))}`
        : "";
    await reply(repo, event, `${escapeText(parsed.message)}.${suggestion}${help}`);
    return { kind: "refused", reason: parsed.message };
  }

  const command = parsed.command;
  const env = "env" in command ? command.env : undefined;
  const commenter = await commenterFacts(repo, config, command, event);
  const isForkPR =
    event.onPullRequest && (command.name === "promote" || command.name === "rollback")
      ? ((await repo.readPull(event.number))?.fromFork ?? false)
      : false;
  const verdict = authorise({
    command: command.name,
    config,
    ...(env !== undefined && { env }),
    commenter,
    repository: `${repo.id.owner}/${repo.id.name}`,
    isForkPR,
    isSelf: event.author.login === deps.appLogin,
  });
  if (!verdict.allowed) {
    await repo.reactToComment(event.commentId, "-1");
    await reply(repo, event, escapeText(verdict.reason));
    deps.log.info(
      { command: command.name, login: event.author.login, reason: verdict.reason },
      "command refused",
    );
    return { kind: "refused", reason: verdict.reason };
  }

  const answer = await run(repo, head, config, command, event, deps);
  await repo.reactToComment(event.commentId, answer.ok ? "+1" : "-1");
  await reply(repo, event, answer.text);
  deps.log.info({ command: command.name, login: event.author.login, ok: answer.ok }, "command handled");
  return { kind: "replied", command: command.name };
}

async function commenterFacts(
  repo: GitHubRepo,
  config: Config,
  command: Command,
  event: CommentEvent,
): Promise<Commenter> {
  const env = "env" in command ? command.env : undefined;
  const permission = await repo.permissionOf(event.author.login);
  const teams: string[] = [];
  for (const team of requiredTeams(command.name, config, env, event.author.login)) {
    const [org = "", slug = ""] = team.slice(1).split("/");
    if (await repo.isTeamMember(org, slug, event.author.login)) teams.push(team);
  }
  return {
    login: event.author.login,
    type: event.author.type === "User" ? "User" : "Bot",
    permission,
    teams,
  };
}

async function reply(repo: GitHubRepo, event: CommentEvent, text: string): Promise<void> {
  const quoted = `> ${event.body.trim().replace(/[\r\n]/g, " ")}`;
  await repo.comment(event.number, `${quoted}\n\n${text}`);
}

interface Answer {
  readonly ok: boolean;
  readonly text: string;
}

async function run(
  repo: GitHubRepo,
  head: HeadState,
  config: Config,
  command: Command,
  event: CommentEvent,
  deps: CommandDeps,
): Promise<Answer> {
  const login = event.author.login;
  switch (command.name) {
    case "help":
      return {
        ok: true,
        text: helpText(
          ALL_COMMANDS,
          Object.fromEntries(ALL_COMMANDS.map((name) => [name, whoMay(name, config)])),
        ),
      };
    case "status": {
      const extra = deps.statusFacts === undefined ? {} : await deps.statusFacts(repo, head);
      return { ok: true, text: await renderStatus(repo, head, config, { ...extra, now: deps.now() }) };
    }
    case "freeze": {
      const outcome = await freezeEnvironment(
        repo,
        {
          env: command.env,
          by: login,
          ...(command.reason !== undefined && { reason: command.reason }),
          commentUrl: event.commentUrl,
        },
        deps.now(),
      );
      return outcome.kind === "frozen"
        ? {
            ok: true,
            text: `❄️ ${code(command.env)} is frozen (#${outcome.issue}): no automatic PR into it opens and its approval gate stays red. ${code(`/unfreeze ${command.env}`)} lifts it.`,
          }
        : {
            ok: true,
            text: `${code(command.env)} is already frozen by ${code(outcome.by)} since ${new Date(outcome.since).toISOString()} (#${outcome.issue}).`,
          };
    }
    case "unfreeze": {
      const closed = await unfreezeEnvironment(repo, { env: command.env, by: login });
      const windows = config.environments[command.env]?.freeze?.length ?? 0;
      const note = windows > 0 ? ` Its freeze windows from the config still apply.` : "";
      return closed.length === 0
        ? { ok: false, text: `${code(command.env)} was not frozen by ${code("/freeze")}.${note}` }
        : {
            ok: true,
            text: `☀️ ${code(command.env)} is unfrozen (closed ${closed.map((issue) => `#${issue}`).join(", ")}).${note}`,
          };
    }
    case "promote":
      return promote(repo, head, config, command, event, deps);
    case "rollback": {
      const outcome = await runRollback(
        repo,
        {
          env: command.env,
          ...(command.app !== undefined && { app: command.app }),
          ...(command.version !== undefined && { version: command.version }),
          requestedBy: login,
          dryRun: command.dryRun,
        },
        deps,
      );
      return describeRollback(outcome);
    }
  }
}

async function promote(
  repo: GitHubRepo,
  head: HeadState,
  config: Config,
  command: Extract<Command, { name: "promote" }>,
  event: CommentEvent,
  deps: CommandDeps,
): Promise<Answer> {
  const target = command.env;
  const source = config.environments[target]?.from;
  if (source === undefined)
    return {
      ok: false,
      text: `${code(target)} is a first environment: image bumps land there, nothing is promoted into it.`,
    };
  if (command.app === undefined) {
    if (!event.onPullRequest) {
      return {
        ok: false,
        text: `Here, name what to promote: ${code(`/promote ${target} <app>[@<version>]`)}. On a merged PR, ${code(`/promote ${target}`)} promotes its change.`,
      };
    }
    const outcome = await runPromotion(
      repo,
      { target, sourcePull: event.number, requestedBy: event.author.login, dryRun: command.dryRun },
      deps,
    );
    return describePromotion(outcome, target);
  }
  // An app version: it must be what the predecessor runs now (no skipping stages).
  const { files } = await readEnvironment(repo, config, source, head.commitSha);
  const running = deployedVersions(config, source, files)[command.app];
  if (running?.tag === undefined)
    return {
      ok: false,
      text: `${code(source)} does not pin ${code(command.app)}, so there is nothing to promote from it.`,
    };
  if (command.version !== undefined && command.version !== running.tag) {
    return {
      ok: false,
      text: `${code(source)} runs ${code(`${command.app} ${running.tag}`)}, not ${code(command.version)}; a version reaches ${code(target)} only through ${code(source)}.`,
    };
  }
  const outcome = await runPromotion(
    repo,
    {
      target,
      intents: [
        {
          app: command.app,
          tag: running.tag,
          ...(running.digest !== undefined && { digest: running.digest }),
        },
      ],
      requestedBy: event.author.login,
      dryRun: command.dryRun,
    },
    deps,
  );
  return describePromotion(outcome, target);
}

function describePromotion(outcome: PromoteOutcome, target: string): Answer {
  switch (outcome.kind) {
    case "opened":
      return {
        ok: true,
        text: `🚀 Opened #${outcome.pull} to promote to ${code(target)}${outcome.superseded.length > 0 ? `; it supersedes ${outcome.superseded.map((number) => `#${number}`).join(", ")}` : ""}.`,
      };
    case "updated":
      return { ok: true, text: `🚀 Updated #${outcome.pull}, the promotion to ${code(target)}.` };
    case "proposed":
      return {
        ok: true,
        text: `#${outcome.pull} already proposes exactly this promotion to ${code(target)}.`,
      };
    case "dry-run":
      return {
        ok: true,
        text: `**Dry run** — nothing written. Stagecoach would open **${escapeText(outcome.content.title)}**:\n\n\`\`\`diff\n${outcome.diff.replace(/```/g, "` ` `")}\`\`\``,
      };
    case "nothing":
      return { ok: false, text: `Nothing to promote to ${code(target)}: ${escapeText(outcome.reason)}.` };
    case "refused":
      return { ok: false, text: `Not promoted: ${escapeText(outcome.reason)}.` };
  }
}

function describeRollback(outcome: RollbackOutcome): Answer {
  switch (outcome.kind) {
    case "opened":
    case "updated":
      return {
        ok: true,
        text: `⏪ ${outcome.kind === "opened" ? "Opened" : "Updated"} #${outcome.pull} to roll back ${outcome.versions.map((version) => `${code(version.app)} ${code(version.from)} → ${code(version.tag)}`).join(", ")}. Until someone promotes a newer version explicitly, automatic PRs leave it alone.`,
      };
    case "proposed":
      return { ok: true, text: `#${outcome.pull} already proposes this rollback.` };
    case "dry-run":
      return {
        ok: true,
        text: `**Dry run** — nothing written. Stagecoach would open **${escapeText(outcome.content.title)}**:\n\n\`\`\`diff\n${outcome.diff.replace(/```/g, "` ` `")}\`\`\``,
      };
    case "refused":
      return { ok: false, text: `Not rolled back: ${escapeText(outcome.reason)}.` };
  }
}

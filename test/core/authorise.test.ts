import { describe, expect, it } from "vitest";
import { Config, type CommandName } from "../../src/config/schema.js";
import {
  authorise,
  requiredTeams,
  whoMay,
  type Authorisation,
  type Commenter,
} from "../../src/core/authorise.js";

const config = Config.parse({
  environments: {
    dev: { path: "envs/dev" },
    prod: { path: "envs/prod", from: "dev", approvals: { required: 2, from: ["@acme/sre", "alice"] } },
  },
  commands: {
    rollback: { allow: ["@acme/release-managers"] },
    freeze: { permission: "maintain" },
    status: { allow: [] },
  },
});

const writer: Commenter = { login: "bob", type: "User", permission: "write", teams: [] };

describe("authorise", () => {
  const cases: {
    name: string;
    command: CommandName;
    env?: string;
    commenter?: Partial<Commenter>;
    isForkPR?: boolean;
    isSelf?: boolean;
    expected: Authorisation;
  }[] = [
    {
      name: "a writer may promote into an environment without approvers",
      command: "promote",
      env: "dev",
      expected: { allowed: true },
    },
    {
      name: "a reader may not promote, and is told what they lack",
      command: "promote",
      env: "dev",
      commenter: { permission: "read" },
      expected: { allowed: false, reason: "@bob needs write permission on acme/config (has read)" },
    },
    {
      name: "someone without access is told they have none",
      command: "help",
      commenter: { permission: "none" },
      expected: { allowed: false, reason: "@bob needs read permission on acme/config (has none)" },
    },
    {
      name: "a reader may ask for /help",
      command: "help",
      commenter: { permission: "read" },
      expected: { allowed: true },
    },
    {
      name: "a bot never runs commands, even as admin",
      command: "help",
      commenter: { login: "renovate[bot]", type: "Bot", permission: "admin" },
      expected: { allowed: false, reason: "@renovate[bot] is a bot; bots cannot run commands" },
    },
    {
      name: "the app ignores its own comments",
      command: "status",
      commenter: { permission: "admin" },
      isSelf: true,
      expected: { allowed: false, reason: "Stagecoach does not act on its own comments" },
    },
    {
      name: "a fork PR never promotes, even for an admin",
      command: "promote",
      env: "dev",
      commenter: { permission: "admin" },
      isForkPR: true,
      expected: { allowed: false, reason: "/promote cannot be run on a pull request from a fork" },
    },
    {
      name: "a fork PR never rolls back",
      command: "rollback",
      env: "prod",
      commenter: { permission: "admin", teams: ["@acme/release-managers"] },
      isForkPR: true,
      expected: { allowed: false, reason: "/rollback cannot be run on a pull request from a fork" },
    },
    {
      name: "a fork PR may still carry /unfreeze by an allowed writer",
      command: "unfreeze",
      env: "dev",
      isForkPR: true,
      expected: { allowed: true },
    },
    {
      name: "promoting into prod needs one of prod's approvers",
      command: "promote",
      env: "prod",
      expected: { allowed: false, reason: "only @acme/sre or @alice may /promote into prod" },
    },
    {
      name: "a listed user may promote into prod, whatever the case",
      command: "promote",
      env: "prod",
      commenter: { login: "Alice" },
      expected: { allowed: true },
    },
    {
      name: "a member of a listed team may promote into prod",
      command: "promote",
      env: "prod",
      commenter: { teams: ["@ACME/SRE"] },
      expected: { allowed: true },
    },
    {
      name: "an approver still needs the permission",
      command: "promote",
      env: "prod",
      commenter: { login: "alice", permission: "triage" },
      expected: { allowed: false, reason: "@alice needs write permission on acme/config (has triage)" },
    },
    {
      name: "commands.allow replaces the environment's approvers",
      command: "rollback",
      env: "prod",
      commenter: { login: "alice", teams: ["@acme/sre"] },
      expected: { allowed: false, reason: "only @acme/release-managers may /rollback" },
    },
    {
      name: "a member of commands.allow may roll back",
      command: "rollback",
      env: "prod",
      commenter: { teams: ["@acme/release-managers"] },
      expected: { allowed: true },
    },
    {
      name: "commands.permission raises the bar",
      command: "freeze",
      env: "dev",
      expected: { allowed: false, reason: "@bob needs maintain permission on acme/config (has write)" },
    },
    {
      name: "a maintainer may freeze",
      command: "freeze",
      env: "dev",
      commenter: { permission: "maintain" },
      expected: { allowed: true },
    },
    {
      name: "freezing prod also needs prod's approvers",
      command: "freeze",
      env: "prod",
      commenter: { permission: "admin" },
      expected: { allowed: false, reason: "only @acme/sre or @alice may /freeze into prod" },
    },
    {
      name: "an empty allow list disables the command",
      command: "status",
      commenter: { permission: "admin" },
      expected: { allowed: false, reason: "nobody may /status (commands.status.allow is empty)" },
    },
  ];

  it.each(cases)("$name", ({ command, env, commenter, isForkPR, isSelf, expected }) => {
    const result = authorise({
      command,
      config,
      ...(env === undefined ? {} : { env }),
      commenter: { ...writer, ...commenter },
      repository: "acme/config",
      isForkPR: isForkPR ?? false,
      isSelf: isSelf ?? false,
    });
    expect(result).toEqual(expected);
  });
});

describe("requiredTeams", () => {
  it.each([
    {
      name: "prod's approver teams for /promote prod",
      command: "promote" as const,
      env: "prod",
      expected: ["@acme/sre"],
    },
    {
      name: "none when the commenter is listed by login",
      command: "promote" as const,
      env: "prod",
      login: "ALICE",
      expected: [],
    },
    {
      name: "none for an environment without approvers",
      command: "promote" as const,
      env: "dev",
      expected: [],
    },
    {
      name: "the allow list's teams for /rollback",
      command: "rollback" as const,
      env: "prod",
      expected: ["@acme/release-managers"],
    },
    { name: "none for /help", command: "help" as const, expected: [] },
  ])("$name", ({ command, env, login, expected }) => {
    expect(requiredTeams(command, config, env, login)).toEqual(expected);
  });
});

describe("whoMay", () => {
  it.each([
    {
      command: "promote" as const,
      expected: { permission: "write", approvers: { prod: ["@acme/sre", "alice"] } },
    },
    { command: "rollback" as const, expected: { permission: "write", allow: ["@acme/release-managers"] } },
    {
      command: "freeze" as const,
      expected: { permission: "maintain", approvers: { prod: ["@acme/sre", "alice"] } },
    },
    { command: "help" as const, expected: { permission: "read" } },
  ])("/$command", ({ command, expected }) => {
    expect(whoMay(command, config)).toEqual(expected);
  });
});

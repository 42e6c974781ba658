import { describe, expect, it } from "vitest";
import { COMMAND_NAMES, Config } from "../../src/config/schema.js";
import { whoMay } from "../../src/core/authorise.js";
import { COMMAND_USAGE, helpText, parseCommand, type Command } from "../../src/core/commands.js";

const context = { environments: ["dev", "test", "prod"], apps: ["api", "web"] };

describe("parseCommand: comments that are not commands", () => {
  it.each([
    { name: "ordinary conversation", body: "thanks, /promote prod when ready" },
    { name: "a quoted reply", body: "> /promote prod\n\nwhy?" },
    { name: "a quoted command alone", body: "> /promote prod" },
    { name: "a command followed by more lines", body: "/promote prod\nplease" },
    { name: "a command followed by blank lines and text (CRLF)", body: "/promote prod\r\n\r\nthanks" },
    { name: "an empty comment", body: "   " },
    { name: "a path", body: "/etc/hosts is broken" },
    { name: "a slash and a space", body: "/ promote prod" },
    { name: "a lone slash", body: "/" },
  ])("$name", ({ body }) => {
    expect(parseCommand(body, context)).toEqual({ kind: "none" });
  });
});

describe("parseCommand: commands", () => {
  const cases: { body: string; command: Command }[] = [
    { body: "/promote prod", command: { name: "promote", env: "prod", dryRun: false } },
    { body: "  /PROMOTE Prod \n", command: { name: "promote", env: "prod", dryRun: false } },
    { body: "/promote prod --dry-run", command: { name: "promote", env: "prod", dryRun: true } },
    { body: "/promote --dry-run prod", command: { name: "promote", env: "prod", dryRun: true } },
    { body: "/promote prod api", command: { name: "promote", env: "prod", app: "api", dryRun: false } },
    {
      body: "/promote prod api@1.4.0",
      command: { name: "promote", env: "prod", app: "api", version: "1.4.0", dryRun: false },
    },
    {
      body: "/promote test WEB@main-42-abc1234 --dry-run",
      command: { name: "promote", env: "test", app: "web", version: "main-42-abc1234", dryRun: true },
    },
    {
      body: "/promote prod api@v1.4.0+build.5",
      command: { name: "promote", env: "prod", app: "api", version: "v1.4.0+build.5", dryRun: false },
    },
    { body: "/rollback prod", command: { name: "rollback", env: "prod", dryRun: false } },
    { body: "/rollback prod api", command: { name: "rollback", env: "prod", app: "api", dryRun: false } },
    {
      body: "/rollback prod api to 1.3.0",
      command: { name: "rollback", env: "prod", app: "api", version: "1.3.0", dryRun: false },
    },
    {
      body: "/rollback prod TO 1.3.0",
      command: { name: "rollback", env: "prod", version: "1.3.0", dryRun: false },
    },
    {
      body: "/rollback prod api@1.3.0 --dry-run",
      command: { name: "rollback", env: "prod", app: "api", version: "1.3.0", dryRun: true },
    },
    { body: "/freeze prod", command: { name: "freeze", env: "prod" } },
    {
      body: "/freeze prod   incident  #123: db   failover ",
      command: { name: "freeze", env: "prod", reason: "incident  #123: db   failover" },
    },
    { body: "/unfreeze prod", command: { name: "unfreeze", env: "prod" } },
    { body: "/status", command: { name: "status" } },
    { body: "/Help", command: { name: "help" } },
  ];
  it.each(cases)("$body", ({ body, command }) => {
    expect(parseCommand(body, context)).toEqual({ kind: "command", command });
  });
});

describe("parseCommand: errors with did-you-mean", () => {
  const cases: { body: string; message: RegExp; suggestion?: string; help?: true }[] = [
    { body: "/promot prod", message: /^unknown command \/promot$/, suggestion: "/promote prod" },
    { body: "/stauts", message: /unknown command/, suggestion: "/status" },
    { body: "/ROLBACK prod api", message: /unknown command/, suggestion: "/rollback prod api" },
    { body: "/deploy prod", message: /^unknown command \/deploy$/, help: true },
    { body: "/promote", message: /^missing environment; usage: \/promote <env>/ },
    { body: "/promote prd", message: /^unknown environment "prd"$/, suggestion: "/promote prod" },
    {
      body: "/promote staging",
      message: /^unknown environment "staging" \(environments: dev, test, prod\)$/,
    },
    { body: "/promote Prod_!", message: /is not a valid environment name/ },
    { body: "/promote prod apu", message: /^unknown app "apu"$/, suggestion: "/promote prod api" },
    { body: "/promote prod api@1.4.0;rm", message: /"1\.4\.0;rm" is not a valid version/ },
    { body: "/promote prod api@", message: /"" is not a valid version/ },
    { body: `/promote prod api@${"1".repeat(129)}`, message: /is not a valid version/ },
    { body: "/promote prod api:1.4.0", message: /after "@", not ":"/, suggestion: "/promote prod api@1.4.0" },
    { body: "/promote prod api 1.4.0", message: /<app>@<version>/, suggestion: "/promote prod api@1.4.0" },
    { body: "/promote api prod", message: /environment comes first/, suggestion: "/promote prod api" },
    {
      body: "/promote prod api extra words",
      message: /^unexpected "extra"/,
      suggestion: "/promote prod api",
    },
    {
      body: "/promote prod --dryrun",
      message: /unknown option --dryrun/,
      suggestion: "/promote prod --dry-run",
    },
    { body: "/promote prod --force", message: /unknown option --force/ },
    { body: "/rollback prod api to", message: /missing version after "to"/ },
    {
      body: "/rollback prod api to 1.3.0 now",
      message: /unexpected "now"/,
      suggestion: "/rollback prod api to 1.3.0",
    },
    {
      body: "/rollback prod api@1.3.0 to 1.2.0",
      message: /unexpected "to"/,
      suggestion: "/rollback prod api@1.3.0",
    },
    { body: "/rollback prd", message: /unknown environment/, suggestion: "/rollback prod" },
    { body: "/freeze", message: /missing environment/ },
    {
      body: "/freeze prdo db failover",
      message: /unknown environment/,
      suggestion: "/freeze prod db failover",
    },
    { body: `/freeze prod ${"x".repeat(201)}`, message: /longer than 200 characters/ },
    { body: "/unfreeze prod now", message: /unexpected "now"/, suggestion: "/unfreeze prod" },
    { body: "/status please", message: /^\/status takes no arguments$/ },
  ];
  it.each(cases)("$body", ({ body, message, suggestion, help }) => {
    const result = parseCommand(body, context);
    if (result.kind !== "error") throw new Error(`expected an error, got ${JSON.stringify(result)}`);
    expect(result.message).toMatch(message);
    expect(result.suggestion).toBe(suggestion);
    expect(result.help).toBe(help);
  });

  it("lists no names when none are configured", () => {
    expect(parseCommand("/promote prod api", { environments: ["prod"], apps: [] })).toMatchObject({
      kind: "error",
      message: 'unknown app "api" (no apps are configured)',
    });
  });
});

describe("COMMAND_USAGE", () => {
  it.each(COMMAND_NAMES)("has a usage line for /%s that starts with the command", (name) => {
    expect(COMMAND_USAGE[name].length).toBeGreaterThan(0);
    for (const entry of COMMAND_USAGE[name]) expect(entry.usage.startsWith(`/${name}`)).toBe(true);
  });
});

describe("helpText", () => {
  const config = Config.parse({
    environments: {
      dev: { path: "envs/dev" },
      prod: { path: "envs/prod", from: "dev", approvals: { required: 2, from: ["@acme/sre", "alice"] } },
    },
    commands: { rollback: { allow: ["@acme/release-managers"] } },
  });
  const text = helpText(["promote", "rollback", "status"], {
    promote: whoMay("promote", config),
    rollback: whoMay("rollback", config),
    status: whoMay("status", config),
  });

  it.each([
    { name: "lists both forms of /promote", fragment: "`/promote <env> <app>[@<version>] [--dry-run]`" },
    {
      name: "says who may roll back",
      fragment: "write permission or more; and one of `@acme/release-managers`",
    },
    { name: "says who may promote into prod", fragment: "into `prod`: one of `@acme/sre`, `alice`" },
    { name: "lets readers run /status", fragment: "| `/status` | Versions per environment" },
  ])("$name", ({ fragment }) => {
    expect(text).toContain(fragment);
  });

  it("leaves out the commands not asked for", () => {
    expect(text).not.toContain("/freeze");
  });

  it("never mentions a team or user outside code (no notifications)", () => {
    expect(text.replace(/`[^`]*`/g, "")).not.toContain("@");
  });
});

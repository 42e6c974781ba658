import { AppName, COMMAND_NAMES, EnvironmentName, type CommandName } from "../config/schema.js";
import type { Who } from "./authorise.js";
import { code } from "./markdown.js";
import { suggest } from "./suggest.js";

/**
 * Comment commands: `/promote prod`, `/rollback prod api to 1.3.0`, … A command is a comment whose whole
 * trimmed body is one line starting with `/`; anything else is conversation and is left alone.
 */

export type Command =
  | {
      readonly name: "promote";
      readonly env: string;
      /** Absent: promote the change of the merged pull request the comment is on. */
      readonly app?: string;
      readonly version?: string;
      readonly dryRun: boolean;
    }
  | {
      readonly name: "rollback";
      readonly env: string;
      readonly app?: string;
      /** Absent: the version before the current one. */
      readonly version?: string;
      readonly dryRun: boolean;
    }
  | { readonly name: "freeze"; readonly env: string; readonly reason?: string }
  | { readonly name: "unfreeze"; readonly env: string }
  | { readonly name: "status" }
  | { readonly name: "help" };

export type ParseResult =
  | { readonly kind: "none" }
  | { readonly kind: "command"; readonly command: Command }
  | {
      readonly kind: "error";
      /** Plain text that may quote the comment: escape it before putting it into Markdown. */
      readonly message: string;
      /** The whole command line, corrected, for "did you mean …?". */
      readonly suggestion?: string;
      /** The command word is not known at all: reply with short help. */
      readonly help?: true;
    };

/** The names commands may refer to, from the config. */
export interface CommandContext {
  readonly environments: readonly string[];
  readonly apps: readonly string[];
}

export interface CommandUsage {
  readonly usage: string;
  /** Markdown. */
  readonly summary: string;
}

/** How each command is written, for parse errors and `/help`. */
export const COMMAND_USAGE: Readonly<Record<CommandName, readonly CommandUsage[]>> = {
  promote: [
    {
      usage: "/promote <env> [--dry-run]",
      summary: "On a merged pull request: carry its change to `<env>`.",
    },
    {
      usage: "/promote <env> <app>[@<version>] [--dry-run]",
      summary: "Promote `<app>` (its current or the given version) from the environment before `<env>`.",
    },
  ],
  rollback: [
    {
      usage: "/rollback <env> [<app>] [to <version>] [--dry-run]",
      summary: "Put `<env>` back to the previous (or the given) version.",
    },
  ],
  freeze: [{ usage: "/freeze <env> [reason…]", summary: "Stop merges into `<env>` until `/unfreeze`." }],
  unfreeze: [
    { usage: "/unfreeze <env>", summary: "Lift a `/freeze`; scheduled freeze windows still apply." },
  ],
  status: [{ usage: "/status", summary: "Versions per environment, open promotions, gates and freezes." }],
  help: [{ usage: "/help", summary: "This help." }],
};

const VERSION = /^[\w][\w.+-]{0,127}$/;
/** A command word; anything else after `/` (a path, a smiley) is not meant as a command. */
const WORD = /^[a-z][a-z0-9_-]*$/i;
const DRY_RUN = "--dry-run";
const MAX_REASON = 200;

const NONE: ParseResult = { kind: "none" };

function usageOf(name: CommandName): string {
  return COMMAND_USAGE[name].map((entry) => entry.usage).join(" or ");
}

function isCommandName(word: string): word is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(word);
}

/** A step of parsing that either produced a value or the error to report. */
type Step<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ParseResult };

export function parseCommand(body: string, context: CommandContext): ParseResult {
  const text = body.trim();
  if (!text.startsWith("/") || /[\r\n]/.test(text)) return NONE;
  const match = /^\/(\S*)(?:\s+(.*))?$/.exec(text);
  const word = match?.[1] ?? "";
  const rest = match?.[2] ?? "";
  if (!WORD.test(word)) return NONE;

  const name = word.toLowerCase();
  const tokens = rest === "" ? [] : rest.split(/\s+/);
  if (!isCommandName(name)) {
    const close = suggest(name, COMMAND_NAMES);
    if (close === undefined) return { kind: "error", message: `unknown command /${word}`, help: true };
    return { kind: "error", message: `unknown command /${word}`, suggestion: line(close, tokens) };
  }
  const parser = new ArgumentParser(name, tokens, context);
  switch (name) {
    case "promote":
      return parser.promote();
    case "rollback":
      return parser.rollback();
    case "freeze":
      return parser.freeze(rest);
    case "unfreeze":
      return parser.unfreeze();
    case "status":
    case "help":
      return tokens.length === 0
        ? { kind: "command", command: { name } }
        : parser.fail(`/${name} takes no arguments`, []);
  }
}

function line(name: string, tokens: readonly string[]): string {
  return [`/${name}`, ...tokens].join(" ");
}

/** Parses the words after one command word; errors carry the line with the offending word corrected. */
class ArgumentParser {
  constructor(
    private readonly name: CommandName,
    private readonly tokens: readonly string[],
    private readonly context: CommandContext,
  ) {}

  fail(
    message: string,
    corrections: readonly (readonly [index: number, replacement: string[]])[],
  ): ParseResult {
    if (corrections.length === 0) return { kind: "error", message };
    const replaced = new Map(corrections);
    const corrected = this.tokens.flatMap((token, index) => replaced.get(index) ?? [token]);
    return { kind: "error", message, suggestion: line(this.name, corrected) };
  }

  private usage(problem: string): ParseResult {
    return this.fail(`${problem}; usage: ${usageOf(this.name)}`, []);
  }

  /** Splits off `--dry-run` (anywhere after the command word); other options are errors. */
  private options(): Step<{ dryRun: boolean; positional: { token: string; index: number }[] }> {
    let dryRun = false;
    const positional: { token: string; index: number }[] = [];
    for (const [index, token] of this.tokens.entries()) {
      if (!token.startsWith("-")) {
        positional.push({ token, index });
      } else if (token.toLowerCase() === DRY_RUN) {
        dryRun = true;
      } else {
        const close = suggest(token, [DRY_RUN]);
        return {
          ok: false,
          error: this.fail(`unknown option ${token}`, close === undefined ? [] : [[index, [close]]]),
        };
      }
    }
    return { ok: true, value: { dryRun, positional } };
  }

  private known(
    kind: "environment" | "app",
    token: string,
    index: number,
    names: readonly string[],
  ): Step<string> {
    const lower = token.toLowerCase();
    const canonical = names.find((name) => name.toLowerCase() === lower);
    if (canonical !== undefined) return { ok: true, value: canonical };
    const close = suggest(token, names);
    const valid = (kind === "environment" ? EnvironmentName : AppName).safeParse(lower).success;
    const problem = valid ? `unknown ${kind} "${token}"` : `"${token}" is not a valid ${kind} name`;
    if (close !== undefined) return { ok: false, error: this.fail(problem, [[index, [close]]]) };
    const listing = names.length === 0 ? `no ${kind}s are configured` : `${kind}s: ${names.join(", ")}`;
    return { ok: false, error: this.fail(`${problem} (${listing})`, []) };
  }

  private version(token: string): Step<string> {
    if (VERSION.test(token)) return { ok: true, value: token };
    return {
      ok: false,
      error: this.fail(
        `"${token}" is not a valid version (letters, digits, '.', '_', '+', '-'; at most 128 characters)`,
        [],
      ),
    };
  }

  /** `<app>` or `<app>@<version>`. */
  private appSpec(token: string, index: number): Step<{ app: string; version?: string }> {
    const at = token.indexOf("@");
    const colon = token.indexOf(":");
    if (at === -1 && colon > 0) {
      // `api:1.4.0` is how images are written; commands use `api@1.4.0`.
      const fixed = `${token.slice(0, colon)}@${token.slice(colon + 1)}`;
      return { ok: false, error: this.fail(`write the version after "@", not ":"`, [[index, [fixed]]]) };
    }
    const name = at === -1 ? token : token.slice(0, at);
    const app = this.known("app", name, index, this.context.apps);
    if (!app.ok) return app;
    if (at === -1) return { ok: true, value: { app: app.value } };
    const version = this.version(token.slice(at + 1));
    if (!version.ok) return version;
    return { ok: true, value: { app: app.value, version: version.value } };
  }

  private environment(positional: readonly { token: string; index: number }[]): Step<string> {
    const first = positional[0];
    if (first === undefined) return { ok: false, error: this.usage("missing environment") };
    return this.known("environment", first.token, first.index, this.context.environments);
  }

  promote(): ParseResult {
    const options = this.options();
    if (!options.ok) return options.error;
    const { dryRun, positional } = options.value;
    const [first, second, third, ...extra] = positional;

    // `/promote api prod`: the words in the wrong order.
    if (first !== undefined && second !== undefined && third === undefined) {
      const isApp = (token: string): boolean =>
        this.context.apps.includes(token.split("@")[0]?.toLowerCase() ?? "");
      const isEnv = (token: string): boolean => this.context.environments.includes(token.toLowerCase());
      if (!isEnv(first.token) && isApp(first.token) && isEnv(second.token)) {
        return this.fail("the environment comes first", [
          [first.index, [second.token]],
          [second.index, [first.token]],
        ]);
      }
    }
    const env = this.environment(positional);
    if (!env.ok) return env.error;
    // `/promote prod api 1.4.0`: a version without its "@".
    if (second !== undefined && third !== undefined && extra.length === 0 && !second.token.includes("@")) {
      if (VERSION.test(third.token) && /\d/.test(third.token)) {
        return this.fail(`unexpected "${third.token}"; write a version as <app>@<version>`, [
          [second.index, [`${second.token}@${third.token}`]],
          [third.index, []],
        ]);
      }
    }
    if (third !== undefined) return this.unexpected(third.token, [third, ...extra]);
    const command = { name: "promote" as const, env: env.value, dryRun };
    if (second === undefined) return { kind: "command", command };
    const spec = this.appSpec(second.token, second.index);
    if (!spec.ok) return spec.error;
    return {
      kind: "command",
      command: {
        ...command,
        app: spec.value.app,
        ...(spec.value.version === undefined ? {} : { version: spec.value.version }),
      },
    };
  }

  rollback(): ParseResult {
    const options = this.options();
    if (!options.ok) return options.error;
    const { dryRun, positional } = options.value;
    const env = this.environment(positional);
    if (!env.ok) return env.error;

    let rest = positional.slice(1);
    let spec: { app?: string; version?: string } = {};
    const head = rest[0];
    if (head !== undefined && head.token.toLowerCase() !== "to") {
      // `api@1.3.0` is accepted too: it says the same as `api to 1.3.0`.
      const parsed = this.appSpec(head.token, head.index);
      if (!parsed.ok) return parsed.error;
      spec = parsed.value;
      rest = rest.slice(1);
    }
    const to = rest[0];
    if (to !== undefined && to.token.toLowerCase() === "to" && spec.version === undefined) {
      const target = rest[1];
      if (target === undefined) return this.usage(`missing version after "to"`);
      const version = this.version(target.token);
      if (!version.ok) return version.error;
      spec = { ...spec, version: version.value };
      rest = rest.slice(2);
    }
    const extra = rest[0];
    if (extra !== undefined) return this.unexpected(extra.token, rest);
    return {
      kind: "command",
      command: {
        name: "rollback",
        env: env.value,
        dryRun,
        ...(spec.app === undefined ? {} : { app: spec.app }),
        ...(spec.version === undefined ? {} : { version: spec.version }),
      },
    };
  }

  /** `/freeze <env> [reason…]`: everything after the environment is the reason, as written. */
  freeze(rest: string): ParseResult {
    const first = this.tokens[0];
    if (first === undefined) return this.usage("missing environment");
    const env = this.known("environment", first, 0, this.context.environments);
    if (!env.ok) return env.error;
    // `rest` starts with the environment; the reason keeps the spacing it was written with.
    const reason = rest.slice(first.length).trim();
    if (reason.length > MAX_REASON)
      return this.fail(`the reason is longer than ${MAX_REASON} characters`, []);
    return {
      kind: "command",
      command: { name: "freeze", env: env.value, ...(reason === "" ? {} : { reason }) },
    };
  }

  unfreeze(): ParseResult {
    const [first, ...extra] = this.tokens;
    if (first === undefined) return this.usage("missing environment");
    const env = this.known("environment", first, 0, this.context.environments);
    if (!env.ok) return env.error;
    if (extra.length > 0) {
      return this.unexpected(
        extra[0] ?? "",
        extra.map((token, offset) => ({ token, index: offset + 1 })),
      );
    }
    return { kind: "command", command: { name: "unfreeze", env: env.value } };
  }

  private unexpected(token: string, extra: readonly { index: number }[]): ParseResult {
    return this.fail(
      `unexpected "${token}"; usage: ${usageOf(this.name)}`,
      extra.map(({ index }) => [index, []] as const),
    );
  }
}

/**
 * Markdown for `/help`: the commands listed in `commands` (say, those the asker may run), each with who
 * may run it. Principals are shown as code so that the help does not notify whole teams.
 */
export function helpText(
  commands: readonly CommandName[],
  who: Readonly<Partial<Record<CommandName, Who>>> = {},
): string {
  const rows = commands.flatMap((name) =>
    COMMAND_USAGE[name].map(
      (entry) => `| ${code(entry.usage)} | ${entry.summary} | ${describeWho(who[name])} |`,
    ),
  );
  return [
    "**Stagecoach commands**",
    "",
    "| command | what it does | who may run it |",
    "| --- | --- | --- |",
    ...rows,
  ].join("\n");
}

function describeWho(who: Who | undefined): string {
  if (who === undefined) return "";
  const parts = [`${who.permission} permission or more`];
  const names = (principals: readonly string[]): string => principals.map((p) => code(p)).join(", ");
  if (who.allow !== undefined) {
    parts.push(who.allow.length === 0 ? "nobody (disabled)" : `and one of ${names(who.allow)}`);
  }
  for (const [env, principals] of Object.entries(who.approvers ?? {})) {
    parts.push(`into ${code(env)}: one of ${names(principals)}`);
  }
  return parts.join("; ");
}

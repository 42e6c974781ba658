import { RE2JS } from "re2js";
import isSafeRegex from "safe-regex2";

/**
 * Regular expressions written by users (tag patterns) run on RE2 (re2js), which matches in linear time:
 * no input can make it backtrack. Patterns are still refused when they nest quantifiers, because such a
 * pattern is catastrophic in every backtracking engine the same user may paste it into, and it is never
 * needed to describe a tag.
 */

const MAX_PATTERN_LENGTH = 500;

export interface UserRegexMatch {
  /** Named capture groups that took part in the match. */
  readonly groups: Readonly<Record<string, string>>;
  /** Numbered capture groups, 1-based positions at index 0.. (undefined when a group did not take part). */
  readonly captures: readonly (string | undefined)[];
}

export interface UserRegex {
  readonly source: string;
  readonly groupNames: readonly string[];
  /** Full match (the whole tag must match), or `undefined`. */
  match(text: string): UserRegexMatch | undefined;
}

/** Why a pattern cannot be used, or `undefined` when it can. */
export function checkUserPattern(pattern: string): string | undefined {
  if (pattern.length === 0) return "must not be empty";
  if (pattern.length > MAX_PATTERN_LENGTH) return `must be at most ${MAX_PATTERN_LENGTH} characters`;
  try {
    RE2JS.compile(pattern);
  } catch (error) {
    const detail =
      error instanceof Error ? error.message.replace(/^error parsing regexp: /, "") : String(error);
    return `is not a valid regular expression (RE2 syntax: no lookaround or backreferences): ${detail}`;
  }
  if (!isSafeRegex(forSafetyCheck(pattern), { limit: Number.POSITIVE_INFINITY })) {
    return "nests quantifiers (like (a+)+), which backtracks catastrophically; simplify it";
  }
  return undefined;
}

/**
 * safe-regex2 reads JavaScript syntax and answers "unsafe" for anything it cannot parse, so RE2's
 * `(?P<name>` and inline flags (`(?i)`, `(?i:…)`) are rewritten first; neither changes how quantifiers
 * nest. It also counts `?` as a quantifier, which would refuse the everyday optional suffix
 * `(?:-rc\.\d+)?`; a group taken at most once cannot backtrack catastrophically, so that `?` is dropped.
 * Its repetition budget (25 quantifiers) is lifted: RE2 runs in linear time whatever the count, and the
 * only shape refused is nesting.
 */
function forSafetyCheck(pattern: string): string {
  return pattern
    .replaceAll("(?P<", "(?<")
    .replace(/\(\?[imsU-]+\)/g, "")
    .replace(/\(\?[imsU-]+:/g, "(?:")
    .replace(/\)\?\??/g, ")");
}

/** Compiles a pattern that `checkUserPattern` accepted; throws otherwise. */
export function compileUserPattern(pattern: string): UserRegex {
  const problem = checkUserPattern(pattern);
  if (problem !== undefined) throw new Error(`pattern ${JSON.stringify(pattern)} ${problem}`);
  const compiled = RE2JS.compile(pattern);
  const named = compiled.namedGroups();
  const groupNames = Object.keys(named);
  return {
    source: pattern,
    groupNames,
    match(text) {
      const matcher = compiled.matcher(text);
      if (!matcher.matches()) return undefined;
      const captures: (string | undefined)[] = [];
      for (let index = 1; index <= compiled.groupCount(); index++) {
        const value: unknown = matcher.group(index);
        captures.push(typeof value === "string" ? value : undefined);
      }
      const groups: Record<string, string> = {};
      for (const [name, index] of Object.entries(named)) {
        const value = captures[index - 1];
        if (value !== undefined) groups[name] = value;
      }
      return { groups, captures };
    },
  };
}

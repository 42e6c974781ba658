import { describe, expect, it } from "vitest";
import { checkUserPattern, compileUserPattern } from "../../src/core/user-regex.js";

const NESTED = "nests quantifiers (like (a+)+), which backtracks catastrophically; simplify it";

describe("checkUserPattern", () => {
  it.each([
    ["a named group (JavaScript spelling)", String.raw`^main-(?<build>\d+)-[0-9a-f]{7}$`],
    ["a named group (RE2 spelling)", String.raw`^main-(?P<build>\d+)$`],
    ["an optional suffix group", String.raw`^v?\d+\.\d+\.\d+(?:-rc\.\d+)?$`],
    ["an optional group holding a named capture", String.raw`^build(?:-(?<n>\d+))?$`],
    ["a lazy optional group", "^(a+)??$"],
    ["a leading inline flag", String.raw`(?i)^main-\d+$`],
    ["a scoped inline flag", String.raw`^(?i:main)-\d+$`],
    ["several inline flags", "(?im)^a$"],
    ["a Unicode class", String.raw`^\pL+$`],
    ["a POSIX class", "^[[:alnum:]]+$"],
    ["more than 25 quantifiers without nesting", `^${Array.from({ length: 26 }, () => "[a-z]+").join("-")}$`],
  ])("accepts %s", (_what, pattern) => {
    expect(checkUserPattern(pattern)).toBeUndefined();
  });

  it.each([
    ["an empty pattern", "", "must not be empty"],
    ["a pattern over 500 characters", "a".repeat(501), "must be at most 500 characters"],
    ["(a+)+", "(a+)+", NESTED],
    ["(a+)*", "(a+)*", NESTED],
    ["(?:a*)*", "(?:a*)*", NESTED],
    ["nesting hidden behind an optional group", "((a+)?)+", NESTED],
    ["nesting inside an inline-flag group", "(?i:(a+)+)", NESTED],
    ["nesting after a leading inline flag", "(?i)(a*)*", NESTED],
    ["alternation under a quantifier with a quantified branch", String.raw`(\d+|x)+`, NESTED],
  ])("refuses %s", (_what, pattern, problem) => {
    expect(checkUserPattern(pattern)).toBe(problem);
  });

  it.each([
    ["a lookahead", "^a(?=b)"],
    ["a backreference", String.raw`^(a)\1$`],
    ["an unclosed group", "^(a"],
  ])("refuses %s as not RE2", (_what, pattern) => {
    expect(checkUserPattern(pattern)).toMatch(
      /^is not a valid regular expression \(RE2 syntax: no lookaround or backreferences\): /,
    );
  });
});

describe("compileUserPattern", () => {
  it("throws on a pattern checkUserPattern refuses, naming the problem", () => {
    expect(() => compileUserPattern("(a+)+")).toThrow(`pattern "(a+)+" ${NESTED}`);
  });

  it("lists named groups in the order they appear", () => {
    expect(compileUserPattern("(?<b>x)(?P<a>y)(z)(?<c>w)").groupNames).toEqual(["b", "a", "c"]);
  });

  it.each([
    ["the whole tag matching", String.raw`main-\d+`, "main-42", true],
    ["a prefix only", String.raw`main-\d+`, "main-42-dirty", false],
    ["a suffix only", String.raw`main-\d+`, "x-main-42", false],
    ["an alternation whose first branch matches a prefix", "a|ab", "ab", true],
    ["case-insensitively with (?i)", "(?i)main", "MAIN", true],
    ["case-sensitively without a flag", "main", "MAIN", false],
  ])("matches in full: %s", (_what, pattern, text, matches) => {
    expect(compileUserPattern(pattern).match(text) !== undefined).toBe(matches);
  });

  it("returns named groups and numbered captures", () => {
    const match = compileUserPattern(String.raw`^(?<branch>[a-z]+)-(\d+)(?:-(?<sha>[0-9a-f]{7}))?$`).match(
      "main-42",
    );
    expect(match).toEqual({ groups: { branch: "main" }, captures: ["main", "42", undefined] });
  });

  it("runs in linear time on input that ruins a backtracking engine", () => {
    const regex = compileUserPattern("^(a|aa)*b$");
    const started = performance.now();
    expect(regex.match(`${"a".repeat(100)}c`)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});

import { isMap, isScalar, type Scalar } from "yaml";
import { describe, expect, it } from "vitest";
import { embeddedHelmValues } from "../../src/core/yaml/embedded.js";
import { parseYaml, type YamlSource } from "../../src/core/yaml/source.js";
import { applySplices, insertPairAfter, needsQuotes, replaceScalar } from "../../src/core/yaml/splice.js";
import { verifyEdit } from "../../src/core/yaml/verify.js";

function source(text: string, path = "f.yaml"): YamlSource {
  const parsed = parseYaml(path, text);
  if (!parsed.ok) throw new Error(parsed.problem.message);
  return parsed.source;
}

function scalarAt(yaml: YamlSource, key: string, document = 0): Scalar {
  const node = yaml.documents[document]?.get(key, true);
  if (!isScalar(node)) throw new Error(`no scalar at ${key}`);
  return node;
}

describe("needsQuotes", () => {
  it.each([
    ["1.2.3", false],
    ["main-42-abc1234", false],
    ["ghcr.io/acme/api:1.4.0@sha256:abc", false],
    ["1.10", true],
    ["42", true],
    ["1e3", true],
    ["0x1F", true],
    ["true", true],
    ["on", true],
    ["yes", true],
    ["no", true],
    ["null", true],
    ["~", true],
    [".inf", true],
    ["a #b", true],
    ["a: b", true],
    ["", true],
    [" padded", true],
    ["v1.2", false],
  ])("plain %j needs quotes: %s", (value, expected) => {
    expect(needsQuotes(value)).toBe(expected);
  });
});

describe("replaceScalar", () => {
  it.each([
    { text: "tag: 1.0.0\n", value: "1.1.0", expected: "tag: 1.1.0\n" },
    { text: "tag: '1.0.0'\n", value: "1.1.0", expected: "tag: '1.1.0'\n" },
    { text: 'tag: "1.0.0"\n', value: "1.1.0", expected: 'tag: "1.1.0"\n' },
    { text: "tag: 1.9\n", value: "1.10", expected: 'tag: "1.10"\n' },
    { text: "tag: 'a'\n", value: "it's", expected: "tag: 'it''s'\n" },
    { text: 'tag: "a"\n', value: 'say "hi"', expected: 'tag: "say \\"hi\\""\n' },
  ])("writes $value into $text in the same style", ({ text, value, expected }) => {
    const yaml = source(text);
    const edit = replaceScalar(yaml, scalarAt(yaml, "tag"), value);
    if (!edit.ok) throw new Error(edit.reason);
    expect(applySplices(text, [edit.splice])).toBe(expected);
  });

  it("refuses block scalars and multi-line values instead of rewriting them", () => {
    const block = source("tag: |\n  1.0.0\n");
    expect(replaceScalar(block, scalarAt(block, "tag"), "1.1.0")).toEqual({
      ok: false,
      reason: expect.stringMatching(/block scalar/) as unknown,
    });
    const folded = source('tag: "1.0\n  .0"\n');
    expect(replaceScalar(folded, scalarAt(folded, "tag"), "1.1.0")).toEqual({
      ok: false,
      reason: expect.stringMatching(/several lines/) as unknown,
    });
  });
});

describe("insertPairAfter", () => {
  it("adds a line with the entry's indentation and the file's CRLF endings", () => {
    const text = "images:\r\n  - name: x\r\n    newTag: '1' # pinned\r\nother: 1\r\n";
    const yaml = source(text);
    const images = yaml.documents[0]?.get("images", true) as { items: unknown[] };
    const entry = images.items[0];
    if (!isMap(entry)) throw new Error("no entry");
    const pair = entry.items[1];
    if (pair === undefined) throw new Error("no pair");
    const edit = insertPairAfter(yaml, entry, pair, "digest", "sha256:x");
    if (!edit.ok) throw new Error(edit.reason);
    expect(applySplices(text, [edit.splice])).toBe(
      "images:\r\n  - name: x\r\n    newTag: '1' # pinned\r\n    digest: sha256:x\r\nother: 1\r\n",
    );
  });

  it("extends a flow map inline", () => {
    const text = "- {name: x, newTag: '1'}\n";
    const yaml = source(text);
    const entry = (yaml.documents[0]?.contents as { items: unknown[] }).items[0];
    if (!isMap(entry)) throw new Error("no entry");
    const pair = entry.items[1];
    if (pair === undefined) throw new Error("no pair");
    const edit = insertPairAfter(yaml, entry, pair, "digest", "sha256:x");
    if (!edit.ok) throw new Error(edit.reason);
    expect(applySplices(text, [edit.splice])).toBe("- {name: x, newTag: '1', digest: sha256:x}\n");
  });
});

describe("applySplices", () => {
  it("refuses overlapping edits rather than producing a mangled file", () => {
    expect(() =>
      applySplices("abcdef", [
        { start: 1, end: 4, insert: "X" },
        { start: 3, end: 5, insert: "Y" },
      ]),
    ).toThrow(/overlapping/);
  });
});

describe("verifyEdit", () => {
  const before = source("a: 1.0.0\nb: 1.0.0\nc: &x y\nd: *x\n");

  it("accepts exactly the intended change", () => {
    const after = source("a: 1.1.0\nb: 1.0.0\nc: &x y\nd: *x\n");
    expect(verifyEdit(before, after, [{ document: 0, path: ["a"], value: "1.1.0" }])).toBeUndefined();
  });

  it.each([
    {
      behaviour: "a value that was not meant to change",
      text: "a: 1.1.0\nb: 1.1.0\nc: &x y\nd: *x\n",
      reason: /b, which was not meant to change/,
    },
    {
      behaviour: "a value set wrong",
      text: "a: 1.2.0\nb: 1.0.0\nc: &x y\nd: *x\n",
      reason: /a became "1.2.0" instead of "1.1.0"/,
    },
    {
      behaviour: "a value that did not change",
      text: "a: 1.0.0\nb: 1.0.0\nc: &x y\nd: *x\n",
      reason: /a did not change/,
    },
    {
      behaviour: "a value that became a number",
      text: "a: 1.1\nb: 1.0.0\nc: &x y\nd: *x\n",
      reason: /a became undefined/,
    },
    {
      behaviour: "an expanded alias",
      text: "a: 1.1.0\nb: 1.0.0\nc: &x y\nd: y\n",
      reason: /d, which was not meant to change/,
    },
    { behaviour: "a removed key", text: "a: 1.1.0\nc: &x y\nd: *x\n", reason: /a key was removed at b/ },
  ])("catches $behaviour", ({ text, reason }) => {
    const value = text.startsWith("a: 1.1\n") ? "1.1" : "1.1.0";
    expect(verifyEdit(before, source(text), [{ document: 0, path: ["a"], value }])).toMatch(reason);
  });
});

describe("parseYaml", () => {
  it("reports the line of a syntax error", () => {
    const parsed = parseYaml("x.yaml", "a: 1\nb: [2\n");
    expect(parsed.ok).toBe(false);
    if (!parsed.ok)
      expect(parsed.problem).toMatchObject({
        path: "x.yaml",
        message: expect.stringMatching(/does not parse as YAML/) as unknown,
      });
  });

  it("treats an unquoted template action as a template, with its line", () => {
    const parsed = parseYaml("t.yaml", "a: 1\n{{- if .Values.x }}\nb: 2\n{{- end }}\n");
    expect(parsed.ok ? undefined : parsed.problem.line).toBe(2);
  });

  it("ignores template syntax inside comments", () => {
    expect(parseYaml("t.yaml", "a: 1 # set with {{ .Values.a }}\n").ok).toBe(true);
  });

  it("accepts a file of only comments as holding nothing", () => {
    const parsed = parseYaml("c.yaml", "# nothing\n");
    expect(parsed.ok && parsed.source.documents.length).toBe(0);
  });
});

describe("embeddedHelmValues", () => {
  it("maps offsets inside a CRLF literal block back to the host file", () => {
    const text =
      "spec:\r\n  source:\r\n    helm:\r\n      values: |\r\n        image:\r\n          tag: 1.0.0\r\n";
    const host = source(text);
    const { sources } = embeddedHelmValues(host);
    const inner = sources[0];
    if (inner === undefined) throw new Error("no embedded source");
    const offset = inner.text.indexOf("1.0.0");
    expect(text.slice(inner.host.toHost(offset), inner.host.toHost(offset) + 5)).toBe("1.0.0");
    expect(inner.position(offset)).toEqual({ line: 6, col: 16 });
  });
});

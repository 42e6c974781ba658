import type { IncomingHttpHeaders } from "node:http";
import { describe, expect, it } from "vitest";
import { hasValidCredential, safeEqual, signatureOf, type AuthForm } from "../../src/intake/auth.js";

const SECRET = "s3cret-for-the-registry-0123";
const BODY = Buffer.from('{"image":"nginx:1"}');

const basic = (user: string, password: string): string =>
  `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

const check = (form: AuthForm, headers: IncomingHttpHeaders, query = "", body: Buffer = BODY): boolean =>
  hasValidCredential([form], SECRET, { headers, query: new URLSearchParams(query), body });

describe("registry credentials", () => {
  it.each<[AuthForm, IncomingHttpHeaders, string]>([
    ["bearer", { authorization: `Bearer ${SECRET}` }, ""],
    ["bearer", { authorization: `bearer ${SECRET}` }, ""],
    ["authorization", { authorization: SECRET }, ""],
    ["basic", { authorization: basic("eventbridge", SECRET) }, ""],
    ["query-token", {}, `token=${encodeURIComponent(SECRET)}`],
    ["signature-256", { "x-stagecoach-signature-256": signatureOf(SECRET, BODY) }, ""],
  ])("accepts %s carrying the secret", (form, headers, query) => {
    expect(check(form, headers, query)).toBe(true);
  });

  it.each<[string, AuthForm, IncomingHttpHeaders, string]>([
    ["a wrong bearer token", "bearer", { authorization: "Bearer not-the-secret-at-all" }, ""],
    ["a bearer token with a suffix", "bearer", { authorization: `Bearer ${SECRET}x` }, ""],
    ["the secret under another scheme", "bearer", { authorization: `Token ${SECRET}` }, ""],
    ["no header", "bearer", {}, ""],
    [
      "a bearer header where the raw secret is expected",
      "authorization",
      { authorization: `Bearer ${SECRET}` },
      "",
    ],
    ["a wrong basic password", "basic", { authorization: basic("eventbridge", "wrong") }, ""],
    ["the secret as basic user name", "basic", { authorization: basic(SECRET, "") }, ""],
    ["a wrong token", "query-token", {}, "token=wrong"],
    ["two tokens", "query-token", {}, `token=${SECRET}&token=${SECRET}`],
    ["the token in a header", "query-token", { authorization: `Bearer ${SECRET}` }, ""],
    [
      "a signature over another body",
      "signature-256",
      { "x-stagecoach-signature-256": signatureOf(SECRET, "{}") },
      "",
    ],
    [
      "a signature with another key",
      "signature-256",
      { "x-stagecoach-signature-256": signatureOf("other", BODY) },
      "",
    ],
    ["the bare secret as signature", "signature-256", { "x-stagecoach-signature-256": SECRET }, ""],
  ])("refuses %s", (_case, form, headers, query) => {
    expect(check(form, headers, query)).toBe(false);
  });

  it("refuses everything when the source has no secret", () => {
    const credentials = { headers: { authorization: "Bearer " }, query: new URLSearchParams("token=") };
    expect(hasValidCredential(["bearer", "query-token"], undefined, credentials)).toBe(false);
    expect(hasValidCredential(["bearer", "query-token"], "", credentials)).toBe(false);
  });

  it("accepts a form only if the source allows it", () => {
    const credentials = { headers: {}, query: new URLSearchParams(`token=${SECRET}`) };
    expect(hasValidCredential(["bearer"], SECRET, credentials)).toBe(false);
    expect(hasValidCredential(["bearer", "query-token"], SECRET, credentials)).toBe(true);
  });

  it("compares strings of any length without throwing", () => {
    expect(safeEqual("a", "a much longer string")).toBe(false);
    expect(safeEqual("", "")).toBe(true);
    expect(safeEqual("same", "same")).toBe(true);
  });
});

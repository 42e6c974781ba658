/**
 * Inline YAML for tests: strips the first newline and the common indentation, so fixtures can sit
 * indented in the test source and still be exact bytes.
 */
export function yaml(strings: TemplateStringsArray, ...values: unknown[]): string {
  const raw = strings.reduce(
    (text, part, index) => text + part + (index < values.length ? String(values[index]) : ""),
    "",
  );
  const lines = raw.replace(/^\n/, "").split("\n");
  if (lines.at(-1)?.trim() === "") lines[lines.length - 1] = "";
  const indent = Math.min(
    ...lines.filter((line) => line.trim() !== "").map((line) => line.length - line.trimStart().length),
  );
  return lines.map((line) => line.slice(Math.min(indent, line.length - line.trimStart().length))).join("\n");
}

/**
 * Applies `[search, replacement]` pairs to `text`, each search matching exactly once, so a test's
 * expected output says precisely which characters change and nothing else.
 */
export function replaceOnce(text: string, replacements: readonly (readonly [string, string])[]): string {
  let result = text;
  for (const [search, replacement] of replacements) {
    const first = result.indexOf(search);
    if (first === -1) throw new Error(`fixture does not contain ${JSON.stringify(search)}`);
    if (result.indexOf(search, first + 1) !== -1)
      throw new Error(`fixture contains ${JSON.stringify(search)} more than once`);
    result = result.slice(0, first) + replacement + result.slice(first + search.length);
  }
  return result;
}

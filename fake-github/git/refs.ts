/** Ref names as GitHub's API spells them. */

export function branchRef(branch: string): string {
  return `refs/heads/${branch}`;
}

export function branchOf(ref: string): string | undefined {
  return ref.startsWith("refs/heads/") ? ref.slice("refs/heads/".length) : undefined;
}

export function tagOf(ref: string): string | undefined {
  return ref.startsWith("refs/tags/") ? ref.slice("refs/tags/".length) : undefined;
}

/** GitHub's rule: `refs/` and at least two slashes, and what `git check-ref-format` accepts. */
export function isValidRefName(ref: string): boolean {
  if (!ref.startsWith("refs/") || ref.split("/").length < 3) return false;
  if (ref.endsWith("/") || ref.endsWith(".lock") || ref.endsWith(".")) return false;
  if (/\.\.|\/\/|@\{|[ ~^:?*[\\]/.test(ref)) return false;
  for (let index = 0; index < ref.length; index++) {
    const code = ref.charCodeAt(index);
    if (code < 0x20 || code === 0x7f) return false;
  }
  return ref.split("/").every((part) => part !== "" && !part.startsWith("."));
}

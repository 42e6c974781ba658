import type { EntryMode, Sha } from "../git/objects.js";
import { requireTree } from "../git/trees.js";
import { fullName, type Repository } from "../model/repository.js";
import type { State } from "../state.js";
import { base64Lines } from "./git.js";
import type { Schema } from "./schemas.js";

/** `GET /contents/{path}`: a file with base64 content, or a directory listing. */

type ContentType = "file" | "dir" | "submodule" | "symlink";

function contentType(mode: EntryMode): ContentType {
  if (mode === "040000") return "dir";
  if (mode === "160000") return "submodule";
  if (mode === "120000") return "symlink";
  return "file";
}

function entryLinks(state: State, repo: Repository, ref: string, path: string, mode: EntryMode, sha: Sha) {
  const name = fullName(repo);
  const type = contentType(mode);
  const encoded = path.split("/").map(encodeURIComponent).join("/");
  const self = state.urls.repoApi(name, `/contents/${encoded}?ref=${encodeURIComponent(ref)}`);
  const git = state.urls.repoApi(name, `/git/${type === "dir" ? "trees" : "blobs"}/${sha}`);
  const html = state.urls.repoHtml(name, `/${type === "dir" ? "tree" : "blob"}/${ref}/${encoded}`);
  const download =
    type === "file" || type === "symlink" ? state.urls.repoHtml(name, `/raw/${ref}/${encoded}`) : null;
  return { url: self, git_url: git, html_url: html, download_url: download, _links: { self, git, html } };
}

export function renderFile(
  state: State,
  repo: Repository,
  ref: string,
  path: string,
  mode: EntryMode,
  sha: Sha,
  content: Buffer,
): Schema<"content-file"> {
  return {
    type: "file",
    encoding: "base64",
    size: content.length,
    name: path.split("/").pop() ?? path,
    path,
    content: base64Lines(content),
    sha,
    ...entryLinks(state, repo, ref, path, mode, sha),
  };
}

export function renderDirectory(
  state: State,
  repo: Repository,
  ref: string,
  path: string,
  treeSha: Sha,
): Schema<"content-directory"> {
  return requireTree(repo.objects, treeSha).map((entry) => {
    const entryPath = path === "" ? entry.name : `${path}/${entry.name}`;
    return {
      type: contentType(entry.mode),
      size: entry.mode === "040000" ? 0 : (repo.objects.blob(entry.sha)?.length ?? 0),
      name: entry.name,
      path: entryPath,
      sha: entry.sha,
      ...entryLinks(state, repo, ref, entryPath, entry.mode, entry.sha),
    };
  });
}

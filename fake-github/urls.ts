/** Where API and web links point: the fake's own address for the API, a configurable web host. */
export class Urls {
  readonly api: string;
  readonly html: string;

  constructor(api: string, html: string) {
    this.api = api.replace(/\/$/, "");
    this.html = html.replace(/\/$/, "");
  }

  apiUrl(path: string): string {
    return `${this.api}${path}`;
  }

  htmlUrl(path: string): string {
    return `${this.html}${path}`;
  }

  repoApi(fullName: string, rest = ""): string {
    return `${this.api}/repos/${fullName}${rest}`;
  }

  repoHtml(fullName: string, rest = ""): string {
    return `${this.html}/${fullName}${rest}`;
  }
}

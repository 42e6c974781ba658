import { describe, expect, it } from "vitest";
import { parseConfig } from "../../src/config/parse.js";
import { planBump, type BumpPlan } from "../../src/core/bump.js";
import { parseImageRef } from "../../src/core/image-ref.js";
import { replaceOnce, yaml } from "../helpers/text.js";

const CONFIG = parseConfig(yaml`
  environments:
    dev:
      path: envs/dev
    test:
      path: envs/test
      from: dev
  apps:
    api:
      image: ghcr.io/acme/api
    web:
      image: ghcr.io/acme/web
      tags: { pattern: '^main-(?<build>\\d+)-[0-9a-f]{7}$', by: build }
      digest: pin
    build:
      image: ghcr.io/acme/build
      tags: { pattern: '^\\d+$' }
    nginx:
      image: nginx
    svc:
      image: localhost:5000/team/svc
`);

const DIGEST_A = `sha256:${"a".repeat(64)}`;
const DIGEST_B = `sha256:${"b".repeat(64)}`;

function bump(files: Record<string, string>, reference: string, app = appFor(reference)): BumpPlan {
  const ref = parseImageRef(reference);
  return planBump({
    config: CONFIG,
    environment: "dev",
    app,
    candidate: { tag: ref.tag ?? "", ...(ref.digest !== undefined && { digest: ref.digest }) },
    files: new Map(Object.entries(files)),
  });
}

function appFor(reference: string): string {
  const name = parseImageRef(reference).repository.split("/").at(-1) ?? "";
  return name === "nginx" ? "nginx" : name;
}

/** The text of `path` after the bump (unchanged text when the plan leaves it alone). */
function after(files: Record<string, string>, reference: string, path: string): string {
  const plan = bump(files, reference);
  return plan.files.find((file) => file.path === path)?.after ?? files[path] ?? "";
}

const DEPLOYMENT = yaml`
  # The API server.
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: api
    labels:
      version: 1.0.0   # the same string as the tag, not an image
  spec:
    template:
      spec:

        containers:
          - name: api
            image: ghcr.io/acme/api:1.0.0 # keep me
            env:
              - name: UPSTREAM
                value: ghcr.io/acme/api-worker:1.0.0
          - name: worker   # look-alike image, different app
            image: ghcr.io/acme/api-worker:1.0.0
  # ghcr.io/acme/api:1.0.0 is mentioned in this comment too
`;

describe("planBump edits byte-exactly", () => {
  it.each([
    {
      behaviour:
        "changes only the tag of a plain container image, leaving comments, labels, look-alikes and blank lines",
      file: DEPLOYMENT,
      reference: "ghcr.io/acme/api:1.1.0",
      changes: [["image: ghcr.io/acme/api:1.0.0 # keep me", "image: ghcr.io/acme/api:1.1.0 # keep me"]],
    },
    {
      behaviour: "keeps double quotes",
      file: yaml`
        kind: Pod
        spec:
          containers:
          - name: api
            image: "ghcr.io/acme/api:1.0.0"
      `,
      reference: "ghcr.io/acme/api:1.1.0",
      changes: [['"ghcr.io/acme/api:1.0.0"', '"ghcr.io/acme/api:1.1.0"']],
    },
    {
      behaviour: "keeps single quotes and a sequence that is not indented",
      file: yaml`
        kind: StatefulSet
        spec:
          template:
            spec:
              containers:
              - name: api
                image: 'ghcr.io/acme/api:1.0.0'
      `,
      reference: "ghcr.io/acme/api:1.1.0",
      changes: [["'ghcr.io/acme/api:1.0.0'", "'ghcr.io/acme/api:1.1.0'"]],
    },
    {
      behaviour: "edits a flow-style container list in place",
      file: yaml`
        kind: DaemonSet
        spec: {template: {spec: {containers: [{name: api, image: ghcr.io/acme/api:1.0.0}]}}}
      `,
      reference: "ghcr.io/acme/api:1.1.0",
      changes: [["ghcr.io/acme/api:1.0.0}", "ghcr.io/acme/api:1.1.0}"]],
    },
    {
      behaviour: "edits the anchor and never expands the alias",
      file: yaml`
        kind: ReplicaSet
        spec:
          template:
            spec:
              initContainers:
                - name: migrate
                  image: &api ghcr.io/acme/api:1.0.0
              containers:
                - name: api
                  image: *api
      `,
      reference: "ghcr.io/acme/api:1.1.0",
      changes: [["&api ghcr.io/acme/api:1.0.0", "&api ghcr.io/acme/api:1.1.0"]],
    },
    {
      behaviour: "keeps CRLF line endings",
      file: "kind: Job\r\nspec:\r\n  template:\r\n    spec:\r\n      containers:\r\n        - name: api\r\n          image: ghcr.io/acme/api:1.0.0\r\n        # done\r\n",
      reference: "ghcr.io/acme/api:1.1.0",
      changes: [["api:1.0.0\r\n", "api:1.1.0\r\n"]],
    },
    {
      behaviour: "keeps a missing final newline",
      file: "kind: Pod\nspec:\n  containers:\n    - name: api\n      image: ghcr.io/acme/api:1.0.0",
      reference: "ghcr.io/acme/api:1.1.0",
      changes: [["api:1.0.0", "api:1.1.0"]],
    },
    {
      behaviour: "keeps a byte order mark",
      file: "\uFEFFkind: Pod\nspec:\n  containers:\n    - name: api\n      image: ghcr.io/acme/api:1.0.0\n",
      reference: "ghcr.io/acme/api:1.1.0",
      changes: [["api:1.0.0", "api:1.1.0"]],
    },
    {
      behaviour: "edits every document of a multi-document file that holds the image",
      file: yaml`
        ---
        kind: Service
        metadata: {name: api}
        ---
        kind: CronJob
        spec:
          jobTemplate:
            spec:
              template:
                spec:
                  containers:
                    - name: report
                      image: ghcr.io/acme/api:1.0.0
        ---
        apiVersion: argoproj.io/v1alpha1
        kind: Rollout
        spec:
          template:
            spec:
              ephemeralContainers:
                - name: debug
                  image: ghcr.io/acme/api:0.9.0
      `,
      reference: "ghcr.io/acme/api:1.1.0",
      changes: [
        ["ghcr.io/acme/api:1.0.0", "ghcr.io/acme/api:1.1.0"],
        ["ghcr.io/acme/api:0.9.0", "ghcr.io/acme/api:1.1.0"],
      ],
    },
    {
      behaviour: "finds workloads inside a kind: List",
      file: yaml`
        apiVersion: v1
        kind: List
        items:
          - kind: Deployment
            spec:
              template:
                spec:
                  containers: [{name: api, image: "ghcr.io/acme/api:1.0.0"}]
      `,
      reference: "ghcr.io/acme/api:1.1.0",
      changes: [['"ghcr.io/acme/api:1.0.0"', '"ghcr.io/acme/api:1.1.0"']],
    },
    {
      behaviour: "keeps the user's spelling of a Docker Hub image",
      file: yaml`
        kind: Pod
        spec:
          containers:
            - {name: proxy, image: nginx:1.25.0}
      `,
      reference: "docker.io/library/nginx:1.26.0",
      changes: [["nginx:1.25.0", "nginx:1.26.0"]],
    },
    {
      behaviour: "keeps a registry port and never reads it as a tag",
      file: yaml`
        kind: Pod
        spec:
          containers:
            - name: svc
              image: localhost:5000/team/svc:1.0.0
      `,
      reference: "localhost:5000/team/svc:1.2.0",
      changes: [["svc:1.0.0", "svc:1.2.0"]],
    },
    {
      behaviour: "pins tag and digest in a reference when the app pins digests",
      file: yaml`
        kind: Pod
        spec:
          containers:
            - name: web
              image: ghcr.io/acme/web:main-41-aaaaaaa@${DIGEST_A}
      `,
      reference: `ghcr.io/acme/web:main-42-bbbbbbb@${DIGEST_B}`,
      changes: [[`main-41-aaaaaaa@${DIGEST_A}`, `main-42-bbbbbbb@${DIGEST_B}`]],
    },
  ])("$behaviour", ({ file, reference, changes }) => {
    const files = { "envs/dev/app.yaml": file };
    expect(after(files, reference, "envs/dev/app.yaml")).toBe(
      replaceOnce(file, changes as [string, string][]),
    );
  });
});

describe("planBump in kustomization files", () => {
  const kustomization = yaml`
    apiVersion: kustomize.config.k8s.io/v1beta1
    kind: Kustomization
    images:
      - name: ghcr.io/acme/api
        newTag: 1.0.0 # pinned here
      - name: web
        newName: ghcr.io/acme/web
        newTag: main-41-aaaaaaa
      - name: ghcr.io/acme/build
        newTag: 41
      - name: ghcr.io/acme/api-worker
        newTag: 1.0.0
  `;
  const files = { "envs/dev/kustomization.yaml": kustomization };

  it("bumps newTag of the entry whose name is the image", () => {
    expect(after(files, "ghcr.io/acme/api:1.1.0", "envs/dev/kustomization.yaml")).toBe(
      replaceOnce(kustomization, [["newTag: 1.0.0 # pinned here", "newTag: 1.1.0 # pinned here"]]),
    );
  });

  it("matches an entry by newName and adds a digest key with the same indentation when pinning", () => {
    expect(after(files, `ghcr.io/acme/web:main-42-bbbbbbb@${DIGEST_B}`, "envs/dev/kustomization.yaml")).toBe(
      replaceOnce(kustomization, [
        ["newTag: main-41-aaaaaaa\n", `newTag: main-42-bbbbbbb\n    digest: ${DIGEST_B}\n`],
      ]),
    );
  });

  it("quotes a new plain value that YAML would read as a number", () => {
    expect(after(files, "ghcr.io/acme/build:42", "envs/dev/kustomization.yaml")).toBe(
      replaceOnce(kustomization, [["newTag: 41", 'newTag: "42"']]),
    );
  });

  it("updates an existing digest field", () => {
    const pinned = yaml`
      images:
        - name: ghcr.io/acme/web
          newTag: main-41-aaaaaaa
          digest: ${DIGEST_A}
    `;
    expect(
      after(
        { "envs/dev/kustomization.yml": pinned },
        `ghcr.io/acme/web:main-42-bbbbbbb@${DIGEST_B}`,
        "envs/dev/kustomization.yml",
      ),
    ).toBe(
      replaceOnce(pinned, [
        ["main-41-aaaaaaa", "main-42-bbbbbbb"],
        [DIGEST_A, DIGEST_B],
      ]),
    );
  });

  it("warns about an entry that pins nothing instead of guessing", () => {
    const plan = bump(
      {
        "envs/dev/kustomization.yaml": "images:\n  - name: ghcr.io/acme/api\n    newName: ghcr.io/acme/api\n",
      },
      "ghcr.io/acme/api:1.1.0",
    );
    expect(plan.files).toEqual([]);
    expect(plan.warnings[0]?.message).toMatch(/sets neither newTag nor digest/);
  });
});

describe("planBump in Helm values", () => {
  it.each([
    {
      behaviour: "bumps the tag of an image map with registry and repository",
      file: yaml`
        image:
          registry: ghcr.io
          repository: acme/api
          tag: "1.0.0"
          pullPolicy: IfNotPresent
      `,
      reference: "ghcr.io/acme/api:1.1.0",
      changes: [['tag: "1.0.0"', 'tag: "1.1.0"']],
    },
    {
      behaviour: "finds image maps and strings at any depth",
      file: yaml`
        api:
          image:
            repository: ghcr.io/acme/api
            tag: 1.0.0
        sidecars:
          - name: shipper
            image: ghcr.io/acme/api:1.0.0
        worker:
          image: {repository: ghcr.io/acme/api-worker, tag: 1.0.0}
      `,
      reference: "ghcr.io/acme/api:1.1.0",
      changes: [
        ["tag: 1.0.0\nsidecars", "tag: 1.1.0\nsidecars"],
        ["image: ghcr.io/acme/api:1.0.0", "image: ghcr.io/acme/api:1.1.0"],
      ],
    },
    {
      behaviour: "writes tag@digest into the tag when the chart has no digest key and the app pins",
      file: yaml`
        image:
          repository: ghcr.io/acme/web
          tag: main-41-aaaaaaa
      `,
      reference: `ghcr.io/acme/web:main-42-bbbbbbb@${DIGEST_B}`,
      changes: [["tag: main-41-aaaaaaa", `tag: main-42-bbbbbbb@${DIGEST_B}`]],
    },
    {
      behaviour: "updates tag and digest keys together",
      file: yaml`
        image:
          repository: ghcr.io/acme/web
          tag: main-41-aaaaaaa
          digest: "${DIGEST_A}"
      `,
      reference: `ghcr.io/acme/web:main-42-bbbbbbb@${DIGEST_B}`,
      changes: [
        ["tag: main-41-aaaaaaa", "tag: main-42-bbbbbbb"],
        [`"${DIGEST_A}"`, `"${DIGEST_B}"`],
      ],
    },
    {
      behaviour: "finds values embedded in a Flux HelmRelease",
      file: yaml`
        apiVersion: helm.toolkit.fluxcd.io/v2
        kind: HelmRelease
        spec:
          chart:
            spec: {chart: api, version: "3.1.0"}
          values:
            image:
              repository: ghcr.io/acme/api
              tag: 1.0.0
      `,
      reference: "ghcr.io/acme/api:1.1.0",
      changes: [["tag: 1.0.0", "tag: 1.1.0"]],
    },
    {
      behaviour: "finds values in an Argo CD Application's valuesObject",
      file: yaml`
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        spec:
          source:
            chart: api
            helm:
              valuesObject:
                image: {repository: ghcr.io/acme/api, tag: 1.0.0}
      `,
      reference: "ghcr.io/acme/api:1.1.0",
      changes: [["tag: 1.0.0", "tag: 1.1.0"]],
    },
    {
      behaviour: "edits values embedded as a string in an Argo CD Application, inside the block",
      file: yaml`
        apiVersion: argoproj.io/v1alpha1
        kind: Application
        spec:
          source:
            helm:
              values: |
                # embedded values keep their comments
                image:
                  repository: ghcr.io/acme/api
                  tag: 1.0.0   # and trailing ones
                replicas: 2
          destination: {namespace: api}
      `,
      reference: "ghcr.io/acme/api:1.1.0",
      changes: [["tag: 1.0.0", "tag: 1.1.0"]],
    },
  ])("$behaviour", ({ file, reference, changes }) => {
    const files = { "envs/dev/values.yaml": file };
    expect(after(files, reference, "envs/dev/values.yaml")).toBe(
      replaceOnce(file, changes as [string, string][]),
    );
  });
});

describe("planBump with marker comments", () => {
  it.each([
    {
      behaviour: "edits a full reference marked for the app in a docker-compose file",
      file: yaml`
        services:
          api:
            image: registry.acme.internal/api:1.0.0 # stagecoach: api
          db:
            image: postgres:16
      `,
      changes: [["api:1.0.0 # stagecoach: api", "api:1.1.0 # stagecoach: api"]],
    },
    {
      behaviour: "edits a tag-only value marked app:tag, such as an Argo CD helm parameter",
      file: yaml`
        spec:
          source:
            helm:
              parameters:
                - name: image.tag
                  value: "1.0.0" # stagecoach: api:tag
                - name: replicas
                  value: "1.0.0"
      `,
      changes: [['"1.0.0" # stagecoach', '"1.1.0" # stagecoach']],
    },
    {
      behaviour: "honours Flux image policy markers, full and :tag, and leaves :name alone",
      file: yaml`
        spec:
          image: ghcr.io/acme/api:1.0.0 # {"$imagepolicy": "flux-system:api"}
          values:
            repository: ghcr.io/acme/api # {"$imagepolicy": "flux-system:api:name"}
            tag: 0.9.0 # {"$imagepolicy": "flux-system:api:tag"}
      `,
      changes: [
        ["ghcr.io/acme/api:1.0.0 #", "ghcr.io/acme/api:1.1.0 #"],
        ["tag: 0.9.0", "tag: 1.1.0"],
      ],
    },
    {
      behaviour: "never treats a '#' inside a quoted value as a marker",
      file: yaml`
        note: "use # stagecoach: api to mark lines"
        image: ghcr.io/acme/api:1.0.0
      `,
      changes: [["image: ghcr.io/acme/api:1.0.0", "image: ghcr.io/acme/api:1.1.0"]],
    },
  ])("$behaviour", ({ file, changes }) => {
    const files = { "envs/dev/other.yaml": file };
    expect(after(files, "ghcr.io/acme/api:1.1.0", "envs/dev/other.yaml")).toBe(
      replaceOnce(file, changes as [string, string][]),
    );
  });

  it("lets a marker bind an image of another registry to the app", () => {
    const plan = bump(
      { "envs/dev/compose.yml": "image: mirror.acme.io/api:1.0.0 # stagecoach: api\n" },
      "ghcr.io/acme/api:1.1.0",
    );
    expect(plan.files[0]?.after).toBe("image: mirror.acme.io/api:1.1.0 # stagecoach: api\n");
  });
});

describe("planBump scope and safety", () => {
  it("never touches another environment's folder", () => {
    const pod = "kind: Pod\nspec:\n  containers:\n    - {name: api, image: ghcr.io/acme/api:1.0.0}\n";
    const plan = bump(
      { "envs/dev/pod.yaml": pod, "envs/test/pod.yaml": pod, "envs/dev-extra/pod.yaml": pod },
      "ghcr.io/acme/api:1.1.0",
    );
    expect(plan.files.map((file) => file.path)).toEqual(["envs/dev/pod.yaml"]);
  });

  it("leaves Helm templates alone with a warning naming file and line, and goes on with the rest", () => {
    const template = "kind: Deployment\nspec:\n  replicas: {{ .Values.replicas }}\n";
    const pod = "kind: Pod\nspec:\n  containers:\n    - {name: api, image: ghcr.io/acme/api:1.0.0}\n";
    const plan = bump(
      { "envs/dev/templates/deploy.yaml": template, "envs/dev/pod.yaml": pod },
      "ghcr.io/acme/api:1.1.0",
    );
    expect(plan.warnings).toEqual([
      expect.objectContaining({
        file: "envs/dev/templates/deploy.yaml",
        line: 3,
        message: expect.stringMatching(/template/) as unknown,
      }),
    ]);
    expect(plan.files.map((file) => file.path)).toEqual(["envs/dev/pod.yaml"]);
  });

  it("does not mistake a quoted template string in values for a template", () => {
    const values = 'annotations:\n  checksum: "{{ .Release.Name }}"\nimage: ghcr.io/acme/api:1.0.0\n';
    expect(bump({ "envs/dev/values.yaml": values }, "ghcr.io/acme/api:1.1.0").files).toHaveLength(1);
  });

  it("leaves a file that does not parse alone with a warning and its line", () => {
    const plan = bump(
      {
        "envs/dev/broken.yaml": "a: [1, 2\nimage: ghcr.io/acme/api:1.0.0\n",
        "envs/dev/ok.yaml": "image: ghcr.io/acme/api:1.0.0\n",
      },
      "ghcr.io/acme/api:1.1.0",
    );
    expect(plan.warnings).toEqual([
      expect.objectContaining({
        file: "envs/dev/broken.yaml",
        message: expect.stringMatching(/does not parse/) as unknown,
      }),
    ]);
    expect(plan.files.map((file) => file.path)).toEqual(["envs/dev/ok.yaml"]);
  });

  it("ignores files that are not YAML", () => {
    const plan = bump(
      { "envs/dev/README.md": "image: ghcr.io/acme/api:1.0.0\n", "envs/dev/x.json": "{}" },
      "ghcr.io/acme/api:1.1.0",
    );
    expect(plan.files).toEqual([]);
    expect(plan.noChangeReason).toBe("no file in envs/dev pins ghcr.io/acme/api");
  });

  it("reports each value it changes with file, line and versions", () => {
    const plan = bump({ "envs/dev/app.yaml": DEPLOYMENT }, "ghcr.io/acme/api:1.1.0");
    expect(plan.files[0]?.changes).toEqual([
      {
        file: "envs/dev/app.yaml",
        line: 14,
        where: "Deployment/api, container api",
        from: "1.0.0",
        to: "1.1.0",
      },
    ]);
  });
});

describe("planBump when nothing should change", () => {
  const pod = "kind: Pod\nspec:\n  containers:\n    - {name: api, image: ghcr.io/acme/api:1.4.0}\n";

  it.each([
    {
      behaviour: "the version is already there",
      reference: "ghcr.io/acme/api:1.4.0",
      reason: "dev already runs 1.4.0",
    },
    {
      behaviour: "it is not an upgrade",
      reference: "ghcr.io/acme/api:1.3.9",
      reason: "1.3.9 is older than the deployed 1.4.0",
    },
    {
      behaviour: "it is a mutable tag",
      reference: "ghcr.io/acme/api:latest",
      reason: "latest is a mutable tag; set digest: pin to deploy it by digest",
    },
  ])("says why when $behaviour", ({ reference, reason }) => {
    const plan = bump({ "envs/dev/pod.yaml": pod }, reference);
    expect(plan.files).toEqual([]);
    expect(plan.noChangeReason).toEqual(reason);
  });

  it("refuses to unpin a digest when the event carries none", () => {
    const pinned = `kind: Pod\nspec:\n  containers:\n    - {name: api, image: "ghcr.io/acme/api:1.0.0@${DIGEST_A}"}\n`;
    const plan = bump({ "envs/dev/pod.yaml": pinned }, "ghcr.io/acme/api:1.1.0");
    expect(plan.files).toEqual([]);
    expect(plan.skipped[0]).toMatchObject({ code: "missing-digest" });
  });

  it("updates the older of two references and reports the one already current", () => {
    const mixed =
      "kind: Pod\nspec:\n  containers:\n    - {name: a, image: ghcr.io/acme/api:1.4.0}\n    - {name: b, image: ghcr.io/acme/api:1.3.0}\n";
    const plan = bump({ "envs/dev/pod.yaml": mixed }, "ghcr.io/acme/api:1.4.0");
    expect(plan.files[0]?.after).toBe(replaceOnce(mixed, [["api:1.3.0", "api:1.4.0"]]));
    expect(plan.skipped).toEqual([expect.objectContaining({ code: "already-current" })]);
  });
});

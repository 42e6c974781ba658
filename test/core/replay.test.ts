import { describe, expect, it } from "vitest";
import { replayFile, type FileReplay, type FileReplayInput } from "../../src/core/replay.js";
import { parseYaml } from "../../src/core/yaml/source.js";
import { dataDifference, verifyData } from "../../src/core/yaml/verify.js";
import { replaceOnce, yaml } from "../helpers/text.js";

/** Replays dev's change (before → after) onto test's file. */
function replay(
  before: string | undefined,
  after: string | undefined,
  target: string | undefined,
  file = "settings.yml",
  options?: { ignoreImages?: boolean },
): FileReplay {
  const input: FileReplayInput = {
    sourcePath: `envs/dev/${file}`,
    targetPath: `envs/test/${file}`,
    before,
    after,
    target,
  };
  return replayFile(input, options);
}

/** The written text, or the whole result when the replay did not write (so a failure shows why). */
function written(result: FileReplay): unknown {
  return result.kind === "write" ? result.text : result;
}

// Shaped like gitops-environment-promotion's envs/<env>/settings.yml: non-indented sequences, quoted
// values, trailing blanks after some values and no final line break.
const SETTINGS = yaml`
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: simple-deployment
  spec:
    template:
      spec:
        containers:
        - name: webserver-simple
          env:
          - name: UI_THEME
            value: "light"
          - name: CACHE_SIZE
            value: "2048kb"
          - name: PAGE_LIMIT
            value: "25"
          - name: SORTING
            value: "ascending"    
          - name: N_BUCKETS
            value: "42"          
`.replace(/\n$/, "");

const REPLICAS = yaml`
  ---
  apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: simple-deployment
  spec:
    replicas: 3
`;

const CONFIG_MAP = yaml`
  apiVersion: v1
  kind: ConfigMap
  metadata:
    name: app-settings
  data:
    LOG_LEVEL: info
    TIMEOUT: "30"
    FEATURE_BETA: 'off'
    RETRIES: 3
    ENABLED: false
    VERSION: 1.10
`;

describe("replayFile: scalar changes are spliced into the target", () => {
  it.each([
    {
      behaviour: "a plain string",
      before: CONFIG_MAP,
      change: [["LOG_LEVEL: info", "LOG_LEVEL: debug"]],
      target: replaceOnce(CONFIG_MAP, [["RETRIES: 3", "RETRIES: 7"]]),
      expected: [["LOG_LEVEL: info", "LOG_LEVEL: debug"]],
    },
    {
      behaviour: "a quoted string keeps the target's own quotes",
      before: SETTINGS,
      change: [['"light"', '"dark"']],
      target: replaceOnce(SETTINGS, [['"light"', "'light'"]]),
      expected: [["'light'", "'dark'"]],
    },
    {
      behaviour: "a number stays a plain number",
      before: REPLICAS,
      change: [["replicas: 3", "replicas: 5"]],
      target: replaceOnce(REPLICAS, [["simple-deployment", "simple-deployment # test"]]),
      expected: [["replicas: 3", "replicas: 5"]],
    },
    {
      behaviour: "a boolean stays a plain boolean",
      before: CONFIG_MAP,
      change: [["ENABLED: false", "ENABLED: true"]],
      target: CONFIG_MAP,
      expected: [["ENABLED: false", "ENABLED: true"]],
    },
    {
      behaviour: "a number is copied as dev wrote it (1.20 keeps its zero)",
      before: CONFIG_MAP,
      change: [["VERSION: 1.10", "VERSION: 1.20"]],
      target: CONFIG_MAP,
      expected: [["VERSION: 1.10", "VERSION: 1.20"]],
    },
    {
      behaviour: "a string that reads as a number gets quoted in a plain target",
      before: CONFIG_MAP,
      change: [["LOG_LEVEL: info", 'LOG_LEVEL: "1.10"']],
      target: CONFIG_MAP,
      expected: [["LOG_LEVEL: info", 'LOG_LEVEL: "1.10"']],
    },
    {
      behaviour: "a quoted string that became a number is written as a number",
      before: CONFIG_MAP,
      change: [['TIMEOUT: "30"', "TIMEOUT: 60"]],
      target: CONFIG_MAP,
      expected: [['TIMEOUT: "30"', "TIMEOUT: 60"]],
    },
    {
      behaviour: "a string quoted by dev stays plain in a plain target when it can",
      before: CONFIG_MAP,
      change: [["LOG_LEVEL: info", 'LOG_LEVEL: "warn"']],
      target: CONFIG_MAP,
      expected: [["LOG_LEVEL: info", "LOG_LEVEL: warn"]],
    },
  ])("$behaviour", ({ before, change, target, expected }) => {
    const result = replay(before, replaceOnce(before, change as [string, string][]), target);
    expect(written(result)).toBe(replaceOnce(target, expected as [string, string][]));
  });

  it("reports each change with its readable path, line and values", () => {
    const after = replaceOnce(SETTINGS, [['"light"', '"dark"']]);
    expect(replay(SETTINGS, after, SETTINGS)).toEqual({
      kind: "write",
      text: after,
      changes: [
        {
          path: "spec.template.spec.containers[name=webserver-simple].env[name=UI_THEME].value",
          line: 13,
          kind: "set",
          from: "light",
          to: "dark",
        },
      ],
    });
  });

  it("does nothing when the target already has the new value", () => {
    const after = replaceOnce(REPLICAS, [["replicas: 3", "replicas: 5"]]);
    expect(replay(REPLICAS, after, after)).toEqual({
      kind: "unchanged",
      reason: "test already has this change",
    });
  });

  it("leaves a value the target changed on its own, and says so", () => {
    const after = replaceOnce(REPLICAS, [["replicas: 3", "replicas: 4"]]);
    const target = replaceOnce(REPLICAS, [["replicas: 3", "replicas: 5"]]);
    expect(replay(REPLICAS, after, target)).toEqual({
      kind: "diverged",
      problems: [
        {
          path: "spec.replicas",
          line: 7,
          message: "test has replicas: 5 where dev had 3 before the change; left alone",
        },
      ],
    });
  });

  it("writes nothing when one change applies and another has diverged", () => {
    const after = replaceOnce(SETTINGS, [
      ['"light"', '"dark"'],
      ['"2048kb"', '"4096kb"'],
    ]);
    const target = replaceOnce(SETTINGS, [['"2048kb"', '"1024kb"']]);
    expect(replay(SETTINGS, after, target)).toEqual({
      kind: "diverged",
      problems: [
        {
          path: "spec.template.spec.containers[name=webserver-simple].env[name=CACHE_SIZE].value",
          line: 15,
          message: 'test has value: "1024kb" where dev had "2048kb" before the change; left alone',
        },
      ],
    });
  });
});

describe("replayFile: an added key is written as lines in the target's layout", () => {
  it("inserts a key after the key that precedes it in dev, and nothing else moves", () => {
    const after = replaceOnce(CONFIG_MAP, [["  TIMEOUT:", '  FEATURE_X: "on" # until Q3\n  TIMEOUT:']]);
    const target = replaceOnce(CONFIG_MAP, [["LOG_LEVEL: info", "LOG_LEVEL: warn"]]);
    const result = replay(CONFIG_MAP, after, target);
    expect(written(result)).toBe(
      replaceOnce(target, [["  TIMEOUT:", '  FEATURE_X: "on" # until Q3\n  TIMEOUT:']]),
    );
    expect(result).toMatchObject({ changes: [{ path: "data.FEATURE_X", line: 7, kind: "add", to: "on" }] });
  });

  it("puts a key that dev added first before the key that follows it", () => {
    const after = replaceOnce(CONFIG_MAP, [["\ndata:\n", "\ndata:\n  AAA: x\n"]]);
    expect(written(replay(CONFIG_MAP, after, CONFIG_MAP))).toBe(after);
  });

  it("re-indents a nested map to a target indented by 4", () => {
    const before = yaml`
      spec:
        template:
          spec:
            containers:
              - name: web
                image: ghcr.io/acme/web:1.0.0
    `;
    const after = replaceOnce(before, [
      [
        "image: ghcr.io/acme/web:1.0.0\n",
        "image: ghcr.io/acme/web:1.0.0\n          resources:\n            limits: # hard cap\n              cpu: 500m\n              memory: 256Mi\n",
      ],
    ]);
    const target = yaml`
      spec:
          template:
              spec:
                  containers:
                      -   name: web
                          image: ghcr.io/acme/web:0.9.0
    `;
    expect(written(replay(before, after, target, "deployment.yml"))).toBe(
      replaceOnce(target, [
        [
          "image: ghcr.io/acme/web:0.9.0\n",
          "image: ghcr.io/acme/web:0.9.0\n                    resources:\n                        limits: # hard cap\n                            cpu: 500m\n                            memory: 256Mi\n",
        ],
      ]),
    );
  });

  it("writes a new list in the target's non-indented sequence style", () => {
    const before = yaml`
      spec:
        containers:
          - name: web
            image: ghcr.io/acme/web:1.0.0
    `;
    const after = replaceOnce(before, [
      [
        "image: ghcr.io/acme/web:1.0.0\n",
        "image: ghcr.io/acme/web:1.0.0\n      ports:\n        - name: http\n          containerPort: 8080\n",
      ],
    ]);
    const target = yaml`
      spec:
        containers:
        - name: web
          image: ghcr.io/acme/web:0.9.0
          env:
          - name: A
            value: "1"
    `;
    expect(written(replay(before, after, target, "deployment.yml"))).toBe(
      replaceOnce(target, [
        [
          "image: ghcr.io/acme/web:0.9.0\n",
          "image: ghcr.io/acme/web:0.9.0\n    ports:\n    - name: http\n      containerPort: 8080\n",
        ],
      ]),
    );
  });

  it("keeps a CRLF target CRLF", () => {
    const after = replaceOnce(CONFIG_MAP, [
      ["  VERSION: 1.10\n", "  VERSION: 1.10\n  EXTRA:\n    nested: yes\n"],
    ]);
    const target = CONFIG_MAP.replace(/\n/g, "\r\n");
    expect(written(replay(CONFIG_MAP, after, target))).toBe(
      replaceOnce(target, [["  VERSION: 1.10\r\n", "  VERSION: 1.10\r\n  EXTRA:\r\n    nested: yes\r\n"]]),
    );
  });

  it("adds to the end of a file that has no final line break without adding one", () => {
    const after = `${REPLICAS}  minReadySeconds: 10\n`;
    const target = REPLICAS.replace(/\n$/, "");
    expect(written(replay(REPLICAS, after, target, "replicas.yml"))).toBe(`${target}\n  minReadySeconds: 10`);
  });

  it("does nothing when the target already has the added key with the same value", () => {
    const after = replaceOnce(CONFIG_MAP, [["  RETRIES: 3\n", "  RETRIES: 3\n  NEW: x\n"]]);
    const target = `${CONFIG_MAP}  NEW: x\n`;
    expect(replay(CONFIG_MAP, after, target)).toEqual({
      kind: "unchanged",
      reason: "test already has this change",
    });
  });

  it("leaves an added key the target already has with another value", () => {
    const after = replaceOnce(CONFIG_MAP, [["  RETRIES: 3\n", "  RETRIES: 3\n  NEW: x\n"]]);
    const target = `${CONFIG_MAP}  NEW: y\n`;
    expect(replay(CONFIG_MAP, after, target)).toEqual({
      kind: "diverged",
      problems: [
        { path: "data.NEW", line: 12, message: "test already has NEW: y where dev added x; left alone" },
      ],
    });
  });
});

describe("replayFile: a removed key takes exactly its lines", () => {
  const COMMENTED = yaml`
    data:
      LOG_LEVEL: info
      # Remove once the beta ends.
      FEATURE_BETA: "on" # see ticket 42
      # Tuning

      RETRIES: 3
  `;

  it.each([
    {
      behaviour: "a key without comments",
      before: CONFIG_MAP,
      remove: "  RETRIES: 3\n",
      target: replaceOnce(CONFIG_MAP, [["LOG_LEVEL: info", "LOG_LEVEL: warn"]]),
      expected: [["  RETRIES: 3\n", ""]],
    },
    {
      behaviour: "a key with the comment directly above it and its own line comment; other comments stay",
      before: COMMENTED,
      remove: '  # Remove once the beta ends.\n  FEATURE_BETA: "on" # see ticket 42\n',
      target: COMMENTED,
      expected: [['  # Remove once the beta ends.\n  FEATURE_BETA: "on" # see ticket 42\n', ""]],
    },
    {
      behaviour: "a key whose comment is separated by a blank line keeps the comment",
      before: COMMENTED,
      remove: "  RETRIES: 3\n",
      target: COMMENTED,
      expected: [["  RETRIES: 3\n", ""]],
    },
    {
      behaviour: "a key with a nested map and the comments inside it",
      before: yaml`
        spec:
          strategy:
            type: RollingUpdate
            # rollingUpdate: {maxSurge: 1}
          replicas: 2
      `,
      remove: "  strategy:\n    type: RollingUpdate\n    # rollingUpdate: {maxSurge: 1}\n",
      target: yaml`
        spec:
          strategy:
            type: RollingUpdate
            # rollingUpdate: {maxSurge: 1}
          replicas: 4
      `,
      expected: [["  strategy:\n    type: RollingUpdate\n    # rollingUpdate: {maxSurge: 1}\n", ""]],
    },
    {
      behaviour: "the first key of a list item, moving the next key up behind the dash",
      before: yaml`
        ports:
          - protocol: TCP # default anyway
            containerPort: 80
      `,
      remove: "protocol: TCP # default anyway\n    ",
      target: yaml`
        ports:
        - protocol: TCP # default anyway
          containerPort: 80
      `,
      expected: [["protocol: TCP # default anyway\n  ", ""]],
    },
  ])("$behaviour", ({ before, remove, target, expected }) => {
    const after = replaceOnce(before, [[remove, ""]]);
    expect(written(replay(before, after, target))).toBe(replaceOnce(target, expected as [string, string][]));
  });

  it("removes a key whose value is a block scalar, and not the line after it", () => {
    const before = yaml`
      data:
        nginx.conf: |
          worker_processes 1;
        LOG_LEVEL: info
    `;
    const after = replaceOnce(before, [["  nginx.conf: |\n    worker_processes 1;\n", ""]]);
    expect(written(replay(before, after, before))).toBe(after);
  });

  it("adds a key after one whose value is a block scalar", () => {
    const before = yaml`
      data:
        nginx.conf: |
          worker_processes 1;
      other: 1
    `;
    const after = replaceOnce(before, [
      ["    worker_processes 1;\n", "    worker_processes 1;\n  LOG_LEVEL: info\n"],
    ]);
    expect(written(replay(before, after, before))).toBe(after);
  });

  it("does nothing when the target never had the removed key", () => {
    const after = replaceOnce(CONFIG_MAP, [["  RETRIES: 3\n", ""]]);
    const target = replaceOnce(CONFIG_MAP, [["  RETRIES: 3\n", ""]]);
    expect(replay(CONFIG_MAP, after, target)).toEqual({
      kind: "unchanged",
      reason: "test already has this change",
    });
  });

  it("leaves a removed key the target had changed", () => {
    const after = replaceOnce(CONFIG_MAP, [["  RETRIES: 3\n", ""]]);
    const target = replaceOnce(CONFIG_MAP, [["RETRIES: 3", "RETRIES: 5"]]);
    expect(replay(CONFIG_MAP, after, target)).toEqual({
      kind: "diverged",
      problems: [
        {
          path: "data.RETRIES",
          line: 9,
          message: "test has RETRIES: 5 where dev had 3 before removing it; left alone",
        },
      ],
    });
  });

  it("refuses to empty a map, which would turn it into null", () => {
    const before = yaml`
      metadata:
        labels:
          tier: web
          team: a
    `;
    const after = replaceOnce(before, [["    team: a\n", ""]]);
    const target = replaceOnce(before, [["    tier: web\n", ""]]);
    expect(replay(before, after, target)).toEqual({
      kind: "diverged",
      problems: [
        {
          path: "metadata.labels",
          line: 3,
          message: "removing what dev removed would leave test's metadata.labels empty; edit it by hand",
        },
      ],
    });
  });
});

describe("replayFile: list items are matched by their name", () => {
  it("adds an env var after the one that precedes it in dev", () => {
    const after = replaceOnce(SETTINGS, [
      [
        '        value: "2048kb"\n',
        '        value: "2048kb"\n        - name: FEATURE_FLAGS # beta\n          value: "search"\n',
      ],
    ]);
    const target = replaceOnce(SETTINGS, [['"light"', '"dark"']]);
    const result = replay(SETTINGS, after, target);
    expect(written(result)).toBe(
      replaceOnce(target, [
        [
          '        value: "2048kb"\n',
          '        value: "2048kb"\n        - name: FEATURE_FLAGS # beta\n          value: "search"\n',
        ],
      ]),
    );
    expect(result).toMatchObject({
      changes: [
        {
          path: "spec.template.spec.containers[name=webserver-simple].env[name=FEATURE_FLAGS]",
          line: 16,
          kind: "add",
        },
      ],
    });
  });

  it("removes an env var's lines, including the last one of a file without a final line break", () => {
    const after = replaceOnce(SETTINGS, [
      ['\n        - name: N_BUCKETS\n          value: "42"          ', ""],
    ]);
    const result = replay(SETTINGS, after, SETTINGS);
    expect(written(result)).toBe(after);
    expect(result).toMatchObject({
      changes: [
        {
          path: "spec.template.spec.containers[name=webserver-simple].env[name=N_BUCKETS]",
          line: 20,
          kind: "remove",
        },
      ],
    });
  });

  it("leaves an env var dev added when the target already has it with another value", () => {
    const added = '        - name: FEATURE_FLAGS\n          value: "search"\n';
    const after = replaceOnce(SETTINGS, [
      ["        - name: PAGE_LIMIT\n", `${added}        - name: PAGE_LIMIT\n`],
    ]);
    const target = replaceOnce(after, [['"search"', '"none"']]);
    expect(replay(SETTINGS, after, target)).toEqual({
      kind: "diverged",
      problems: [
        {
          path: "spec.template.spec.containers[name=webserver-simple].env[name=FEATURE_FLAGS]",
          line: 16,
          message:
            'test already has env[name=FEATURE_FLAGS] with value: "none" where dev added "search"; left alone',
        },
      ],
    });
  });

  it("changes the item with the same name when the target lists items in another order", () => {
    const after = replaceOnce(SETTINGS, [['value: "25"', 'value: "50"']]);
    const target = replaceOnce(SETTINGS, [
      [
        '        - name: PAGE_LIMIT\n          value: "25"\n        - name: SORTING\n          value: "ascending"    \n',
        '        - name: SORTING\n          value: "ascending"    \n        - name: PAGE_LIMIT\n          value: "25"\n',
      ],
    ]);
    expect(written(replay(SETTINGS, after, target))).toBe(
      replaceOnce(target, [['value: "25"', 'value: "50"']]),
    );
  });

  it("leaves an env var dev removed when the target's differs, naming the value that differs", () => {
    const after = replaceOnce(SETTINGS, [['        - name: PAGE_LIMIT\n          value: "25"\n', ""]]);
    const target = replaceOnce(SETTINGS, [['value: "25"', 'value: "50"']]);
    expect(replay(SETTINGS, after, target)).toEqual({
      kind: "diverged",
      problems: [
        {
          path: "spec.template.spec.containers[name=webserver-simple].env[name=PAGE_LIMIT]",
          line: 16,
          message:
            'test has env[name=PAGE_LIMIT] with value: "50" where dev had "25" before removing it; left alone',
        },
      ],
    });
  });

  it("replays a renamed env var as a change of its name, one line", () => {
    const after = replaceOnce(SETTINGS, [["name: SORTING", "name: SORT_ORDER"]]);
    const target = replaceOnce(SETTINGS, [['"ascending"', '"descending"']]);
    const result = replay(SETTINGS, after, target);
    expect(written(result)).toBe(replaceOnce(target, [["name: SORTING", "name: SORT_ORDER"]]));
    expect(result).toMatchObject({
      changes: [
        {
          path: "spec.template.spec.containers[name=webserver-simple].env[name=SORTING].name",
          line: 18,
          kind: "set",
          from: "SORTING",
          to: "SORT_ORDER",
        },
      ],
    });
  });

  it("adds an item in the target's indented sequence style next to its neighbour", () => {
    const before = yaml`
      spec:
        containers:
        - name: web
          ports:
          - name: http
            containerPort: 8080
    `;
    const after = replaceOnce(before, [
      [
        "      containerPort: 8080\n",
        "      containerPort: 8080\n    - name: metrics\n      containerPort: 9090\n",
      ],
    ]);
    const target = yaml`
      spec:
          containers:
              - name: web
                ports:
                    - name: http
                      containerPort: 8081
    `;
    expect(written(replay(before, after, target, "deployment.yml"))).toBe(
      `${target}              - name: metrics\n                containerPort: 9090\n`,
    );
  });

  it("replays a container's new argument list as a whole, in the target's flow style", () => {
    const before = yaml`
      spec:
        containers:
          - name: web
            args: ["--port=8080"]
    `;
    const after = replaceOnce(before, [['["--port=8080"]', '["--port=8080", "--verbose"]']]);
    const target = yaml`
      spec:
        containers:
          - name: web
            args: ['--port=8080']
    `;
    expect(written(replay(before, after, target, "deployment.yml"))).toBe(
      replaceOnce(target, [["['--port=8080']", "['--port=8080', '--verbose']"]]),
    );
  });

  it("replays an argument list into a target that writes it as block items", () => {
    const before = yaml`
      args: ["--port=8080"]
    `;
    const after = yaml`
      args: ["--port=8080", "--verbose"]
    `;
    const target = yaml`
      args:
        - "--port=8080"
      other: 1
    `;
    expect(written(replay(before, after, target))).toBe(
      replaceOnce(target, [['  - "--port=8080"\n', '  - "--port=8080"\n  - "--verbose"\n']]),
    );
  });
});

describe("replayFile: documents of a multi-document file are matched by kind and name", () => {
  const DEV = yaml`
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: web-settings
      namespace: dev
    data:
      MODE: fast
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      namespace: dev
    spec:
      replicas: 1
  `;
  const TEST = yaml`
    # test runs the deployment first
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: web
      namespace: test
    spec:
      replicas: 1
    ---
    apiVersion: v1
    kind: ConfigMap
    metadata:
      name: web-settings
      namespace: test
    data:
      MODE: fast
  `;

  it("edits the document with the same kind and name, wherever it is and whatever its namespace", () => {
    const after = replaceOnce(DEV, [["MODE: fast", "MODE: safe"]]);
    const result = replay(DEV, after, TEST, "web.yml");
    expect(written(result)).toBe(replaceOnce(TEST, [["MODE: fast", "MODE: safe"]]));
    expect(result).toMatchObject({
      changes: [
        {
          path: "data.MODE",
          line: 16,
          kind: "set",
          from: "fast",
          to: "safe",
          document: "ConfigMap/web-settings",
        },
      ],
    });
  });

  it("replays a renamed resource as a change of its name", () => {
    const after = replaceOnce(DEV, [["name: web\n  namespace: dev", "name: webapp\n  namespace: dev"]]);
    expect(written(replay(DEV, after, TEST, "web.yml"))).toBe(
      replaceOnce(TEST, [["name: web\n  namespace: test", "name: webapp\n  namespace: test"]]),
    );
  });

  it("names the document in a divergence", () => {
    const after = replaceOnce(DEV, [["replicas: 1", "replicas: 2"]]);
    const target = replaceOnce(TEST, [["replicas: 1", "replicas: 3"]]);
    expect(replay(DEV, after, target, "web.yml")).toEqual({
      kind: "diverged",
      problems: [
        {
          path: "spec.replicas",
          line: 8,
          document: "Deployment/web",
          message: "test has replicas: 3 where dev had 1 before the change; left alone",
        },
      ],
    });
  });
});

describe("replayFile: new and deleted files", () => {
  it("creates a new file with dev's text verbatim", () => {
    expect(replay(undefined, CONFIG_MAP, undefined)).toEqual({ kind: "create", text: CONFIG_MAP });
  });

  it("leaves alone a new file test already has", () => {
    expect(replay(undefined, CONFIG_MAP, CONFIG_MAP)).toEqual({
      kind: "unchanged",
      reason: "test already has this file",
    });
  });

  it("does not overwrite a different file test already has", () => {
    expect(replay(undefined, CONFIG_MAP, replaceOnce(CONFIG_MAP, [["RETRIES: 3", "RETRIES: 4"]]))).toEqual({
      kind: "diverged",
      problems: [
        {
          path: "",
          message: "test already has envs/test/settings.yml, different from dev's new file; left alone",
        },
      ],
    });
  });

  it.each([
    { behaviour: "byte for byte", target: SETTINGS },
    { behaviour: "in its data (layout aside)", target: SETTINGS.replace('"light"', "light") },
  ])("deletes a file that is the same as dev's was $behaviour", ({ target }) => {
    expect(replay(SETTINGS, undefined, target)).toEqual({ kind: "delete" });
  });

  it("does not delete a file test changed since", () => {
    expect(replay(SETTINGS, undefined, SETTINGS.replace('"light"', '"dark"'))).toEqual({
      kind: "diverged",
      problems: [{ path: "", message: "test changed this file since; not deleted" }],
    });
  });

  it("has nothing to delete when test never had the file", () => {
    expect(replay(SETTINGS, undefined, undefined)).toEqual({
      kind: "unchanged",
      reason: "test does not have this file",
    });
  });
});

describe("replayFile: image references travel as versions, not as replayed changes", () => {
  const VERSION = yaml`
    ---
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: simple-deployment
    spec:
      template:
        spec:
          containers:
          - name: webserver-simple
            image: docker.io/kostiscodefresh/simple-env-app:1.0
            env:
            - name: UI_THEME
              value: "light"
  `;

  it("leaves a file alone when only an image changed", () => {
    const after = replaceOnce(VERSION, [["simple-env-app:1.0", "simple-env-app:2.0"]]);
    expect(replay(VERSION, after, VERSION, "version.yml")).toEqual({
      kind: "unchanged",
      reason: "only image references changed; they are promoted as versions, not replayed",
    });
  });

  it("replays only the setting when an image changed with it, keeping the target's own version", () => {
    const after = replaceOnce(VERSION, [
      ["simple-env-app:1.0", "simple-env-app:2.0"],
      ['"light"', '"dark"'],
    ]);
    const target = replaceOnce(VERSION, [["simple-env-app:1.0", "simple-env-app:0.9"]]);
    const result = replay(VERSION, after, target, "version.yml");
    expect(written(result)).toBe(replaceOnce(target, [['"light"', '"dark"']]));
    expect(result).toMatchObject({ changes: [{ kind: "set", to: "dark" }] });
  });

  it.each([
    {
      file: "kustomization.yaml",
      before: yaml`
        images:
          - name: ghcr.io/acme/api
            newTag: 1.0.0
        replicas:
          - name: api
            count: 1
      `,
      change: [
        ["newTag: 1.0.0", "newTag: 1.1.0"],
        ["count: 1", "count: 2"],
      ],
      target: [["newTag: 1.0.0", "newTag: 0.9.0"]],
      expected: [["count: 1", "count: 2"]],
    },
    {
      file: "values.yaml",
      before: yaml`
        api:
          image:
            repository: ghcr.io/acme/api
            tag: 1.0.0
          replicas: 1
      `,
      change: [
        ["tag: 1.0.0", "tag: 1.1.0"],
        ["replicas: 1", "replicas: 2"],
      ],
      target: [["tag: 1.0.0", "tag: 0.9.0"]],
      expected: [["replicas: 1", "replicas: 2"]],
    },
  ])("ignores image tags in $file", ({ file, before, change, target, expected }) => {
    const after = replaceOnce(before, change as [string, string][]);
    const current = replaceOnce(before, target as [string, string][]);
    expect(written(replay(before, after, current, file))).toBe(
      replaceOnce(current, expected as [string, string][]),
    );
  });

  it("sees through Helm values embedded in an Argo CD Application", () => {
    const before = yaml`
      apiVersion: argoproj.io/v1alpha1
      kind: Application
      metadata:
        name: api
      spec:
        source:
          helm:
            values: |
              image:
                repository: ghcr.io/acme/api
                tag: 1.0.0
    `;
    const after = replaceOnce(before, [["tag: 1.0.0", "tag: 1.1.0"]]);
    const target = replaceOnce(before, [["tag: 1.0.0", "tag: 0.9.0"]]);
    expect(replay(before, after, target, "api.yaml")).toEqual({
      kind: "unchanged",
      reason: "only image references changed; they are promoted as versions, not replayed",
    });
  });

  it("replays image changes too when asked to", () => {
    const after = replaceOnce(VERSION, [["simple-env-app:1.0", "simple-env-app:2.0"]]);
    expect(written(replay(VERSION, after, VERSION, "version.yml", { ignoreImages: false }))).toBe(after);
  });
});

describe("replayFile: what cannot be done safely is reported, never guessed", () => {
  it("leaves a target that writes the map in flow style", () => {
    const before = yaml`
      metadata:
        labels:
          app: web
    `;
    const after = `${before}    tier: frontend\n`;
    const target = yaml`
      metadata:
        labels: {app: web}
    `;
    expect(replay(before, after, target)).toEqual({
      kind: "diverged",
      problems: [
        {
          path: "metadata.labels.tier",
          line: 2,
          message: "test writes metadata.labels in flow style ({…}); add tier by hand",
        },
      ],
    });
  });

  it("leaves a target that does not parse, with its line", () => {
    const after = replaceOnce(CONFIG_MAP, [["LOG_LEVEL: info", "LOG_LEVEL: debug"]]);
    const target = replaceOnce(CONFIG_MAP, [["  LOG_LEVEL: info\n", "  LOG_LEVEL: {{ .Values.level }}\n"]]);
    expect(replay(CONFIG_MAP, after, target)).toEqual({
      kind: "diverged",
      problems: [
        {
          path: "",
          line: 6,
          message:
            "test's envs/test/settings.yml cannot be read: Helm/Go template ({{ }}); left alone, edit it by hand or add a values file; left alone",
        },
      ],
    });
  });

  it("leaves a block scalar that dev changed", () => {
    const before = yaml`
      data:
        nginx.conf: |
          worker_processes 1;
    `;
    const after = replaceOnce(before, [["worker_processes 1;", "worker_processes 2;"]]);
    expect(replay(before, after, before)).toEqual({
      kind: "diverged",
      problems: [
        {
          path: "data.nginx.conf",
          line: 2,
          message: "dev changed nginx.conf, but it is a block scalar (| or >); edit test by hand",
        },
      ],
    });
  });

  it("leaves a value the target anchors, since its aliases would change too", () => {
    const before = yaml`
      defaults:
        timeout: 30
    `;
    const after = replaceOnce(before, [["timeout: 30", "timeout: 60"]]);
    const target = yaml`
      defaults: &defaults
        timeout: 30
      jobs:
        nightly: *defaults
    `;
    expect(replay(before, after, target)).toEqual({
      kind: "diverged",
      problems: [
        {
          path: "defaults.timeout",
          line: 2,
          message:
            "test anchors defaults.timeout or what holds it (&defaults), so changing it would change its aliases too; edit it by hand",
        },
      ],
    });
  });

  it("leaves a file test does not have", () => {
    const after = replaceOnce(CONFIG_MAP, [["LOG_LEVEL: info", "LOG_LEVEL: debug"]]);
    expect(replay(CONFIG_MAP, after, undefined)).toEqual({
      kind: "diverged",
      problems: [{ path: "", message: "test has no envs/test/settings.yml; dev's change is left alone" }],
    });
  });

  it("leaves a change under a key the target does not have", () => {
    const after = replaceOnce(CONFIG_MAP, [["LOG_LEVEL: info", "LOG_LEVEL: debug"]]);
    const target = replaceOnce(CONFIG_MAP, [["  LOG_LEVEL: info\n", ""]]);
    expect(replay(CONFIG_MAP, after, target)).toEqual({
      kind: "diverged",
      problems: [{ path: "data.LOG_LEVEL", message: "test has no data.LOG_LEVEL; left alone" }],
    });
  });
});

describe("replayFile: a value that changed shape is rewritten as one node in the target's layout", () => {
  it("turns an empty flow map into block lines under the same key", () => {
    const before = yaml`
      spec:
        resources: {} # none yet
        replicas: 1
    `;
    const after = replaceOnce(before, [
      ["  resources: {} # none yet\n", "  resources:\n    limits:\n      cpu: 500m\n"],
    ]);
    const target = yaml`
      spec:
          resources: {} # none yet
          replicas: 2
    `;
    expect(written(replay(before, after, target))).toBe(
      replaceOnce(target, [
        ["resources: {} # none yet\n", "resources:\n        limits:\n            cpu: 500m\n"],
      ]),
    );
  });

  it("rewrites a list without identity keys as a whole when its length changed", () => {
    const before = yaml`
      spec:
        tolerations:
          - effect: NoSchedule
            operator: Exists
        replicas: 1
    `;
    const after = replaceOnce(before, [
      ["    operator: Exists\n", "    operator: Exists\n    - effect: NoExecute\n      operator: Exists\n"],
    ]);
    const target = yaml`
      spec:
        tolerations:
        - effect: NoSchedule
          operator: Exists
        replicas: 3
    `;
    const result = replay(before, after, target);
    expect(written(result)).toBe(
      replaceOnce(target, [
        ["  operator: Exists\n", "  operator: Exists\n  - effect: NoExecute\n    operator: Exists\n"],
      ]),
    );
    expect(result).toMatchObject({ changes: [{ path: "spec.tolerations", line: 2, kind: "set" }] });
  });

  it("changes an item of such a list by position when its length stayed", () => {
    const before = yaml`
      tolerations:
        - effect: NoSchedule
          operator: Exists
    `;
    const after = replaceOnce(before, [["NoSchedule", "NoExecute"]]);
    const result = replay(before, after, before);
    expect(written(result)).toBe(after);
    expect(result).toMatchObject({
      changes: [{ path: "tolerations[0].effect", from: "NoSchedule", to: "NoExecute" }],
    });
  });
});

describe("replayFile: whole documents dev added or removed", () => {
  const SERVICE = yaml`
    ---
    apiVersion: v1
    kind: Service
    metadata:
      name: web
    spec:
      ports:
        - name: http
          port: 80
  `;
  const MONITOR = yaml`
    ---
    # scraped by the platform's Prometheus
    apiVersion: monitoring.coreos.com/v1
    kind: ServiceMonitor
    metadata:
      name: web
    spec:
      endpoints:
        - port: http
  `;

  it("appends a new document in the target's layout", () => {
    const target = yaml`
      ---
      apiVersion: v1
      kind: Service
      metadata:
          name: web
      spec:
          ports:
          - name: http
            port: 8080
    `;
    const result = replay(SERVICE, SERVICE + MONITOR, target, "web.yml");
    expect(written(result)).toBe(
      `${target}---\n# scraped by the platform's Prometheus\napiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata:\n    name: web\nspec:\n    endpoints:\n    - port: http\n`,
    );
    expect(result).toMatchObject({
      changes: [
        { path: "", line: 10, kind: "add", to: "ServiceMonitor/web", document: "ServiceMonitor/web" },
      ],
    });
  });

  it("removes a document whose target copy holds the same data", () => {
    const target = `${MONITOR}${SERVICE}`;
    expect(written(replay(SERVICE + MONITOR, SERVICE, target, "web.yml"))).toBe(SERVICE);
  });

  it("keeps a removed document the target changed since", () => {
    const target = replaceOnce(`${SERVICE}${MONITOR}`, [["- port: http", "- port: metrics"]]);
    expect(replay(SERVICE + MONITOR, SERVICE, target, "web.yml")).toEqual({
      kind: "diverged",
      problems: [
        {
          path: "",
          line: 12,
          document: "ServiceMonitor/web",
          message: "test changed the ServiceMonitor/web document since; not removed",
        },
      ],
    });
  });
});

describe("replayFile: aliases and verification", () => {
  it("does not follow an alias in the target to change what it points at", () => {
    const before = yaml`
      base:
        timeout: 30
      job:
        timeout: 30
    `;
    const after = replaceOnce(before, [["job:\n  timeout: 30", "job:\n  timeout: 60"]]);
    const target = yaml`
      base: &base
        timeout: 30
      job: *base
    `;
    expect(replay(before, after, target)).toEqual({
      kind: "diverged",
      problems: [{ path: "job.timeout", message: "test uses an alias (*name) at job; edit it by hand" }],
    });
  });
});

describe("verifyData: the check every replayed file must pass", () => {
  const parsed = (text: string) => {
    const result = parseYaml("f.yaml", text);
    if (!result.ok) throw new Error(result.problem.message);
    return result.source;
  };

  it.each([
    {
      behaviour: "accepts the intended data, whatever the key order",
      text: "b: 2\na: [1, {x: y}]\n",
      reason: undefined,
    },
    {
      behaviour: "catches a value that changed",
      text: "a: [1, {x: z}]\nb: 2\n",
      reason: 'a[1].x is "z" instead of "y"',
    },
    {
      behaviour: "catches a string that became a number",
      text: "a: [1, {x: y}]\nb: '2'\n",
      reason: 'b is "2" instead of 2',
    },
    {
      behaviour: "catches a key that appeared",
      text: "a: [1, {x: y}]\nb: 2\nc: 3\n",
      reason: "c was not meant to be there",
    },
    {
      behaviour: "catches a list that changed length",
      text: "a: [1]\nb: 2\n",
      reason: "a has 1 items instead of 2",
    },
    {
      behaviour: "catches a document too many",
      text: "a: [1, {x: y}]\nb: 2\n---\nc: 1\n",
      reason: "the file had 1 documents and now has 2",
    },
  ])("$behaviour", ({ text, reason }) => {
    expect(verifyData(parsed(text), [{ a: [1, { x: "y" }], b: 2 }])).toBe(reason);
  });

  it("names a key that went missing", () => {
    expect(dataDifference({ a: 1 }, { a: 1, b: 2 })).toBe("b is missing");
  });
});

/**
 * A synthetic config repository of a given size: three environments with one workload per app, plus
 * filler (docs, charts, other teams' folders) to reach `totalFiles`, so request counts can be shown
 * to stay flat as the repository grows.
 */
export function generateRepo(apps: readonly string[], totalFiles: number): Record<string, string> {
  const envs = ["dev", "test", "prod"];
  const files: Record<string, string> = {
    ".github/stagecoach.yml": [
      "environments:",
      "  dev:",
      "    path: envs/dev",
      "  test:",
      "    path: envs/test",
      "    from: dev",
      "    promotion: auto",
      "  prod:",
      "    path: envs/prod",
      "    from: test",
      "    promotion: manual",
      "apps:",
      ...apps.flatMap((app) => [
        `  ${app}:`,
        `    image: ghcr.io/acme/${app}`,
        '    tags: { semver: "^1.0.0" }',
      ]),
      "",
    ].join("\n"),
  };
  for (const env of envs) {
    for (const app of apps) {
      files[`envs/${env}/${app}/deployment.yaml`] = [
        "apiVersion: apps/v1",
        "kind: Deployment",
        "metadata:",
        `  name: ${app}`,
        "spec:",
        "  template:",
        "    spec:",
        "      containers:",
        `        - name: ${app}`,
        `          image: ghcr.io/acme/${app}:1.0.0 # bumped by Stagecoach`,
        "          ports:",
        "            - containerPort: 8080",
        "",
      ].join("\n");
      files[`envs/${env}/${app}/service.yaml`] =
        `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${app}\nspec:\n  ports:\n    - port: 80\n`;
    }
  }
  for (let index = 0; Object.keys(files).length < totalFiles; index++) {
    const team = `team-${index % 40}`;
    files[`platform/${team}/manifests/config-${index}.yaml`] =
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-${index}\ndata:\n  key: "${index}"\n`;
  }
  return files;
}

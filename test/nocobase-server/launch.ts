// Runs one NocoBase server command (install, start, pm ...) from this folder's plain npm install; the
// `nocobase` CLI expects a yarn workspace, so this does what its entry does: load the CLI's environment
// set-up, point NocoBase at the @nocobase/app package, then hand over to the app with argv intact.
// Run with Node's own type stripping (`node launch.ts install`) so it needs none of the product's tooling;
// it has no import statements on purpose, so Node runs it as CommonJS like the NocoBase code it loads.
{
    const { createRequire } = process.getBuiltinModule("node:module");
    const path = process.getBuiltinModule("node:path");
    const loadFromHere = createRequire(path.join(__dirname, "package.json"));
    const cliUtil = loadFromHere("@nocobase/cli-v1/src/util") as { initEnv(): void };

    cliUtil.initEnv();
    process.env.APP_PACKAGE_ROOT = path.dirname(loadFromHere.resolve("@nocobase/app/package.json"));
    loadFromHere("@nocobase/app/lib/index.js");
}

// Flat config: typescript-eslint's type-aware rules plus Pulumi's Output-in-template-literal rules.
const js = require("@eslint/js");
const tseslint = require("typescript-eslint");
const pulumi = require("@pulumi/eslint-plugin");

module.exports = tseslint.config(
    // examples/typescript/ resolves this package only when installed as a dependency: its test type-checks it so.
    { ignores: ["node_modules/", "test/nocobase-server/node_modules/", "test/nocobase-server/runtime/", ".tools/", "examples/typescript/", "dist/"] },
    js.configs.recommended,
    ...tseslint.configs.recommendedTypeChecked,
    {
        languageOptions: {
            parserOptions: { projectService: { allowDefaultProject: ["eslint.config.js"] }, tsconfigRootDir: __dirname },
        },
        plugins: { "@pulumi": pulumi },
        rules: {
            "@pulumi/no-output-in-template-literal": "error",
            "@pulumi/no-output-instance-in-template-literal": "error",
            // node:test's describe/it return promises the runner itself awaits.
            "@typescript-eslint/no-floating-promises": ["error", {
                allowForKnownSafeCalls: [{ from: "package", package: "node:test", name: ["describe", "it", "test", "before", "after", "beforeEach", "afterEach"] }],
            }],
            "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", destructuredArrayIgnorePattern: "^_" }],
        },
    },
    {
        files: ["eslint.config.js"],
        ...tseslint.configs.disableTypeChecked,
        languageOptions: { sourceType: "commonjs", globals: { require: "readonly", module: "writable", __dirname: "readonly" } },
        rules: { "@typescript-eslint/no-require-imports": "off" },
    },
);

// @ts-check
import tseslint from "typescript-eslint";

const NO_SIMULATOR = { group: ["**/simulator/**"], message: "Production code never imports the simulator." };

export default tseslint.config(
  { ignores: ["node_modules/**", "var/**", "config/schema.json"] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ["eslint.config.js"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": [
        "error",
        { considerDefaultExhaustiveForUnions: true },
      ],
      "@typescript-eslint/consistent-type-imports": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Only src/config/ reads the environment." },
      ],
    },
  },
  {
    files: ["src/config/**", "test/**", "scripts/**", "bench/**", "bin/**", "vitest.config.ts"],
    rules: { "no-restricted-properties": "off" },
  },
  {
    files: ["src/**"],
    ignores: ["src/simulator/**", "src/cli/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [NO_SIMULATOR] }] },
  },
  {
    // After the src/** entry on purpose: for one rule, a later matching entry replaces an
    // earlier one, so compliance/ names every restriction it is under in one list.
    files: ["src/compliance/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: ["ioredis", "bullmq", "fastify", "fluent-ffmpeg", "pino"].map((name) => ({
            name,
            message: "compliance/ is pure: no I/O.",
          })),
          patterns: [
            NO_SIMULATOR,
            {
              group: [
                "node:*",
                "**/net/*",
                "**/onvif/*",
                "**/config/*",
                "**/store/*",
                "**/media/*",
                "**/http/*",
              ],
              message: "compliance/ is pure: no I/O.",
            },
          ],
        },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: "compliance/ takes its clock as an argument.",
        },
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: "compliance/ takes its clock as an argument.",
        },
        {
          selector: "MemberExpression[object.name='Math'][property.name='random']",
          message: "compliance/ is deterministic.",
        },
      ],
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
);

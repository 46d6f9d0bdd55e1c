// @ts-check
import tseslint from "typescript-eslint";

const NO_SIMULATOR = { group: ["**/simulator/**"], message: "Production code never imports the simulator." };
const NO_UPPER = {
  group: ["**/app/*", "**/http/*", "**/http/**", "**/workers/*", "**/cli/*", "**/cli/**"],
  message: "A lower layer never imports the wiring and entry points (app/, http/, workers/, cli/).",
};

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
    // Replaces the entry above for the lower layers (same rule): the simulator and the layers above.
    files: ["src/**"],
    ignores: ["src/simulator/**", "src/cli/**", "src/app/**", "src/http/**", "src/workers/**"],
    rules: { "no-restricted-imports": ["error", { patterns: [NO_SIMULATOR, NO_UPPER] }] },
  },
  {
    files: ["src/domain/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["../*", "../**"], message: "domain/ is plain types: it imports only domain/." },
          ],
        },
      ],
    },
  },
  {
    // Connections are made in app/ (and store/redis.ts); everything else reaches Redis through
    // store/ repositories, taking a connection by type only to hand it to them. The script
    // runner issues commands too (EVALSHA), so it stays inside store/ as well.
    files: ["src/**"],
    ignores: ["src/store/**", "src/app/**"],
    rules: {
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "ioredis",
              allowTypeImports: true,
              message: "Redis connections are made in app/; Redis is used through store/.",
            },
          ],
          patterns: [
            {
              group: ["**/store/script.ts"],
              message: "Redis commands (Lua scripts included) are issued in store/ only.",
            },
          ],
        },
      ],
    },
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
            NO_UPPER,
            {
              group: ["node:*", "**/net/*", "**/onvif/*", "**/config/*", "**/store/*", "**/media/*"],
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
    // Benchmarks and tests share code only through src/ and scripts/, never each other's helpers.
    files: ["bench/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["**/test/**"], message: "bench/ imports no test helper (shared code: scripts/)." },
          ],
        },
      ],
    },
  },
  {
    files: ["test/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["**/bench/**"], message: "test/ imports nothing of bench/ (shared code: scripts/)." },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.js", "**/*.mjs"],
    ...tseslint.configs.disableTypeChecked,
  },
);

import { resolve } from "node:path";
import { crossCheck } from "./crossCheck.ts";
import { applyEnvOverrides } from "./envOverrides.ts";
import { ConfigError, formatIssue } from "./errors.ts";
import { locateAll, type IssueLocator } from "./locate.ts";
import { ConfigSchema, type ConfigInput } from "./schema.ts";
import { resolveExternals } from "./secrets.ts";
import type { LoadedConfig } from "./types.ts";
import { createConfigValidator, type ConfigValidator } from "./validate.ts";
import { readYamlFile } from "./yamlSource.ts";
import { buildLoadedConfig } from "./build.ts";
import { resolvePolicy, takeExplicitKeys } from "./policy.ts";

export { processEnv } from "./processEnv.ts";

/**
 * Loads one site file: defaults -> policy.preset (presets.ts) -> YAML -> NURSERYWATCH_*
 * environment overrides (see envOverrides.ts for the mapping) -> schema validation ->
 * cross-checks -> secrets and files named by the configuration. Relative paths are resolved
 * against the file's folder.
 *
 * Every problem found at a stage is reported together; a later stage runs only once the
 * earlier ones are clean, because it relies on their guarantees. Throws ConfigError.
 */
export async function loadConfig(
  file: string,
  env: Readonly<Record<string, string | undefined>>,
): Promise<LoadedConfig> {
  const path = resolve(file);
  const source = await readYamlFile(path);
  const data = source.data;

  const overrides = applyEnvOverrides(data, env, ConfigSchema);
  const where: IssueLocator = { lineOf: (p) => source.lineOf(p), origins: overrides.origins };
  // Before validation fills in defaults, which would hide what the file and environment set.
  const explicit = takeExplicitKeys(data);
  const schemaIssues = validator()(data, where);
  if (overrides.issues.length > 0 || schemaIssues.length > 0) {
    throw new ConfigError(path, [...overrides.issues, ...schemaIssues]);
  }
  const config = data as ConfigInput;

  const policy = resolvePolicy(config, explicit, overrides.origins);
  const checked = crossCheck(config, policy.parentsEnabled);
  const problems = [...policy.problems, ...checked.problems];
  if (problems.length > 0) throw new ConfigError(path, locateAll(problems, where));

  const externals = await resolveExternals(config, resolve(path, ".."), env);
  if (externals.problems.length > 0) throw new ConfigError(path, locateAll(externals.problems, where));

  const warnings = locateAll([...policy.warnings, ...checked.warnings, ...externals.warnings], where).map(
    (w) => formatIssue(path, w),
  );
  return buildLoadedConfig(path, config, policy, externals, warnings);
}

// Compiling the schema takes tens of milliseconds; a district deployment loads hundreds of
// site files. The compiled function holds no state between calls, so one is shared.
let compiled: ConfigValidator | null = null;
function validator(): ConfigValidator {
  compiled ??= createConfigValidator();
  return compiled;
}

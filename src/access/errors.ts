/** Typed errors of parents' access: callers (API, CLI) turn each into its own answer. */

/** A family or token request that cannot be granted as asked (a private zone, a wider window...). */
export class AccessInputError extends Error {
  override readonly name = "AccessInputError";
  constructor(readonly problems: readonly string[]) {
    super(problems.join("; "));
  }
}

/** The site's rules forbid online viewing (parents.enabled: false). */
export class ParentsDisabledError extends Error {
  override readonly name = "ParentsDisabledError";
  constructor(readonly siteId: string) {
    super(
      `parents' live view is off for site ${siteId} (parents.enabled: false): families and access tokens cannot be managed`,
    );
  }
}

/** No family with this id at the site. */
export class UnknownFamilyError extends Error {
  override readonly name = "UnknownFamilyError";
  constructor(
    readonly siteId: string,
    readonly familyId: string,
  ) {
    super(`no family "${familyId}" at site ${siteId}`);
  }
}

/** A parent link needs http.publicUrl. */
export class NoPublicUrlError extends Error {
  override readonly name = "NoPublicUrlError";
  constructor(readonly siteId: string) {
    super(
      `http.publicUrl is not set for site ${siteId}, so no parent link can be made: set it to the address parents reach`,
    );
  }
}

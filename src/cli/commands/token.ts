import { writeFile } from "node:fs/promises";
import QRCode from "qrcode";
import { parseLifetime } from "../../access/tokens.ts";
import { EXIT, UsageError } from "../exitCodes.ts";
import { withAccess } from "./access.ts";

/**
 * `nurserywatch token issue`: prints the parent link (the token in its fragment) once, and writes
 * it as QR codes when asked. The token is not kept anywhere: only its hash is stored.
 */
export async function tokenIssueCommand(opts: {
  config: string;
  family: string;
  expires: string;
  json?: boolean;
  qrPng?: string;
  qrSvg?: string;
  by: string;
}): Promise<number> {
  const lifetime = parseLifetime(opts.expires);
  if (!lifetime.ok) throw new UsageError(`--expires: ${lifetime.message}`);
  const issued = await withAccess(opts.config, true, (access, config) =>
    access.issueToken(config.site.id, opts.family, lifetime.ms, opts.by),
  );
  // Medium error correction: a printed code still reads with a smudge.
  if (opts.qrPng !== undefined)
    await QRCode.toFile(opts.qrPng, issued.url, {
      type: "png",
      errorCorrectionLevel: "M",
      margin: 2,
      width: 512,
    });
  if (opts.qrSvg !== undefined)
    await writeFile(
      opts.qrSvg,
      await QRCode.toString(issued.url, { type: "svg", errorCorrectionLevel: "M", margin: 2 }),
      { mode: 0o600 },
    );
  if (opts.json === true)
    process.stdout.write(
      `${JSON.stringify({ url: issued.url, tokenId: issued.tokenId, familyId: issued.familyId, expiresAt: issued.expiresAt })}\n`,
    );
  else
    process.stdout.write(
      `${issued.url}\ntoken ${issued.tokenId} for family ${issued.familyId}, expires ${issued.expiresAt}\n` +
        "Give the link (or the QR code) to the family only: it is shown this once and works until it expires or is revoked.\n",
    );
  return EXIT.compliant;
}

/** `nurserywatch token revoke`: one token by its id, or every token and session of a family. */
export async function tokenRevokeCommand(opts: {
  config: string;
  tokenId?: string;
  family?: string;
  by: string;
}): Promise<number> {
  if ((opts.tokenId === undefined) === (opts.family === undefined))
    throw new UsageError("say which: --token-id ID (one token) or --family ID (all of the family's)");
  if (opts.tokenId !== undefined) {
    const tokenId = opts.tokenId;
    const revoked = await withAccess(opts.config, true, (access, config) =>
      access.revokeToken(config.site.id, tokenId, opts.by),
    );
    if (revoked === null) {
      process.stderr.write(`nurserywatch: no token ${tokenId}\n`);
      return EXIT.violation;
    }
    process.stdout.write(`revoked token ${tokenId} of family ${revoked.familyId}\n`);
    return EXIT.compliant;
  }
  const familyId = opts.family ?? "";
  await withAccess(opts.config, true, (access, config) =>
    access.revokeFamily(config.site.id, familyId, opts.by),
  );
  process.stdout.write(`revoked every token and session of family ${familyId}\n`);
  return EXIT.compliant;
}

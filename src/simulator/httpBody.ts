import type { IncomingMessage } from "node:http";

/** Reads a request body; null when it is over `limit` (the rest is drained, up to a hard cap, so a 413 can be read). */
export function readBody(req: IncomingMessage, limit: number): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > 16 * limit) req.destroy();
      else if (size <= limit) chunks.push(c);
    });
    req.on("end", () => resolve(size > limit ? null : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
    req.on("close", () => resolve(null));
  });
}

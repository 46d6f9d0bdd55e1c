import type { ServerResponse } from "node:http";
import { ENVELOPE_CLOSE, envelopeOpen } from "./xml.ts";

/**
 * Answers that a robust client must survive: a huge body, broken XML, entity expansion
 * bombs and external entities. Each is written for one operation's response element.
 */

export const OVERSIZED_BYTES = 52 * 1024 * 1024;
const CHUNK = 64 * 1024;

const SOAP_HEAD = `<?xml version="1.0" encoding="UTF-8"?>`;
const ENV_ATTRS = `xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tt="http://www.onvif.org/ver10/schema"`;

/** Streams ~52 MB of well-formed-looking XML with backpressure; stops early when the client goes. */
export async function writeOversized(
  res: ServerResponse,
  responseElement: string,
  nsDecl: string,
): Promise<void> {
  res.writeHead(200, { "Content-Type": "application/soap+xml; charset=utf-8" });
  const item = `<tt:Item><tt:Name>padding</tt:Name><tt:Value>${"0123456789abcdef".repeat(16)}</tt:Value></tt:Item>`;
  const block = item.repeat(Math.ceil(CHUNK / item.length));
  let sent = 0;
  const write = (s: string): Promise<boolean> =>
    new Promise((resolve) => {
      if (res.destroyed || res.writableEnded) return resolve(false);
      const ok = res.write(s);
      if (ok) return setImmediate(() => resolve(!res.destroyed));
      const onDrain = (): void => {
        res.off("close", onClose);
        resolve(true);
      };
      const onClose = (): void => {
        res.off("drain", onDrain);
        resolve(false);
      };
      res.once("drain", onDrain);
      res.once("close", onClose);
    });
  const head = `${envelopeOpen()}<${responseElement} ${nsDecl}>`;
  if (!(await write(head))) return;
  sent += head.length;
  while (sent < OVERSIZED_BYTES) {
    if (!(await write(block))) return;
    sent += block.length;
  }
  if (await write(`</${responseElement}>${ENVELOPE_CLOSE}`)) res.end();
}

export function malformedBody(responseElement: string): string {
  return `${SOAP_HEAD}<s:Envelope ${ENV_ATTRS}><s:Body><${responseElement}><tt:Item>unclosed</s:Body></s:Envelope`;
}

/** The billion laughs: ten levels of ten-fold expansion. */
export function entityBombBody(responseElement: string, nsDecl: string): string {
  const levels = [`<!ENTITY lol0 "lol">`];
  for (let i = 1; i <= 9; i++) levels.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
  return (
    `${SOAP_HEAD}<!DOCTYPE s:Envelope [${levels.join("")}]>` +
    `<s:Envelope ${ENV_ATTRS}><s:Body><${responseElement} ${nsDecl}>&lol9;</${responseElement}></s:Body></s:Envelope>`
  );
}

/** An external entity pointing at a local file (XXE). */
export function xxeBody(responseElement: string, nsDecl: string): string {
  return (
    `${SOAP_HEAD}<!DOCTYPE s:Envelope [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>` +
    `<s:Envelope ${ENV_ATTRS}><s:Body><${responseElement} ${nsDecl}>&xxe;</${responseElement}></s:Body></s:Envelope>`
  );
}

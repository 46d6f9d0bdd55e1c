import http from "node:http";
import https from "node:https";
import type { TLSSocket } from "node:tls";
import { isTlsErrorCode, pinMismatch } from "./tlsOptions.ts";
import type { NetErrorKind } from "./types.ts";

/**
 * One HTTP round trip, no auth logic: send, read the whole body under a byte cap, stop the
 * moment `cancel` fires. Failures carry raw (unredacted) text; deviceHttp.ts redacts them.
 */

export interface ExchangeInput {
  /** Without userinfo: Node would turn it into a Basic Authorization header. */
  readonly url: URL;
  /** urlToHttpOptions(url), worked out once per URL by the caller. */
  readonly options: http.RequestOptions;
  readonly method: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer | null;
  readonly agent: http.Agent;
  readonly maxBytes: number;
  /** Cancelled by the deadline or by the caller; its reason is handed back in the failure. */
  readonly cancel: Cancellation;
  /** Normalised leaf pin; the request is written only after the socket's certificate matched it. */
  readonly pin: string | null;
}

export interface ExchangeResult {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /**
   * The answer as Node read it, for repeated header lines kept apart (`headersDistinct`:
   * WWW-Authenticate may come twice). Node builds that map only when it is asked for.
   */
  readonly message: http.IncomingMessage;
  readonly body: Buffer;
}

/**
 * Cancels the exchange under way, for the deadline timer or the caller's AbortSignal. An
 * AbortController per request, with its EventTarget listeners, cost more than the rest of our
 * own per-request work; one request needs only one listener at a time.
 */
export class Cancellation {
  #cancelled = false;
  #reason: unknown = undefined;
  #listener: (() => void) | null = null;

  get cancelled(): boolean {
    return this.#cancelled;
  }

  get reason(): unknown {
    return this.#reason;
  }

  cancel(reason: unknown): void {
    if (this.#cancelled) return;
    this.#cancelled = true;
    this.#reason = reason;
    const listener = this.#listener;
    this.#listener = null;
    listener?.();
  }

  /** Replaces the listener (null: none); it runs at most once. */
  listen(listener: (() => void) | null): void {
    this.#listener = listener;
  }
}

export type Phase = "connecting" | "sending" | "waiting for headers" | "reading body";

export type ExchangeFailure =
  | { readonly kind: Exclude<NetErrorKind, "auth" | "http">; readonly code?: string }
  | { readonly kind: "aborted"; readonly reason: unknown };

export class ExchangeError extends Error {
  constructor(
    message: string,
    readonly failure: ExchangeFailure,
    readonly phase: Phase,
    readonly receivedBytes: number,
    /** A kept-alive socket the device had already closed: safe to retry once on a fresh one. */
    readonly reusedSocketReset: boolean,
  ) {
    super(message);
    this.name = "ExchangeError";
  }
}

const RESET_CODES = new Set(["ECONNRESET", "EPIPE", "ECONNABORTED"]);

export function exchange(input: ExchangeInput): Promise<ExchangeResult> {
  if (input.cancel.cancelled) {
    const reason: unknown = input.cancel.reason;
    return Promise.reject(new ExchangeError("aborted", { kind: "aborted", reason }, "connecting", 0, false));
  }
  return new Promise((resolve, reject) => {
    let phase: Phase = "connecting";
    let received = 0;
    let settled = false;
    let incoming: http.IncomingMessage | undefined;
    const chunks: Buffer[] = [];
    // No named closures below: tsx (esbuild keepNames) renames each one it creates with
    // Object.defineProperty, a cost paid on every request. Methods and anonymous callbacks escape it.
    const run = {
      fail(message: string, failure: ExchangeFailure, reusedReset = false): void {
        if (settled) return;
        settled = true;
        input.cancel.listen(null);
        // Destroying the request destroys its socket: a half-read answer never goes back to the pool.
        req.destroy();
        incoming?.destroy();
        reject(new ExchangeError(message, failure, phase, received, reusedReset));
      },
    };

    const transport = input.url.protocol === "https:" ? https : http;
    // The same options Node derives from a URL argument, with ours on top, as it merges them.
    const req = transport.request({
      ...input.options,
      method: input.method,
      headers: input.headers,
      agent: input.agent,
    });
    req.on("error", (err: NodeJS.ErrnoException) => {
      const code = typeof err.code === "string" ? err.code : undefined;
      const reusedReset = req.reusedSocket && incoming === undefined && RESET_CODES.has(code ?? "");
      run.fail(
        err.message,
        { kind: isTlsErrorCode(code) ? "tls" : "network", ...(code ? { code } : {}) },
        reusedReset,
      );
    });
    // Only after the error listener: destroying the request emits "error", which must not go unheard.
    input.cancel.listen(() => run.fail("aborted", { kind: "aborted", reason: input.cancel.reason }));

    req.once("socket", (socket) => {
      const isTls = input.url.protocol === "https:";
      // A reused socket finished connecting (and its handshake) long ago; a new one has not.
      const ready =
        req.reusedSocket ||
        (isTls ? Object.keys((socket as TLSSocket).getPeerCertificate()).length > 0 : !socket.connecting);
      if (ready) {
        if (phase === "connecting") phase = "sending";
      } else
        socket.once(isTls ? "secureConnect" : "connect", () => {
          if (phase === "connecting") phase = "sending";
        });

      const pin = input.pin;
      if (pin === null || !isTls) {
        if (!settled) req.end(input.body ?? undefined); // Node holds the bytes until the socket is connected
        return;
      }
      // Pinned: not a byte (headers, digest answer, body) before the certificate matched.
      const tlsSocket = socket as TLSSocket;
      const verify = (): void => {
        const mismatch = pinMismatch(tlsSocket.getPeerCertificate(), pin);
        if (mismatch) run.fail(mismatch.message, { kind: "tls", code: "ERR_CERT_PIN_MISMATCH" });
        else if (!settled) req.end(input.body ?? undefined);
      };
      if (ready) verify();
      else tlsSocket.once("secureConnect", verify);
    });
    req.on("finish", () => {
      if (phase !== "reading body") phase = "waiting for headers";
    });

    req.on("response", (res) => {
      incoming = res;
      phase = "reading body";
      const declared = Number(res.headers["content-length"]);
      if (Number.isFinite(declared) && declared > input.maxBytes) {
        run.fail(`answer of ${declared} bytes (Content-Length) exceeds the cap of ${input.maxBytes}`, {
          kind: "too_large",
        });
        return;
      }
      res.on("data", (chunk: Buffer) => {
        if (settled) return;
        received += chunk.length;
        if (received > input.maxBytes) {
          run.fail(`answer exceeded the cap of ${input.maxBytes} bytes`, { kind: "too_large" });
          return;
        }
        chunks.push(chunk);
      });
      res.on("end", () => {
        if (settled) return;
        settled = true;
        input.cancel.listen(null);
        resolve({
          status: res.statusCode ?? 0,
          headers: { ...res.headers },
          message: res,
          body: Buffer.concat(chunks, received),
        });
      });
      res.on("error", (err: NodeJS.ErrnoException) => {
        run.fail(err.message, {
          kind: "network",
          ...(typeof err.code === "string" ? { code: err.code } : {}),
        });
      });
      res.on("close", () => {
        if (!res.complete) run.fail("connection closed before the answer was complete", { kind: "network" });
      });
    });
  });
}

import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from "fastify";
import { createHttpServer, type HttpServer } from "../../src/http/server.ts";
import { createFakeWorld, type FakeOptions, type FakeWorld } from "./fakes.ts";

export interface Harness {
  readonly world: FakeWorld;
  readonly server: HttpServer;
  readonly app: FastifyInstance;
  /** inject with `Authorization: Bearer <key>` when a key is given. */
  call(opts: InjectOptions & { readonly key?: string | null }): Promise<LightMyRequestResponse>;
}

/** A server over a fresh fake world; close it with `await h.server.stop()` after the test. */
export function harness(opts: FakeOptions = {}): Harness {
  const world = createFakeWorld(opts);
  const server = createHttpServer(world.deps);
  return {
    world,
    server,
    app: server.app,
    call: ({ key, headers, ...rest }) =>
      server.app.inject({
        ...rest,
        headers: {
          ...headers,
          ...(key === undefined || key === null ? {} : { authorization: `Bearer ${key}` }),
        },
      }),
  };
}

export const json = <T = Record<string, unknown>>(r: LightMyRequestResponse): T => r.json<T>();

import type { Static, TSchema } from "@sinclair/typebox";
import type { FastifyTypeProvider } from "fastify";

/** A value of T with every array and property read-only: what the domain types hand out. */
export type ReadonlyDeep<T> = T extends readonly (infer E)[]
  ? readonly ReadonlyDeep<E>[]
  : T extends object
    ? { readonly [K in keyof T]: ReadonlyDeep<T[K]> }
    : T;

/**
 * Types route requests and replies from their TypeBox schemas (what @fastify/type-provider-typebox
 * does, in the few lines we need). Replies accept read-only values, as the stores return them.
 */
export interface TypeBoxProvider extends FastifyTypeProvider {
  readonly validator: this["schema"] extends TSchema ? Static<this["schema"]> : unknown;
  readonly serializer: this["schema"] extends TSchema ? ReadonlyDeep<Static<this["schema"]>> : unknown;
}

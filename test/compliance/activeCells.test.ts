import { describe, expect, it } from "vitest";
import { countActiveCells } from "../../src/compliance/activeCells.ts";

const b64 = (...bytes: number[]) => Buffer.from(bytes).toString("base64");

describe("countActiveCells", () => {
  it("decodes a literal run", () => {
    expect(countActiveCells(b64(0x01, 0xff, 0x00))).toEqual({ ok: true, active: 8, bits: 16 });
  });

  it("decodes repeat runs: the ONVIF example /v/+/v/+", () => {
    // fe ff -> ff x3; fe fe -> fe x3; ff fe -> fe x2: 3 x 8 + 5 x 7 bits.
    expect(countActiveCells("/v/+/v/+")).toEqual({ ok: true, active: 59, bits: 64 });
  });

  it("counts no cells in an all-zero mask", () => {
    expect(countActiveCells(b64(0xf9, 0x00))).toEqual({ ok: true, active: 0, bits: 64 });
  });

  it("skips the 0x80 no-op header", () => {
    expect(countActiveCells(b64(0x80, 0x00, 0x01))).toEqual({ ok: true, active: 1, bits: 8 });
  });

  it("rejects text that is not base64, empty, or a cut-short run", () => {
    expect(countActiveCells("not base64!").ok).toBe(false);
    expect(countActiveCells("").ok).toBe(false);
    expect(countActiveCells(b64(0x03, 0xff)).ok).toBe(false);
    expect(countActiveCells(b64(0xfe)).ok).toBe(false);
  });
});

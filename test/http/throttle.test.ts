import { describe, expect, it } from "vitest";
import { clientOf, createFailureThrottle } from "../../src/http/throttle.ts";

describe("clientOf", () => {
  it("counts IPv4 by address and IPv6 by its /64", () => {
    expect(clientOf("203.0.113.7")).toBe("203.0.113.7");
    expect(clientOf("::ffff:203.0.113.7")).toBe("203.0.113.7");
    expect(clientOf("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(clientOf("2001:DB8:1:2:bbbb:cccc:dddd:eeee")).toBe("2001:db8:1:2::/64");
    expect(clientOf("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(clientOf("::1")).toBe("0:0:0:0::/64");
    expect(clientOf("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
  });
});

describe("the failure throttle", () => {
  it("refuses after maxFailures in the window, until the window ends", () => {
    const clock = { now: 0 };
    const t = createFailureThrottle({ maxFailures: 3, windowSeconds: 60, now: () => clock.now });
    for (let i = 0; i < 3; i++) {
      expect(t.retryAfterSeconds("198.51.100.1")).toBe(0);
      t.fail("198.51.100.1");
    }
    expect(t.retryAfterSeconds("198.51.100.1")).toBe(60);
    expect(t.retryAfterSeconds("198.51.100.2")).toBe(0);
    clock.now = 59_500;
    expect(t.retryAfterSeconds("198.51.100.1")).toBe(1);
    clock.now = 60_000;
    expect(t.retryAfterSeconds("198.51.100.1")).toBe(0);
  });

  it("tries from other addresses of one IPv6 /64 count together", () => {
    const t = createFailureThrottle({ maxFailures: 2, windowSeconds: 60, now: () => 0 });
    t.fail("2001:db8:1:2::1");
    t.fail("2001:db8:1:2::2");
    expect(t.retryAfterSeconds("2001:db8:1:2::99")).toBeGreaterThan(0);
    expect(t.retryAfterSeconds("2001:db8:1:3::1")).toBe(0);
  });

  it("tracks at most maxClients addresses", () => {
    const t = createFailureThrottle({ maxFailures: 1, windowSeconds: 60, maxClients: 2, now: () => 0 });
    t.fail("192.0.2.1");
    t.fail("192.0.2.2");
    t.fail("192.0.2.3");
    // The oldest was forgotten to make room.
    expect(t.retryAfterSeconds("192.0.2.1")).toBe(0);
    expect(t.retryAfterSeconds("192.0.2.3")).toBeGreaterThan(0);
  });
});

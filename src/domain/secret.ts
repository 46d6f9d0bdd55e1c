import { inspect } from "node:util";

/**
 * A device password or other secret. It never prints: JSON, string conversion and
 * util.inspect all show "[redacted]", so a secret that slips into a log line or an error
 * stays hidden. Read it with reveal(), only where it is sent to the device.
 */
export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  reveal(): string {
    return this.#value;
  }
  toJSON(): string {
    return "[redacted]";
  }
  toString(): string {
    return "[redacted]";
  }
  [inspect.custom](): string {
    return "Secret([redacted])";
  }
}

/**
 * A transition of the violation lifecycle handed to a registered subscriber (alerts, next): the
 * pipeline writes it to the subscriber's outbox in the same atomic write as the violation, so
 * nothing between "violation opened" and "alert queued" can be lost. The subscriber's worker
 * takes messages from its outbox in order.
 */
export interface OutboxMessage {
  /** Stable: `<subscriber>:<site>:<what happened>`, so a consumer can tell a message it has seen. */
  readonly id: string;
  readonly subscriber: string;
  readonly siteId: string;
  /** The evaluation's time (ISO). */
  readonly at: string;
  /** The transition's type: opened, resolved, became_alertable, incident, … */
  readonly type: string;
  /** What the subscriber chose to keep of the transition (JSON). */
  readonly payload: Readonly<Record<string, unknown>>;
}

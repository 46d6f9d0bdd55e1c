/**
 * Work a site evaluation asks for sooner than its schedule (monitor/followUps.ts decides,
 * queues/followUps.ts enqueues): an early picture probe of a device whose pictures are in doubt,
 * or an early retention scan of a device with a recording its history does not cover. At most
 * one of each kind per device every `withinMs`.
 */
export type FollowUp =
  | {
      readonly kind: "probe";
      readonly siteId: string;
      readonly deviceId: string;
      readonly withinMs: number;
    }
  | {
      readonly kind: "retention";
      readonly siteId: string;
      readonly deviceId: string;
      readonly withinMs: number;
    };

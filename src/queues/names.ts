/**
 * Queue names and the BullMQ key prefix. The prefix is a Redis Cluster hash tag ("{nw}"), so
 * every key of a queue lands in one slot, as BullMQ requires on Cluster (DESIGN.md §7).
 */
export const QUEUE_PREFIX = "{nw}";

export const QUEUES = {
  /** One job per device poll (ONVIF observation, then the site's evaluation). */
  poll: "poll",
  /** One job per device's picture probes (ffmpeg; fewer at once than polls). */
  probe: "probe",
  /** One job per device's retention scan (recording history, searched incrementally). */
  retention: "retention",
} as const;

export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

/** The languages of reports, the dashboard and messages. */
export type Locale = "zh-CN" | "en";

import type { ChannelRuntime } from "../channel.ts";
import { activeCells } from "../packbits.ts";
import { esc } from "../xml.ts";

export const CELL_COLUMNS = 22;
export const CELL_ROWS = 18;

const item = (name: string, value: string | number): string =>
  `<tt:SimpleItem Name="${esc(name)}" Value="${esc(value)}"/>`;

/** The channel's rules as tt:Config elements named `tag` (tt:Rule in profiles, tan:Rule in GetRules). */
export function rulesXml(ch: ChannelRuntime, tag: string): string {
  let out = "";
  if (ch.spec.motionRules !== "off") {
    out +=
      `<${tag} Name="MotionDetection_${ch.n}" Type="tt:CellMotionDetector"><tt:Parameters>` +
      item("MinCount", 5) +
      item("AlarmOnDelay", 1000) +
      item("AlarmOffDelay", 1000) +
      item("ActiveCells", activeCells(CELL_COLUMNS, CELL_ROWS, ch.spec.motionRules === "on")) +
      `</tt:Parameters></${tag}>`;
  }
  if (ch.spec.tamperRule) {
    out +=
      `<${tag} Name="Tampering_${ch.n}" Type="tt:TamperingDetection"><tt:Parameters>` +
      item("Mode", "GlobalSceneChange") +
      item("Threshold", 50) +
      item("Duration", "PT10S") +
      `</tt:Parameters></${tag}>`;
  }
  return out;
}

/** The cell-motion engine module, as tt:Config named `tag`. */
export function modulesXml(tag: string): string {
  return (
    `<${tag} Name="MyCellMotionModule" Type="tt:CellMotionEngine"><tt:Parameters>` +
    item("Sensitivity", 60) +
    `<tt:ElementItem Name="Layout"><tt:CellLayout Columns="${CELL_COLUMNS}" Rows="${CELL_ROWS}"><tt:Transformation>` +
    `<tt:Translate x="-1" y="-1"/><tt:Scale x="${(2 / CELL_COLUMNS).toFixed(6)}" y="${(2 / CELL_ROWS).toFixed(6)}"/>` +
    `</tt:Transformation></tt:CellLayout></tt:ElementItem></tt:Parameters></${tag}>`
  );
}

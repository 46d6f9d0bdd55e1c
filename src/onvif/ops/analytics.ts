import type { AnalyticsRule } from "../../domain/observation.ts";
import { NS } from "../namespaces.ts";
import { requireResponse } from "../soap/response.ts";
import type { OnvifSession } from "../types.ts";
import { attr, childLoose, childrenLoose, resolveQName, type XmlElement } from "../xml/tree.ts";
import { serializeElement, textElement } from "../xml/write.ts";

/** "tt:CellMotionDetector" whatever prefix the device bound to the ONVIF schema namespace. */
function ruleType(el: XmlElement, raw: string | null): string {
  if (!raw) return "";
  const q = resolveQName(el, raw);
  if (q && q.ns === NS.tt) return `tt:${q.local}`;
  return raw.trim();
}

/** Rule parameters: SimpleItems by value; ElementItems (polygons, layouts) as their XML. */
export function readRule(rule: XmlElement): AnalyticsRule {
  const params = childLoose(rule, NS.tt, "Parameters");
  const parameters: Record<string, string> = {};
  for (const item of childrenLoose(params, NS.tt, "SimpleItem")) {
    const name = attr(item, "Name");
    if (name !== null && !(name in parameters)) parameters[name] = attr(item, "Value") ?? "";
  }
  for (const item of childrenLoose(params, NS.tt, "ElementItem")) {
    const name = attr(item, "Name");
    if (name !== null && !(name in parameters))
      parameters[name] = item.children.map((c) => serializeElement(c)).join("");
  }
  return { name: attr(rule, "Name") ?? "", type: ruleType(rule, attr(rule, "Type")), parameters };
}

export function parseRules(body: XmlElement): AnalyticsRule[] {
  const r = requireResponse(body, NS.tan, "GetRulesResponse");
  return childrenLoose(r, NS.tan, "Rule").map(readRule);
}

/** tan:GetRules for one VideoAnalyticsConfiguration. */
export async function getRules(session: OnvifSession, configurationToken: string): Promise<AnalyticsRule[]> {
  const body = await session.call({
    service: "analytics",
    action: `${NS.tan}/GetRules`,
    body: `<tan:GetRules>${textElement("tan:ConfigurationToken", configurationToken)}</tan:GetRules>`,
  });
  return parseRules(body);
}

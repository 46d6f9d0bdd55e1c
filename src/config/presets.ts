import type { PolicyPresetId, PolicySource } from "../domain/policyPreset.ts";
import type { ZoneKind } from "../domain/site.ts";

/*
 * Jurisdiction presets (DESIGN.md §1, §5a). A preset sets only what its source says; every
 * other key keeps the built-in default, so `from: "preset"` in a report always means "the
 * cited document asks for this". The sources are cited and paraphrased, never quoted, and
 * what we have not verified (a standard's number, a clause, a date) is null, not guessed.
 */

export const PRESET_IDS = [
  "national-2024",
  "beijing",
  "xigong",
  "school-30d",
  "custom",
] as const satisfies readonly PolicyPresetId[];

/** What a preset can set: the policy keys a source speaks to, and the parents' live view. */
export interface PresetValues {
  readonly retentionDays?: number;
  readonly maxGapMinutes?: number;
  readonly requiredZoneKinds?: readonly ZoneKind[];
  readonly requireMotionDetection?: boolean;
  readonly "parents.enabled"?: boolean;
}

export type PresetKey = keyof PresetValues;

export interface PolicyPreset {
  readonly id: PolicyPresetId;
  readonly source: PolicySource | null;
  readonly values: PresetValues;
  /**
   * Keys a site may not override under this preset, with why: the source forbids the other
   * value outright (Beijing: no live online viewing), so an override is an error, not a choice.
   */
  readonly fixed: Readonly<Partial<Record<PresetKey, string>>>;
}

export const PRESETS: Readonly<Record<PolicyPresetId, PolicyPreset>> = {
  "national-2024": {
    id: "national-2024",
    source: {
      title: {
        "zh-CN": "托育机构质量评估标准",
        en: "Quality assessment standard for childcare institutions",
      },
      issuer: { "zh-CN": "国家卫生健康委员会", en: "National Health Commission" },
      number: null,
      clause: null,
      date: "2024-04-01",
      summary: {
        "zh-CN": "婴幼儿生活场所须装视频监控并全覆盖，监控录像至少留存90天，并应安装一键式报警装置。",
        en: "The infants' living areas must be fully covered by video surveillance, recordings kept for at least 90 days, and a one-button alarm installed.",
      },
      note: {
        "zh-CN":
          "标准编号与条款号此处未记录。“生活场所”按生活区域和活动区域两类理解。一键式报警本版本尚不检查。",
        en: "Standard number and clause not recorded here. 'Living areas' is read as the living and activity zone kinds. The one-button alarm is not checked by this version yet.",
      },
    },
    values: { retentionDays: 90, requiredZoneKinds: ["living", "activity"] },
    fixed: {},
  },
  beijing: {
    id: "beijing",
    source: {
      title: {
        "zh-CN": "婴幼儿托育机构服务规范",
        en: "Service specification for infant and toddler childcare institutions",
      },
      issuer: {
        "zh-CN": "北京市卫生健康委员会组织制定",
        en: "drafted under the Beijing Municipal Health Commission",
      },
      number: null,
      clause: null,
      date: "2024-01-01",
      summary: {
        "zh-CN":
          "监控须覆盖接待、办公场所、婴幼儿生活用房及室内外活动场地；录像至少留存90天，不得无故中断，不得随意改动或删除；查看监控的权限和程序须明确；不得向任何个人或机构提供实时在线观看。",
        en: "Surveillance must cover reception, offices, the infants' rooms and indoor and outdoor play areas; recordings are kept at least 90 days, not interrupted without cause, not altered or deleted; who may view them and how is defined; no individual or institution may be given live online viewing.",
      },
      note: {
        "zh-CN":
          "标准编号与条款号此处未记录。接待场所按出入口类区域理解；办公场所没有对应的区域类型（可声明为 other 并自行加入 requiredZoneKinds）。“不得中断”按 maxGapMinutes 为 1（可判断的最小间断）理解。",
        en: "Standard number and clause not recorded here. Reception is read as the entrance zone kind; offices have no zone kind of their own (declare them as `other` and add it to requiredZoneKinds if needed). 'Not interrupted' is read as maxGapMinutes 1, the shortest gap the checks tell.",
      },
    },
    values: {
      retentionDays: 90,
      maxGapMinutes: 1,
      requiredZoneKinds: ["entrance", "living", "activity"],
      "parents.enabled": false,
    },
    fixed: {
      "parents.enabled":
        "the Beijing childcare service specification forbids live online viewing of the surveillance by any individual or institution",
    },
  },
  xigong: {
    id: "xigong",
    source: {
      title: {
        "zh-CN": "西工区婴幼儿照护服务实施方案",
        en: "Xigong District implementation plan for infant care services",
      },
      issuer: {
        "zh-CN": "西工区，发文机关此处未记录",
        en: "Xigong District; issuing office not recorded here",
      },
      number: null,
      clause: null,
      date: null,
      summary: {
        "zh-CN":
          "监控和报警系统全天24小时设防；主出入口及婴幼儿生活、活动区域全部有视频覆盖；录像至少留存90天；向家长开放监控画面，接受家长监督。",
        en: "Monitoring and alarms are armed 24 hours a day; the main entrances and the infants' living and activity areas are fully covered by video; recordings are kept at least 90 days; camera views are opened to parents for their supervision.",
      },
      note: {
        "zh-CN":
          "标题为描述性名称；确切标题、文号和日期此处未记录。“24小时设防”按 requireMotionDetection 为 true 理解。内置默认值即此方案的值，但未选预设时家长观看和移动侦测要求保持关闭。",
        en: "The title is descriptive; the exact title, document number and date are not recorded here. '24-hour arming' is read as requireMotionDetection true. The built-in defaults are this plan's values, except that without a preset the parents' view and the motion-detection requirement stay off.",
      },
    },
    values: {
      retentionDays: 90,
      requiredZoneKinds: ["entrance", "living", "activity"],
      requireMotionDetection: true,
      "parents.enabled": true,
    },
    fixed: {},
  },
  "school-30d": {
    id: "school-30d",
    source: {
      title: {
        "zh-CN": "中小学、幼儿园安全防范要求",
        en: "Security requirements for primary and secondary schools and kindergartens",
      },
      issuer: {
        "zh-CN": "国家市场监督管理总局、国家标准化管理委员会",
        en: "State Administration for Market Regulation; Standardization Administration of China",
      },
      number: "GB/T 29315-2022",
      clause: null,
      date: "2022-06-01",
      summary: {
        "zh-CN": "学校和幼儿园的安全防范标准要求视频监控录像至少留存30天。",
        en: "School and kindergarten security standards ask for video recordings to be kept at least 30 days.",
      },
      note: {
        "zh-CN":
          "载明30天的条款号此处未记录（30天出自本项目设计文档对学校安防标准的概括）。其余各值为内置默认值。",
        en: "The clause stating 30 days is not recorded here (the figure is the project design's summary of school security standards). Every other value is the built-in default.",
      },
    },
    values: { retentionDays: 30 },
    fixed: {},
  },
  custom: { id: "custom", source: null, values: {}, fixed: {} },
};

/** The preset of a site file that names none: its values stay the built-in defaults, as before presets. */
export const DEFAULT_PRESET: PolicyPresetId = "custom";

import { z } from "zod";

/**
 * GB/T 4754-2017 industry classification. Weft keys industries by division
 * (section letter + two digits, e.g. `C23`); a finer code (`C2311`) is
 * accepted and rolls up to its division.
 */
export interface IndustryDivision {
  code: string;
  zh: string;
  en: string;
}

const DIVISIONS: readonly IndustryDivision[] = [
  { code: "C13", zh: "农副食品加工业", en: "Agricultural and sideline food processing" },
  { code: "C14", zh: "食品制造业", en: "Food manufacturing" },
  { code: "C15", zh: "酒、饮料和精制茶制造业", en: "Liquor, beverages and refined tea" },
  { code: "C16", zh: "烟草制品业", en: "Tobacco products" },
  { code: "C17", zh: "纺织业", en: "Textiles" },
  { code: "C18", zh: "纺织服装、服饰业", en: "Textile apparel and clothing" },
  { code: "C19", zh: "皮革、毛皮、羽毛及其制品和制鞋业", en: "Leather, fur, feather and footwear" },
  {
    code: "C20",
    zh: "木材加工和木、竹、藤、棕、草制品业",
    en: "Wood, bamboo, rattan, palm and straw products",
  },
  { code: "C21", zh: "家具制造业", en: "Furniture" },
  { code: "C22", zh: "造纸和纸制品业", en: "Paper and paper products" },
  { code: "C23", zh: "印刷和记录媒介复制业", en: "Printing and reproduction of recorded media" },
  { code: "C24", zh: "文教、工美、体育和娱乐用品制造业", en: "Culture, education, arts and sports goods" },
  { code: "C25", zh: "石油、煤炭及其他燃料加工业", en: "Petroleum, coal and other fuel processing" },
  { code: "C26", zh: "化学原料和化学制品制造业", en: "Chemical raw materials and products" },
  { code: "C27", zh: "医药制造业", en: "Pharmaceuticals" },
  { code: "C28", zh: "化学纤维制造业", en: "Chemical fibres" },
  { code: "C29", zh: "橡胶和塑料制品业", en: "Rubber and plastic products" },
  { code: "C30", zh: "非金属矿物制品业", en: "Non-metallic mineral products" },
  { code: "C31", zh: "黑色金属冶炼和压延加工业", en: "Ferrous metal smelting and rolling" },
  { code: "C32", zh: "有色金属冶炼和压延加工业", en: "Non-ferrous metal smelting and rolling" },
  { code: "C33", zh: "金属制品业", en: "Metal products" },
  { code: "C34", zh: "通用设备制造业", en: "General equipment" },
  { code: "C35", zh: "专用设备制造业", en: "Special equipment" },
  { code: "C36", zh: "汽车制造业", en: "Automobiles" },
  {
    code: "C37",
    zh: "铁路、船舶、航空航天和其他运输设备制造业",
    en: "Railway, ship, aerospace and other transport",
  },
  { code: "C38", zh: "电气机械和器材制造业", en: "Electrical machinery and equipment" },
  { code: "C39", zh: "计算机、通信和其他电子设备制造业", en: "Computers, communication and electronics" },
  { code: "C40", zh: "仪器仪表制造业", en: "Instruments and meters" },
  { code: "C41", zh: "其他制造业", en: "Other manufacturing" },
  { code: "C42", zh: "废弃资源综合利用业", en: "Comprehensive use of waste resources" },
  { code: "C43", zh: "金属制品、机械和设备修理业", en: "Repair of metal products and machinery" },
  { code: "I65", zh: "软件和信息技术服务业", en: "Software and IT services" },
  { code: "M75", zh: "科技推广和应用服务业", en: "Technology promotion and application services" },
];

const BY_CODE = new Map(DIVISIONS.map((d) => [d.code, d]));

/** Every division Weft knows, in code order. */
export function industryDivisions(): readonly IndustryDivision[] {
  return DIVISIONS;
}

/** The division a code belongs to (`C2311` → `C23`), or `null` when it is not a known GB/T 4754 division. */
export function industryDivision(code: string): IndustryDivision | null {
  const m = /^([A-T]\d{2})(\d{1,2})?$/.exec(code.trim().toUpperCase());
  return m?.[1] ? (BY_CODE.get(m[1]) ?? null) : null;
}

export const IndustryCode = z
  .string()
  .trim()
  .toUpperCase()
  .refine((c) => industryDivision(c) !== null, {
    message:
      "unknown GB/T 4754-2017 industry code: use a division such as C23 (printing) or a class such as C2311",
  });
export type IndustryCode = z.infer<typeof IndustryCode>;

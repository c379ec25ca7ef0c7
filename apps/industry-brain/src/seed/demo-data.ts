/** The demo city (Taizhou-style names): fixtures as data, so tests and docs can refer to them. */
export const DEMO_CITY = { key: "taizhou", name: "台州市", nameEn: "Taizhou" } as const;

export const DEMO_PARKS = [
  {
    key: "luqiao-print-park",
    name: "路桥印刷包装小微企业园",
    nameEn: "Luqiao Printing & Packaging SME Park",
  },
  {
    key: "huangyan-smart-park",
    name: "黄岩智能制造小微企业园",
    nameEn: "Huangyan Smart Manufacturing SME Park",
  },
] as const;

export interface DemoEnterpriseSpec {
  key: string;
  park: (typeof DEMO_PARKS)[number]["key"];
  name: string;
  nameEn: string;
  /** First 17 characters of the 统一社会信用代码; the check character is computed. */
  creditCode17: string;
  industryCode: string;
  aboveScale: boolean;
  declaredMachines: number;
  machines: { key: string; name: string; kind: string; profile: string; idealCycleS: number | null }[];
}

export const DEMO_ENTERPRISES: readonly DemoEnterpriseSpec[] = [
  {
    key: "caihong-print",
    park: "luqiao-print-park",
    name: "台州彩虹印务有限公司",
    nameEn: "Taizhou Caihong Printing Co., Ltd.",
    creditCode17: "91331004MA2K7C3B1",
    industryCode: "C2311",
    aboveScale: true,
    declaredMachines: 3,
    machines: [
      {
        key: "press-01",
        name: "海德堡 SM102 四色胶印机",
        kind: "printing-press",
        profile: "printing-press",
        idealCycleS: 0.25,
      },
      {
        key: "press-02",
        name: "小森 LS-529 胶印机",
        kind: "printing-press",
        profile: "printing-press",
        idealCycleS: 0.3,
      },
      {
        key: "folder-01",
        name: "折页机",
        kind: "generic-machine",
        profile: "generic-machine",
        idealCycleS: 0.2,
      },
    ],
  },
  {
    key: "dongfang-pack",
    park: "luqiao-print-park",
    name: "台州东方包装印刷有限公司",
    nameEn: "Taizhou Dongfang Packaging & Printing Co., Ltd.",
    creditCode17: "91331004MA2H3N8P4",
    industryCode: "C23",
    aboveScale: false,
    declaredMachines: 4,
    machines: [
      {
        key: "dongfang-press-01",
        name: "罗兰 700 胶印机",
        kind: "printing-press",
        profile: "printing-press",
        idealCycleS: 0.24,
      },
      {
        key: "dongfang-cutter-01",
        name: "模切机",
        kind: "generic-machine",
        profile: "generic-machine",
        idealCycleS: 0.5,
      },
    ],
  },
  {
    key: "senhua-furniture",
    park: "huangyan-smart-park",
    name: "台州森华家具有限公司",
    nameEn: "Taizhou Senhua Furniture Co., Ltd.",
    creditCode17: "91331003MA2DL4Q6X",
    industryCode: "C21",
    aboveScale: true,
    declaredMachines: 5,
    machines: [
      {
        key: "senhua-cnc-01",
        name: "五轴加工中心",
        kind: "cnc",
        profile: "generic-machine",
        idealCycleS: 90,
      },
      {
        key: "senhua-edge-01",
        name: "封边机",
        kind: "generic-machine",
        profile: "generic-machine",
        idealCycleS: 12,
      },
    ],
  },
  {
    key: "jinggong-robotics",
    park: "huangyan-smart-park",
    name: "台州精工机器人科技有限公司",
    nameEn: "Taizhou Jinggong Robotics Co., Ltd.",
    creditCode17: "91331003MA2GW8R2K",
    industryCode: "C34",
    aboveScale: true,
    declaredMachines: 3,
    machines: [
      {
        key: "robot-cell-01",
        name: "焊接机器人工作站 1",
        kind: "industrial-robot",
        profile: "industrial-robot",
        idealCycleS: 45,
      },
      {
        key: "robot-cell-02",
        name: "焊接机器人工作站 2",
        kind: "industrial-robot",
        profile: "industrial-robot",
        idealCycleS: 45,
      },
    ],
  },
  {
    key: "jinlun-textile",
    park: "huangyan-smart-park",
    name: "台州锦纶纺织有限公司",
    nameEn: "Taizhou Jinlun Textile Co., Ltd.",
    creditCode17: "91331003MA2E5T7U9",
    industryCode: "C17",
    aboveScale: false,
    declaredMachines: 6,
    machines: [
      {
        key: "jinlun-loom-01",
        name: "喷气织机 1",
        kind: "generic-machine",
        profile: "generic-machine",
        idealCycleS: 0.1,
      },
      {
        key: "jinlun-loom-02",
        name: "喷气织机 2",
        kind: "generic-machine",
        profile: "generic-machine",
        idealCycleS: 0.1,
      },
    ],
  },
];

export const DEMO_USERS = [
  {
    email: "city@weft.demo",
    name: "市经信局 管理员",
    role: "city-admin",
    password: "weft-city-2025",
    parks: [],
    enterprise: null,
  },
  {
    email: "park@weft.demo",
    name: "路桥园区 经理",
    role: "park-manager",
    password: "weft-park-2025",
    parks: ["luqiao-print-park"],
    enterprise: null,
  },
  {
    email: "factory@weft.demo",
    name: "彩虹印务 生产主管",
    role: "enterprise-user",
    password: "weft-factory-2025",
    parks: [],
    enterprise: "caihong-print",
  },
] as const;

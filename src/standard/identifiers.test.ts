import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkResidentId, checkUscc, maskResidentId, residentIdCheckCharacter, usccCheckCharacter } from './identifiers.js';
import { allJurisdictions, isWithin, jurisdictionByCode, scopePrefix } from './regions.js';

describe('resident identity card number (GB 11643)', () => {
  it('accepts the examples printed in the standard', () => {
    expect(checkResidentId('11010519491231002X')).toEqual({ ok: true, regionCode: '110105', birthDate: '1949-12-31', sex: 'female' });
    expect(checkResidentId('440524188001010014')).toMatchObject({ ok: true, birthDate: '1880-01-01', sex: 'male' });
  });

  it('refuses a wrong check character, a bad date, an unknown region and a bad shape', () => {
    expect(checkResidentId('110105194912310021')).toEqual({ ok: false, reason: 'check_digit' });
    expect(checkResidentId('110105194902300024')).toEqual({ ok: false, reason: 'birth_date' });
    expect(checkResidentId(`110105${'2999'}0101001`.padEnd(17, '0') + 'X')).toEqual({ ok: false, reason: 'birth_date' });
    const unknownRegion = '990105194912310' + '02';
    expect(checkResidentId(unknownRegion + residentIdCheckCharacter(unknownRegion))).toEqual({ ok: false, reason: 'region' });
    expect(checkResidentId('11010519491231002x')).toEqual({ ok: false, reason: 'format' });
    expect(checkResidentId('1101051949123100')).toEqual({ ok: false, reason: 'format' });
    expect(checkResidentId('1101051949123100AX')).toEqual({ ok: false, reason: 'format' });
  });

  it('finds every single-character substitution (the check digit catches them all)', () => {
    const valid = '11010519491231002X';
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 16 }), fc.integer({ min: 1, max: 9 }), (position, delta) => {
        const digit = (Number(valid[position]) + delta) % 10;
        const altered = valid.slice(0, position) + digit + valid.slice(position + 1);
        expect(checkResidentId(altered).ok).toBe(false);
      }),
    );
  });

  it('masks all but the region and the last four characters', () => {
    expect(maskResidentId('11010519491231002X')).toBe('110105********002X');
  });
});

describe('unified social credit code (GB 32100)', () => {
  it("accepts the standard's worked example", () => {
    expect(checkUscc('91350100M000100Y43')).toEqual({ ok: true, regionCode: '350100' });
    expect(usccCheckCharacter('91350100M000100Y4')).toBe('3');
  });

  it('refuses a wrong check character, letters outside the alphabet and an unknown region', () => {
    expect(checkUscc('91350100M000100Y44')).toEqual({ ok: false, reason: 'check_character' });
    expect(checkUscc('91350100M000100I43')).toEqual({ ok: false, reason: 'format' });
    expect(checkUscc('9135010OM000100Y43')).toEqual({ ok: false, reason: 'format' });
    const unknown = '91990100M000100Y4';
    expect(checkUscc(unknown + usccCheckCharacter(unknown))).toEqual({ ok: false, reason: 'region' });
    expect(checkUscc('short')).toEqual({ ok: false, reason: 'format' });
  });
});

describe('jurisdictions (GB/T 2260)', () => {
  it('has the country, 31 provinces and their cities with English names', () => {
    const all = allJurisdictions();
    expect(all.filter((j) => j.level === 'province')).toHaveLength(31);
    expect(jurisdictionByCode('330100')).toMatchObject({ nameZh: '杭州市', nameEn: 'Hangzhou', parentCode: '330000' });
    expect(jurisdictionByCode('440000')).toMatchObject({ nameEn: 'Guangdong', level: 'province' });
    for (const j of all) expect(j.nameEn).toMatch(/^[A-Z]/);
  });

  it('names the urban districts of a municipality as the city people name, never 市辖区', () => {
    expect(jurisdictionByCode('110100')).toMatchObject({ nameZh: '北京市', nameEn: 'Beijing', parentCode: '110000' });
    expect(jurisdictionByCode('310100')).toMatchObject({ nameZh: '上海市', nameEn: 'Shanghai' });
    for (const j of allJurisdictions()) expect(j.nameZh).not.toContain('市辖区');
  });

  it('places a city within its province and the country, and not within another province', () => {
    expect(isWithin('330100', '330000')).toBe(true);
    expect(isWithin('330106', '330100')).toBe(true);
    expect(isWithin('330100', '000000')).toBe(true);
    expect(isWithin('440300', '330000')).toBe(false);
    expect(isWithin('330200', '330100')).toBe(false);
    expect(scopePrefix('330100')).toBe('3301');
  });
});

/**
 * Resolving the tiers: which rules are in force for a jurisdiction on a date, and with which
 * parameter values. A jurisdiction reads the national rules, its province's and its city's. Each
 * parameter takes the strictest value along that chain (a cap the lowest, a floor the highest), so
 * a province that tightens after a city refined the same parameter still binds the city.
 */
import { fail } from '../platform/errors.js';
import type { ParameterDef, ParameterValue, RefinementDefinition, ResolvedParameter, ResolvedRule, RuleDefinition } from './rule.js';

export const NATIONAL = '000000';

/** The tiers whose rules apply in `jurisdiction`: the country, its province, its city (each once). */
export function tierChain(jurisdiction: string): string[] {
  const chain = [NATIONAL, `${jurisdiction.slice(0, 2)}0000`, `${jurisdiction.slice(0, 4)}00`];
  return chain.filter((code, i) => chain.indexOf(code) === i);
}

/** The tier level of a jurisdiction code. */
export function tierOf(jurisdiction: string): 'national' | 'province' | 'city' {
  if (jurisdiction === NATIONAL) return 'national';
  return jurisdiction.endsWith('0000') ? 'province' : 'city';
}

/** A stored version, as resolution reads it. */
export type StoredVersion = { kind: 'rule'; jurisdiction: string; version: number; definition: RuleDefinition } | { kind: 'refinement'; jurisdiction: string; version: number; definition: RefinementDefinition };

function inForce(effective: { from: string; to?: string | undefined }, date: string): boolean {
  return effective.from <= date && (effective.to === undefined || date <= effective.to);
}

/** The newest version of each (rule, tier) in force on `date`. */
function current<T extends StoredVersion>(versions: readonly T[], date: string, key: (v: T) => string): Map<string, T> {
  const out = new Map<string, T>();
  for (const v of versions) {
    if (!inForce(v.definition.effective, date)) continue;
    const k = key(v);
    const seen = out.get(k);
    if (!seen || seen.version < v.version) out.set(k, v);
  }
  return out;
}

/** True when `value` is at least as strict as `than` for a parameter of this definition. */
export function atLeastAsStrict(def: ParameterDef, value: ParameterValue, than: ParameterValue): boolean {
  switch (def.direction) {
    case 'fixed':
      return value === than;
    case 'cap':
      if (def.type === 'code') return (def.codes ?? []).indexOf(String(value)) <= (def.codes ?? []).indexOf(String(than));
      if (def.type === 'boolean') return value === than || value === true;
      return value <= than;
    case 'floor':
      if (def.type === 'code') return (def.codes ?? []).indexOf(String(value)) >= (def.codes ?? []).indexOf(String(than));
      if (def.type === 'boolean') return value === than || value === false;
      return value >= than;
  }
}

/**
 * The rules in force in `jurisdiction` on `date`, from every stored version of the tiers in its
 * chain. A refinement of a rule not in force that day is ignored.
 */
export function resolveRules(versions: readonly StoredVersion[], jurisdiction: string, date: string): ResolvedRule[] {
  const chain = tierChain(jurisdiction);
  const relevant = versions.filter((v) => chain.includes(v.jurisdiction));
  const rules = current(
    relevant.filter((v): v is Extract<StoredVersion, { kind: 'rule' }> => v.kind === 'rule'),
    date,
    (v) => v.definition.id,
  );
  const refinements = current(
    relevant.filter((v): v is Extract<StoredVersion, { kind: 'refinement' }> => v.kind === 'refinement'),
    date,
    (v) => `${v.definition.refines}|${v.jurisdiction}`,
  );
  const out: ResolvedRule[] = [];
  for (const base of rules.values()) {
    const rule = base.definition;
    const below = chain.slice(chain.indexOf(base.jurisdiction) + 1);
    const applied = below.map((tier) => refinements.get(`${rule.id}|${tier}`)).filter((r): r is NonNullable<typeof r> => r !== undefined);
    const parameters: ResolvedParameter[] = Object.entries(rule.parameters).map(([name, def]) => {
      let value = def.value;
      let setBy = base.jurisdiction;
      const tiers = [{ jurisdiction: base.jurisdiction, value: def.value, version: base.version, effectiveFrom: rule.effective.from }];
      for (const refinement of applied) {
        const proposed = refinement.definition.parameters[name];
        if (proposed === undefined) continue;
        tiers.push({ jurisdiction: refinement.jurisdiction, value: proposed, version: refinement.version, effectiveFrom: refinement.definition.effective.from });
        // Strictest wins: a refinement made looser than a parent that tightened later does not loosen it.
        if (atLeastAsStrict(def, proposed, value) && proposed !== value) {
          value = proposed;
          setBy = refinement.jurisdiction;
        }
      }
      return { ...def, name, value, setBy, tiers };
    });
    const froms = [rule.effective.from, ...applied.map((r) => r.definition.effective.from)].sort();
    const tos = [rule.effective.to, ...applied.map((r) => r.definition.effective.to)].filter((d): d is string => d !== undefined).sort();
    out.push({
      id: rule.id,
      version: [`${base.version}@${base.jurisdiction}`, ...applied.map((r) => `${r.version}@${r.jurisdiction}`)].join('+'),
      jurisdiction: base.jurisdiction,
      definition: rule,
      parameters,
      effectiveFrom: froms[froms.length - 1]!,
      effectiveTo: tos[0] ?? null,
    });
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

/**
 * Refuse a refinement that loosens a parameter: each value must be at least as strict as the value
 * the tiers above the refinement's own give on its effective date. Throws FH_RULE_PARAMETER_LOOSENED
 * naming the parameter and the parent's value, or FH_RULE_PARAMETER_INVALID for a parameter the
 * rule does not have.
 */
export function checkRefinement(versions: readonly StoredVersion[], refinement: RefinementDefinition, checkValue: (name: string, def: ParameterDef, value: ParameterValue) => void): ResolvedRule {
  const parentChain = tierChain(refinement.jurisdiction).filter((tier) => tier !== refinement.jurisdiction);
  const above = versions.filter((v) => parentChain.includes(v.jurisdiction));
  const parentJurisdiction = parentChain[parentChain.length - 1] ?? NATIONAL;
  const parent = resolveRules(above, parentJurisdiction, refinement.effective.from).find((r) => r.id === refinement.refines);
  if (!parent) fail('FH_NOT_FOUND', { field: 'ruleId', details: { ruleId: refinement.refines, date: refinement.effective.from } });
  for (const [name, value] of Object.entries(refinement.parameters)) {
    const def = parent.parameters.find((p) => p.name === name);
    if (!def) fail('FH_RULE_PARAMETER_INVALID', { field: `parameters.${name}`, details: { parameter: name, expected: `one of ${parent.parameters.map((p) => p.name).join(', ')}` } });
    checkValue(name, def, value);
    if (!atLeastAsStrict(def, value, def.value)) {
      fail('FH_RULE_PARAMETER_LOOSENED', { field: `parameters.${name}`, details: { parameter: name, value, parentValue: def.value, parentJurisdiction: def.setBy, direction: def.direction } });
    }
  }
  return parent;
}

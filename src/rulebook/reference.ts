/**
 * docs/rulebook.md: how the rulebook works, the features a condition may read, and the national
 * rules with their legal basis, parameters and conditions, rendered from the catalogue and the
 * rule files so that the document cannot drift from what runs.
 */
import { featureCatalogue, screeningFeatureCatalogue, screeningRecordFields } from './features.js';
import { readRuleFiles } from './files.js';
import type { RuleDefinition } from './rule.js';
import { conditionFields } from './compile.js';
import { recordTypeDef, recordTypes } from '../standard/standard.js';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function value(type: string, v: unknown): string {
  if (type === 'money_fen') return `${String(v)} fen (CNY ${(Number(v) / 100).toLocaleString('en-US')})`;
  if (type === 'rate') return `${String(v)} (${(Number(v) * 100).toFixed(2).replace(/\.?0+$/, '')}%)`;
  return String(v);
}

/** The reference document, from the rule files under `rules/`. */
export async function renderRulebookReference(): Promise<string> {
  const rules = (await readRuleFiles()).filter((f): f is Extract<typeof f, { kind: 'rule' }> => f.kind === 'rule').map((f) => f.definition);
  const lines: string[] = [
    '# The rulebook / 规则库',
    '',
    'Generated from `rules/` and `src/rulebook/features.ts` by `npx fenghuo docs`; do not edit by hand.',
    '',
    'A rule is data: a YAML file under `rules/national/`, `rules/provinces/<code>/` or `rules/cities/<code>/`, or a version posted by a supervisor (`POST /v1/supervisor/rules`, `POST /v1/supervisor/rules/{ruleId}/refinements`). Its condition is CEL over three maps: `record` (the record’s fields as the standard names them; identifiers, phone numbers and accounts are not there), `features` (below) and `params` (the rule’s parameters as the tiers resolve them). Money and counts are CEL `int` in fen, rates `double`; `times(a, b)` multiplies two decimals exactly to 12 places. An absent value (an optional field not filed, a feature that does not apply) is tested with `has(...)`.',
    '',
    'Tiers: a jurisdiction reads the national rules, its province’s and its city’s. A province or city may add rules and refine a parameter of a rule above it: a `cap` only down, a `floor` only up, a `fixed` one not at all (a `code` parameter’s list runs strictest first). A loosening is refused with `FH_RULE_PARAMETER_LOOSENED`, naming the parameter and the parent’s value; each parameter takes the strictest value along the chain. Versions are never changed: an alert names the resolved version (`1@000000+2@330000`) that raised it.',
    '',
    'Monitoring applies the rules in force for the institution’s jurisdiction on the record’s date: a loan’s contract date; a payment’s, fund flow’s, collection action’s, complaint’s or decision’s China-time date; a disclosure’s as-of date; the period end for a product or an instalment.',
    '',
    '## Features / 特征',
    '',
    '| feature | type | record types | 中文 | English |',
    '| --- | --- | --- | --- | --- |',
    ...featureCatalogue.map((f) => `| \`${f.name}\` | ${f.type} | ${f.recordTypes.join(', ')} | ${cell(`${f.label.zh}：${f.description.zh}`)} | ${cell(`${f.label.en}: ${f.description.en}`)} |`),
    '',
    '## Record fields a condition reads / 条件可读取的记录字段',
    '',
    '| record type | fields |',
    '| --- | --- |',
    ...recordTypes.map((t) => `| ${t} (${recordTypeDef(t).zh}) | ${[...conditionFields(t).entries()].map(([name, type]) => `\`${name}\` ${type}`).join(', ')} |`),
    '',
    '## Screening / 实时交易筛查',
    '',
    'A rule of the `screening` pack runs on a payment as it arrives (`POST /v1/screen`, or the NATS request stream), before it completes. Its `record` is the payment, its `features` are counted in memory (or Redis) as payments arrive, and it carries a `weight`: the weights of the rules that fire add up to the payment’s score (at most 100), which the institution’s thresholds turn into allow, confirm, review or block.',
    '',
    `Payment fields: ${screeningRecordFields.map((field) => `\`${field.name}\` (${field.type}; ${field.label.zh} / ${field.label.en})`).join(', ')}. \`amount_fen\` is there for CNY payments only.`,
    '',
    '| feature | type | 中文 | English |',
    '| --- | --- | --- | --- |',
    ...screeningFeatureCatalogue.map((f) => `| \`${f.name}\` | ${f.type} | ${cell(`${f.label.zh}：${f.description.zh}`)} | ${cell(`${f.label.en}: ${f.description.en}`)} |`),
    '',
    `## National rules / 全国规则 (${rules.length})`,
    '',
  ];
  for (const rule of rules.sort((a: RuleDefinition, b: RuleDefinition) => a.id.localeCompare(b.id))) {
    lines.push(
      `### ${rule.id} — ${rule.title.zh} / ${rule.title.en}`,
      '',
      `- Pack: ${rule.pack}${rule.weight !== undefined ? ` (weight ${rule.weight})` : ''}; record type: \`${rule.recordTypes.join(', ')}\`; severity: ${rule.severity}; version ${rule.version}; in force from ${rule.effective.from}${rule.effective.to ? ` to ${rule.effective.to}` : ''}.`,
      `- Basis / 依据: ${rule.basis.law.zh} ${rule.basis.article} — ${rule.basis.figure.zh}`,
      `- Basis: ${rule.basis.law.en} ${rule.basis.article} — ${rule.basis.figure.en}`,
      ...(rule.note ? [`- Note: ${rule.note.en}`, `- 说明：${rule.note.zh}`] : []),
      '',
    );
    const parameters = Object.entries(rule.parameters);
    if (parameters.length > 0) {
      lines.push('| parameter | type | direction | value | verified |', '| --- | --- | --- | --- | --- |');
      for (const [name, p] of parameters) lines.push(`| \`${name}\` ${cell(p.label.zh)} / ${cell(p.label.en)} | ${p.type}${p.unit ? ` (${p.unit})` : ''} | ${p.direction} | ${cell(value(p.type, p.value))}${p.codes ? ` of ${p.codes.join(', ')}` : ''} | ${p.verified === false ? 'no' : 'yes'} |`);
      lines.push('');
    }
    lines.push('```cel', rule.condition.trim(), '```', '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

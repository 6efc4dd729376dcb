/**
 * The reference document of the unified data standard and its edits, docs/standard.md, rendered
 * from the code that defines them so that the two cannot drift apart (a test compares them).
 */
import { codeLists, recordTypeDef, recordTypes, STANDARD_VERSION, standardRevisions, type FieldDef, type FieldType } from '../../standard/standard.js';
import { defaultThresholds, editCatalogue, retiredEdits, type EditThresholds } from './catalogue.js';
import { copyColumns } from './copy.js';
import { parseEdits } from '../parse-edits.js';

const TYPE_NAMES: Record<FieldType, { zh: string; en: string; format: string }> = {
  string: { zh: '字符串', en: 'string', format: 'text, at most the length shown' },
  text: { zh: '长文本', en: 'text', format: 'free text, at most the length shown' },
  account: { zh: '账号', en: 'account', format: 'account or card number; stored only as a pseudonym' },
  integer: { zh: '整数', en: 'integer', format: '`12`' },
  money_fen: { zh: '金额（分）', en: 'amount in fen', format: 'whole fen, no decimal point: CNY 1,234.50 is `123450`' },
  rate: { zh: '利率', en: 'rate', format: 'decimal fraction: 12.8 % is `0.128`' },
  decimal: { zh: '小数', en: 'decimal', format: '`0.82`' },
  date: { zh: '日期', en: 'date', format: '`YYYY-MM-DD`' },
  datetime: { zh: '时间', en: 'date and time', format: 'ISO 8601 with an offset: `2024-06-01T09:30:00+08:00`, `2024-06-01T01:30:00Z`' },
  code: { zh: '代码', en: 'code', format: 'a code of the field’s code list' },
  boolean: { zh: '布尔', en: 'boolean', format: '`true` / `false` (also `1` / `0`)' },
  resident_id: { zh: '居民身份证号码', en: 'resident ID', format: '18 characters, GB 11643; pseudonymised on arrival' },
  uscc: { zh: '统一社会信用代码', en: 'USCC', format: '18 characters, GB 32100' },
  party_id: { zh: '主体证件号码', en: 'party identifier', format: 'a resident ID when the party type is `individual`, a USCC when `organisation`' },
  phone: { zh: '电话号码', en: 'phone', format: 'digits, optional leading `+`, at most one `-`; pseudonymised on arrival' },
};

const THRESHOLD_NOTES: Record<keyof EditThresholds, string> = {
  adultAge: 'Q004 age of majority',
  largePrincipalIndividualFen: 'Q005 largest plausible principal, individual (fen)',
  largePrincipalOrganisationFen: 'Q005 largest plausible principal, organisation (fen)',
  duplicateShareLimit: 'M001 largest share of rows with a repeated id',
  overdueJump: 'M002 largest rise of the overdue share against the previous period',
  rowCollapseShare: 'M003 smallest share of the previous period’s rows',
  rowSurgeFactor: 'M005 largest multiple of the previous period’s rows',
  macroMinimumRows: 'M003/M005 compare only when the previous period had at least this many rows',
};

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

function limits(field: FieldDef): string {
  const parts: string[] = [];
  if (field.maxLength !== undefined && (field.type === 'string' || field.type === 'text' || field.type === 'account')) parts.push(`≤ ${field.maxLength} chars`);
  if (field.min !== undefined || field.max !== undefined) parts.push(`${field.min ?? (field.type === 'money_fen' ? 0 : '−∞')} … ${field.max ?? '∞'}`);
  else if (field.type === 'money_fen') parts.push('≥ 0');
  else if (field.type === 'rate') parts.push('0 … 10');
  if (field.codeList) parts.push(`[${field.codeList}](#code-list-${field.codeList.replaceAll('_', '-')})`);
  if (field.partyTypeField) parts.push(`by \`${field.partyTypeField}\``);
  if (field.period === 'within') parts.push('within the period');
  if (field.period === 'not_after') parts.push('not after the period');
  return parts.join('; ');
}

/** Render docs/standard.md: the record types with their fields, the code lists and the edit catalogue. */
export function renderStandardReference(): string {
  const out: string[] = [];
  const line = (text = '') => out.push(text);
  line(`# Unified data standard v${STANDARD_VERSION} / 统一数据标准 v${STANDARD_VERSION}`);
  line();
  line('Generated from `src/standard/standard.ts` and `src/filing/edits/catalogue.ts` (`npx tsx src/main.ts docs`); a test keeps it current.');
  line();
  line('Institutions file one record type for one reporting period (a calendar month, `YYYY-MM`, China time) per file: CSV with a header row, or JSON Lines with one object per line.');
  line('Column names are the field names below (`snake_case`) or their Chinese names; optional columns may be left out. Files may be UTF-8 (with or without BOM) or GB18030/GBK.');
  line('An empty cell is an absent value. People are never stored in clear: resident ID numbers, phone numbers, accounts and device ids become keyed pseudonyms when a filing is loaded.');
  line();
  line('机构按记录类型、按报告期（自然月，`YYYY-MM`，北京时间）逐一报送文件：带表头的 CSV，或每行一个对象的 JSON Lines。列名可用下列英文字段名或中文名；选填列可省略。空单元格表示无值。身份证号码、电话、账号与设备标识入库时一律假名化。');
  line();
  line('## Contents / 目录');
  line();
  for (const type of recordTypes) {
    const def = recordTypeDef(type);
    line(`- [${def.en} / ${def.zh}](#record-type-${type.replaceAll('_', '-')}) — \`${type}\``);
  }
  line('- [Field types / 字段类型](#field-types)');
  line('- [Code lists / 代码表](#code-lists)');
  line('- [Edits / 校验规则](#edits)');
  line('- [Changes / 版本变更](#changes)');
  line();

  for (const type of recordTypes) {
    const def = recordTypeDef(type);
    line(`<a id="record-type-${type.replaceAll('_', '-')}"></a>`);
    line();
    line(`## ${def.en} / ${def.zh} — \`${type}\``);
    line();
    line(def.descriptionEn);
    line();
    line(def.descriptionZh);
    line();
    line(`Record id: \`${def.idField}\` (unique per institution). Domain table: \`${def.table}\` (columns: ${copyColumns(type).map((c) => `\`${c}\``).join(', ')}).`);
    line();
    line(
      def.identity === 'state'
        ? 'The id names a **state**: the same id filed for a later period updates the record, and the newest accepted period is the state in force; earlier states are kept as history. / 记录编号标识一种**状态**：后续报告期以相同编号报送即为更新，以最新已接受报告期的记录为现行状态，此前状态留作历史。'
        : 'The id names an **event** that happens once: the same id already accepted for another period is an error (V029); a resubmission of the same period replaces it. / 记录编号标识只发生一次的**事件**：已在其他报告期接受的编号再次报送为错误（V029）；同一报告期的重新报送可替换之。',
    );
    line();
    line('| field | 字段 | English | type / 类型 | required / 必填 | limits / 取值 | description / 说明 |');
    line('| --- | --- | --- | --- | --- | --- | --- |');
    for (const field of def.fields) {
      const description = [field.descriptionEn, field.descriptionZh].filter(Boolean).join(' / ');
      line(
        `| \`${field.name}\` | ${cell(field.zh)} | ${cell(field.en)} | ${TYPE_NAMES[field.type].en} / ${TYPE_NAMES[field.type].zh} | ${field.required ? 'yes / 是' : 'no / 否'} | ${cell(limits(field))} | ${cell(description)} |`,
      );
    }
    line();
  }

  line('<a id="field-types"></a>');
  line();
  line('## Field types / 字段类型');
  line();
  line('| type | 类型 | how to write it |');
  line('| --- | --- | --- |');
  for (const [type, names] of Object.entries(TYPE_NAMES)) line(`| ${names.en} (\`${type}\`) | ${names.zh} | ${cell(names.format)} |`);
  line();

  line('<a id="code-lists"></a>');
  line();
  line('## Code lists / 代码表');
  line();
  for (const list of Object.values(codeLists)) {
    line(`<a id="code-list-${list.name.replaceAll('_', '-')}"></a>`);
    line();
    line(`### ${list.en} / ${list.zh} — \`${list.name}\``);
    line();
    line('| code | 中文 | English |');
    line('| --- | --- | --- |');
    for (const code of list.codes) line(`| \`${code.code}\` | ${cell(code.zh)} | ${cell(code.en)} |`);
    line();
  }

  line('<a id="edits"></a>');
  line();
  line('## Edits / 校验规则');
  line();
  line('S = syntactical, V = validity, Q = quality, M = macro (file level). An error blocks the filing; a warning must be verified with an explanation before the filing can be signed.');
  line('S 语法校验，V 有效性校验，Q 质量校验，M 宏观（文件级）校验。错误须更正后重新报送；警告须由报送机构核实并说明理由。');
  line();
  line('| id | class | severity / 级别 | applies to | fields | 中文 | English |');
  line('| --- | --- | --- | --- | --- | --- | --- |');
  for (const edit of editCatalogue) {
    const types = edit.recordTypes === 'all' ? 'all' : edit.recordTypes.map((t) => `\`${t}\``).join(', ');
    const fields = edit.fields.length === 0 ? '—' : edit.fields.map((f) => `\`${f}\``).join(', ');
    line(`| ${edit.id} | ${edit.editClass} | ${edit.severity === 'error' ? 'error / 错误' : 'warning / 警告'} | ${types} | ${fields} | ${cell(edit.zh)} | ${cell(edit.en)} |`);
  }
  line();
  line('<a id="retired-edits"></a>');
  line();
  line('### Retired edits / 已停用的校验规则');
  line();
  line('A retired id is never given to another edit. These checked legal limits, which the rulebook now checks on every accepted filing (rules in force in the institution’s jurisdiction); findings of filings validated before they were retired still show them.');
  line('已停用的编号不再分配给其他规则。以下规则检查的是法定限额，现由监管规则库对每份已接受的报送统一检查（适用机构所在辖区现行规则）；停用前校验的报送仍显示其结果。');
  line();
  line('| id | retired in / 停用版本 | now checked by / 现由 | 中文 | English |');
  line('| --- | --- | --- | --- | --- |');
  for (const edit of retiredEdits) line(`| ${edit.id} | v${edit.retiredIn} | ${edit.movedToRule ? `rule \`${edit.movedToRule}\`` : '—'} | ${cell(edit.zh)} | ${cell(edit.en)} |`);
  line();
  line('<a id="file-edits"></a>');
  line();
  line('### File and system findings / 文件与系统校验 (S9xx)');
  line();
  line('The upload itself is checked before any record reaches the edits above: its encoding, delimiter, completeness and size, and what happened to it on the way in. These findings apply to every record type.');
  line('上传的文件在逐条校验之前先整体检查：编码、分隔符、是否完整、大小，以及上传与入库过程中发生的问题。以下规则适用于所有报送类型。');
  line();
  line('| id | scope / 范围 | severity / 级别 | 中文 | English |');
  line('| --- | --- | --- | --- | --- |');
  const scopes = { header: 'header / 表头', row: 'record / 单条记录', file: 'file / 整个文件' } as const;
  for (const edit of [...parseEdits].sort((a, b) => a.id.localeCompare(b.id))) {
    line(`| ${edit.id} | ${scopes[edit.scope]} | ${edit.severity === 'error' ? 'error / 错误' : 'warning / 警告'} | ${cell(edit.zh)} | ${cell(edit.en)} |`);
  }
  line();
  line('### Figures the quality and macro edits use / 质量与宏观校验参数');
  line();
  line('| parameter | default | meaning |');
  line('| --- | --- | --- |');
  for (const [key, value] of Object.entries(defaultThresholds)) line(`| \`${key}\` | ${value} | ${cell(THRESHOLD_NOTES[key as keyof EditThresholds])} |`);
  line();

  line('<a id="changes"></a>');
  line();
  line('## Changes / 版本变更');
  line();
  line('A later version only adds optional fields and codes: a file written to an earlier version is valid under a later one. / 新版本只增加选填字段和代码：按旧版本编写的文件在新版本下仍然有效。');
  line();
  for (const revision of [...standardRevisions].reverse()) {
    line(`### v${revision.version}`);
    line();
    for (const change of revision.changes) line(`- ${change.en} / ${change.zh}`);
    line();
  }
  line('### v1.0');
  line();
  line('- The first version. / 首个版本。');
  line();
  return out.join('\n');
}

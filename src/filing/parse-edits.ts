import type { EditDef } from './edits/index.js';

/**
 * File-level syntactical edits that the upload pipeline applies before any row reaches the
 * standard's validator: encoding, delimiter, truncation and the size guards that keep memory flat.
 * They share the catalogue's shape and are listed with it at GET /v1/standard/edits. Numbered from
 * S900 so they never collide with the standard's own S edits. A row whose column count differs
 * from the header goes on to the validator, which reports the standard's S004.
 */
export const parseEdits = [
  {
    id: 'S901',
    editClass: 'syntactical',
    severity: 'error',
    scope: 'file',
    recordTypes: 'all',
    fields: [],
    zh: '文件编码无法识别：仅接受 UTF-8（可带 BOM）或 GB18030/GBK 文本；UTF-16、二进制文件或电子表格（xlsx）请先另存为 CSV',
    en: 'The file encoding is not accepted: only UTF-8 (with or without BOM) or GB18030/GBK text; save UTF-16, binary or spreadsheet (xlsx) files as CSV first',
  },
  {
    id: 'S902',
    editClass: 'syntactical',
    severity: 'error',
    scope: 'file',
    recordTypes: 'all',
    fields: [],
    zh: 'CSV 分隔符错误：字段须以英文逗号（,）分隔，文件中使用了其他分隔符',
    en: 'Wrong CSV delimiter: fields must be separated by commas (,), the file uses another delimiter',
  },
  {
    id: 'S903',
    editClass: 'syntactical',
    severity: 'error',
    scope: 'file',
    recordTypes: 'all',
    fields: [],
    zh: '文件不完整：在记录中途结束（压缩数据被截断、最后一行不完整或引号未闭合）',
    en: 'The file is truncated: it ends in the middle of a record (compressed data cut off, a half row at the end, or an unclosed quote)',
  },
  {
    id: 'S904',
    editClass: 'syntactical',
    severity: 'error',
    scope: 'row',
    recordTypes: 'all',
    fields: [],
    zh: '单行过长，超过长度上限（常见原因：引号未闭合或换行符缺失）；该行未被检查',
    en: 'A line is longer than the limit (often an unclosed quote or missing line breaks); the line was not checked',
  },
  {
    id: 'S905',
    editClass: 'syntactical',
    severity: 'error',
    scope: 'row',
    recordTypes: 'all',
    fields: [],
    zh: '列数超过上限；该行未被检查',
    en: 'A row has more columns than allowed; the row was not checked',
  },
  {
    id: 'S906',
    editClass: 'syntactical',
    severity: 'error',
    scope: 'row',
    recordTypes: 'all',
    fields: [],
    zh: 'JSON Lines 中的一行不是合法的 JSON 对象',
    en: 'A line of the JSON Lines file is not a valid JSON object',
  },
  {
    id: 'S907',
    editClass: 'syntactical',
    severity: 'error',
    scope: 'file',
    recordTypes: 'all',
    fields: [],
    zh: '文件为空或没有表头行',
    en: 'The file is empty or has no header row',
  },
  {
    id: 'S908',
    editClass: 'syntactical',
    severity: 'error',
    scope: 'file',
    recordTypes: 'all',
    fields: [],
    zh: '上传在完成前中断，请重新上传',
    en: 'The upload was interrupted before it finished; upload the file again',
  },
  {
    id: 'S909',
    editClass: 'syntactical',
    severity: 'error',
    scope: 'row',
    recordTypes: 'all',
    fields: [],
    zh: 'CSV 引号使用不规范（字段内的引号须写成两个双引号）；该行未被检查',
    en: 'Malformed quotes in a CSV row (a quote inside a field must be doubled); the row was not checked',
  },
  {
    id: 'S911',
    editClass: 'syntactical',
    severity: 'error',
    scope: 'row',
    recordTypes: 'all',
    fields: [],
    zh: 'JSON Lines 对象中含有标准未定义的字段',
    en: 'A JSON Lines object has a field the standard does not define',
  },
  {
    id: 'S912',
    editClass: 'syntactical',
    severity: 'error',
    scope: 'file',
    recordTypes: 'all',
    fields: [],
    zh: '已签署的文件无法入库（存储副本已损坏，或已不能通过校验）；请重新上传',
    en: 'The signed file could not be loaded (the stored copy is damaged or no longer passes the edits); upload it again',
  },
] as const satisfies readonly EditDef[];

export type ParseEditId = (typeof parseEdits)[number]['id'];

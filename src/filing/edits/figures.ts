/**
 * The figures a finding carries besides the fields of the record: what an edit computed (a loan's
 * annualised cost, a file's row counts) and what the file reader found. Each has a kind, so that
 * a client shows a rate as a percentage and a count with separators, and a name in both languages,
 * so that no client shows the key. The fields of the record are described by the standard itself.
 */

/** How a figure's value reads: `rate` a decimal fraction (0.36 = 36 %), `count` a whole number, `text` as it is. */
export type FigureKind = 'rate' | 'count' | 'text';

export interface FindingFigure {
  readonly name: string;
  readonly kind: FigureKind;
  readonly zh: string;
  readonly en: string;
}

const figure = (name: string, kind: FigureKind, zh: string, en: string): FindingFigure => ({ name, kind, zh, en });

export const findingFigures: readonly FindingFigure[] = [
  // Written by the retired edit Q001 (before standard v1.1): kept so that its old findings still read.
  figure('annualised_cost', 'rate', '综合年化成本（计算值）', 'Annualised cost (computed)'),
  figure('rows', 'count', '本期记录数', 'Records this period'),
  figure('previous_rows', 'count', '上期记录数', 'Records last period'),
  figure('duplicate_ids', 'count', '编号重复的行数', 'Rows with a repeated id'),
  figure('share', 'rate', '占比', 'Share'),
  figure('overdue_share', 'rate', '本期逾期期次占比', 'Overdue share this period'),
  figure('previous_overdue_share', 'rate', '上期逾期期次占比', 'Overdue share last period'),
  figure('column', 'text', '列名', 'Column'),
  figure('column_count', 'text', '本行值数 / 表头列数', 'Values in the row / columns in the header'),
  figure('columns', 'count', '列数', 'Columns'),
  figure('limit', 'count', '上限', 'Limit'),
  figure('length', 'text', '长度（字符）', 'Length (characters)'),
  figure('expected', 'text', '应为', 'Expected'),
  figure('delimiter', 'text', '分隔符', 'Delimiter'),
  figure('detected', 'text', '检测到的内容', 'What the file holds'),
  figure('byteOffset', 'count', '字节位置', 'Byte offset'),
  figure('detail', 'text', '问题', 'Problem'),
  figure('problem', 'text', '问题', 'Problem'),
  figure('line', 'text', '行内容', 'Line'),
  figure('row', 'text', '行', 'Row'),
  figure('field', 'text', '字段', 'Field'),
];

/**
 * The fixed phrases the file reader writes into a finding (`detected`, `detail`), in Chinese, so
 * that a Chinese reader is not shown English diagnostics. A phrase missing here is shown as written.
 */
export const readerPhrasesZh: Readonly<Record<string, string>> = {
  'declared gzip (Content-Encoding) but not gzip data': '声明为 gzip 压缩，但内容不是 gzip 数据',
  'corrupt gzip data': 'gzip 数据已损坏',
  'the gzip data ends early': 'gzip 数据提前结束',
  'UTF-16 (byte order mark)': 'UTF-16 编码（带字节顺序标记）',
  'UTF-16 (no byte order mark)': 'UTF-16 编码（无字节顺序标记）',
  'zip archive (an xlsx spreadsheet?)': 'zip 压缩包（可能是 xlsx 电子表格）',
  'binary data': '二进制数据',
  'mixed encodings: invalid UTF-8 after valid UTF-8 text': '编码混杂：有效的 UTF-8 文本之后出现无效的 UTF-8 字节',
  'the file ends inside a UTF-8 character': '文件在一个 UTF-8 字符中间结束',
  header: '表头',
  'the first line is empty': '第一行为空',
  'comma (,)': '逗号（,）',
  'a quoted field is never closed': '引号内的值没有闭合',
  'the last row is cut short': '最后一行不完整',
  'the last line is cut short': '最后一行不完整',
  'not a JSON object': '不是 JSON 对象',
  'the file is empty': '文件为空',
  'no records': '没有记录',
};

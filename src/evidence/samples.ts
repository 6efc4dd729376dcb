/*
 * Small evidence files made in code, for the demo and the tests: a loan contract as a PDF and a
 * repayment voucher as a PNG. No file is shipped, so nothing in the repository holds a real person.
 */
import { createRequire } from 'node:module';
import { deflateSync, crc32 } from 'node:zlib';
import PDFDocument from 'pdfkit';

const require = createRequire(import.meta.url);

/** A one-page loan contract in Chinese with the amounts given, as a PDF (Noto Sans SC embedded). */
export async function contractPdf(lines: string[] = ['借款合同（示例）', '出借人：钱塘小额贷款有限公司', '借款人：消费者一', '借款金额：人民币 12,000.00 元', '期限：12 个月，年化综合成本 23.9%']): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A5', margin: 36, info: { Title: lines[0] ?? 'contract' } });
  doc.registerFont('sc', require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'));
  doc.font('sc');
  const parts: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => parts.push(chunk));
  const done = new Promise<void>((resolve, reject) => {
    doc.on('end', resolve);
    doc.on('error', reject);
  });
  lines.forEach((line, i) => doc.fontSize(i === 0 ? 16 : 11).text(line, { paragraphGap: 6 }));
  doc.end();
  await done;
  return Buffer.concat(parts);
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A small RGB PNG: a receipt-like card, a red header band on white with grey "lines" of text. */
export function voucherPng(width = 120, height = 80): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3, 0xff);
    row[0] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const header = y < height / 5;
      const line = !header && y % 10 === 5 && x > 8 && x < width - 8 - (y % 30);
      const [r, g, b] = header ? [0xc4, 0x1d, 0x2b] : line ? [0x88, 0x88, 0x88] : [0xff, 0xff, 0xff];
      row[1 + x * 3] = r;
      row[2 + x * 3] = g;
      row[3 + x * 3] = b;
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: RGB
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))]);
}

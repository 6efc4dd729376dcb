import { Alert, App, Button, Card, Descriptions, Empty, Flex, Form, Input, Popconfirm, Skeleton, Space, Steps, Table, Tag, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { CheckCircleOutlined, CloseCircleOutlined, DownloadOutlined, SafetyCertificateOutlined, UploadOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { ErrorState } from '../components/ErrorState.js';
import { PageTitle } from '../components/PageTitle.js';
import { describeError } from '../components/forms.js';
import { formatBytes, formatCount, formatRate, formatYuan, useDateTime, useLocalName, useLocalNote } from '../components/format.js';
import { useRemote } from '../components/useRemote.js';
import type { FilingDetail, FindingCount, FindingsPage, ReceiptCheck, SignedReceipt } from '../types.js';
import { FilingStatusTag } from './FilingStatusTag.js';
import { codesOf, useRecordTypeName, useStandard, useZhEn, type Standard } from './standard.js';

const EXAMPLES_PER_PAGE = 10;

const classColours: Record<string, string> = { syntactical: 'magenta', validity: 'volcano', quality: 'gold', macro: 'blue' };

/** The name of a field of a record type in the reader's language, the raw name when unknown. */
function useFieldName(standard: Standard | undefined, recordType: string): (field: string) => string {
  const text = useZhEn();
  const fields = standard?.recordTypes.find((r) => r.type === recordType)?.fields;
  // Findings also carry figures the edits computed (a loan's annualised cost, a file's row counts).
  // Amounts are shown in yuan here, so their names lose the "(fen)" the file format needs.
  return (field) => {
    const def = fields?.find((f) => f.name === field);
    const name = text(def ?? standard?.figures.get(field), field);
    return def?.type === 'money_fen' ? name.replace(/\s*(\(fen\)|（分）)$/, '') : name;
  };
}

const WHOLE_NUMBER = /^-?\d+$/;
const DECIMAL = /^-?(\d+\.?\d*|\.\d+)$/;

/**
 * A value of an example row as a reader expects it: an amount in fen as yuan (5760000 →
 * ¥57,600.00), a rate as a percentage (1.2867 → 128.67%), a count with separators, the reader's
 * English phrases in Chinese; undefined when the value is shown as filed (text, or a malformed
 * number, which is the very thing the finding is about).
 */
function useFindingValue(standard: Standard | undefined, recordType: string): (field: string, value: string) => string | undefined {
  const { i18n } = useTranslation();
  const english = i18n.language.startsWith('en');
  const fields = standard?.recordTypes.find((r) => r.type === recordType)?.fields;
  return (field, value) => {
    const type = fields?.find((f) => f.name === field)?.type;
    const kind = type === undefined ? standard?.figures.get(field)?.kind : undefined;
    if (type === 'money_fen' && WHOLE_NUMBER.test(value)) return formatYuan(Number(value));
    if ((type === 'rate' || kind === 'rate') && DECIMAL.test(value)) return formatRate(Number(value), i18n.language);
    if (kind === 'count' && WHOLE_NUMBER.test(value)) return formatCount(Number(value), i18n.language);
    if (kind === 'text' && !english) return standard?.readerPhrasesZh[value];
    return undefined;
  };
}

/** The media type of a filed file as people name it: CSV or JSON Lines. */
function formatName(contentType: string): 'csv' | 'jsonl' {
  return /json/i.test(contentType) ? 'jsonl' : 'csv';
}

/** The name of a value of a code field (`status` `in_progress` → 处理中); undefined for other fields and unknown codes. */
function useCodeOfField(standard: Standard | undefined, recordType: string): (field: string, value: string) => string | undefined {
  const text = useZhEn();
  const fields = standard?.recordTypes.find((r) => r.type === recordType)?.fields;
  return (field, value) => {
    const list = fields?.find((f) => f.name === field)?.codeList;
    const code = list ? codesOf(standard, list).find((entry) => entry.code === value) : undefined;
    return code && text(code);
  };
}

/** The example rows of one edit, a page at a time. */
function FindingExamples({
  filingId,
  editId,
  fieldName,
  codeName,
  shownValue,
}: {
  filingId: string;
  editId: string;
  fieldName: (field: string) => string;
  codeName: (field: string, value: string) => string | undefined;
  shownValue: (field: string, value: string) => string | undefined;
}) {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const examples = useRemote(() => api.get<FindingsPage>(`/v1/filings/${filingId}/findings`, { editId, page, pageSize: EXAMPLES_PER_PAGE }), `${filingId}|${editId}|${page}`);
  if (examples.error !== undefined) return <ErrorState error={examples.error} onRetry={examples.reload} />;
  const items = examples.data?.items ?? [];
  const fields = [...new Set(items.flatMap((item) => Object.keys(item.values)))];
  const columns: TableColumnsType<(typeof items)[number]> = [
    { title: t('filings.row'), dataIndex: 'rowNumber', key: 'row', width: 110, render: (row: number) => (row === 0 ? <Tag>{t('filings.wholeFile')}</Tag> : <span className="fh-mono">{row}</span>) },
    ...fields.map((field) => ({
      // The column's name in words; the file's column name is on hover (it is what the file must hold).
      title: <span title={field}>{fieldName(field)}</span>,
      key: field,
      render: (_: unknown, item: (typeof items)[number]) => {
        const value = item.values[field] ?? '';
        const name = codeName(field, value);
        // A code is shown by its name, with the code as filed beside it.
        if (name) {
          return (
            <span>
              {name} <span className="fh-secondary-name fh-mono">{value}</span>
            </span>
          );
        }
        // Amounts in yuan and rates in percent; the value as filed stays on hover (and in the CSV).
        const shown = shownValue(field, value);
        return shown !== undefined && shown !== value ? (
          <span title={t('filings.asFiled', { value })} data-raw={value} className="fh-figure">
            {shown}
          </span>
        ) : (
          <span className="fh-mono">{value}</span>
        );
      },
    })),
  ];
  return (
    <Table
      size="small"
      rowKey={(item) => `${item.rowNumber}|${JSON.stringify(item.values)}`}
      data-testid={`examples-${editId}`}
      columns={columns}
      dataSource={items}
      loading={examples.loading}
      scroll={{ x: 'max-content' }}
      locale={{ emptyText: t('filings.noExamples') }}
      pagination={
        examples.data && examples.data.total > EXAMPLES_PER_PAGE
          ? { current: page, pageSize: EXAMPLES_PER_PAGE, total: examples.data.total, size: 'small', showSizeChanger: false, onChange: setPage }
          : false
      }
    />
  );
}

/** The receipt the platform signed, and a check of its signature against the platform's key. */
function ReceiptCard({ receiptId, recordTypeName }: { receiptId: string; recordTypeName: (type: string) => string }) {
  const { t, i18n } = useTranslation();
  const dateTime = useDateTime();
  const { message } = App.useApp();
  const receipt = useRemote(() => api.get<SignedReceipt>(`/v1/receipts/${receiptId}`), receiptId);
  const [check, setCheck] = useState<ReceiptCheck>();
  const [checking, setChecking] = useState(false);
  const english = i18n.language.startsWith('en');

  const verify = async () => {
    setChecking(true);
    try {
      setCheck(await api.get<ReceiptCheck>(`/v1/receipts/${receiptId}/verify`));
    } catch (error) {
      message.error(describeError(error));
    } finally {
      setChecking(false);
    }
  };

  const body = receipt.data?.receipt;
  return (
    <Card
      className="fh-card"
      data-testid="receipt"
      title={
        <Space>
          <SafetyCertificateOutlined className="fh-accent-icon" />
          {t('filings.receipt')}
        </Space>
      }
      extra={
        <Button icon={<SafetyCertificateOutlined />} onClick={() => void verify()} loading={checking} data-testid="verify-receipt">
          {t('filings.verifyReceipt')}
        </Button>
      }
    >
      {receipt.error !== undefined && <ErrorState error={receipt.error} onRetry={receipt.reload} />}
      {!body && receipt.loading && <Skeleton active />}
      {check && (
        <Alert
          data-testid="receipt-check"
          data-valid={check.valid}
          type={check.valid ? 'success' : 'error'}
          showIcon
          icon={check.valid ? <CheckCircleOutlined /> : <CloseCircleOutlined />}
          title={check.valid ? t('filings.receiptValid') : t('filings.receiptInvalid')}
          description={check.valid ? t('filings.receiptValidDetail', { algorithm: check.algorithm.toUpperCase(), keyId: check.keyId }) : (check.reason ?? '')}
          style={{ marginBottom: 16 }}
        />
      )}
      {body && (
        <Descriptions column={{ xs: 1, lg: 2 }} size="small" bordered>
          <Descriptions.Item label={t('filings.receiptId')}>
            <span className="fh-mono">{body.receiptId}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('filings.signedAt')}>{dateTime(body.signedAt)}</Descriptions.Item>
          <Descriptions.Item label={t('institution.name')}>{english ? body.institution.nameEn : body.institution.nameZh}</Descriptions.Item>
          <Descriptions.Item label={t('institution.uscc')}>
            <span className="fh-mono">{body.institution.uscc}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('filings.recordType')}>{recordTypeName(body.recordType)}</Descriptions.Item>
          <Descriptions.Item label={t('filings.periodVersion')}>
            {body.period} · v{body.version}
          </Descriptions.Item>
          <Descriptions.Item label={t('filings.records')}>{formatCount(body.recordCount, i18n.language)}</Descriptions.Item>
          <Descriptions.Item label={t('filings.signatureAlgorithm')}>
            {body.algorithm.toUpperCase()} · <span className="fh-mono">{body.keyId}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('filings.fileHash')} span={2}>
            <Typography.Text className="fh-mono" copyable>
              {body.fileHash}
            </Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('filings.signature')} span={2}>
            <Typography.Text className="fh-mono fh-break" copyable>
              {receipt.data?.signature}
            </Typography.Text>
          </Descriptions.Item>
        </Descriptions>
      )}
    </Card>
  );
}

/** An explanation for every warning edit, then POST /verify. */
function VerifyForm({ filing, onVerified }: { filing: FilingDetail; onVerified: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const text = useZhEn();
  const [form] = Form.useForm<Record<string, string>>();
  const [busy, setBusy] = useState(false);
  const warnings = filing.findings.filter((finding) => finding.severity === 'warning');

  const submit = async (values: Record<string, string>) => {
    setBusy(true);
    try {
      const explanations = Object.fromEntries(warnings.map((warning) => [warning.editId, (values[warning.editId] ?? '').trim()]));
      await api.post(`/v1/filings/${filing.filingId}/verify`, { explanations });
      message.success(t('filings.verified'));
      onVerified();
    } catch (error) {
      message.error(describeError(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card className="fh-card" title={t('filings.verifyTitle')} data-testid="verify-form">
      <Typography.Paragraph type="secondary">{t('filings.verifyIntro')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={(values) => void submit(values)}>
        {warnings.map((warning) => (
          <Form.Item
            key={warning.editId}
            name={warning.editId}
            label={
              <span>
                <Tag color="orange" className="fh-mono">
                  {warning.editId}
                </Tag>
                {text(warning)}
              </span>
            }
            rules={[{ required: true, whitespace: true, message: t('filings.explanationRequired') }]}
          >
            <Input.TextArea rows={2} maxLength={2000} showCount placeholder={t('filings.explanationPlaceholder')} data-testid={`explanation-${warning.editId}`} />
          </Form.Item>
        ))}
        <Button type="primary" htmlType="submit" loading={busy} data-testid="verify-submit">
          {t('filings.verify')}
        </Button>
      </Form>
    </Card>
  );
}

/** The lifecycle as steps: uploaded → validated → verified (when warnings) → signed → accepted. */
function Lifecycle({ filing }: { filing: FilingDetail }) {
  const { t } = useTranslation();
  const dateTime = useDateTime();
  const { status } = filing;
  const order = ['received', 'validated', 'verified', 'signed', 'accepted'] as const;
  const reached: Record<(typeof order)[number], string | null> = {
    received: filing.createdAt,
    validated: filing.validatedAt,
    verified: filing.verifiedAt,
    signed: filing.signedAt,
    accepted: filing.acceptedAt,
  };
  // The step under way: validation (or where it failed), verification for warnings, signing, loading.
  const current = status === 'received' || status === 'validating' || status === 'errors' ? 1 : status === 'warnings' ? 2 : status === 'clean' || status === 'verified' ? 3 : status === 'signed' ? 4 : 5;
  return (
    <Steps
      size="small"
      current={current}
      status={status === 'errors' ? 'error' : status === 'accepted' || status === 'superseded' ? 'finish' : 'process'}
      items={order.map((step) => ({
        title: step === 'validated' && (status === 'errors' || status === 'warnings' || status === 'clean') ? t(`filingStatus.${status}`) : t(`filings.step.${step}`),
        description: reached[step] ? dateTime(reached[step]) : step === 'verified' && filing.warningCount === 0 && filing.signedAt ? t('filings.notNeeded') : undefined,
      }))}
    />
  );
}

interface DetailProps {
  filingId: string;
  /** The list to go back to. */
  backPath: string;
  /** A supervisor reads; only the institution verifies and signs. */
  readOnly: boolean;
  /** For a supervisor: name the institution that filed. */
  showInstitution?: boolean;
}

/** One filing: its file, findings per edit with example rows, verification, signing and the receipt. */
export function FilingDetailView({ filingId, backPath, readOnly, showInstitution }: DetailProps) {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const dateTime = useDateTime();
  const text = useZhEn();
  const { standard } = useStandard();
  const recordTypeName = useRecordTypeName(standard);
  const localName = useLocalName();
  const detail = useRemote(() => api.get<FilingDetail>(`/v1/filings/${filingId}`), filingId);
  const [downloading, setDownloading] = useState(false);
  const [signing, setSigning] = useState(false);
  const filing = detail.data;
  const fieldName = useFieldName(standard, filing?.recordType ?? '');
  const codeName = useCodeOfField(standard, filing?.recordType ?? '');
  const shownValue = useFindingValue(standard, filing?.recordType ?? '');
  const note = useLocalNote();

  if (detail.error !== undefined) return <ErrorState error={detail.error} onRetry={detail.reload} />;
  if (!filing) return <Skeleton active paragraph={{ rows: 10 }} />;

  const downloadCsv = async () => {
    setDownloading(true);
    try {
      await api.download(`/v1/filings/${filing.filingId}/findings.csv`, `findings-${filing.recordType}-${filing.period}-v${filing.version}.csv`);
    } catch (error) {
      message.error(describeError(error));
    } finally {
      setDownloading(false);
    }
  };

  const sign = async () => {
    setSigning(true);
    try {
      await api.post(`/v1/filings/${filing.filingId}/sign`);
      message.success(t('filings.signed'));
      detail.reload();
    } catch (error) {
      message.error(describeError(error));
    } finally {
      setSigning(false);
    }
  };

  const count = (value: number | null) => (value === null ? '—' : formatCount(value, i18n.language));
  const message_ = (finding: FindingCount) => text(standard?.edits.get(finding.editId) ?? finding);
  const findingColumns: TableColumnsType<FindingCount> = [
    { title: t('filings.editId'), dataIndex: 'editId', key: 'editId', width: 90, render: (id: string) => <span className="fh-mono fh-strong">{id}</span> },
    {
      title: t('filings.editClass'),
      dataIndex: 'editClass',
      key: 'editClass',
      width: 130,
      render: (editClass: string, row) => (
        <Tag color={classColours[editClass]}>
          {row.editId.charAt(0)} · {t(`filings.class.${editClass}`, { defaultValue: editClass })}
        </Tag>
      ),
    },
    {
      title: t('filings.severity'),
      dataIndex: 'severity',
      key: 'severity',
      width: 100,
      render: (severity: FindingCount['severity']) => <Tag color={severity === 'error' ? 'red' : 'orange'}>{t(`filings.severityName.${severity}`)}</Tag>,
    },
    {
      title: t('filings.message'),
      key: 'message',
      render: (_, row) => {
        const fields = standard?.edits.get(row.editId)?.fields ?? [];
        return (
          <div>
            <div>{message_(row)}</div>
            {fields.length > 0 && <div className="fh-secondary-name">{t('filings.fields', { fields: fields.map(fieldName).join(i18n.language.startsWith('en') ? ', ' : '、') })}</div>}
            {filing.explanations?.[row.editId] && <div className="fh-reason">{t('filings.explanation', { text: note(filing.explanations[row.editId]) })}</div>}
          </div>
        );
      },
    },
    { title: t('filings.count'), dataIndex: 'count', key: 'count', width: 100, align: 'right', render: (value: number) => <strong>{count(value)}</strong> },
  ];

  const errorFindings = filing.findings.filter((finding) => finding.severity === 'error');
  const title = `${recordTypeName(filing.recordType)} · ${filing.period} · v${filing.version}`;

  return (
    <div data-testid="filing-detail" data-status={filing.status}>
      <PageTitle
        title={
          <Space>
            {title}
            <FilingStatusTag status={filing.status} />
          </Space>
        }
        subtitle={showInstitution ? localName(filing.institution) : t('filings.detailSubtitle')}
        extra={<Link to={backPath}>{t('filings.backToList')}</Link>}
      />
      <Card className="fh-card" style={{ marginBottom: 16 }}>
        <Lifecycle filing={filing} />
      </Card>

      {filing.status === 'errors' && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('filings.hasErrors', { count: filing.errorCount })}
          description={readOnly ? t('filings.hasErrorsSupervisor') : t('filings.hasErrorsHint')}
          action={
            readOnly ? undefined : (
              <Link to={`${backPath}?recordType=${filing.recordType}&period=${filing.period}`}>
                <Button icon={<UploadOutlined />}>{t('filings.uploadCorrected')}</Button>
              </Link>
            )
          }
        />
      )}
      {filing.status === 'superseded' && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={t('filings.supersededHint', { at: dateTime(filing.supersededAt) })} />}

      <Card className="fh-card" title={t('filings.file')} style={{ marginBottom: 16 }}>
        <Descriptions column={{ xs: 1, md: 2, xl: 3 }} size="small">
          <Descriptions.Item label={t('filings.records')}>{count(filing.recordCount)}</Descriptions.Item>
          <Descriptions.Item label={t('filings.errors')}>
            <Typography.Text type={filing.errorCount > 0 ? 'danger' : undefined} strong={filing.errorCount > 0} data-testid="error-count">
              {count(filing.errorCount)}
            </Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('filings.warnings')}>
            <Typography.Text type={filing.warningCount > 0 ? 'warning' : undefined} strong={filing.warningCount > 0}>
              {count(filing.warningCount)}
            </Typography.Text>
          </Descriptions.Item>
          <Descriptions.Item label={t('filings.format')}>
            {t(`filings.formatName.${formatName(filing.contentType)}`)}
            {filing.encoding ? ` · ${t(`filings.encodingName.${filing.encoding}`, { defaultValue: filing.encoding })}` : ''}
          </Descriptions.Item>
          <Descriptions.Item label={t('filings.size')}>{formatBytes(filing.fileBytes)}</Descriptions.Item>
          <Descriptions.Item label={t('filings.uploadedAt')}>{dateTime(filing.createdAt)}</Descriptions.Item>
          <Descriptions.Item label={t('filings.fileHash')} span={3}>
            <span className="fh-mono fh-break">{filing.fileHash ?? '—'}</span>
          </Descriptions.Item>
        </Descriptions>
      </Card>

      <Card
        className="fh-card"
        title={t('filings.findingsTitle', { count: filing.findings.length })}
        style={{ marginBottom: 16 }}
        extra={
          filing.findings.length > 0 && (
            <Button icon={<DownloadOutlined />} onClick={() => void downloadCsv()} loading={downloading} data-testid="download-findings">
              {t('filings.downloadFindings')}
            </Button>
          )
        }
      >
        {filing.findings.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('filings.noFindings')} />
        ) : (
          <Table<FindingCount>
            rowKey="editId"
            data-testid="findings-table"
            size="middle"
            columns={findingColumns}
            dataSource={[...errorFindings, ...filing.findings.filter((finding) => finding.severity !== 'error')]}
            pagination={false}
            scroll={{ x: 'max-content' }}
            expandable={{
              defaultExpandedRowKeys: filing.findings.length <= 4 ? filing.findings.map((finding) => finding.editId) : errorFindings.slice(0, 1).map((finding) => finding.editId),
              expandedRowRender: (row) => <FindingExamples filingId={filing.filingId} editId={row.editId} fieldName={fieldName} codeName={codeName} shownValue={shownValue} />,
            }}
          />
        )}
      </Card>

      {!readOnly && filing.status === 'warnings' && <VerifyForm filing={filing} onVerified={detail.reload} />}

      {!readOnly && (filing.status === 'clean' || filing.status === 'verified') && (
        <Card className="fh-card" title={t('filings.signTitle')} data-testid="sign-card">
          <Flex justify="space-between" align="center" wrap gap={12}>
            <Typography.Text type="secondary">{t('filings.signIntro')}</Typography.Text>
            <Popconfirm title={t('filings.signConfirm')} okText={t('filings.sign')} cancelText={t('common.cancel')} onConfirm={() => void sign()}>
              <Button type="primary" icon={<SafetyCertificateOutlined />} loading={signing} data-testid="sign">
                {t('filings.sign')}
              </Button>
            </Popconfirm>
          </Flex>
        </Card>
      )}

      {filing.receiptId && <ReceiptCard receiptId={filing.receiptId} recordTypeName={recordTypeName} />}
    </div>
  );
}

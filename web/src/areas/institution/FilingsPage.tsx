import { Alert, App, Button, Card, Checkbox, Col, DatePicker, Dropdown, Flex, Form, Progress, Row, Select, Space, Switch, Typography, Upload } from 'antd';
import { BookOutlined, CloudUploadOutlined, DownloadOutlined, InboxOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { ApiError, api, type UploadProgress } from '../../api.js';
import { ErrorState } from '../../components/ErrorState.js';
import { chinaToday } from '../../credit/types.js';
import { PageTitle } from '../../components/PageTitle.js';
import { describeError, showFieldError } from '../../components/forms.js';
import { formatBytes, formatCount } from '../../components/format.js';
import { useRemote } from '../../components/useRemote.js';
import { FilingStatusTag } from '../../filing/FilingStatusTag.js';
import { FilingCalendar } from '../../filing/FilingCalendar.js';
import { FilingTable } from '../../filing/FilingTable.js';
import { StandardDrawer } from '../../filing/StandardDrawer.js';
import { useRecordTypeName, useStandard } from '../../filing/standard.js';
import type { FilingDetail, FilingView, Page } from '../../types.js';

const PAGE_SIZE = 20;

interface UploadForm {
  recordType: string;
  period: Dayjs;
  resubmission: boolean;
}

/** The media type the API expects for a file, from its name (a .gz is sent as what it holds; the server unzips). */
export function mediaTypeOf(fileName: string): string | undefined {
  const name = fileName.toLowerCase().replace(/\.gz$/, '');
  if (name.endsWith('.csv') || name.endsWith('.txt')) return 'text/csv';
  if (name.endsWith('.jsonl') || name.endsWith('.ndjson') || name.endsWith('.json')) return 'application/x-ndjson';
  return undefined;
}

/**
 * Filings (数据报送): upload one file of one record type for one period with a progress bar, read
 * the validation result, and list every filing of the institution.
 */
export function FilingsPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const { standard, error: standardError } = useStandard();
  const recordTypeName = useRecordTypeName(standard);
  const [form] = Form.useForm<UploadForm>();
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string>();
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const [uploading, setUploading] = useState(false);
  const [result, setResult] = useState<FilingDetail | null>(null);
  const [helpOpen, setHelpOpen] = useState(false);
  const [helpType, setHelpType] = useState('loan');
  const abort = useRef<AbortController | null>(null);

  const page = Number(params.get('page') ?? '1') || 1;
  // Failed and replaced versions are hidden unless asked for: the list shows what is current.
  const showReplaced = params.get('all') === 'true';
  const query = { page, pageSize: PAGE_SIZE, hideReplaced: showReplaced ? undefined : 'true' };
  const list = useRemote(() => api.get<Page<FilingView>>('/v1/filings', query), JSON.stringify(query));

  // A link from a filing with errors comes back here with its record type and period filled in.
  const initial: Partial<UploadForm> = {
    recordType: params.get('recordType') ?? 'loan',
    period: params.get('period') && /^\d{4}-\d{2}$/.test(params.get('period')!) ? dayjs(`${params.get('period')}-01`) : dayjs(chinaToday()).subtract(1, 'month').startOf('month'),
    resubmission: false,
  };

  const submit = async (values: UploadForm) => {
    if (!file) {
      setFileError(t('filings.chooseFile'));
      return;
    }
    const contentType = mediaTypeOf(file.name);
    if (!contentType) {
      setFileError(t('filings.wrongFileType'));
      return;
    }
    setUploading(true);
    setResult(null);
    setProgress({ loaded: 0, total: file.size });
    abort.current = new AbortController();
    try {
      const filing = await api.upload<FilingDetail>(
        '/v1/filings',
        file,
        contentType,
        { recordType: values.recordType, period: values.period.format('YYYY-MM'), resubmission: values.resubmission ? 'true' : undefined },
        setProgress,
        abort.current.signal,
      );
      setResult(filing);
      setFile(null);
      form.setFieldValue('resubmission', false);
      if (page !== 1) setParams({});
      else list.reload();
    } catch (error) {
      if (error instanceof DOMException && error.name === 'AbortError') message.info(t('filings.cancelled'));
      else if (error instanceof ApiError && error.code === 'FH_FILING_PERIOD_ACCEPTED') {
        // The period is taken: the way on is the resubmission box, so the message sits there.
        form.setFields([{ name: 'resubmission', errors: [error.localMessage()] }]);
      } else if (!showFieldError(form, error, ['recordType', 'period', 'resubmission'])) message.error(describeError(error));
      setProgress(null);
    } finally {
      setUploading(false);
      abort.current = null;
    }
  };

  const downloadTemplate = async (format: 'csv' | 'jsonl') => {
    const recordType = (form.getFieldValue('recordType') as string | undefined) ?? 'loan';
    try {
      await api.download(`/v1/standard/record-types/${encodeURIComponent(recordType)}/template.${format}`, `template-${recordType}.${format}`);
    } catch (error) {
      message.error(describeError(error));
    }
  };

  const percent = progress && progress.total > 0 ? Math.min(100, Math.floor((progress.loaded / progress.total) * 100)) : 0;
  const sent = progress && progress.total > 0 && progress.loaded >= progress.total;

  return (
    <>
      <PageTitle
        title={t('menu.filings')}
        subtitle={t('filings.subtitle')}
        extra={
          <Space wrap>
            {/* Opened by a click, not a hover: a phone has no hover, and a menu that closes when the pointer strays loses the click. */}
            <Dropdown
              trigger={['click']}
              menu={{
                items: [
                  { key: 'csv', label: <span data-testid="template-csv">{t('filings.templateCsv')}</span>, onClick: () => void downloadTemplate('csv') },
                  { key: 'jsonl', label: <span data-testid="template-jsonl">{t('filings.templateJsonl')}</span>, onClick: () => void downloadTemplate('jsonl') },
                ],
              }}
            >
              <Button icon={<DownloadOutlined />} data-testid="download-template">
                {t('filings.downloadTemplate')}
              </Button>
            </Dropdown>
            <Button icon={<BookOutlined />} onClick={() => { setHelpType(form.getFieldValue('recordType') ?? 'loan'); setHelpOpen(true); }} data-testid="open-standard">
              {t('standard.open')}
            </Button>
          </Space>
        }
      />
      {standardError !== undefined && <ErrorState error={standardError} />}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={14}>
          <Card className="fh-card" title={t('filings.uploadTitle')} style={{ height: '100%' }}>
            <Form form={form} layout="vertical" initialValues={initial} onFinish={(values) => void submit(values)} disabled={uploading}>
              <Row gutter={16}>
                <Col xs={24} md={12}>
                  <Form.Item name="recordType" label={t('filings.recordType')} rules={[{ required: true, message: t('form.required') }]}>
                    <Select
                      data-testid="record-type"
                      loading={!standard}
                      options={(standard?.recordTypes ?? []).map((r) => ({ value: r.type, label: recordTypeName(r.type) }))}
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} md={12}>
                  <Form.Item name="period" label={t('filings.period')} rules={[{ required: true, message: t('form.required') }]}>
                    <DatePicker picker="month" format="YYYY-MM" style={{ width: '100%' }} allowClear={false} data-testid="period" />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item required label={t('filings.file')} validateStatus={fileError ? 'error' : undefined} help={fileError}>
                <div data-testid="file-drop">
                <Upload.Dragger
                  accept=".csv,.jsonl,.ndjson,.json,.txt,.gz"
                  multiple={false}
                  maxCount={1}
                  fileList={file ? [{ uid: 'chosen', name: `${file.name} (${formatBytes(file.size)})`, status: 'done' }] : []}
                  beforeUpload={(chosen) => {
                    setFile(chosen);
                    setFileError(mediaTypeOf(chosen.name) ? undefined : t('filings.wrongFileType'));
                    setProgress(null);
                    return false; // sent by the submit button, with progress
                  }}
                  onRemove={() => {
                    setFile(null);
                    return true;
                  }}
                >
                  <p className="ant-upload-drag-icon">
                    <InboxOutlined />
                  </p>
                  <p className="ant-upload-text">{t('filings.dropHere')}</p>
                  <p className="ant-upload-hint">{t('filings.dropHint')}</p>
                </Upload.Dragger>
                </div>
              </Form.Item>
              <Form.Item name="resubmission" valuePropName="checked" extra={t('filings.resubmissionHint')}>
                <Checkbox data-testid="resubmission">{t('filings.resubmission')}</Checkbox>
              </Form.Item>
              <Flex gap={12} align="center" wrap>
                <Button type="primary" htmlType="submit" icon={<CloudUploadOutlined />} loading={uploading} data-testid="upload">
                  {t('filings.upload')}
                </Button>
                {uploading && (
                  <Button disabled={false} onClick={() => abort.current?.abort()}>
                    {t('common.cancel')}
                  </Button>
                )}
              </Flex>
            </Form>
            {progress && (
              <div className="fh-upload-progress" data-testid="upload-progress" data-percent={percent} data-done={!uploading}>
                <Progress percent={percent} status={uploading ? 'active' : 'success'} format={(value) => `${value ?? 0}%`} />
                <Typography.Text type="secondary">
                  {uploading
                    ? sent
                      ? t('filings.validating')
                      : t('filings.sending', { loaded: formatBytes(progress.loaded), total: formatBytes(progress.total) })
                    : t('filings.sent', { total: formatBytes(progress.total) })}
                </Typography.Text>
              </div>
            )}
          </Card>
        </Col>
        <Col xs={24} xl={10}>
          <Card className="fh-card" title={t('filings.resultTitle')} style={{ height: '100%' }} data-testid="upload-result">
            {result ? (
              <div data-status={result.status}>
                <Space style={{ marginBottom: 12 }} wrap>
                  <FilingStatusTag status={result.status} />
                  <Typography.Text strong>
                    {recordTypeName(result.recordType)} · {result.period} · v{result.version}
                  </Typography.Text>
                </Space>
                <Alert
                  type={result.status === 'errors' ? 'error' : result.status === 'warnings' ? 'warning' : 'success'}
                  showIcon
                  title={t(`filings.outcome.${result.status === 'errors' || result.status === 'warnings' ? result.status : 'clean'}`)}
                  description={t('filings.outcomeCounts', {
                    records: formatCount(result.recordCount ?? 0, i18n.language),
                    errors: formatCount(result.errorCount, i18n.language),
                    warnings: formatCount(result.warningCount, i18n.language),
                  })}
                />
                {result.findings.length > 0 && (
                  <ul className="fh-finding-list">
                    {[...result.findings].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1)).map((finding) => (
                      <li key={finding.editId}>
                        <Typography.Text type={finding.severity === 'error' ? 'danger' : 'warning'} className="fh-mono" strong>
                          {finding.editId}
                        </Typography.Text>{' '}
                        {i18n.language.startsWith('en') ? finding.en : finding.zh} <Typography.Text type="secondary">× {formatCount(finding.count, i18n.language)}</Typography.Text>
                      </li>
                    ))}
                  </ul>
                )}
                <Link to={`/institution/filings/${result.filingId}`} data-testid="open-result">
                  <Button type={result.status === 'errors' ? 'default' : 'primary'} style={{ marginTop: 12 }}>
                    {result.status === 'errors' ? t('filings.viewFindings') : result.status === 'warnings' ? t('filings.goVerify') : t('filings.goSign')}
                  </Button>
                </Link>
              </div>
            ) : (
              <Typography.Paragraph type="secondary">{t('filings.resultEmpty')}</Typography.Paragraph>
            )}
          </Card>
        </Col>
      </Row>
      <Card
        className="fh-card"
        title={t('filings.listTitle')}
        style={{ marginTop: 16 }}
        extra={
          <Space size={6}>
            <Switch size="small" checked={showReplaced} onChange={(checked) => setParams(checked ? { all: 'true' } : {})} data-testid="show-replaced" />
            <Typography.Text type="secondary">{t('filings.showReplaced')}</Typography.Text>
          </Space>
        }
      >
        {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
        <FilingTable page={list.data} loading={list.loading} standard={standard} basePath="/institution/filings" onPage={(next) => setParams({ ...(showReplaced ? { all: 'true' } : {}), page: String(next) })} />
      </Card>
      <FilingCalendar path="/v1/institution/filing-calendar" />
      <StandardDrawer open={helpOpen} onClose={() => setHelpOpen(false)} standard={standard} recordType={helpType} onRecordType={setHelpType} />
    </>
  );
}

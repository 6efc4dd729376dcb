import { Alert, App, Button, Card, Col, Empty, Flex, Form, Input, List, Radio, Row, Segmented, Select, Skeleton, TreeSelect, Typography } from 'antd';
import { ArrowLeftOutlined, PlusOutlined } from '@ant-design/icons';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api, describeError } from '../../api.js';
import { ErrorState } from '../../components/ErrorState.js';
import { PageTitle } from '../../components/PageTitle.js';
import { formatBytes, formatDateTime, useLocalName } from '../../components/format.js';
import { jurisdictionTree, useReference } from '../../components/reference.js';
import { useRemote } from '../../components/useRemote.js';
import { InstitutionSelect } from '../../components/InstitutionSelect.js';
import { ComplaintFacts, ComplaintHistory, ComplaintStatusTags, DeadlineText, useCodeLabel, type ComplaintView } from '../../complaints/parts.js';

interface VaultItem {
  evidenceId: string;
  fileName: string;
  bytes: number;
  receivedAt: string;
}

interface Taxonomy {
  issues: { code: string; zh: string; en: string }[];
  productTypes: { code: string; zh: string; en: string }[];
}

/** The calling consumer's complaints, newest first, each with its status and deadline. */
export function ComplaintsPage() {
  const { t } = useTranslation();
  const name = useLocalName();
  const label = useCodeLabel();
  const list = useRemote(() => api.get<{ items: ComplaintView[] }>('/v1/consumer/complaints'), 'mine');
  return (
    <>
      <PageTitle
        title={t('complaints.mine.title')}
        subtitle={t('complaints.mine.subtitle')}
        extra={
          <Link to="/consumer/complaints/new">
            <Button type="primary" icon={<PlusOutlined />} data-action="new-complaint">
              {t('complaints.mine.file')}
            </Button>
          </Link>
        }
      />
      {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
      <Card className="fh-card">
        <List
          data-testid="complaints-list"
          loading={list.loading}
          dataSource={list.data?.items ?? []}
          locale={{ emptyText: <Empty description={t('complaints.none')} image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
          renderItem={(item) => (
            <List.Item key={item.complaintId} data-complaint-id={item.complaintId}>
              <Link to={`/consumer/complaints/${item.complaintId}`} style={{ width: '100%', color: 'inherit' }}>
                <Flex justify="space-between" wrap gap={8}>
                  <div style={{ minWidth: 0 }}>
                    <Typography.Text strong>{name(item.institution)}</Typography.Text>
                    <br />
                    <Typography.Text type="secondary">
                      {label(item.issue)} · {formatDateTime(item.receivedAt, false)}
                    </Typography.Text>
                    <br />
                    <DeadlineText complaint={item} />
                  </div>
                  <ComplaintStatusTags complaint={item} />
                </Flex>
              </Link>
            </List.Item>
          )}
        />
      </Card>
    </>
  );
}

interface FileValues {
  target: 'registered' | 'unregistered';
  institutionId?: string;
  institutionName?: string;
  regionCode?: string;
  product: string;
  productType?: string;
  issue: string;
  narrative: string;
  amountAtStakeYuan?: string;
  evidenceIds?: string[];
}

/** The complaint form: the institution (registered, or by name), product, issue, what happened, the amount. */
export function FileComplaintPage() {
  const { t, i18n } = useTranslation();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const label = useCodeLabel();
  const name = useLocalName();
  const reference = useReference();
  const taxonomy = useRemote(() => api.get<Taxonomy>('/v1/public/complaint-taxonomy'), 'taxonomy');
  const vault = useRemote(() => api.get<{ items: VaultItem[] }>('/v1/consumer/evidence', { pageSize: 200 }), 'vault');
  const [form] = Form.useForm<FileValues>();
  const target = Form.useWatch('target', form) ?? 'registered';
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<unknown>();
  // Messages under fields are written when a field is checked: check the faulty ones again in the new language.
  useEffect(() => {
    const faulty = form.getFieldsError().filter((field) => field.errors.length > 0).map((field) => field.name);
    if (faulty.length > 0) void form.validateFields(faulty).catch(() => undefined);
  }, [i18n.language, form]);
  const submit = async (values: FileValues) => {
    setBusy(true);
    setRefusal(undefined);
    try {
      const complaint = await api.post<ComplaintView>('/v1/consumer/complaints', {
        ...(values.target === 'registered' ? { institutionId: values.institutionId } : { institutionName: values.institutionName?.trim(), ...(values.regionCode ? { regionCode: values.regionCode } : {}) }),
        product: values.product.trim(),
        ...(values.productType ? { productType: values.productType } : {}),
        issue: values.issue,
        narrative: values.narrative.trim(),
        ...(values.amountAtStakeYuan?.trim() ? { amountAtStakeYuan: values.amountAtStakeYuan.trim() } : {}),
        ...(values.evidenceIds && values.evidenceIds.length > 0 ? { evidenceIds: values.evidenceIds } : {}),
      });
      void message.success(t('complaints.form.filed'));
      void navigate(`/consumer/complaints/${complaint.complaintId}`);
    } catch (error) {
      setRefusal(error);
    } finally {
      setBusy(false);
    }
  };
  const required = { required: true, whitespace: true, message: t('complaints.form.required') };
  return (
    <>
      <PageTitle title={t('complaints.form.title')} extra={<BackLink />} />
      <Card className="fh-card" data-testid="complaint-form">
        {taxonomy.loading ? (
          <Skeleton active />
        ) : (
          <Form form={form} layout="vertical" requiredMark={false} initialValues={{ target: 'registered' }} onFinish={(values) => void submit(values)}>
            <Form.Item name="target">
              <Segmented
                block
                options={[
                  { value: 'registered', label: t('complaints.form.registered') },
                  { value: 'unregistered', label: t('complaints.form.unregisteredOption') },
                ]}
                data-testid="complaint-target"
              />
            </Form.Item>
            {target === 'registered' ? (
              <Form.Item name="institutionId" label={t('complaints.form.pickInstitution')} rules={[{ required: true, message: t('complaints.form.institutionRequired') }]}>
                <InstitutionSelect placeholder={t('complaints.form.searchInstitution')} testId="complaint-institution" />
              </Form.Item>
            ) : (
              <Row gutter={16}>
                <Col xs={24} md={12}>
                  <Form.Item name="institutionName" label={t('complaints.form.institutionName')} extra={t('complaints.form.institutionNameHelp')} rules={[required]}>
                    <Input maxLength={200} data-testid="complaint-institution-name" />
                  </Form.Item>
                </Col>
                <Col xs={24} md={12}>
                  <Form.Item name="regionCode" label={t('complaints.form.region')} extra={t('complaints.form.regionHelp')}>
                    <TreeSelect allowClear showSearch treeNodeFilterProp="title" treeData={jurisdictionTree(reference.jurisdictions.filter((j) => j.code !== '000000'), name)} />
                  </Form.Item>
                </Col>
              </Row>
            )}
            <Row gutter={16}>
              <Col xs={24} md={12}>
                <Form.Item name="product" label={t('complaints.form.product')} rules={[required]}>
                  <Input maxLength={200} placeholder={t('complaints.form.productPlaceholder')} data-testid="complaint-product" />
                </Form.Item>
              </Col>
              <Col xs={24} md={12}>
                <Form.Item name="productType" label={t('complaints.form.productType')}>
                  <Select allowClear options={(taxonomy.data?.productTypes ?? []).map((p) => ({ value: p.code, label: label(p) }))} data-testid="complaint-product-type" />
                </Form.Item>
              </Col>
            </Row>
            <Form.Item name="issue" label={t('complaints.form.issue')} rules={[{ required: true, message: t('complaints.form.required') }]}>
              <Radio.Group className="fh-complaint-issues" options={(taxonomy.data?.issues ?? []).map((i) => ({ value: i.code, label: label(i) }))} data-testid="complaint-issue" />
            </Form.Item>
            <Form.Item name="narrative" label={t('complaints.form.narrative')} rules={[required]}>
              <Input.TextArea rows={5} maxLength={4000} showCount placeholder={t('complaints.form.narrativePlaceholder')} data-testid="complaint-narrative" />
            </Form.Item>
            <Form.Item name="amountAtStakeYuan" label={t('complaints.form.amount')} rules={[{ pattern: /^\d{1,12}(\.\d{1,2})?$/, message: t('complaints.form.amountInvalid') }]}>
              <Input inputMode="decimal" prefix="¥" style={{ maxWidth: 240 }} data-testid="complaint-amount" />
            </Form.Item>
            {vault.data && (
              <Form.Item name="evidenceIds" label={t('complaints.form.evidence')} extra={t('complaints.form.evidenceHelp')}>
                <Select
                  mode="multiple"
                  allowClear
                  options={vault.data.items.map((item) => ({ value: item.evidenceId, label: `${item.fileName} · ${formatBytes(item.bytes)}` }))}
                  notFoundContent={<Empty description={t('complaints.form.evidenceNone')} image={Empty.PRESENTED_IMAGE_SIMPLE} />}
                  data-testid="complaint-evidence"
                />
              </Form.Item>
            )}
            {refusal !== undefined && <Alert type="error" showIcon title={describeError(refusal)} style={{ marginBottom: 16 }} data-testid="complaint-refused" />}
            <Button type="primary" htmlType="submit" loading={busy} data-action="file-complaint">
              {t('complaints.form.submit')}
            </Button>
          </Form>
        )}
      </Card>
    </>
  );
}

function BackLink() {
  const { t } = useTranslation();
  return (
    <Link to="/consumer/complaints">
      <Button icon={<ArrowLeftOutlined />}>{t('complaints.mine.title')}</Button>
    </Link>
  );
}

/** One complaint: its facts, deadline, the answer, the history, and the feedback form once answered. */
export function ComplaintPage() {
  const { t } = useTranslation();
  const { complaintId = '' } = useParams();
  const { message } = App.useApp();
  const remote = useRemote(() => api.get<ComplaintView>(`/v1/consumer/complaints/${complaintId}`), complaintId);
  const [updated, setUpdated] = useState<ComplaintView>();
  const complaint = updated ?? remote.data;
  const [form] = Form.useForm<{ verdict: 'satisfied' | 'disputed'; reason?: string }>();
  const verdict = Form.useWatch('verdict', form);
  const [busy, setBusy] = useState(false);
  const send = async (values: { verdict: 'satisfied' | 'disputed'; reason?: string }) => {
    setBusy(true);
    try {
      const view = await api.post<ComplaintView>(`/v1/consumer/complaints/${complaintId}/feedback`, { verdict: values.verdict, ...(values.reason?.trim() ? { reason: values.reason.trim() } : {}) });
      void message.success(t('complaints.feedbackForm.sent'));
      setUpdated(view);
    } catch (error) {
      void message.error(describeError(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <PageTitle title={t('complaints.mine.detail')} extra={<BackLink />} />
      {remote.error !== undefined && <ErrorState error={remote.error} onRetry={remote.reload} />}
      {remote.loading && !complaint ? (
        <Skeleton active />
      ) : (
        complaint && (
          <Row gutter={[16, 16]}>
            <Col xs={24} lg={15}>
              <Card className="fh-card" title={<ComplaintStatusTags complaint={complaint} />} data-testid="complaint-detail">
                <ComplaintFacts complaint={complaint} area="consumer" />
              </Card>
              {complaint.status === 'answered' && (
                <Card className="fh-card" title={t('complaints.feedbackForm.title')} style={{ marginTop: 16 }} data-testid="complaint-feedback">
                  <Form form={form} layout="vertical" requiredMark={false} initialValues={{ verdict: 'satisfied' }} onFinish={(values) => void send(values)}>
                    <Form.Item name="verdict">
                      <Radio.Group
                        options={[
                          { value: 'satisfied', label: t('complaints.feedbackForm.satisfied') },
                          { value: 'disputed', label: t('complaints.feedbackForm.dispute') },
                        ]}
                        data-testid="feedback-verdict"
                      />
                    </Form.Item>
                    {verdict === 'disputed' && (
                      <Form.Item name="reason" label={t('complaints.feedbackForm.reason')} rules={[{ required: true, whitespace: true, message: t('complaints.feedbackForm.reasonRequired') }]}>
                        <Input.TextArea rows={3} maxLength={1000} showCount data-testid="feedback-reason" />
                      </Form.Item>
                    )}
                    <Button type="primary" htmlType="submit" loading={busy} data-action="send-feedback">
                      {t('complaints.feedbackForm.send')}
                    </Button>
                  </Form>
                </Card>
              )}
              {complaint.status === 'disputed' && <Alert type="warning" showIcon title={t('complaints.feedbackForm.disputedNote')} style={{ marginTop: 16 }} data-testid="complaint-disputed" />}
            </Col>
            <Col xs={24} lg={9}>
              <Card className="fh-card" title={t('complaints.history')}>
                <ComplaintHistory complaint={complaint} />
              </Card>
            </Col>
          </Row>
        )
      )}
    </>
  );
}

import { Alert, App, Button, Card, Checkbox, Col, Empty, Flex, Form, Input, List, Modal, Result, Row, Skeleton, Tag, Typography } from 'antd';
import { AuditOutlined, DeleteOutlined, DownloadOutlined, EditOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { api, describeError } from '../../api.js';
import { ErrorState } from '../../components/ErrorState.js';
import { PageTitle } from '../../components/PageTitle.js';
import { formatDateTime } from '../../components/format.js';
import { useRemote } from '../../components/useRemote.js';
import { useSession } from '../../session.js';
import { chinaToday } from '../../credit/types.js';

type Text = { zh: string; en: string };
interface Hold {
  code: string;
  title: Text;
  basis: Text;
  resource: string;
}
interface Retention {
  category: string;
  title: Text;
  basis: Text;
}
interface DeletionPlan {
  holds: Hold[];
  erases: Text[];
  retained: Retention[];
}
interface DataRequest {
  requestId: string;
  kind: 'export' | 'correction' | 'deletion';
  outcome: 'completed' | 'refused';
  detail: { fields?: string[] };
  refusal: Hold[] | null;
  requestedAt: string;
}

function useText(): (text: Text) => string {
  const { i18n } = useTranslation();
  return (text) => (i18n.language.startsWith('en') ? text.en : text.zh);
}

/** A copy of everything held on the person, as one file (PIPL Art.45). */
function ExportCard({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const download = async () => {
    setBusy(true);
    try {
      await api.download('/v1/consumer/data-export', `fenghuo-personal-data-${chinaToday()}.json`);
      void message.success(t('dataRights.export.done'));
      onDone();
    } catch (error) {
      void message.error(describeError(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card className="fh-card" title={t('dataRights.export.title')} data-testid="data-export">
      <Typography.Paragraph type="secondary">{t('dataRights.export.intro')}</Typography.Paragraph>
      <Button type="primary" icon={<DownloadOutlined />} loading={busy} onClick={() => void download()} data-action="export">
        {t('dataRights.export.button')}
      </Button>
    </Card>
  );
}

/** Correction of what the platform holds directly: the display name and the mobile number (Art.46). */
function CorrectionCard({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ displayName?: string; phone?: string; removePhone?: boolean }>();
  const removePhone = Form.useWatch('removePhone', form) === true;
  const [busy, setBusy] = useState(false);
  const submit = async (values: { displayName?: string; phone?: string; removePhone?: boolean }) => {
    const body: Record<string, unknown> = {};
    if (values.displayName?.trim()) body.displayName = values.displayName.trim();
    if (values.removePhone) body.phone = null;
    else if (values.phone?.trim()) body.phone = values.phone.trim();
    if (Object.keys(body).length === 0) {
      void message.warning(t('dataRights.correct.empty'));
      return;
    }
    setBusy(true);
    try {
      await api.post('/v1/consumer/data-requests/correction', body);
      void message.success(t('dataRights.correct.done'));
      form.resetFields();
      onDone();
    } catch (error) {
      void message.error(describeError(error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card className="fh-card" title={t('dataRights.correct.title')} data-testid="data-correction">
      <Typography.Paragraph type="secondary">
        {t('dataRights.correct.intro')} <Link to="/consumer/credit-report">{t('dataRights.correct.creditLink')}</Link>
      </Typography.Paragraph>
      <Form form={form} layout="vertical" requiredMark={false} onFinish={(values) => void submit(values)}>
        <Form.Item name="displayName" label={t('dataRights.correct.displayName')} rules={[{ max: 60, message: t('dataRights.correct.nameTooLong') }]}>
          <Input maxLength={60} placeholder={t('dataRights.correct.unchanged')} />
        </Form.Item>
        <Form.Item name="phone" label={t('dataRights.correct.phone')} rules={[{ pattern: /^1[3-9]\d{9}$/, message: t('dataRights.correct.phoneInvalid') }]}>
          <Input inputMode="numeric" maxLength={11} disabled={removePhone} placeholder={t('dataRights.correct.unchanged')} />
        </Form.Item>
        <Form.Item name="removePhone" valuePropName="checked">
          <Checkbox>{t('dataRights.correct.removePhone')}</Checkbox>
        </Form.Item>
        <Button htmlType="submit" icon={<EditOutlined />} loading={busy} data-action="correct">
          {t('dataRights.correct.button')}
        </Button>
      </Form>
    </Card>
  );
}

/** Deletion and closing the account (Art.47): what stops it now, what goes, what the law keeps; confirmed with the password. */
function DeletionCard({ plan, onRefused }: { plan: DeletionPlan; onRefused: () => void }) {
  const { t } = useTranslation();
  const text = useText();
  const { message } = App.useApp();
  const { end } = useSession();
  const navigate = useNavigate();
  const [password, setPassword] = useState('');
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [deleted, setDeleted] = useState(false);
  const blocked = plan.holds.length > 0;
  const remove = async () => {
    setBusy(true);
    try {
      await api.post('/v1/consumer/data-requests/deletion', { password });
      setOpen(false);
      setDeleted(true);
    } catch (error) {
      void message.error(describeError(error));
      onRefused();
    } finally {
      setBusy(false);
    }
  };
  if (deleted) {
    return (
      <Card className="fh-card" data-testid="data-deleted">
        <Result
          status="success"
          title={t('dataRights.delete.doneTitle')}
          subTitle={t('dataRights.delete.doneText')}
          extra={
            <Button type="primary" onClick={() => void end({ serverGone: true }).then(() => navigate('/'))}>
              {t('dataRights.delete.leave')}
            </Button>
          }
        />
      </Card>
    );
  }
  return (
    <Card className="fh-card" title={t('dataRights.delete.title')} data-testid="data-deletion" data-blocked={String(blocked)}>
      {blocked && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          message={t('dataRights.delete.blocked')}
          description={
            <ul className="fh-plain-list">
              {plan.holds.map((hold) => (
                <li key={hold.resource} data-testid="deletion-hold">
                  <Typography.Text strong>{text(hold.title)}</Typography.Text>
                  <div className="fh-secondary-name">{text(hold.basis)}</div>
                </li>
              ))}
            </ul>
          }
        />
      )}
      <Row gutter={[16, 8]}>
        <Col xs={24} md={12}>
          <Typography.Title level={5}>{t('dataRights.delete.erases')}</Typography.Title>
          <ul className="fh-plain-list">
            {plan.erases.map((item) => (
              <li key={item.en}>{text(item)}</li>
            ))}
          </ul>
        </Col>
        <Col xs={24} md={12}>
          <Typography.Title level={5}>{t('dataRights.delete.retained')}</Typography.Title>
          <ul className="fh-plain-list">
            {plan.retained.map((item) => (
              <li key={item.category}>
                {text(item.title)}
                <div className="fh-secondary-name">{text(item.basis)}</div>
              </li>
            ))}
          </ul>
        </Col>
      </Row>
      <Button danger icon={<DeleteOutlined />} disabled={blocked} onClick={() => setOpen(true)} data-action="delete">
        {t('dataRights.delete.button')}
      </Button>
      <Modal
        open={open}
        title={t('dataRights.delete.confirmTitle')}
        okText={t('dataRights.delete.confirmOk')}
        okButtonProps={{ danger: true, disabled: password.length === 0, loading: busy }}
        cancelText={t('common.cancel')}
        onOk={() => void remove()}
        onCancel={() => setOpen(false)}
        destroyOnHidden
      >
        <Typography.Paragraph>{t('dataRights.delete.confirmText')}</Typography.Paragraph>
        <Input.Password autoComplete="current-password" value={password} onChange={(event) => setPassword(event.target.value)} placeholder={t('dataRights.delete.password')} data-testid="deletion-password" />
      </Modal>
    </Card>
  );
}

/** The person's earlier requests and how each ended. */
function RequestList({ items }: { items: DataRequest[] }) {
  const { t } = useTranslation();
  const text = useText();
  return (
    <Card className="fh-card" title={t('dataRights.requests.title')} data-testid="data-requests">
      <List<DataRequest>
        dataSource={items}
        rowKey="requestId"
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('dataRights.requests.empty')} /> }}
        renderItem={(item) => (
          <List.Item data-testid="data-request" data-kind={item.kind} data-outcome={item.outcome}>
            <Flex vertical gap={4} style={{ width: '100%' }}>
              <Flex gap={8} wrap align="center">
                <Typography.Text strong>{t(`dataRights.requests.kind.${item.kind}`)}</Typography.Text>
                <Tag color={item.outcome === 'completed' ? 'green' : 'orange'}>{t(`dataRights.requests.outcome.${item.outcome}`)}</Tag>
                <Typography.Text type="secondary">{formatDateTime(item.requestedAt)}</Typography.Text>
              </Flex>
              {item.detail.fields && <span>{t('dataRights.requests.corrected', { fields: item.detail.fields.map((field) => t(`dataRights.requests.field.${field}`, { defaultValue: field })).join(t('dataRights.requests.separator')) })}</span>}
              {item.refusal?.map((hold) => (
                <span key={hold.resource} className="fh-secondary-name">
                  {text(hold.title)}
                </span>
              ))}
            </Flex>
          </List.Item>
        )}
      />
    </Card>
  );
}

/** The consumer's data rights: copy, correction, deletion, and the record of each request. */
export function DataRightsPage() {
  const { t } = useTranslation();
  const [generation, setGeneration] = useState(0);
  const plan = useRemote(() => api.get<DeletionPlan>('/v1/consumer/data-requests/deletion-plan'), `plan-${generation}`);
  const requests = useRemote(() => api.get<{ items: DataRequest[] }>('/v1/consumer/data-requests'), `requests-${generation}`);
  const reload = () => setGeneration((value) => value + 1);
  return (
    <>
      <PageTitle title={t('menu.dataRights')} subtitle={t('dataRights.subtitle')} />
      <Flex vertical gap={16}>
        <Row gutter={[16, 16]}>
          <Col xs={24} lg={12}>
            <ExportCard onDone={reload} />
            <Card className="fh-card" style={{ marginTop: 16 }}>
              <Link to="/consumer/access-log">
                <AuditOutlined /> {t('dataRights.accessLogLink')}
              </Link>
            </Card>
          </Col>
          <Col xs={24} lg={12}>
            <CorrectionCard onDone={reload} />
          </Col>
        </Row>
        {plan.error !== undefined && <ErrorState error={plan.error} onRetry={plan.reload} />}
        {!plan.data && plan.loading && <Skeleton active />}
        {plan.data && <DeletionCard plan={plan.data} onRefused={reload} />}
        {requests.error !== undefined && <ErrorState error={requests.error} onRetry={requests.reload} />}
        {requests.data && <RequestList items={requests.data.items} />}
      </Flex>
    </>
  );
}

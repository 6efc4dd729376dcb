import { Alert, App, Breadcrumb, Button, Card, Descriptions, Form, Grid, Input, Modal, Skeleton, Space, Table, Tag, Timeline, Typography } from 'antd';
import type { TableColumnsType } from 'antd';
import { CheckOutlined, CloseOutlined, RiseOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { api } from '../api.js';
import { ErrorState } from '../components/ErrorState.js';
import { PageTitle } from '../components/PageTitle.js';
import { describeError, showFieldError } from '../components/forms.js';
import { useDateTime, useLocalName, useLocalNote } from '../components/format.js';
import { useRemote } from '../components/useRemote.js';
import { useRecordTypeName, useStandard, useZhEn } from '../filing/standard.js';
import { useSession } from '../session.js';
import type { AlertDetail, AlertMove, AlertStatus, Fact } from '../types.js';
import { AlertStatusTag, SeverityTag } from './tags.js';
import { useFactLabel, useFactText } from './values.js';

/** The moves the lifecycle allows from each status (the server checks them again). */
const moves: Record<AlertStatus, AlertMove[]> = {
  new: ['triaged', 'escalated', 'dismissed'],
  triaged: ['escalated', 'dismissed'],
  escalated: [],
  dismissed: [],
  superseded: [],
};

const moveIcons: Record<AlertMove, React.ReactNode> = { triaged: <CheckOutlined />, escalated: <RiseOutlined />, dismissed: <CloseOutlined /> };

interface Props {
  alertId: string;
  scope: 'supervisor' | 'institution';
  /** The alert list this page belongs to. */
  listPath: string;
  /** Where a filing's page lives: `${filingPath}/${filingId}`. */
  filingPath: string;
}

/**
 * One alert: why it fired in a sentence, the legal basis, the values it was raised on, the records
 * with their filings, and what was done about it. The supervisor moves it on; the institution reads.
 */
export function AlertDetailView({ alertId, scope, listPath, filingPath }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const text = useZhEn();
  const name = useLocalName();
  const dateTime = useDateTime();
  const note = useLocalNote();
  const factText = useFactText();
  const factLabel = useFactLabel();
  const screens = Grid.useBreakpoint();
  const { standard } = useStandard();
  const recordTypeName = useRecordTypeName(standard);
  const detail = useRemote(() => api.get<AlertDetail>(`/v1/${scope}/alerts/${encodeURIComponent(alertId)}`), alertId);
  const [moving, setMoving] = useState<AlertMove | null>(null);
  const [busy, setBusy] = useState(false);
  const [form] = Form.useForm<{ reason?: string }>();
  const [current, setCurrent] = useState<AlertDetail>();

  // The reply of a move is the alert as it now is; it replaces the loaded one until the next load.
  const alert = current && current.id === detail.data?.id && current.updatedAt >= detail.data.updatedAt ? current : detail.data;
  const layout = screens.md === false ? 'vertical' : 'horizontal';
  const { principal } = useSession();

  /** Who moved the alert: the system, the reader, another supervisor by name, or (to an institution) a supervisor. */
  const who = (by: string, byName: string | null) => {
    if (!by || by === 'system') return t('alerts.system');
    if (principal?.role === 'supervisor' && by === principal.userId) return t('alerts.byYou', { name: principal.displayName });
    if (scope === 'supervisor') return byName ?? t('alerts.anotherSupervisor', { id: by.slice(0, 8) });
    return t('alerts.aSupervisor');
  };

  const move = async (to: AlertMove, reason?: string) => {
    setBusy(true);
    try {
      const moved = await api.post<AlertDetail>(`/v1/supervisor/alerts/${encodeURIComponent(alertId)}/transitions`, { to, ...(reason?.trim() ? { reason: reason.trim() } : {}) });
      setCurrent(moved);
      message.success(t(`alerts.moved.${to}`));
      setMoving(null);
    } catch (error) {
      if (!showFieldError(form, error, ['reason'])) message.error(describeError(error));
      detail.reload();
    } finally {
      setBusy(false);
    }
  };

  const kindTag = (kind: Fact['kind']) => <Tag>{t(`alerts.factKinds.${kind}`)}</Tag>;
  const valueColumn: TableColumnsType<Fact>[number] = { title: t('alerts.factValue'), key: 'value', align: 'right', render: (_, fact) => <span className="fh-figure" data-fact={fact.name}>{alert ? factText(fact, alert.recordType) : ''}</span> };
  // On a phone the source goes under the item, so that the value keeps its place on the screen.
  const factColumns: TableColumnsType<Fact> =
    screens.md === false
      ? [{ title: t('alerts.factName'), key: 'label', render: (_, fact) => <div>{factLabel(fact)}<div>{kindTag(fact.kind)}</div></div> }, valueColumn]
      : [
          { title: t('alerts.factName'), key: 'label', render: (_, fact) => factLabel(fact) },
          { title: t('alerts.factKind'), dataIndex: 'kind', key: 'kind', render: kindTag },
          valueColumn,
        ];

  const actions = alert && scope === 'supervisor' && moves[alert.status].length > 0 && (
    <Space wrap>
      {moves[alert.status].map((to) => (
        <Button
          key={to}
          type={to === 'escalated' ? 'primary' : 'default'}
          danger={to === 'dismissed'}
          icon={moveIcons[to]}
          loading={busy && moving === null && to === 'triaged'}
          onClick={() => {
            form.resetFields();
            if (to === 'triaged') void move('triaged');
            else setMoving(to);
          }}
          data-action={to}
        >
          {t(`alerts.actions.${to}`)}
        </Button>
      ))}
    </Space>
  );

  return (
    <>
      <Breadcrumb items={[{ title: <Link to={listPath}>{t(scope === 'supervisor' ? 'menu.alerts' : 'menu.ourAlerts')}</Link> }, { title: alert ? text(alert.title) : '…' }]} className="fh-breadcrumb" />
      {detail.error !== undefined && <ErrorState error={detail.error} onRetry={detail.reload} />}
      {!alert && detail.loading && <Skeleton active paragraph={{ rows: 10 }} />}
      {alert && (
        <Space orientation="vertical" size={16} style={{ width: '100%' }} data-testid="alert-detail" data-status={alert.status}>
          <PageTitle
            title={
              <Space wrap size={8}>
                <span>{text(alert.title)}</span>
                <SeverityTag severity={alert.severity} />
                <AlertStatusTag status={alert.status} />
              </Space>
            }
            subtitle={
              <>
                <span className="fh-mono">{t('alerts.ruleVersion', { ruleId: alert.ruleId, version: alert.ruleVersion })}</span> · {name(alert.institution)} · {alert.period}
              </>
            }
            extra={actions}
          />
          <Alert type={alert.severity === 'high' ? 'error' : 'warning'} showIcon title={t('alerts.explanation')} description={text(alert.explanation)} data-testid="alert-explanation" />
          {scope === 'institution' && <Alert type="info" showIcon title={t('alerts.readOnly')} />}

          <Card className="fh-card" title={t('alerts.basis')} data-testid="alert-basis">
            <Descriptions column={1} size="small" layout={layout}>
              <Descriptions.Item label={t('alerts.law')}>{text(alert.basis.law)}</Descriptions.Item>
              <Descriptions.Item label={t('alerts.article')}>{alert.basis.article}</Descriptions.Item>
              <Descriptions.Item label={t('alerts.figure')}>{text(alert.basis.figure)}</Descriptions.Item>
            </Descriptions>
          </Card>

          <Card className="fh-card" title={t('alerts.facts')}>
            <Table<Fact> rowKey="name" data-testid="facts-table" columns={factColumns} dataSource={alert.facts} pagination={false} size="small" scroll={{ x: 'max-content' }} />
          </Card>

          <Card className="fh-card" title={t('alerts.records')}>
            <Space orientation="vertical" size={8} style={{ width: '100%' }} data-testid="alert-records">
              {alert.records.map((record) => (
                <Space key={`${record.recordType}/${record.recordId}/${record.filingId}`} wrap size={8}>
                  <span>{recordTypeName(record.recordType)}</span>
                  <span className="fh-mono">{record.recordId}</span>
                  <span className="fh-mono">{record.period}</span>
                  <Link to={`${filingPath}/${record.filingId}`} data-testid="record-filing-link">
                    {t('alerts.openFiling')}
                  </Link>
                </Space>
              ))}
            </Space>
          </Card>

          <Card className="fh-card" title={t('alerts.history')}>
            <Timeline
              className="fh-history"
              data-testid="alert-history"
              items={alert.history.map((entry) => ({
                color: entry.to === 'dismissed' ? 'gray' : entry.to === 'escalated' ? 'red' : 'blue',
                content: (
                  <div data-history-to={entry.to}>
                    <Space wrap size={6}>
                      {entry.from ? <AlertStatusTag status={entry.from} /> : null}
                      {entry.from ? '→' : null}
                      {entry.from ? <AlertStatusTag status={entry.to} /> : <span>{t('alerts.created')}</span>}
                    </Space>
                    <div>
                      <Typography.Text type="secondary">
                        {dateTime(entry.at)} · {t('alerts.by', { by: who(entry.by, entry.byName) })}
                      </Typography.Text>
                    </div>
                    {entry.reason && <div className="fh-reason">{t('alerts.reasonLine', { reason: note(entry.reason) })}</div>}
                  </div>
                ),
              }))}
            />
          </Card>
        </Space>
      )}

      <Modal
        open={moving !== null}
        title={moving ? t(`alerts.moveTitle.${moving}`) : ''}
        okText={t('common.confirm')}
        cancelText={t('common.cancel')}
        okButtonProps={{ danger: moving === 'dismissed' }}
        confirmLoading={busy}
        onOk={() => form.submit()}
        onCancel={() => setMoving(null)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" preserve={false} onFinish={(values) => moving && void move(moving, values.reason)}>
          <Form.Item
            name="reason"
            label={t(moving === 'dismissed' ? 'alerts.reason' : 'alerts.reasonOptional')}
            rules={moving === 'dismissed' ? [{ required: true, whitespace: true, message: t('alerts.reasonRequired') }] : []}
          >
            <Input.TextArea rows={4} maxLength={1000} showCount placeholder={t(moving === 'dismissed' ? 'alerts.reasonPlaceholder' : 'alerts.escalatePlaceholder')} data-testid="move-reason" />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

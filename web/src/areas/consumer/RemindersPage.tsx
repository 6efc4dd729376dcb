import { Alert, App, Button, Card, Col, Descriptions, Empty, Flex, List, Result, Row, Skeleton, Typography } from 'antd';
import { CheckOutlined, StopOutlined } from '@ant-design/icons';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, describeError } from '../../api.js';
import { ErrorState } from '../../components/ErrorState.js';
import { PageTitle } from '../../components/PageTitle.js';
import { formatDateTime } from '../../components/format.js';
import { useRemote } from '../../components/useRemote.js';
import { useZhEn } from '../../filing/standard.js';
import { formatAmount } from '../../screening/money.js';
import { remindersChanged } from '../../screening/ReminderBadge.js';
import { ReminderStatusTag } from '../../screening/tags.js';
import type { ReminderView } from '../../screening/types.js';

/** The time in China, said so. */
function useChinaTime(): (value: string | null | undefined) => string {
  const { t } = useTranslation();
  return (value) => (value ? t('screening.inbox.chinaTime', { time: formatDateTime(value) }) : '—');
}

function amountOf(reminder: ReminderView): string {
  return formatAmount(reminder.summary.currency, reminder.summary.amountMinor, reminder.summary.minorUnits);
}

/** What became of an answered reminder, in words. */
function Outcome({ reminder }: { reminder: ReminderView }) {
  const { t } = useTranslation();
  if (reminder.status === 'pending') return null;
  const status = reminder.status === 'confirmed' ? 'success' : 'info';
  // A refused payment is blocked: the stop sign says so.
  const icon = reminder.status === 'rejected' ? <StopOutlined style={{ color: '#cf1322' }} /> : undefined;
  return <Result status={status} icon={icon} title={t(`screening.inbox.${reminder.status}`)} className="fh-reminder-outcome" data-testid="reminder-outcome" data-status={reminder.status} />;
}

/** One held payment: how much, to whom, through whom, when, why it was held, and the two answers. */
function ReminderCard({ reminder, onAnswered }: { reminder: ReminderView; onAnswered: (answered: ReminderView) => void }) {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const text = useZhEn();
  const chinaTime = useChinaTime();
  const [busy, setBusy] = useState<'confirm' | 'reject'>();
  const { summary } = reminder;
  const overdue = reminder.status === 'pending' && Date.parse(reminder.deadline) <= Date.now();
  const payee = summary.payeeName ?? t('screening.inbox.unnamedPayee');

  const answer = async (choice: 'confirm' | 'reject') => {
    setBusy(choice);
    try {
      const answered = await api.post<ReminderView>(`/v1/consumer/reminders/${reminder.reminderId}/${choice}`, {}, { 'x-fenghuo-client': 'portal' });
      onAnswered(answered);
      remindersChanged();
    } catch (error) {
      void message.error(describeError(error));
    } finally {
      setBusy(undefined);
    }
  };

  const reject = () => {
    void modal.confirm({
      title: t('screening.inbox.rejectTitle'),
      content: t('screening.inbox.rejectText', { institution: text(summary.institution), amount: amountOf(reminder) }),
      okText: t('screening.inbox.rejectOk'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: () => answer('reject'),
    });
  };

  return (
    <Card className="fh-card fh-reminder" data-testid="reminder-card" data-reminder-id={reminder.reminderId} data-status={reminder.status}>
      <Flex justify="space-between" align="flex-start" wrap gap={8}>
        <div>
          <div className="fh-reminder-amount" data-testid="reminder-amount">
            {amountOf(reminder)}
          </div>
          <Typography.Text strong>{t('screening.inbox.toPayee', { payee })}</Typography.Text>
        </div>
        <ReminderStatusTag status={reminder.status} />
      </Flex>
      <Descriptions column={{ xs: 1, md: 2 }} size="small" className="fh-reminder-facts">
        <Descriptions.Item label={t('screening.inbox.account')}>
          <span className="fh-mono">{summary.payeeAccountMasked}</span>
        </Descriptions.Item>
        <Descriptions.Item label={t('screening.inbox.institution')}>{text(summary.institution)}</Descriptions.Item>
        <Descriptions.Item label={t('screening.inbox.initiatedAt')}>{chinaTime(summary.initiatedAt)}</Descriptions.Item>
        {reminder.status === 'pending' ? (
          <Descriptions.Item label={t('screening.inbox.deadline')}>
            <Typography.Text type={overdue ? 'danger' : undefined}>{chinaTime(reminder.deadline)}</Typography.Text>
          </Descriptions.Item>
        ) : (
          <Descriptions.Item label={t('screening.inbox.answeredAt')}>{chinaTime(reminder.answeredAt)}</Descriptions.Item>
        )}
      </Descriptions>
      {summary.reasons.length > 0 && (
        <Alert
          type="warning"
          showIcon
          className="fh-reminder-why"
          title={t('screening.inbox.why')}
          data-testid="reminder-reasons"
          description={
            <>
              {summary.reasons.map((reason) => (
                <Typography.Paragraph key={reason.ruleId} style={{ marginBottom: 8 }}>
                  {text(reason.explanation) !== '—' && text(reason.explanation) !== '' ? text(reason.explanation) : text(reason.title)}
                </Typography.Paragraph>
              ))}
              {reminder.status === 'pending' && <Typography.Text type="secondary">{t('screening.inbox.advice')}</Typography.Text>}
            </>
          }
        />
      )}
      {reminder.status === 'pending' ? (
        overdue ? (
          <Typography.Text type="secondary">{t('screening.inbox.overdue')}</Typography.Text>
        ) : (
          <Flex gap={12} wrap className="fh-reminder-actions">
            <Button type="primary" size="large" icon={<CheckOutlined />} loading={busy === 'confirm'} disabled={busy !== undefined} onClick={() => void answer('confirm')} data-action="confirm">
              {t('screening.inbox.confirm')}
            </Button>
            <Button danger size="large" icon={<StopOutlined />} loading={busy === 'reject'} disabled={busy !== undefined} onClick={reject} data-action="reject">
              {t('screening.inbox.reject')}
            </Button>
          </Flex>
        )
      ) : (
        <Outcome reminder={reminder} />
      )}
    </Card>
  );
}

/**
 * Safe-transaction reminders: each payment a payment institution held for the consumer's answer,
 * with why, and the answers "it was me" and "not me"; answered and expired ones below.
 */
export function RemindersPage() {
  const { t } = useTranslation();
  const text = useZhEn();
  const chinaTime = useChinaTime();
  const list = useRemote(() => api.get<{ items: ReminderView[] }>('/v1/consumer/reminders', { pageSize: 100 }), 'reminders');
  // Answers given on this page, shown in place until the page is left.
  const [answered, setAnswered] = useState<Record<string, ReminderView>>({});
  const items = (list.data?.items ?? []).map((item) => answered[item.reminderId] ?? item);
  const current = items.filter((item) => item.status === 'pending' || answered[item.reminderId]);
  const history = items.filter((item) => item.status !== 'pending');

  return (
    <>
      <PageTitle title={t('menu.reminders')} subtitle={t('screening.inbox.subtitle')} />
      {list.error !== undefined && <ErrorState error={list.error} onRetry={list.reload} />}
      {!list.data && list.loading && <Skeleton active />}
      {list.data && (
        <>
          <Typography.Title level={5}>{t('screening.inbox.pending')}</Typography.Title>
          {current.length === 0 ? (
            <Card className="fh-card" style={{ marginBottom: 24 }}>
              <Empty description={t('screening.inbox.nonePending')} image={Empty.PRESENTED_IMAGE_SIMPLE} data-testid="reminders-none" />
            </Card>
          ) : (
            <Row gutter={[16, 16]} style={{ marginBottom: 24 }}>
              {current.map((reminder) => (
                <Col xs={24} xl={12} key={reminder.reminderId}>
                  <ReminderCard reminder={reminder} onAnswered={(view) => setAnswered((all) => ({ ...all, [view.reminderId]: view }))} />
                </Col>
              ))}
            </Row>
          )}
          <Typography.Title level={5}>{t('screening.inbox.history')}</Typography.Title>
          <Card className="fh-card">
            <List
              data-testid="reminder-history"
              locale={{ emptyText: <Empty description={t('screening.inbox.noHistory')} image={Empty.PRESENTED_IMAGE_SIMPLE} /> }}
              dataSource={history}
              renderItem={(reminder) => (
                <List.Item key={reminder.reminderId} data-reminder-id={reminder.reminderId} extra={<ReminderStatusTag status={reminder.status} />}>
                  <List.Item.Meta
                    title={
                      <>
                        {amountOf(reminder)} · {t('screening.inbox.toPayee', { payee: reminder.summary.payeeName ?? t('screening.inbox.unnamedPayee') })}
                      </>
                    }
                    description={`${text(reminder.summary.institution)} · ${chinaTime(reminder.summary.initiatedAt)}`}
                  />
                </List.Item>
              )}
            />
          </Card>
        </>
      )}
    </>
  );
}

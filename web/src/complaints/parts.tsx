/** Pieces every complaints screen shows: status, deadline, the complaint's facts and its history. */
import { Descriptions, Space, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { formatDateTime, formatYuan, useLocalName } from '../components/format.js';
import { chinaToday, daysBetween } from '../credit/types.js';
import type { ComplaintView } from '../../../src/complaints/complaint.service.js';

export type { ComplaintView };
export type ComplaintStatus = ComplaintView['status'];

/** A coded value's label in the current language. */
export function useCodeLabel(): (item: { zh: string; en: string } | null | undefined) => string {
  const { i18n } = useTranslation();
  const english = i18n.language.startsWith('en');
  return (item) => (item ? (english ? item.en : item.zh) : '—');
}

const statusColours: Record<ComplaintStatus, string> = { filed: 'blue', in_progress: 'processing', answered: 'cyan', disputed: 'orange', in_mediation: 'purple', closed: 'default' };

/** The status, the way it was closed, and a red "late" when it is. */
export function ComplaintStatusTags({ complaint }: { complaint: ComplaintView }) {
  const { t } = useTranslation();
  return (
    <Space size={4} wrap data-testid="complaint-status" data-status={complaint.status} data-late={complaint.late ? 'true' : 'false'}>
      <Tag color={statusColours[complaint.status]}>{complaint.closure ? t(`complaints.closure.${complaint.closure}`) : t(`complaints.status.${complaint.status}`)}</Tag>
      {complaint.late && <Tag color="red">{t('complaints.late')}</Tag>}
      {!complaint.institution.registered && <Tag color="gold">{t('complaints.unregistered')}</Tag>}
    </Space>
  );
}

/** The last day to answer with the days left (or how late), while no final answer was given. */
export function DeadlineText({ complaint }: { complaint: ComplaintView }) {
  const { t } = useTranslation();
  const { lastDay } = complaint.deadline;
  if (lastDay === null) return <Typography.Text type="secondary">{t('complaints.noDeadline')}</Typography.Text>;
  const waiting = complaint.status === 'filed' || complaint.status === 'in_progress';
  const left = daysBetween(chinaToday(), lastDay);
  return (
    <span data-testid="complaint-deadline">
      <span>{t('complaints.lastDayValue', { day: lastDay, days: complaint.deadline.days, kind: t(`complaints.dayKind.${complaint.deadline.dayKind}`) })}</span>
      {complaint.deadline.extension !== 'none' && (
        <Tag style={{ marginInlineStart: 6 }} color={complaint.deadline.extension === 'further_requested' ? 'gold' : 'default'}>
          {t(`complaints.extension.${complaint.deadline.extension}`)}
        </Tag>
      )}
      {waiting && (
        <>
          {' '}
          <Typography.Text type={left < 0 ? 'danger' : left <= 3 ? 'warning' : 'secondary'} strong={left < 0}>
            {left < 0 ? t('complaints.overdueBy', { days: -left }) : left === 0 ? t('complaints.dueToday') : t('complaints.daysLeft', { days: left })}
          </Typography.Text>
        </>
      )}
    </span>
  );
}

/** The complaint's facts, the institution's answer and the consumer's feedback. */
export function ComplaintFacts({ complaint, showJurisdiction }: { complaint: ComplaintView; showJurisdiction?: boolean }) {
  const { t } = useTranslation();
  const name = useLocalName();
  const label = useCodeLabel();
  return (
    <Descriptions column={1} size="small" bordered className="fh-complaint-facts">
      <Descriptions.Item label={t('complaints.institution')}>{name(complaint.institution)}</Descriptions.Item>
      {showJurisdiction && <Descriptions.Item label={t('complaints.supervisor.jurisdiction')}>{name(complaint.jurisdiction)}</Descriptions.Item>}
      <Descriptions.Item label={t('complaints.product')}>
        {complaint.product}
        {complaint.productType && <Typography.Text type="secondary"> · {label(complaint.productType)}</Typography.Text>}
      </Descriptions.Item>
      <Descriptions.Item label={t('complaints.issue')}>{label(complaint.issue)}</Descriptions.Item>
      <Descriptions.Item label={t('complaints.received')}>{formatDateTime(complaint.receivedAt)}</Descriptions.Item>
      <Descriptions.Item label={t('complaints.lastDay')}>
        <DeadlineText complaint={complaint} />
      </Descriptions.Item>
      {complaint.amountAtStakeFen !== null && <Descriptions.Item label={t('complaints.amount')}>{formatYuan(complaint.amountAtStakeFen)}</Descriptions.Item>}
      <Descriptions.Item label={t('complaints.narrative')}>
        <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{complaint.narrative}</Typography.Paragraph>
      </Descriptions.Item>
      {complaint.response && (
        <Descriptions.Item label={t('complaints.answer')}>
          <Tag>{t(`complaints.category.${complaint.response.category}`)}</Tag>
          {complaint.response.reliefFen !== null && <Typography.Text strong>{formatYuan(complaint.response.reliefFen)}</Typography.Text>}
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: '6px 0 0' }} data-testid="complaint-answer">
            {complaint.response.text}
          </Typography.Paragraph>
        </Descriptions.Item>
      )}
      {complaint.feedback && (
        <Descriptions.Item label={t('complaints.feedback')}>
          {complaint.feedback.verdict === 'satisfied' ? t('complaints.feedbackForm.satisfied') : t('complaints.feedbackForm.dispute')}
          {complaint.feedback.reason && <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: '6px 0 0' }}>{complaint.feedback.reason}</Typography.Paragraph>}
        </Descriptions.Item>
      )}
    </Descriptions>
  );
}

/** Every step, oldest first, with who took it and when. */
export function ComplaintHistory({ complaint }: { complaint: ComplaintView }) {
  const { t, i18n } = useTranslation();
  if (!complaint.history) return null;
  return (
    <Timeline
      data-testid="complaint-history"
      items={complaint.history.map((event) => ({
        color: event.action === 'disputed' || event.action.includes('refused') ? 'orange' : event.action === 'satisfied' || event.action === 'mediation_settled' ? 'green' : 'blue',
        children: (
          <>
            <Typography.Text strong>{i18n.exists(`complaints.event.${event.action}`) ? t(`complaints.event.${event.action}`) : event.action}</Typography.Text>
            <br />
            <Typography.Text type="secondary">
              {t(`complaints.actor.${event.actorRole}`)} · {formatDateTime(event.at)}
            </Typography.Text>
          </>
        ),
      }))}
    />
  );
}
